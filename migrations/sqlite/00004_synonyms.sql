-- Synonym groups for search, applied at query time: what the counter hears
-- beside the legal term. Editable by an admin; one group per row, members
-- separated by single spaces.

-- +goose Up
CREATE TABLE synonym_groups (
    id     INTEGER PRIMARY KEY,
    terms  TEXT NOT NULL
);

INSERT INTO synonym_groups (terms) VALUES
    ('欠薪 拖欠工资 欠工资 工资没发 讨薪 拖欠劳动报酬 工资拖欠'),
    ('醉驾 醉酒驾驶 酒驾 饮酒驾驶'),
    ('噪音 噪声 吵闹 扰民'),
    ('物业费 物业管理费 物业服务费'),
    ('漏水 渗水 渗漏'),
    ('彩礼 礼金 聘礼'),
    ('离婚 离异 解除婚姻'),
    ('抚养费 抚育费 生活费'),
    ('赡养 养老 赡养费'),
    ('借钱 借款 欠款 借贷'),
    ('车祸 交通事故 撞车 追尾'),
    ('工伤 工作受伤 因工受伤'),
    ('拆迁 征收 征迁 拆迁补偿'),
    ('宅基地 地基 宅地'),
    ('医闹 医疗纠纷 医患纠纷 医疗事故'),
    ('退款 退钱 返还价款'),
    ('打架 斗殴 殴打 动手'),
    ('包工头 承包人 工头'),
    ('房东 出租人'),
    ('租客 承租人 房客');

-- +goose Down
DROP TABLE synonym_groups;
