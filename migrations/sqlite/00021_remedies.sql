-- +goose Up
-- What the desk decided when an obligation was not performed (人民调解法
-- 第三十一条 and 第三十三条): mediate again, apply to the court for
-- enforcement of a confirmed agreement, or tell the parties to sue.
-- Append-only like the other history tables (00017).
CREATE TABLE mediation_remedies (
    id             INTEGER PRIMARY KEY,
    obligation_id  INTEGER NOT NULL REFERENCES mediation_obligations(id),
    remedy         TEXT NOT NULL,                  -- remediation | enforcement | lawsuit
    note           TEXT NOT NULL,
    at             TIMESTAMP NOT NULL,
    recorded_by    TEXT NOT NULL
);
CREATE INDEX mediation_remedies_obligation ON mediation_remedies(obligation_id);

-- +goose StatementBegin
CREATE TRIGGER mediation_remedies_no_edit BEFORE UPDATE ON mediation_remedies BEGIN
    SELECT RAISE(ABORT, 'remedies are never edited');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mediation_remedies_no_delete BEFORE DELETE ON mediation_remedies BEGIN
    SELECT RAISE(ABORT, 'remedies are never deleted');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER mediation_remedies_no_delete;
DROP TRIGGER mediation_remedies_no_edit;
DROP TABLE mediation_remedies;
