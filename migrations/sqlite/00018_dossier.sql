-- The 卷宗 (issue 13, item 7): what a staff member files with a case gets a
-- kind (an identity proof, the signed 协议书 …) so the file's index can tell
-- which required document it is, and a case once archived (归档) keeps the
-- fact here: from then on the case takes notes only (cases/mediation
-- installs the guard through cases/extension.go).

-- +goose Up
-- '' is a citizen's 补充材料 (uploaded with a message); the staff desk
-- picks one of cases.AttachmentKinds.
ALTER TABLE attachments ADD COLUMN kind TEXT NOT NULL DEFAULT '';

-- One row per archived case; never updated or deleted (an archive is
-- final, like the history it closes).
CREATE TABLE case_archives (
    case_id      INTEGER PRIMARY KEY REFERENCES cases(id),
    archived_at  TIMESTAMP NOT NULL,
    archived_by  TEXT NOT NULL,
    file_number  TEXT NOT NULL,
    retention    TEXT NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER case_archives_final_update BEFORE UPDATE ON case_archives BEGIN
    SELECT RAISE(ABORT, 'an archived case stays archived');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_archives_final_delete BEFORE DELETE ON case_archives BEGIN
    SELECT RAISE(ABORT, 'an archived case stays archived');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER case_archives_final_delete;
DROP TRIGGER case_archives_final_update;
DROP TABLE case_archives;
ALTER TABLE attachments DROP COLUMN kind;
