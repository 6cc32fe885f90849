-- Statistics read events by kind over a time range (reopen, visit, close):
-- without this index every statistics request would scan the event log.

-- +goose Up
CREATE INDEX events_kind_at ON events(kind, at, case_id);

-- +goose Down
DROP INDEX events_kind_at;
