-- Machine clients (issue 17): programs such as the 12345 hotline that call
-- the API with a token of their own and only the scopes they were given.
-- Each acts through a disabled account of its own (the cases it registers
-- name that account, which is what read:own reads by); the token is kept
-- only as its SHA-256, and shown once when made or rotated.

-- +goose Up
CREATE TABLE api_clients (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    scopes        TEXT NOT NULL,            -- space-separated, e.g. "intake read:own"
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP,                -- NULL: until revoked
    rotated_at    TIMESTAMP,
    revoked_at    TIMESTAMP,
    last_used_at  TIMESTAMP
);
-- A name is taken only while its client is not revoked.
CREATE UNIQUE INDEX api_clients_name ON api_clients(name) WHERE revoked_at IS NULL;

-- Case lists that follow changes: updated_since and sort=updated_at.
CREATE INDEX cases_updated ON cases(updated_at, id);

-- +goose Down
DROP INDEX cases_updated;
DROP INDEX api_clients_name;
DROP TABLE api_clients;
