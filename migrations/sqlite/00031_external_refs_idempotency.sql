-- External references become {system, id} pairs that other systems send
-- with an intake or an online application (issue 17): a hotline's ticket,
-- a court's case number. A case may carry several, one per system and id;
-- a pair names one case only. The CAIL import's "cail2019-rc:…" references
-- split at their first colon; one without a colon belongs to "import".

-- +goose Up
CREATE TABLE case_external_refs_v2 (
    system      TEXT NOT NULL,
    ext_id      TEXT NOT NULL,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (system, ext_id)
);
INSERT INTO case_external_refs_v2 (system, ext_id, case_id, created_at)
SELECT CASE WHEN instr(ref, ':') > 1 THEN lower(substr(ref, 1, instr(ref, ':') - 1)) ELSE 'import' END,
       CASE WHEN instr(ref, ':') > 1 THEN substr(ref, instr(ref, ':') + 1) ELSE ref END,
       case_id, imported_at
FROM case_external_refs;
DROP TABLE case_external_refs;
ALTER TABLE case_external_refs_v2 RENAME TO case_external_refs;
CREATE INDEX case_external_refs_case ON case_external_refs(case_id);

-- Answers kept for Idempotency-Key on the API's other writes (case
-- actions, citizens' messages and applications): a retry with the same key
-- and request gets the first answer back. scope is whose key it is
-- ("user:12", or "public:" and the address); status 0 while the first
-- request runs; body sealed like idempotency_keys.sealed_code, since it
-- may hold a query code. Kept a day.
CREATE TABLE idempotent_answers (
    scope         TEXT NOT NULL,
    idem_key      TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL DEFAULT 0,
    sealed_body   TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotent_answers_created ON idempotent_answers(created_at);

-- +goose Down
DROP TABLE idempotent_answers;
CREATE TABLE case_external_refs_v1 (
    ref          TEXT PRIMARY KEY,
    case_id      INTEGER NOT NULL UNIQUE REFERENCES cases(id),
    imported_at  TIMESTAMP NOT NULL
);
INSERT OR IGNORE INTO case_external_refs_v1 (ref, case_id, imported_at)
SELECT system || ':' || ext_id, case_id, created_at FROM case_external_refs;
DROP TABLE case_external_refs;
ALTER TABLE case_external_refs_v1 RENAME TO case_external_refs;
