-- +goose Up
-- Risk levels (issue 19): 红橙黄绿, who answers for a case (包案), and the
-- rules that suggest a level, kept as data an admin edits.
--
-- risk_levels: per level, the roles a 包案 leader may have (comma list; ''
-- needs none) and the days between re-assessments (0: none).
CREATE TABLE risk_levels (
    level        TEXT PRIMARY KEY CHECK (level IN ('red', 'orange', 'yellow', 'green')),
    label        TEXT NOT NULL,
    severity     INTEGER NOT NULL,            -- higher is graver
    lead_roles   TEXT NOT NULL DEFAULT '',
    review_days  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO risk_levels (level, label, severity, lead_roles, review_days) VALUES
    ('red', '红色', 4, 'leader', 7),
    ('orange', '橙色', 3, 'leader', 15),
    ('yellow', '黄色', 2, 'leader,handler', 30),
    ('green', '绿色', 1, '', 0);

-- risk_rules: each rule that fires suggests its level; the suggestion is
-- the gravest. kind: people (people_count >= threshold), amount (amount >=
-- threshold), words (any of words, 、-separated, in the case's texts),
-- history (at least threshold other cases of the same persons at the
-- petition desk or with many people).
CREATE TABLE risk_rules (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('people', 'amount', 'words', 'history')),
    label       TEXT NOT NULL,
    threshold   REAL NOT NULL DEFAULT 0,
    words       TEXT NOT NULL DEFAULT '',
    level       TEXT NOT NULL REFERENCES risk_levels(level),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO risk_rules (kind, label, threshold, words, level, sort_order) VALUES
    ('people', '涉及人数100人以上', 100, '', 'red', 10),
    ('people', '涉及人数30人以上', 30, '', 'orange', 20),
    ('people', '涉及人数10人以上', 10, '', 'yellow', 30),
    ('amount', '涉及金额500万元以上', 5000000, '', 'red', 40),
    ('amount', '涉及金额100万元以上', 1000000, '', 'orange', 50),
    ('amount', '涉及金额20万元以上', 200000, '', 'yellow', 60),
    ('words', '扬言极端行为', 0, '跳楼、自杀、自焚、极端、同归于尽、爆炸、喝农药', 'red', 70),
    ('words', '扬言聚集堵路', 0, '堵路、拉横幅、围堵、聚集、静坐、打横幅', 'orange', 80),
    ('words', '信访诉求', 0, '讨说法、上访、越级、进京、到省里', 'yellow', 90),
    ('words', '有报警出警记录', 0, '110、报警、派出所、出警', 'yellow', 100),
    ('history', '同一当事人曾有信访或群体性纠纷', 1, '', 'orange', 110);

-- case_risk: a case's current level (history is in the events), the
-- gravest level it ever had (for the share turned green), and its 包案 leader.
CREATE TABLE case_risk (
    case_id       INTEGER PRIMARY KEY REFERENCES cases(id),
    level         TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    peak          TEXT NOT NULL DEFAULT '',
    lead_user_id  INTEGER REFERENCES users(id),
    assessed_at   TIMESTAMP
);
CREATE INDEX case_risk_level ON case_risk(level);

-- +goose Down
DROP TABLE case_risk;
DROP TABLE risk_rules;
DROP TABLE risk_levels;
