-- What the staff pages need: browser sessions kept in the database (they
-- survive a restart and can be shared by several app processes later), and
-- indexes behind the desk queues, sorted by age or by deadline.

-- +goose Up
CREATE TABLE web_sessions (
    id          TEXT PRIMARY KEY,
    data        BLOB NOT NULL,
    expires_at  TIMESTAMP
);
CREATE INDEX web_sessions_expires ON web_sessions(expires_at);

CREATE INDEX cases_desk_status_created ON cases(desk, status, created_at);
CREATE INDEX cases_desk_status_deadline ON cases(desk, status, deadline_at);
CREATE INDEX cases_status_created ON cases(status, created_at);
-- "cases this desk returned": return events by desk.
CREATE INDEX events_kind_desk ON events(kind, desk, case_id);

-- +goose Down
DROP INDEX events_kind_desk;
DROP INDEX cases_status_created;
DROP INDEX cases_desk_status_deadline;
DROP INDEX cases_desk_status_created;
DROP TABLE web_sessions;
