-- History the database itself refuses to rewrite (issue 15). The events
-- table, the ratings and the mediation records the domain never edits
-- refuse UPDATE and DELETE in triggers: a correction is a new event, never
-- an edit. Triggers stop a mistaken or careless statement, not an attacker
-- with the file, who can drop them; for that each event carries two hashes:
--   hash:      SHA-256 over the event's fields and the previous event's hash
--              (the global chain, in seq order);
--   case_hash: the same over the previous event of the same case (the
--              case's chain).
-- They are computed in Go (cases/chain.go), where events are appended;
-- `yidi verify` walks both chains. SQLite has no SHA-256 of its own, so
-- the hashes of the events already there are filled in by the first Open
-- after this migration (cases.Store.backfillChain), in one transaction
-- that also sets event_chain.backfilled; from then on no event row can be
-- updated at all.

-- +goose Up
ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN case_hash TEXT NOT NULL DEFAULT '';

-- One row: whether the hashes of the events older than this migration
-- have been filled in (until then, and only for a row without a hash, the
-- two hash columns may be set once).
CREATE TABLE event_chain (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    backfilled  BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO event_chain (id, backfilled) VALUES (1, FALSE);

-- What the last `yidi verify` (or serve --verify-every) found; /healthz
-- shows the newest row.
CREATE TABLE chain_checks (
    id          INTEGER PRIMARY KEY,
    checked_at  TIMESTAMP NOT NULL,
    ok          BOOLEAN NOT NULL,
    events      INTEGER NOT NULL,
    cases       INTEGER NOT NULL,
    message     TEXT NOT NULL DEFAULT ''
);

-- +goose StatementBegin
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events BEGIN
    SELECT RAISE(ABORT, 'events are append-only: a correction is a new event');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
WHEN NEW.seq IS NOT OLD.seq OR NEW.case_id IS NOT OLD.case_id OR NEW.at IS NOT OLD.at
    OR NEW.kind IS NOT OLD.kind OR NEW.desk IS NOT OLD.desk OR NEW.actor_id IS NOT OLD.actor_id
    OR NEW.actor_name IS NOT OLD.actor_name OR NEW.actor_role IS NOT OLD.actor_role
    OR NEW.body IS NOT OLD.body OR NEW.visibility IS NOT OLD.visibility OR NEW.data IS NOT OLD.data
    OR OLD.hash <> '' OR OLD.case_hash <> ''
    OR (SELECT backfilled FROM event_chain WHERE id = 1)
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: a correction is a new event');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER event_chain_once BEFORE UPDATE ON event_chain WHEN OLD.backfilled BEGIN
    SELECT RAISE(ABORT, 'the event chain is backfilled once');
END;
-- +goose StatementEnd

-- 满意度评价: given once, after closing, and kept as given.
-- +goose StatementBegin
CREATE TRIGGER case_ratings_append_only_update BEFORE UPDATE ON case_ratings BEGIN
    SELECT RAISE(ABORT, 'ratings are append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_ratings_append_only_delete BEFORE DELETE ON case_ratings BEGIN
    SELECT RAISE(ABORT, 'ratings are append-only');
END;
-- +goose StatementEnd

-- Mediation (00016). Agreements are superseded, never edited: only
-- superseded_by may be set, once. Obligations, 笔录, performances and
-- 催履 are never edited. A 回访 task is done (or cancelled) once: its
-- status and the record's columns change, what it is about does not.
-- Confirmations and sessions move through their statuses and are
-- rescheduled, so only their deletion is refused. Nothing is deleted.
-- +goose StatementBegin
CREATE TRIGGER mediation_agreements_no_edit BEFORE UPDATE ON mediation_agreements
WHEN NEW.id IS NOT OLD.id OR NEW.case_id IS NOT OLD.case_id OR NEW.desk IS NOT OLD.desk
    OR NEW.number IS NOT OLD.number OR NEW.version IS NOT OLD.version OR NEW.supersedes IS NOT OLD.supersedes
    OR NEW.form IS NOT OLD.form OR NEW.facts IS NOT OLD.facts OR NEW.terms IS NOT OLD.terms
    OR NEW.responsibility IS NOT OLD.responsibility OR NEW.personal_status IS NOT OLD.personal_status
    OR NEW.signed_on IS NOT OLD.signed_on OR NEW.reached_on IS NOT OLD.reached_on
    OR NEW.effective_on IS NOT OLD.effective_on OR NEW.confirmation_due IS NOT OLD.confirmation_due
    OR NEW.session_id IS NOT OLD.session_id OR NEW.created_at IS NOT OLD.created_at
    OR NEW.created_by IS NOT OLD.created_by
    OR (OLD.superseded_by IS NOT NULL AND NEW.superseded_by IS NOT OLD.superseded_by)
BEGIN
    SELECT RAISE(ABORT, 'mediation agreements are never edited: a new version supersedes');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_agreements_no_delete BEFORE DELETE ON mediation_agreements BEGIN
    SELECT RAISE(ABORT, 'mediation agreements are never deleted');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_obligations_no_edit BEFORE UPDATE ON mediation_obligations BEGIN
    SELECT RAISE(ABORT, 'mediation obligations are never edited');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_obligations_no_delete BEFORE DELETE ON mediation_obligations BEGIN
    SELECT RAISE(ABORT, 'mediation obligations are never deleted');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_records_no_edit BEFORE UPDATE ON mediation_records BEGIN
    SELECT RAISE(ABORT, 'mediation records are never edited');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_records_no_delete BEFORE DELETE ON mediation_records BEGIN
    SELECT RAISE(ABORT, 'mediation records are never deleted');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_performances_no_edit BEFORE UPDATE ON mediation_performances BEGIN
    SELECT RAISE(ABORT, 'performance records are never edited');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_performances_no_delete BEFORE DELETE ON mediation_performances BEGIN
    SELECT RAISE(ABORT, 'performance records are never deleted');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_urgings_no_edit BEFORE UPDATE ON mediation_urgings BEGIN
    SELECT RAISE(ABORT, 'urgings are never edited');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_urgings_no_delete BEFORE DELETE ON mediation_urgings BEGIN
    SELECT RAISE(ABORT, 'urgings are never deleted');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_followups_no_edit BEFORE UPDATE ON mediation_followups
WHEN NEW.id IS NOT OLD.id OR NEW.case_id IS NOT OLD.case_id OR NEW.desk IS NOT OLD.desk
    OR NEW.reason IS NOT OLD.reason OR NEW.obligation_id IS NOT OLD.obligation_id
    OR NEW.due_on IS NOT OLD.due_on OR NEW.created_at IS NOT OLD.created_at
    OR OLD.status <> 'open'
BEGIN
    SELECT RAISE(ABORT, 'a follow-up is recorded once: what it is about is never edited');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_followups_no_delete BEFORE DELETE ON mediation_followups BEGIN
    SELECT RAISE(ABORT, 'follow-ups are never deleted');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_confirmations_no_delete BEFORE DELETE ON mediation_confirmations BEGIN
    SELECT RAISE(ABORT, 'confirmations are never deleted');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_sessions_no_delete BEFORE DELETE ON mediation_sessions BEGIN
    SELECT RAISE(ABORT, 'mediation sessions are never deleted: a session is cancelled');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER mediation_sessions_no_delete;
DROP TRIGGER mediation_confirmations_no_delete;
DROP TRIGGER mediation_followups_no_delete;
DROP TRIGGER mediation_followups_no_edit;
DROP TRIGGER mediation_urgings_no_delete;
DROP TRIGGER mediation_urgings_no_edit;
DROP TRIGGER mediation_performances_no_delete;
DROP TRIGGER mediation_performances_no_edit;
DROP TRIGGER mediation_records_no_delete;
DROP TRIGGER mediation_records_no_edit;
DROP TRIGGER mediation_obligations_no_delete;
DROP TRIGGER mediation_obligations_no_edit;
DROP TRIGGER mediation_agreements_no_delete;
DROP TRIGGER mediation_agreements_no_edit;
DROP TRIGGER case_ratings_append_only_delete;
DROP TRIGGER case_ratings_append_only_update;
DROP TRIGGER event_chain_once;
DROP TRIGGER events_append_only_update;
DROP TRIGGER events_append_only_delete;
DROP TABLE chain_checks;
DROP TABLE event_chain;
ALTER TABLE events DROP COLUMN case_hash;
ALTER TABLE events DROP COLUMN hash;
