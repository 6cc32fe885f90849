-- Webhooks (issue 17): an admin's subscription to event kinds, and one
-- delivery row per subscription and event, written in the transaction
-- that appends the event (an outbox like notifications_outbox), sent and
-- retried by a loop. Admins' own notices (a paused subscription) live in
-- admin_notices: desk_notifications belong to a case and a desk.

-- +goose Up
CREATE TABLE webhook_subscriptions (
    id          INTEGER PRIMARY KEY,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,              -- the HMAC key; it must be kept whole to sign
    created_at  TIMESTAMP NOT NULL,
    created_by  INTEGER REFERENCES users(id),
    failures    INTEGER NOT NULL DEFAULT 0, -- failed attempts in a row
    paused_at   TIMESTAMP,                  -- too many failures: nothing is sent until resumed
    deleted_at  TIMESTAMP                   -- kept for the delivery log
);

CREATE TABLE webhook_kinds (
    subscription_id  INTEGER NOT NULL REFERENCES webhook_subscriptions(id),
    kind             TEXT NOT NULL,
    PRIMARY KEY (kind, subscription_id)
);

-- next_attempt_at NULL: delivered, or given up.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES webhook_subscriptions(id),
    event_seq        INTEGER NOT NULL REFERENCES events(seq),
    created_at       TIMESTAMP NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP,
    delivered_at     TIMESTAMP,
    last_status      INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries(subscription_id, id);

CREATE TABLE admin_notices (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP
);

-- +goose Down
DROP TABLE admin_notices;
DROP INDEX webhook_deliveries_subscription;
DROP INDEX webhook_deliveries_due;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_kinds;
DROP TABLE webhook_subscriptions;
