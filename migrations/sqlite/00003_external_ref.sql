-- Cases brought in from elsewhere (yidi import cail …) remember where they
-- came from, so that importing the same file twice adds nothing. A side
-- table rather than a column on cases: the case queries read cases with
-- SELECT *, and ordinary intakes, which have no outside reference, never
-- touch it.

-- +goose Up
CREATE TABLE case_external_refs (
    ref          TEXT PRIMARY KEY,
    case_id      INTEGER NOT NULL UNIQUE REFERENCES cases(id),
    imported_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE case_external_refs;
