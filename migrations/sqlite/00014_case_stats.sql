-- Statistics and the warning sweep on 100k cases (issue 7's two speed
-- targets).
--
-- 1. case_stats: per case, what the statistics scan (cases/stats.go) reads,
--    already computed: intake, close and deadline as julian days, the
--    on-time flag and rating score as one small number, the single
--    applicant, and the group key (status, desk, category, closure type,
--    town) as the id of a stats_keys row. Triggers keep it in step inside
--    the transaction that changes a case, its parties or its rating (the
--    application's own writes, imports and hand-written SQL alike), so it
--    can never disagree with what it is derived from; the backfill below
--    fills it for the cases already there. Every trigger recomputes the
--    touched case's row whole from one view (case_stats_computed). The
--    statistics read this narrow table (a few integers and reals a case)
--    instead of a ten-column expression index joined to ratings and
--    parties: a third of the reading time.
--
-- 2. warning leaves every index but the queues' own: cases_stats (00010,
--    unused since 00011) and cases_stats_scan (00011, replaced by
--    case_stats) go, and cases_list (00012) is rebuilt without warning
--    (its filter is served by cases_warning_desk). A sweep that sets
--    cases.warning on 100,000 cases then updates one index per case, not
--    four. The sweep's list of what is due reads case_deadlines_next_warn
--    alone (it holds case_id now).
--
-- SQLite only (triggers and julianday()); PostgreSQL would use a trigger
-- function and EXTRACT(EPOCH FROM ...).

-- +goose Up
-- One row per distinct group; ids are never reused or renumbered.
CREATE TABLE stats_keys (
    id            INTEGER PRIMARY KEY,
    status        TEXT NOT NULL,
    desk          TEXT NOT NULL,   -- '' for none
    category      TEXT NOT NULL,
    closure_type  TEXT NOT NULL,
    town          TEXT NOT NULL,
    UNIQUE (status, desk, category, closure_type, town)
);

CREATE TABLE case_stats (
    case_id    INTEGER PRIMARY KEY,   -- cases.id
    key_id     INTEGER NOT NULL,      -- stats_keys.id
    created    REAL NOT NULL,         -- julianday(created_at)
    closed     REAL NOT NULL,         -- julianday(closed_at), 0 when NULL
    deadline   REAL,                  -- julianday(deadline_at)
    flags      INTEGER NOT NULL,      -- on time (0 unknown, 1 late, 2 on time) + 6 * rating score (0: none)
    applicant  INTEGER NOT NULL       -- the applicant's person_id; 0 none; -1 several (read from case_parties)
);
-- The few cases with several applicants.
CREATE INDEX case_stats_applicants ON case_stats(case_id) WHERE applicant < 0;

-- What case_stats holds for each case, computed from the case, its rating
-- and its applicants: every trigger below copies the rows of the cases it
-- touched from here, and the backfill copies them all.
CREATE VIEW case_stats_computed AS
    SELECT c.id AS case_id, k.id AS key_id, julianday(c.created_at) AS created,
        COALESCE(julianday(c.closed_at), 0) AS closed, julianday(c.deadline_at) AS deadline,
        CASE WHEN c.closed_on_time IS NULL THEN 0 WHEN c.closed_on_time THEN 2 ELSE 1 END
            + 6 * COALESCE((SELECT r.score FROM case_ratings r WHERE r.case_id = c.id), 0) AS flags,
        (SELECT CASE COUNT(*) WHEN 0 THEN 0 WHEN 1 THEN MAX(cp.person_id) ELSE -1 END
            FROM case_parties cp WHERE cp.case_id = c.id AND cp.role = 'applicant') AS applicant
    FROM cases c JOIN stats_keys k ON k.status = c.status AND k.desk = COALESCE(c.desk, '')
        AND k.category = c.category AND k.closure_type = c.closure_type AND k.town = c.town;

-- A case's row is recomputed whole whenever the case, its rating or its
-- applicants change, so the order in which a transaction writes them is
-- free (an intake writes the case before its parties).
-- +goose StatementBegin
CREATE TRIGGER case_stats_case_insert AFTER INSERT ON cases BEGIN
    INSERT OR IGNORE INTO stats_keys (status, desk, category, closure_type, town)
        VALUES (NEW.status, COALESCE(NEW.desk, ''), NEW.category, NEW.closure_type, NEW.town);
    INSERT OR REPLACE INTO case_stats (case_id, key_id, created, closed, deadline, flags, applicant)
        SELECT case_id, key_id, created, closed, deadline, flags, applicant FROM case_stats_computed WHERE case_id = NEW.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_stats_case_update
AFTER UPDATE OF id, status, desk, category, closure_type, town, created_at, closed_at, closed_on_time, deadline_at ON cases BEGIN
    INSERT OR IGNORE INTO stats_keys (status, desk, category, closure_type, town)
        VALUES (NEW.status, COALESCE(NEW.desk, ''), NEW.category, NEW.closure_type, NEW.town);
    DELETE FROM case_stats WHERE case_id IN (OLD.id, NEW.id);
    INSERT INTO case_stats (case_id, key_id, created, closed, deadline, flags, applicant)
        SELECT case_id, key_id, created, closed, deadline, flags, applicant FROM case_stats_computed WHERE case_id = NEW.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_stats_case_delete AFTER DELETE ON cases BEGIN
    DELETE FROM case_stats WHERE case_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_stats_rating_insert AFTER INSERT ON case_ratings BEGIN
    INSERT OR REPLACE INTO case_stats (case_id, key_id, created, closed, deadline, flags, applicant)
        SELECT case_id, key_id, created, closed, deadline, flags, applicant FROM case_stats_computed WHERE case_id = NEW.case_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_stats_rating_update AFTER UPDATE OF case_id, score ON case_ratings BEGIN
    INSERT OR REPLACE INTO case_stats (case_id, key_id, created, closed, deadline, flags, applicant)
        SELECT case_id, key_id, created, closed, deadline, flags, applicant FROM case_stats_computed WHERE case_id IN (OLD.case_id, NEW.case_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_stats_rating_delete AFTER DELETE ON case_ratings BEGIN
    INSERT OR REPLACE INTO case_stats (case_id, key_id, created, closed, deadline, flags, applicant)
        SELECT case_id, key_id, created, closed, deadline, flags, applicant FROM case_stats_computed WHERE case_id = OLD.case_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_stats_party_insert AFTER INSERT ON case_parties WHEN NEW.role = 'applicant' BEGIN
    INSERT OR REPLACE INTO case_stats (case_id, key_id, created, closed, deadline, flags, applicant)
        SELECT case_id, key_id, created, closed, deadline, flags, applicant FROM case_stats_computed WHERE case_id = NEW.case_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_stats_party_update AFTER UPDATE OF case_id, person_id, role ON case_parties
WHEN OLD.role = 'applicant' OR NEW.role = 'applicant' BEGIN
    INSERT OR REPLACE INTO case_stats (case_id, key_id, created, closed, deadline, flags, applicant)
        SELECT case_id, key_id, created, closed, deadline, flags, applicant FROM case_stats_computed WHERE case_id IN (OLD.case_id, NEW.case_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_stats_party_delete AFTER DELETE ON case_parties WHEN OLD.role = 'applicant' BEGIN
    INSERT OR REPLACE INTO case_stats (case_id, key_id, created, closed, deadline, flags, applicant)
        SELECT case_id, key_id, created, closed, deadline, flags, applicant FROM case_stats_computed WHERE case_id = OLD.case_id;
END;
-- +goose StatementEnd

-- The backfill.
INSERT INTO stats_keys (status, desk, category, closure_type, town)
    SELECT DISTINCT status, COALESCE(desk, ''), category, closure_type, town FROM cases;
INSERT INTO case_stats (case_id, key_id, created, closed, deadline, flags, applicant)
    SELECT case_id, key_id, created, closed, deadline, flags, applicant FROM case_stats_computed;

DROP INDEX cases_stats;
DROP INDEX cases_stats_scan;
-- cases_list again, without warning. A database someone ran ANALYZE on
-- keeps the old index's statistics for it (the same columns but the last,
-- which after the unique id adds nothing): an index without any would look
-- more selective than it is to the planner, which then prefers it to
-- cases_status_desk for the leader's open-case counts (a sort, 3× slower).
-- ANALYZE sqlite_schema only creates sqlite_stat1 where there is none (as
-- the sqlite3 shell's .dump does), so the statements below always run.
ANALYZE sqlite_schema;
INSERT INTO sqlite_stat1 (tbl, idx, stat)
    SELECT tbl, 'cases_list (00014)', stat FROM sqlite_stat1 WHERE tbl = 'cases' AND idx = 'cases_list';
DROP INDEX cases_list;
CREATE INDEX cases_list ON cases(status, created_at, id, desk, created_by, closed_at, closure_type);
UPDATE sqlite_stat1 SET idx = 'cases_list',
    stat = CASE WHEN stat LIKE '% 1' THEN substr(stat, 1, length(stat) - 2) ELSE stat END
    WHERE tbl = 'cases' AND idx = 'cases_list (00014)';

-- The sweep lists what is due in case order: with case_id in the index the
-- list is read from it alone (and sorted), not from 100,000 table rows.
DROP INDEX case_deadlines_next_warn;
CREATE INDEX case_deadlines_next_warn ON case_deadlines(next_warn_at, case_id) WHERE next_warn_at IS NOT NULL;

-- +goose Down
DROP INDEX case_deadlines_next_warn;
CREATE INDEX case_deadlines_next_warn ON case_deadlines(next_warn_at) WHERE next_warn_at IS NOT NULL;
INSERT INTO sqlite_stat1 (tbl, idx, stat)
    SELECT tbl, 'cases_list (00014)', stat || ' 1' FROM sqlite_stat1 WHERE tbl = 'cases' AND idx = 'cases_list';
DROP INDEX cases_list;
CREATE INDEX cases_list ON cases(status, created_at, id, desk, created_by, closed_at, closure_type, warning);
UPDATE sqlite_stat1 SET idx = 'cases_list' WHERE tbl = 'cases' AND idx = 'cases_list (00014)';
CREATE INDEX cases_stats_scan ON cases(created_at, closed_at, status,
    (status || '|' || COALESCE(desk, '') || '|' || category || '|' || closure_type || '|' || town),
    julianday(created_at), julianday(closed_at),
    (CASE WHEN closed_on_time IS NULL THEN 0 WHEN closed_on_time THEN 2 ELSE 1 END),
    warning, julianday(deadline_at));
CREATE INDEX cases_stats ON cases(created_at, closed_at, status, desk, category, town,
    closure_type, closed_on_time, warning, deadline_at);
DROP TRIGGER case_stats_party_delete;
DROP TRIGGER case_stats_party_update;
DROP TRIGGER case_stats_party_insert;
DROP TRIGGER case_stats_rating_delete;
DROP TRIGGER case_stats_rating_update;
DROP TRIGGER case_stats_rating_insert;
DROP TRIGGER case_stats_case_delete;
DROP TRIGGER case_stats_case_update;
DROP TRIGGER case_stats_case_insert;
DROP VIEW case_stats_computed;
DROP TABLE case_stats;
DROP TABLE stats_keys;
