-- The deadline engine: time-limit rules as data, the working-day calendar,
-- per-case deadline records (a rule's terms copied when a stage starts, so
-- editing a rule changes nothing already running), and the desks'
-- notification inbox that the warning sweep writes to.

-- +goose Up
CREATE TABLE deadline_rules (
    code                TEXT PRIMARY KEY,
    desk                TEXT NOT NULL DEFAULT '',   -- '' = any desk without its own rule
    stage               TEXT NOT NULL,              -- status the case enters: registered, routed, in_progress
    length              INTEGER NOT NULL,
    unit                TEXT NOT NULL,              -- day | month
    days_kind           TEXT NOT NULL,              -- calendar | working
    max_extension_days  INTEGER NOT NULL DEFAULT 0, -- 0: no extension
    extension_note      TEXT NOT NULL DEFAULT '',
    basis               TEXT NOT NULL,
    label               TEXT NOT NULL,
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order          INTEGER NOT NULL DEFAULT 100,
    updated_at          TIMESTAMP
);
-- One active rule per desk and stage.
CREATE UNIQUE INDEX deadline_rules_stage ON deadline_rules(desk, stage) WHERE active;

-- Seeded from docs/deadlines.md. Article numbers that were read from secondary
-- sources say "（以现行文本为准）" until someone checks the official text.
-- Inactive rows are the other limits of docs/deadlines.md, kept for reference: an
-- admin activates one in place of the stage's current rule.
INSERT INTO deadline_rules (code, desk, stage, length, unit, days_kind, max_extension_days, extension_note, basis, label, active, sort_order) VALUES
    ('centre_routing', '', 'registered', 1, 'day', 'working', 0, '',
     '依据：中心“最多跑一地”服务承诺（本中心规则，可调整）', '受理登记后1个工作日内分流', TRUE, 10),
    ('centre_sign_for', '', 'routed', 2, 'day', 'working', 0, '',
     '依据：中心服务承诺（本中心规则，可调整）', '分流后2个工作日内签收', TRUE, 20),
    ('petition_accept_notice', 'petition', 'routed', 15, 'day', 'calendar', 0, '',
     '依据：《信访工作条例》（2022）第二十三条', '15日内告知信访人是否受理', TRUE, 30),
    ('petition_handling', 'petition', 'in_progress', 60, 'day', 'calendar', 30, '情况复杂的，经本机关负责人批准可适当延长，延长期限不得超过30日，并告知信访人延期理由',
     '依据：《信访工作条例》第三十四条（以现行文本为准）', '受理之日起60日内办结', TRUE, 40),
    ('mediation_handling', 'mediation', 'in_progress', 1, 'month', 'calendar', 30, '经双方当事人同意可以延长（本中心上限30日，可调整）',
     '依据：《人民调解工作若干规定》（2002）第三十三条', '一般在一个月内调结', TRUE, 50),
    ('litigation_pre_suit', 'litigation', 'in_progress', 30, 'day', 'calendar', 30, '经双方当事人同意可以延长（本中心上限30日，可调整）',
     '依据：《最高人民法院关于人民法院特邀调解的规定》（以现行文本为准）', '诉前委派调解30日内完成', TRUE, 60),
    ('governance_sign_for', 'governance', 'routed', 2, 'day', 'working', 0, '',
     '依据：基层治理四平台工作规则（海宁实践，本中心规则，可调整）', '2个工作日内签收', TRUE, 70),
    ('governance_handling', 'governance', 'in_progress', 7, 'day', 'working', 7, '经领导批准可以延长（本中心上限7个工作日，可调整）',
     '依据：基层治理四平台工作规则（海宁实践，本中心规则，可调整）', '签收后7个工作日内办结', TRUE, 80),
    ('labour_mediation', 'labour', 'in_progress', 15, 'day', 'calendar', 0, '',
     '依据：《劳动争议调解仲裁法》第十四条', '劳动争议调解15日内结束', TRUE, 90),
    ('labour_arbitration', 'labour', 'in_progress', 45, 'day', 'calendar', 15, '案情复杂需要延期的，经仲裁委员会主任批准可以延期，延长期限不得超过15日',
     '依据：《劳动争议调解仲裁法》第四十三条', '仲裁受理后45日内结束', FALSE, 100),
    ('petition_routing', 'petition', 'registered', 15, 'day', 'calendar', 0, '',
     '依据：《信访工作条例》（2022）第二十二条', '15日内转送、交办有权处理的机关', FALSE, 110),
    ('petition_review', 'petition', 'in_progress', 30, 'day', 'calendar', 0, '信访人可在收到处理意见之日起30日内请求复查',
     '依据：《信访工作条例》第三十五条（以现行文本为准）', '复查：收到请求之日起30日内提出复查意见', FALSE, 120),
    ('petition_recheck', 'petition', 'in_progress', 30, 'day', 'calendar', 0, '听证时间不计算在内（以中止计）；复核后同一事实不再受理',
     '依据：《信访工作条例》第三十六条（以现行文本为准）', '复核：收到请求之日起30日内提出复核意见', FALSE, 130),
    ('mediation_confirmation_window', 'mediation', 'in_progress', 30, 'day', 'calendar', 0, '',
     '依据：《人民调解法》第三十三条；《民事诉讼法》特别程序', '调解协议生效之日起30日内可申请司法确认', FALSE, 140),
    ('litigation_entrusted', 'litigation', 'in_progress', 15, 'day', 'calendar', 0, '适用简易程序的为7日',
     '依据：《最高人民法院关于人民法院特邀调解的规定》（以现行文本为准）', '立案后委托调解15日内完成', FALSE, 150),
    ('litigation_judicial_confirmation', 'litigation', 'in_progress', 15, 'day', 'calendar', 10, '经院长批准可延长10日（以现行文本为准）',
     '依据：《最高人民法院关于人民调解协议司法确认程序的若干规定》（2011）（以现行文本为准）', '司法确认申请受理后15日内作出决定', FALSE, 160);

-- Exceptions to the weekend rule (weekends are in code): public holidays
-- (working = FALSE) and 调休 make-up working days (working = TRUE).
CREATE TABLE calendar_days (
    day      TEXT PRIMARY KEY,   -- YYYY-MM-DD, China date
    working  BOOLEAN NOT NULL,
    name     TEXT NOT NULL DEFAULT ''
);

-- 2025: 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日，新华社全文）.
-- 2026: 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日，新华社全文）.
-- Both checked in November 2026 against the notices' text as republished from Xinhua (gmw.cn for
-- 2025; a reprint of the Xinhua release for 2026); not yet against gov.cn itself.
INSERT INTO calendar_days (day, working, name) VALUES
    ('2025-01-01', FALSE, '元旦'),
    ('2025-01-26', TRUE, '春节调休上班'),
    ('2025-01-28', FALSE, '春节'),
    ('2025-01-29', FALSE, '春节'),
    ('2025-01-30', FALSE, '春节'),
    ('2025-01-31', FALSE, '春节'),
    ('2025-02-01', FALSE, '春节'),
    ('2025-02-02', FALSE, '春节'),
    ('2025-02-03', FALSE, '春节'),
    ('2025-02-04', FALSE, '春节'),
    ('2025-02-08', TRUE, '春节调休上班'),
    ('2025-04-04', FALSE, '清明节'),
    ('2025-04-05', FALSE, '清明节'),
    ('2025-04-06', FALSE, '清明节'),
    ('2025-04-27', TRUE, '劳动节调休上班'),
    ('2025-05-01', FALSE, '劳动节'),
    ('2025-05-02', FALSE, '劳动节'),
    ('2025-05-03', FALSE, '劳动节'),
    ('2025-05-04', FALSE, '劳动节'),
    ('2025-05-05', FALSE, '劳动节'),
    ('2025-05-31', FALSE, '端午节'),
    ('2025-06-01', FALSE, '端午节'),
    ('2025-06-02', FALSE, '端午节'),
    ('2025-09-28', TRUE, '国庆节调休上班'),
    ('2025-10-01', FALSE, '国庆节、中秋节'),
    ('2025-10-02', FALSE, '国庆节、中秋节'),
    ('2025-10-03', FALSE, '国庆节、中秋节'),
    ('2025-10-04', FALSE, '国庆节、中秋节'),
    ('2025-10-05', FALSE, '国庆节、中秋节'),
    ('2025-10-06', FALSE, '国庆节、中秋节'),
    ('2025-10-07', FALSE, '国庆节、中秋节'),
    ('2025-10-08', FALSE, '国庆节、中秋节'),
    ('2025-10-11', TRUE, '国庆节调休上班'),
    ('2026-01-01', FALSE, '元旦'),
    ('2026-01-02', FALSE, '元旦'),
    ('2026-01-03', FALSE, '元旦'),
    ('2026-01-04', TRUE, '元旦调休上班'),
    ('2026-02-14', TRUE, '春节调休上班'),
    ('2026-02-15', FALSE, '春节'),
    ('2026-02-16', FALSE, '春节'),
    ('2026-02-17', FALSE, '春节'),
    ('2026-02-18', FALSE, '春节'),
    ('2026-02-19', FALSE, '春节'),
    ('2026-02-20', FALSE, '春节'),
    ('2026-02-21', FALSE, '春节'),
    ('2026-02-22', FALSE, '春节'),
    ('2026-02-23', FALSE, '春节'),
    ('2026-02-28', TRUE, '春节调休上班'),
    ('2026-04-04', FALSE, '清明节'),
    ('2026-04-05', FALSE, '清明节'),
    ('2026-04-06', FALSE, '清明节'),
    ('2026-05-01', FALSE, '劳动节'),
    ('2026-05-02', FALSE, '劳动节'),
    ('2026-05-03', FALSE, '劳动节'),
    ('2026-05-04', FALSE, '劳动节'),
    ('2026-05-05', FALSE, '劳动节'),
    ('2026-05-09', TRUE, '劳动节调休上班'),
    ('2026-06-19', FALSE, '端午节'),
    ('2026-06-20', FALSE, '端午节'),
    ('2026-06-21', FALSE, '端午节'),
    ('2026-09-20', TRUE, '国庆节调休上班'),
    ('2026-09-25', FALSE, '中秋节'),
    ('2026-09-26', FALSE, '中秋节'),
    ('2026-09-27', FALSE, '中秋节'),
    ('2026-10-01', FALSE, '国庆节'),
    ('2026-10-02', FALSE, '国庆节'),
    ('2026-10-03', FALSE, '国庆节'),
    ('2026-10-04', FALSE, '国庆节'),
    ('2026-10-05', FALSE, '国庆节'),
    ('2026-10-06', FALSE, '国庆节'),
    ('2026-10-07', FALSE, '国庆节'),
    ('2026-10-10', TRUE, '国庆节调休上班');

-- A case's running and past time limits. Terms are copied from the rule when
-- the stage starts. due_at and yellow_at are recomputed when the limit is
-- extended or resumed; next_warn_at is the next threshold the warning sweep
-- must notice (yellow_at, then due_at, then NULL), so a sweep is one range
-- scan over an index that holds only what is still to come.
CREATE TABLE case_deadlines (
    id                  INTEGER PRIMARY KEY,
    case_id             INTEGER NOT NULL REFERENCES cases(id),
    kind                TEXT NOT NULL,              -- stage | supervision
    rule_code           TEXT NOT NULL DEFAULT '',
    label               TEXT NOT NULL,
    basis               TEXT NOT NULL DEFAULT '',
    length              INTEGER NOT NULL DEFAULT 0,
    unit                TEXT NOT NULL DEFAULT 'day',
    days_kind           TEXT NOT NULL DEFAULT 'calendar',
    max_extension_days  INTEGER NOT NULL DEFAULT 0,
    started_at          TIMESTAMP NOT NULL,
    due_at              TIMESTAMP NOT NULL,
    yellow_at           TIMESTAMP NOT NULL,
    extended_days       INTEGER NOT NULL DEFAULT 0,
    paused_days         INTEGER NOT NULL DEFAULT 0,
    paused_since        TIMESTAMP,
    level               TEXT NOT NULL DEFAULT '',   -- '', yellow, red: the last threshold warned
    next_warn_at        TIMESTAMP,
    ended_at            TIMESTAMP
);
CREATE INDEX case_deadlines_open ON case_deadlines(case_id) WHERE ended_at IS NULL;
CREATE INDEX case_deadlines_next_warn ON case_deadlines(next_warn_at) WHERE next_warn_at IS NOT NULL;

-- Open cases registered before the engine keep their stage limit; lacking
-- its start, they warn only when overdue.
INSERT INTO case_deadlines (case_id, kind, label, started_at, due_at, yellow_at, next_warn_at)
    SELECT id, 'stage', deadline_rule, updated_at, deadline_at, deadline_at, deadline_at
    FROM cases WHERE status <> 'closed' AND deadline_at IS NOT NULL;

-- What the sweep tells a desk (overdue, nearly due); read by the desk's queue.
CREATE TABLE desk_notifications (
    id          INTEGER PRIMARY KEY,
    desk        TEXT NOT NULL,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP
);
CREATE INDEX desk_notifications_desk ON desk_notifications(desk, id);

-- Queues sort and filter by warning and supervision.
CREATE INDEX cases_warning ON cases(warning) WHERE warning <> '';
CREATE INDEX cases_supervision ON cases(supervision) WHERE supervision <> '';

-- +goose Down
DROP INDEX cases_supervision;
DROP INDEX cases_warning;
DROP TABLE desk_notifications;
DROP TABLE case_deadlines;
DROP TABLE calendar_days;
DROP TABLE deadline_rules;
