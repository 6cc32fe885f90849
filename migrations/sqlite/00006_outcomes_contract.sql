-- What several features share about a case's outcome and supervision: the
-- closure type (honest outcomes), whether it closed within its time limit,
-- how often it was reopened, its deadline warning level, its supervision
-- (督办) level, and the citizen's one satisfaction rating. The deadline
-- engine, the citizen side and the statistics all read these.

-- +goose Up
ALTER TABLE cases ADD COLUMN closure_type TEXT NOT NULL DEFAULT '';
-- NULL: the stage it closed in had no time limit.
ALTER TABLE cases ADD COLUMN closed_on_time BOOLEAN;
ALTER TABLE cases ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0;
-- '' (within time), 'yellow' (most of the time used), 'red' (overdue).
ALTER TABLE cases ADD COLUMN warning TEXT NOT NULL DEFAULT '';
-- '' (none), 'normal', 'yellow', 'red': the 督办 level a leader set.
ALTER TABLE cases ADD COLUMN supervision TEXT NOT NULL DEFAULT '';

CREATE INDEX cases_created_at ON cases(created_at);
CREATE INDEX cases_closed_at ON cases(closed_at);

-- 满意度评价: one per case, given by the citizen after closing.
CREATE TABLE case_ratings (
    case_id   INTEGER PRIMARY KEY REFERENCES cases(id),
    score     INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment   TEXT NOT NULL DEFAULT '',
    rated_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE case_ratings;
DROP INDEX cases_closed_at;
DROP INDEX cases_created_at;
ALTER TABLE cases DROP COLUMN supervision;
ALTER TABLE cases DROP COLUMN warning;
ALTER TABLE cases DROP COLUMN reopen_count;
ALTER TABLE cases DROP COLUMN closed_on_time;
ALTER TABLE cases DROP COLUMN closure_type;
