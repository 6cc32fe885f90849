-- Parties of every kind (issue 16): a person's identity document has a type
-- (居民身份证, 港澳居民来往内地通行证, 台湾居民来往大陆通行证, 护照 with its
-- issuing country), and an organisation names its 法定代表人.
--
-- 身份证号 stay in id_number, whose UNIQUE is right for them. Other
-- documents' numbers go in doc_number, unique per type and country: the
-- same passport number issued by two countries is two people, which a
-- UNIQUE on id_number alone could not hold (and SQLite cannot drop a column
-- constraint without rebuilding a table every case points at).

-- +goose Up
ALTER TABLE persons ADD COLUMN id_type TEXT NOT NULL DEFAULT 'resident_id'; -- '' for organisations
ALTER TABLE persons ADD COLUMN country TEXT NOT NULL DEFAULT '';            -- ISO 3166-1 alpha-3, passports only
ALTER TABLE persons ADD COLUMN doc_number TEXT;                             -- number of a document other than 身份证
ALTER TABLE persons ADD COLUMN legal_rep TEXT NOT NULL DEFAULT '';          -- an organisation's 法定代表人
UPDATE persons SET id_type = '' WHERE kind = 'org';
CREATE UNIQUE INDEX persons_document ON persons(id_type, country, doc_number) WHERE doc_number IS NOT NULL;

-- +goose Down
DROP INDEX persons_document;
ALTER TABLE persons DROP COLUMN legal_rep;
ALTER TABLE persons DROP COLUMN doc_number;
ALTER TABLE persons DROP COLUMN country;
ALTER TABLE persons DROP COLUMN id_type;
