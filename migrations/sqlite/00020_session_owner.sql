-- Each browser session names the user it signed in (issue 15): a password
-- reset, a role change or a disabled account deletes that user's sessions
-- in the same transaction as the change, as it deletes their API tokens.
-- A session row without an owner (an anonymous one holding only a CSRF
-- token, or one older than this migration) signs nobody in: staff signed
-- in before the upgrade sign in once more.

-- +goose Up
ALTER TABLE web_sessions ADD COLUMN user_id INTEGER REFERENCES users(id);
CREATE INDEX web_sessions_user ON web_sessions(user_id);

-- +goose Down
DROP INDEX web_sessions_user;
ALTER TABLE web_sessions DROP COLUMN user_id;
