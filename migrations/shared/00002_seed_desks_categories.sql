-- The four desks every centre has and the seeded dispute categories.
-- Admins add more as data; codes are English, names what the counter reads.

-- +goose Up
INSERT INTO desks (code, name, sort_order, active, created_at) VALUES
    ('petition',   '信访',     10, TRUE, CURRENT_TIMESTAMP),
    ('mediation',  '人民调解', 20, TRUE, CURRENT_TIMESTAMP),
    ('litigation', '诉讼服务', 30, TRUE, CURRENT_TIMESTAMP),
    ('governance', '综治',     40, TRUE, CURRENT_TIMESTAMP);

INSERT INTO categories (code, name, sort_order, active) VALUES
    ('marriage_family',  '婚姻家庭',       10, TRUE),
    ('neighbour',        '邻里纠纷',       20, TRUE),
    ('labor',            '劳动争议/欠薪',  30, TRUE),
    ('property_mgmt',    '物业纠纷',       40, TRUE),
    ('land',             '土地承包/宅基地', 50, TRUE),
    ('expropriation',    '征地拆迁',       60, TRUE),
    ('medical',          '医疗纠纷',       70, TRUE),
    ('traffic',          '交通事故',       80, TRUE),
    ('consumer',         '消费纠纷',       90, TRUE),
    ('loan_contract',    '民间借贷/合同',  100, TRUE),
    ('environment',      '环境污染/噪声',  110, TRUE),
    ('litigation_related','涉法涉诉',      120, TRUE),
    ('other',            '其他',           130, TRUE);

-- +goose Down
DELETE FROM categories;
DELETE FROM desks;
