-- The 新留言 queue is counted on every staff page (the navigation). Few
-- cases have unread citizen messages at any time, so a partial index holds
-- only those: the count reads a handful of entries instead of every case.
-- The queue's SQL spells the same condition (unread_messages > 0) so that
-- SQLite may use it.

-- +goose Up
CREATE INDEX cases_unread ON cases(desk) WHERE unread_messages > 0;

-- +goose Down
DROP INDEX cases_unread;
