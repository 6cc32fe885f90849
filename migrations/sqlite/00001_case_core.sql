-- The case core: desks, categories, users, persons, cases, parties and the
-- append-only event log. Kept to SQL that PostgreSQL also accepts, except
-- INTEGER PRIMARY KEY (SQLite's rowid alias), which a PostgreSQL dialect file
-- will spell as an identity column.

-- +goose Up
CREATE TABLE desks (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 100,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE categories (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 100,
    active      BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL,
    desk           TEXT REFERENCES desks(code),
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE auth_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX auth_tokens_user ON auth_tokens(user_id);

-- A person or an organisation, deduplicated by 身份证号 or 统一社会信用代码.
CREATE TABLE persons (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    id_number    TEXT UNIQUE,
    credit_code  TEXT UNIQUE,
    phone        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX persons_phone ON persons(phone);
CREATE INDEX persons_name ON persons(name);

-- Per-year counter behind the human-readable case number YD-2026-00042.
CREATE TABLE case_counters (
    year      INTEGER PRIMARY KEY,
    last_seq  INTEGER NOT NULL
);

-- The current state of each case: a projection kept in step with events by
-- the same transaction that appends them.
CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    category         TEXT NOT NULL REFERENCES categories(code),
    source           TEXT NOT NULL,
    summary          TEXT NOT NULL,
    claims           TEXT NOT NULL DEFAULT '',
    town             TEXT NOT NULL DEFAULT '',
    amount_fen       BIGINT,
    people_count     INTEGER NOT NULL DEFAULT 1,
    status           TEXT NOT NULL,
    desk             TEXT REFERENCES desks(code),
    deadline_at      TIMESTAMP,
    deadline_rule    TEXT NOT NULL DEFAULT '',
    query_code_salt  TEXT NOT NULL,
    query_code_hash  TEXT NOT NULL,
    repeat_visit     BOOLEAN NOT NULL DEFAULT FALSE,
    visit_count      INTEGER NOT NULL DEFAULT 0,
    outcome          TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    created_by       INTEGER NOT NULL REFERENCES users(id),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    closed_at        TIMESTAMP
);
CREATE INDEX cases_desk_status ON cases(desk, status);
CREATE INDEX cases_status ON cases(status);

-- Desks invited into joint handling (联合调处) of a case.
CREATE TABLE case_co_desks (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    desk        TEXT NOT NULL REFERENCES desks(code),
    invited_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, desk)
);
CREATE INDEX case_co_desks_desk ON case_co_desks(desk);

CREATE TABLE case_parties (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    person_id  INTEGER NOT NULL REFERENCES persons(id),
    role       TEXT NOT NULL,
    position   INTEGER NOT NULL
);
CREATE INDEX case_parties_case ON case_parties(case_id);
CREATE INDEX case_parties_person ON case_parties(person_id);

-- The append-only history. seq is global across all cases, so projections
-- such as the search index can follow it with one number.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    at          TIMESTAMP NOT NULL,
    kind        TEXT NOT NULL,
    desk        TEXT NOT NULL DEFAULT '',
    actor_id    INTEGER REFERENCES users(id),
    actor_name  TEXT NOT NULL DEFAULT '',
    actor_role  TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    visibility  TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_case ON events(case_id, seq);
-- Which desks a case passed through: a handler may still read it afterwards.
CREATE INDEX events_desk_case ON events(desk, case_id);

-- Retried intakes with the same Idempotency-Key return the first answer.
-- The query code is kept only sealed with a key held outside the database,
-- and only until sealed_until; after that a replay answers without it.
CREATE TABLE idempotency_keys (
    user_id        INTEGER NOT NULL REFERENCES users(id),
    idem_key       TEXT NOT NULL,
    request_hash   TEXT NOT NULL,
    case_id        INTEGER NOT NULL REFERENCES cases(id),
    sealed_code    TEXT NOT NULL DEFAULT '',
    warnings       TEXT NOT NULL DEFAULT '[]',
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE events;
DROP TABLE case_parties;
DROP TABLE case_co_desks;
DROP TABLE cases;
DROP TABLE case_counters;
DROP TABLE persons;
DROP TABLE auth_tokens;
DROP TABLE users;
DROP TABLE categories;
DROP TABLE desks;
