-- 诉前调解 referred by the court (issue 13 item 4): a case whose source is
-- court_referral carries the court's 委派调解函 (number and date). Its
-- 30-calendar-day clock is a case_deadlines record of kind 'referral'
-- (cases/referral.go); this row keeps the letter, the last day as extended
-- with both parties' consent, and how the referral ended.

-- +goose Up
CREATE TABLE court_referrals (
    case_id      INTEGER PRIMARY KEY REFERENCES cases(id),
    letter_no    TEXT NOT NULL,               -- 委派调解函 number
    letter_date  TEXT NOT NULL,               -- YYYY-MM-DD, China date
    due_on       TEXT NOT NULL,               -- last day of the period, extensions included
    outcome      TEXT NOT NULL DEFAULT '',    -- '' running | court_document | returned | closed
    document_no  TEXT NOT NULL DEFAULT '',    -- the court's 民事调解书 number
    document_on  TEXT NOT NULL DEFAULT ''     -- its date, YYYY-MM-DD
);

-- +goose Down
DROP TABLE court_referrals;
