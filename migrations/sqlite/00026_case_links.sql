-- 并案 and links (issue 16, item 7).
--
-- case_links: two cases about the same dispute or with related parties,
-- one row per direction, so each case reads its links with one indexed
-- probe. A link is current state, like case_co_desks: unlinking deletes
-- the two rows, and the link and unlink events keep the history.
--
-- cases.merged_into: the number of the case a merged case was merged
-- into (status 'merged'); the merged case's number and query code answer
-- that case from then on. The surviving case reads the merged case's
-- events with its own (cases/links.go); no event is copied or rewritten.

-- +goose Up
ALTER TABLE cases ADD COLUMN merged_into TEXT REFERENCES cases(number);
CREATE INDEX cases_merged_into ON cases(merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE case_links (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    other_id    INTEGER NOT NULL REFERENCES cases(id),
    relation    TEXT NOT NULL,            -- same_dispute | related
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, other_id)
);

-- +goose Down
DROP TABLE case_links;
DROP INDEX cases_merged_into;
ALTER TABLE cases DROP COLUMN merged_into;
