-- Group cases (issue 19): a case's applicants are its members, each with
-- an own claim (amount in fen, period as the sheet says it) and whether
-- they are one of the group's representatives; respondents may carry
-- their place in the chain of those who owe (总承包, 分包, 实际控制人…).
-- An obligation of a group agreement may name the member it pays by
-- party, so that two members of the same name stay apart.

-- +goose Up
ALTER TABLE case_parties ADD COLUMN claim_fen BIGINT;
ALTER TABLE case_parties ADD COLUMN claim_period TEXT NOT NULL DEFAULT '';
ALTER TABLE case_parties ADD COLUMN representative BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE case_parties ADD COLUMN chain_role TEXT NOT NULL DEFAULT '';
ALTER TABLE mediation_obligations ADD COLUMN obligee_party_id BIGINT REFERENCES case_parties(id);

-- +goose Down
ALTER TABLE mediation_obligations DROP COLUMN obligee_party_id;
ALTER TABLE case_parties DROP COLUMN chain_role;
ALTER TABLE case_parties DROP COLUMN representative;
ALTER TABLE case_parties DROP COLUMN claim_period;
ALTER TABLE case_parties DROP COLUMN claim_fen;
