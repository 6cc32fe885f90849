-- PostgreSQL's twin of sqlite/00026_case_links.sql: 并案 and links. A
-- merged case names the case it joined (merged_into); case_links holds
-- one row per direction of a link, deleted on unlink (the events keep the
-- history).

-- +goose Up
ALTER TABLE cases ADD COLUMN merged_into TEXT REFERENCES cases(number);
CREATE INDEX cases_merged_into ON cases(merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE case_links (
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    other_id    BIGINT NOT NULL REFERENCES cases(id),
    relation    TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, other_id)
);

-- +goose Down
DROP TABLE case_links;
DROP INDEX cases_merged_into;
ALTER TABLE cases DROP COLUMN merged_into;
