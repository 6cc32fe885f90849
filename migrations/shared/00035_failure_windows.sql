-- Failed sign-ins and failed public codes, counted in fixed windows per key
-- (issue 18, several nodes): with several app servers behind one address a
-- guesser's attempts are spread over all of them, so the counts that
-- refuse him must be shared through the database. One node on SQLite keeps
-- counting in memory. Times are Unix milliseconds: compared as numbers,
-- alike on both engines.

-- +goose Up
CREATE TABLE failure_windows (
    scope      TEXT NOT NULL,    -- which limit: login, public_address, public_case, …
    subject    TEXT NOT NULL,    -- what it counts: an address, an address and a username, a case number
    failures   INTEGER NOT NULL,
    expires_ms BIGINT NOT NULL,  -- the window's end
    PRIMARY KEY (scope, subject)
);
CREATE INDEX failure_windows_expiry ON failure_windows (expires_ms);

-- +goose Down
DROP TABLE failure_windows;
