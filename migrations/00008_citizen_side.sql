-- The citizen's side: unread citizen messages per case, their attachments
-- (files stored content-addressed under the data folder, rows here), the
-- outbox of text messages to citizens, and the system account that online
-- applications are registered under.

-- +goose Up
ALTER TABLE cases ADD COLUMN unread_messages INTEGER NOT NULL DEFAULT 0;

-- A file a citizen sent with a message; the bytes live at
-- <data>/attachments/<sha256[:2]>/<sha256[2:]>, shared by equal files.
CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases(id),
    event_seq      INTEGER NOT NULL REFERENCES events(seq),
    sha256         TEXT NOT NULL,
    mime           TEXT NOT NULL,
    size           BIGINT NOT NULL,
    original_name  TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_id);

-- Text messages to citizens, written in the transaction of the change they
-- tell about and delivered (at least once) by a loop that retries.
-- next_attempt_at NULL: given up after too many attempts.
CREATE TABLE notifications_outbox (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    phone            TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP,
    sent_at          TIMESTAMP,
    last_error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notifications_outbox_due ON notifications_outbox(sent_at, next_attempt_at);

-- Online applications are registered by this account; it cannot sign in.
INSERT INTO users (username, display_name, password_hash, role, desk, disabled, created_at)
VALUES ('system-online', '网上申请', '!', 'intake', NULL, TRUE, CURRENT_TIMESTAMP);

-- +goose Down
DELETE FROM users WHERE username = 'system-online';
DROP TABLE notifications_outbox;
DROP TABLE attachments;
ALTER TABLE cases DROP COLUMN unread_messages;
