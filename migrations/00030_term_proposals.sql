-- +goose Up
-- Related terms mined from the case texts (issue 14): two words that occur
-- together in the same field of many cases (漏水 … 天花板). `yidi vocab
-- mine` proposes them; an admin accepts or rejects each before search uses
-- it, and a rerun keeps every decision. A pair is stored once, term < related.
CREATE TABLE term_proposals (
    id          INTEGER PRIMARY KEY,
    term        TEXT NOT NULL,
    related     TEXT NOT NULL,
    support     INTEGER NOT NULL,                  -- fields holding both
    score       REAL NOT NULL,                     -- normalised PMI, -1..1
    status      TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'rejected')),
    mined_at    TIMESTAMP NOT NULL,
    decided_by  TEXT NOT NULL DEFAULT '',
    decided_at  TIMESTAMP,
    UNIQUE (term, related)
);
CREATE INDEX term_proposals_status ON term_proposals(status, score);

-- +goose Down
DROP TABLE term_proposals;
