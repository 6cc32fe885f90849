-- +goose Up
-- What an online applicant agreed to on the public form (the 个人信息处理
-- 告知, 个人信息保护法 第十四条 and 第十七条): which version of the notice, and
-- when. One row per application, written with it, never changed.
CREATE TABLE application_consents (
    case_id         INTEGER PRIMARY KEY REFERENCES cases(id),
    notice_version  TEXT NOT NULL,
    consented_at    TIMESTAMP NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER application_consents_no_edit BEFORE UPDATE ON application_consents BEGIN
    SELECT RAISE(ABORT, 'consents are never edited');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER application_consents_no_delete BEFORE DELETE ON application_consents BEGIN
    SELECT RAISE(ABORT, 'consents are never deleted');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER application_consents_no_delete;
DROP TRIGGER application_consents_no_edit;
DROP TABLE application_consents;
