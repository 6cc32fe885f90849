-- Staff pages on a large database (100k cases, < 30 ms p95): indexes that
-- answer the list counts without reading the wide case rows (summaries,
-- claims), and that hand the lists their order so no page sorts.

-- +goose Up
-- 领导视图 open cases by status and desk: a covering range per open status,
-- already in GROUP BY status, desk order.
CREATE INDEX cases_status_desk ON cases(status, desk);

-- Open cases oldest first (领导视图, intake and leader queues). The WHERE
-- must stay word for word what CaseFilter.where spells for a page (unary +
-- and cases.openStatusesSQL, in the order of openStatuses), or SQLite will
-- not use it; the + keeps status indexes from competing for such a page.
CREATE INDEX cases_open_created ON cases(created_at, id)
    WHERE +status IN ('registered', 'routed', 'in_progress', 'suspended');

-- Yellow and red cases (a few percent): the leader's warnings by desk, the
-- red/yellow desk queues in deadline order and their counts, and the case
-- list filtered by warning (and desk). Replaces cases_warning (warning),
-- which it extends. Queries repeat warning <> '' so SQLite may use it.
DROP INDEX cases_warning;
CREATE INDEX cases_warning_desk ON cases(warning, desk, status, deadline_at) WHERE warning <> '';

-- Case list (案件列表) by status, newest first: the columns the read rule
-- of a desk and the closure filters test, so a count over all closed cases
-- reads only this index and a page skips rows without reading them. It
-- extends cases_status_created (status, created_at), which goes.
DROP INDEX cases_status_created;
CREATE INDEX cases_list ON cases(status, created_at, id, desk, created_by, closed_at, closure_type, warning);

-- Cases under 督办 (the leader's "awaiting a response", soonest response
-- deadline first, and their count): in order and with their status, so
-- neither reads a case row. Replaces cases_supervision (supervision).
DROP INDEX cases_supervision;
CREATE INDEX cases_supervised_deadline ON cases(deadline_at, id, status) WHERE supervision <> '';

-- Every listed case shows its parties' names in intake order: per case one
-- short range in that order, instead of a sort per row.
CREATE INDEX case_parties_case_position ON case_parties(case_id, position, person_id);

-- +goose Down
DROP INDEX case_parties_case_position;
DROP INDEX cases_supervised_deadline;
CREATE INDEX cases_supervision ON cases(supervision) WHERE supervision <> '';
DROP INDEX cases_list;
CREATE INDEX cases_status_created ON cases(status, created_at);
DROP INDEX cases_warning_desk;
CREATE INDEX cases_warning ON cases(warning) WHERE warning <> '';
DROP INDEX cases_open_created;
DROP INDEX cases_status_desk;
