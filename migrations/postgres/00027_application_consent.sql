-- PostgreSQL's twin of sqlite/00027_application_consent.sql: what an
-- online applicant agreed to, one row per application, never changed
-- (refuse_change is PostgreSQL's 00001).

-- +goose Up
CREATE TABLE application_consents (
    case_id         BIGINT PRIMARY KEY REFERENCES cases(id),
    notice_version  TEXT NOT NULL,
    consented_at    TIMESTAMPTZ NOT NULL
);

CREATE TRIGGER application_consents_no_edit BEFORE UPDATE ON application_consents
    FOR EACH ROW EXECUTE FUNCTION refuse_change('consents are never edited');
CREATE TRIGGER application_consents_no_delete BEFORE DELETE ON application_consents
    FOR EACH ROW EXECUTE FUNCTION refuse_change('consents are never deleted');

-- +goose Down
DROP TABLE application_consents;
