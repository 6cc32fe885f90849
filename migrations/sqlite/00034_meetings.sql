-- 会商 meetings and their 交办 tasks (issue 19, item 3). A meeting is
-- convened by a leader on one or more cases; who signed in, the minutes
-- and each decision (a task for a desk, with a due date) are kept here.
-- A task's due date runs as one of its first case's case_deadlines rows
-- (kind 'task:<id>'), so the sweep warns of it like any other limit; the
-- limit names the desk the sweep tells (notify_desk: the task's owner,
-- not the desk holding the case).

-- +goose Up
CREATE TABLE meetings (
    id             INTEGER PRIMARY KEY,
    starts_at      TIMESTAMP NOT NULL,
    ends_at        TIMESTAMP NOT NULL,
    place          TEXT NOT NULL,
    room_id        INTEGER REFERENCES mediation_rooms(id),
    agenda         TEXT NOT NULL,
    invited_desks  TEXT NOT NULL DEFAULT '[]',
    invited_users  TEXT NOT NULL DEFAULT '[]',
    convened_by    TEXT NOT NULL,
    convener_name  TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'held')),
    minutes_text   TEXT NOT NULL DEFAULT '',
    minutes_by     TEXT NOT NULL DEFAULT '',
    minutes_at     TIMESTAMP,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX meetings_starts ON meetings(starts_at);

CREATE TABLE meeting_cases (
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id),
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, case_id)
);
CREATE INDEX meeting_cases_case ON meeting_cases(case_id);

CREATE TABLE meeting_attendance (
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id),
    username    TEXT NOT NULL,
    name        TEXT NOT NULL,
    desk        TEXT NOT NULL DEFAULT '',
    signed_at   TIMESTAMP NOT NULL,
    signed_by   TEXT NOT NULL,
    PRIMARY KEY (meeting_id, username)
);

CREATE TABLE meeting_tasks (
    id           INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id),
    position     INTEGER NOT NULL,
    owner_desk   TEXT NOT NULL REFERENCES desks(code),
    content      TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    report       TEXT NOT NULL DEFAULT '',
    done_by      TEXT NOT NULL DEFAULT '',
    done_at      TIMESTAMP,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX meeting_tasks_desk ON meeting_tasks(owner_desk, status);
CREATE INDEX meeting_tasks_open ON meeting_tasks(status, due_on);

ALTER TABLE case_deadlines ADD COLUMN notify_desk TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE case_deadlines DROP COLUMN notify_desk;
DROP TABLE meeting_tasks;
DROP TABLE meeting_attendance;
DROP TABLE meeting_cases;
DROP TABLE meetings;
