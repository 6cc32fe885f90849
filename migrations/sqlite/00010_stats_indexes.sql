-- Statistics read a year of cases in one pass. These covering indexes let
-- that pass, and the look-ups of applicants and events by kind, read small
-- b-trees instead of the wide case rows (summaries, claims) and the event log.

-- +goose Up
CREATE INDEX events_kind_at ON events(kind, at, case_id);
CREATE INDEX cases_stats ON cases(created_at, closed_at, status, desk, category, town,
    closure_type, closed_on_time, warning, deadline_at);
CREATE INDEX case_parties_case_role ON case_parties(case_id, role, person_id);

-- +goose Down
DROP INDEX case_parties_case_role;
DROP INDEX cases_stats;
DROP INDEX events_kind_at;
