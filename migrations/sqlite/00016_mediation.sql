-- Mediation (issue 13): from session to performed agreement. Sessions and
-- their records (调解笔录), agreements in versions (人民调解法 第二十八、二十九条),
-- 司法确认 (人民调解法 第三十三条, 民事诉讼法 特别程序), the obligations and their
-- performance, and 回访. Every change of these tables is made in a case's
-- write transaction together with one event (cases/extension.go); the
-- events table stays the history, these are its working state.

-- +goose Up
-- Rooms are admin data; a session is in a room or by video.
CREATE TABLE mediation_rooms (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL
);

-- Settings of the mediation part: key/value, admin-edited.
--   default_short_name: the X of 卷号 "（2026）X人调字第N号" for a committee without its own
--   followup_days: days after a due date (and after closing) a 回访 falls due
--   court_desk: the desk that rules on 司法确认
CREATE TABLE mediation_settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO mediation_settings (key, value) VALUES
    ('default_short_name', '一地'),
    ('followup_days', '3'),
    ('court_desk', 'litigation');

-- A committee (调委会) is a desk; its short name goes into the 卷号.
CREATE TABLE mediation_committees (
    desk        TEXT PRIMARY KEY REFERENCES desks(code),
    short_name  TEXT NOT NULL
);

-- Per committee and year counter behind the 卷号.
CREATE TABLE mediation_counters (
    desk      TEXT NOT NULL,
    year      INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (desk, year)
);

CREATE TABLE mediation_sessions (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    desk            TEXT NOT NULL,                 -- the holding desk that scheduled it
    kind            TEXT NOT NULL,                 -- mediation | joint_conference | hearing
    starts_at       TIMESTAMP NOT NULL,
    ends_at         TIMESTAMP NOT NULL,            -- starts_at + minutes, for overlap checks
    minutes         INTEGER NOT NULL,
    room_id         INTEGER REFERENCES mediation_rooms(id),
    video_url       TEXT NOT NULL DEFAULT '',
    presiding       TEXT NOT NULL,                 -- username
    clerk           TEXT NOT NULL DEFAULT '',      -- username
    invited_desks   TEXT NOT NULL DEFAULT '[]',    -- JSON list of desk codes
    outsiders       TEXT NOT NULL DEFAULT '[]',    -- JSON [{name, role}]
    summoned        TEXT NOT NULL DEFAULT '[]',    -- JSON list of party names
    bring           TEXT NOT NULL DEFAULT '',      -- what the parties should bring
    status          TEXT NOT NULL,                 -- scheduled | held | cancelled
    cancel_reason   TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX mediation_sessions_case ON mediation_sessions(case_id, starts_at);
CREATE INDEX mediation_sessions_room ON mediation_sessions(room_id, starts_at) WHERE status = 'scheduled';

-- The staff of a session, one row each, so double booking is one indexed query.
CREATE TABLE mediation_session_staff (
    session_id  INTEGER NOT NULL REFERENCES mediation_sessions(id),
    username    TEXT NOT NULL,
    role        TEXT NOT NULL,                     -- presiding | mediator | clerk
    PRIMARY KEY (session_id, username)
);
CREATE INDEX mediation_session_staff_user ON mediation_session_staff(username);

-- 调解笔录: one per session.
CREATE TABLE mediation_records (
    session_id        INTEGER PRIMARY KEY REFERENCES mediation_sessions(id),
    attended_staff    TEXT NOT NULL DEFAULT '[]',  -- JSON usernames
    attended_parties  TEXT NOT NULL DEFAULT '[]',  -- JSON names
    statements        TEXT NOT NULL,
    result            TEXT NOT NULL,               -- agreement | no_agreement | adjourned
    adjourned_to      TIMESTAMP,
    recusal           TEXT NOT NULL DEFAULT '',    -- JSON {requested_by, against, reason, decision, replacement} or ''
    recorded_at       TIMESTAMP NOT NULL,
    recorded_by       TEXT NOT NULL
);

-- Agreements are never edited: a new version supersedes the old and both stay.
CREATE TABLE mediation_agreements (
    id                INTEGER PRIMARY KEY,
    case_id           INTEGER NOT NULL REFERENCES cases(id),
    desk              TEXT NOT NULL,
    number            TEXT NOT NULL,               -- 卷号, kept by later versions
    version           INTEGER NOT NULL,
    supersedes        INTEGER REFERENCES mediation_agreements(id),
    superseded_by     INTEGER REFERENCES mediation_agreements(id),
    form              TEXT NOT NULL,               -- written | oral
    facts             TEXT NOT NULL,
    terms             TEXT NOT NULL,
    responsibility    TEXT NOT NULL DEFAULT '',
    personal_status   BOOLEAN NOT NULL DEFAULT FALSE,
    signed_on         TEXT,                        -- YYYY-MM-DD (written)
    reached_on        TEXT NOT NULL,               -- YYYY-MM-DD
    effective_on      TEXT NOT NULL,               -- YYYY-MM-DD
    confirmation_due  TEXT NOT NULL,               -- last day to apply for 司法确认
    session_id        INTEGER REFERENCES mediation_sessions(id),
    created_at        TIMESTAMP NOT NULL,
    created_by        TEXT NOT NULL,
    UNIQUE (case_id, version)
);
CREATE INDEX mediation_agreements_current ON mediation_agreements(case_id) WHERE superseded_by IS NULL;

CREATE TABLE mediation_obligations (
    id            INTEGER PRIMARY KEY,
    agreement_id  INTEGER NOT NULL REFERENCES mediation_agreements(id),
    position      INTEGER NOT NULL,
    obligor       TEXT NOT NULL,
    obligee       TEXT NOT NULL,
    content       TEXT NOT NULL,
    amount_fen    BIGINT,
    due_on        TEXT NOT NULL,                   -- YYYY-MM-DD
    manner        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mediation_obligations_agreement ON mediation_obligations(agreement_id, position);
CREATE INDEX mediation_obligations_due ON mediation_obligations(due_on);

CREATE TABLE mediation_performances (
    id             INTEGER PRIMARY KEY,
    obligation_id  INTEGER NOT NULL REFERENCES mediation_obligations(id),
    status         TEXT NOT NULL,                  -- performed | partial | not_performed
    amount_fen     BIGINT,
    on_date        TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    recorded_at    TIMESTAMP NOT NULL,
    recorded_by    TEXT NOT NULL
);
CREATE INDEX mediation_performances_obligation ON mediation_performances(obligation_id, id);

-- 催履: urging an obligor to perform.
CREATE TABLE mediation_urgings (
    id             INTEGER PRIMARY KEY,
    obligation_id  INTEGER NOT NULL REFERENCES mediation_obligations(id),
    method         TEXT NOT NULL,                  -- phone | visit | sms | letter
    note           TEXT NOT NULL DEFAULT '',
    at             TIMESTAMP NOT NULL,
    recorded_by    TEXT NOT NULL
);
CREATE INDEX mediation_urgings_obligation ON mediation_urgings(obligation_id);

-- 司法确认 of one agreement version.
CREATE TABLE mediation_confirmations (
    agreement_id          INTEGER PRIMARY KEY REFERENCES mediation_agreements(id),
    case_id               INTEGER NOT NULL REFERENCES cases(id),
    court_desk            TEXT NOT NULL,
    applicants            TEXT NOT NULL,           -- JSON party names
    applied_on            TEXT NOT NULL,
    status                TEXT NOT NULL,           -- applied | accepted | confirmed | rejected
    court_number          TEXT NOT NULL DEFAULT '',-- 调确字 number
    accepted_on           TEXT,
    ruling_due            TEXT,
    ruling_extended_days  INTEGER NOT NULL DEFAULT 0,
    extension_approved_by TEXT NOT NULL DEFAULT '',
    ruled_on              TEXT,
    ruling_note           TEXT NOT NULL DEFAULT '',
    enforcement_due       TEXT
);
CREATE INDEX mediation_confirmations_case ON mediation_confirmations(case_id);

-- 回访: tasks fall due after each obligation's due date and after closing;
-- a record is written when the desk follows up.
CREATE TABLE mediation_followups (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    desk            TEXT NOT NULL,
    reason          TEXT NOT NULL,                 -- obligation_due | closing | manual
    obligation_id   INTEGER REFERENCES mediation_obligations(id),
    due_on          TEXT NOT NULL,
    status          TEXT NOT NULL,                 -- open | done | cancelled
    created_at      TIMESTAMP NOT NULL,
    done_at         TIMESTAMP,
    method          TEXT NOT NULL DEFAULT '',      -- phone | visit
    performance     TEXT NOT NULL DEFAULT '',      -- performed | partial | not_performed | unknown
    satisfaction    TEXT NOT NULL DEFAULT '',      -- satisfied | basically_satisfied | dissatisfied
    risk_signs      TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    recorded_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mediation_followups_desk_due ON mediation_followups(desk, due_on) WHERE status = 'open';
CREATE INDEX mediation_followups_case ON mediation_followups(case_id);

-- +goose Down
DROP TABLE mediation_followups;
DROP TABLE mediation_confirmations;
DROP TABLE mediation_urgings;
DROP TABLE mediation_performances;
DROP TABLE mediation_obligations;
DROP TABLE mediation_agreements;
DROP TABLE mediation_records;
DROP TABLE mediation_session_staff;
DROP TABLE mediation_sessions;
DROP TABLE mediation_counters;
DROP TABLE mediation_committees;
DROP TABLE mediation_settings;
DROP TABLE mediation_rooms;
