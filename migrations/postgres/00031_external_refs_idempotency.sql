-- PostgreSQL's twin of sqlite/00031_external_refs_idempotency.sql: external
-- references as {system, id} pairs (a pair names one case; a case may carry
-- several), and the answers kept for Idempotency-Key on the other writes.

-- +goose Up
CREATE TABLE case_external_refs_v2 (
    system      TEXT NOT NULL,
    ext_id      TEXT NOT NULL,
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (system, ext_id)
);
INSERT INTO case_external_refs_v2 (system, ext_id, case_id, created_at)
SELECT CASE WHEN strpos(ref, ':') > 1 THEN lower(substr(ref, 1, strpos(ref, ':') - 1)) ELSE 'import' END,
       CASE WHEN strpos(ref, ':') > 1 THEN substr(ref, strpos(ref, ':') + 1) ELSE ref END,
       case_id, imported_at
FROM case_external_refs;
DROP TABLE case_external_refs;
ALTER TABLE case_external_refs_v2 RENAME TO case_external_refs;
CREATE INDEX case_external_refs_case ON case_external_refs(case_id);

CREATE TABLE idempotent_answers (
    scope         TEXT NOT NULL,
    idem_key      TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL DEFAULT 0,
    sealed_body   TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotent_answers_created ON idempotent_answers(created_at);

-- +goose Down
DROP TABLE idempotent_answers;
CREATE TABLE case_external_refs_v1 (
    ref          TEXT PRIMARY KEY,
    case_id      BIGINT NOT NULL UNIQUE REFERENCES cases(id),
    imported_at  TIMESTAMPTZ NOT NULL
);
INSERT INTO case_external_refs_v1 (ref, case_id, imported_at)
SELECT system || ':' || ext_id, case_id, created_at FROM case_external_refs
ON CONFLICT DO NOTHING;
DROP TABLE case_external_refs;
ALTER TABLE case_external_refs_v1 RENAME TO case_external_refs;
