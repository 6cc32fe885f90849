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

-- The centre's promise to online applicants, as a deadline rule like the rest.
INSERT INTO deadline_rules (code, desk, stage, length, unit, days_kind, max_extension_days, extension_note, basis, label, active, sort_order) VALUES
    ('online_answer', '', 'submitted', 1, 'day', 'working', 0, '',
     '依据：中心服务承诺（本中心规则，可调整）', '网上申请提交后1个工作日内受理或告知不予受理', TRUE, 5);

-- +goose Down
DELETE FROM deadline_rules WHERE code = 'online_answer';
DELETE FROM users WHERE username = 'system-online';
DROP TABLE notifications_outbox;
DROP TABLE attachments;
ALTER TABLE cases DROP COLUMN unread_messages;
