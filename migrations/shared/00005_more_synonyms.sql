-- More synonyms, from the judged query set: what people say for what court
-- texts and records write.

-- +goose Up
UPDATE synonym_groups SET terms = '醉驾 醉酒驾驶 酒驾 饮酒驾驶 醉酒后驾驶 酒后驾驶 饮酒后驾驶 危险驾驶'
    WHERE terms LIKE '醉驾 %';
UPDATE synonym_groups SET terms = '欠薪 拖欠工资 欠工资 工资没发 讨薪 拖欠劳动报酬 工资拖欠 拒不支付劳动报酬 劳动报酬'
    WHERE terms LIKE '欠薪 %';
UPDATE synonym_groups SET terms = '彩礼 礼金 聘礼 婚约财产'
    WHERE terms LIKE '彩礼 %';
INSERT INTO synonym_groups (terms) VALUES
    ('被狗咬 狗咬 犬只咬伤 饲养动物损害'),
    ('被偷 被盗 失窃'),
    ('小孩 儿童 孩子'),
    ('拐卖 拐骗'),
    ('开赌场 开设赌场'),
    ('农民工 民工 工人'),
    ('分财产 析产 分割财产'),
    ('替考 代替考试 代考'),
    ('车被偷 车辆被盗 车被盗');

-- +goose Down
DELETE FROM synonym_groups WHERE terms IN ('被狗咬 狗咬 犬只咬伤 饲养动物损害', '被偷 被盗 失窃', '小孩 儿童 孩子',
    '拐卖 拐骗', '开赌场 开设赌场', '农民工 民工 工人', '分财产 析产 分割财产',
    '替考 代替考试 代考', '车被偷 车辆被盗 车被盗');
