-- +goose Up
-- The centre as the receipt and the citizen pages name it: key/value,
-- admin-edited, beside mediation_settings (00016).
--   name, address, phone, hours
CREATE TABLE centre_settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- The towns (乡镇/街道) of the county, admin-kept. While the list is empty
-- the intake accepts any town as typed (a centre not yet set up); once it
-- has rows a case's town must be one of them, so that statistics by town
-- add up.
CREATE TABLE towns (
    name        TEXT PRIMARY KEY,
    sort_order  INTEGER NOT NULL DEFAULT 100,
    created_at  TIMESTAMP NOT NULL
);

-- 一次性告知: per category, the materials an applicant brings (八统一's
-- unified materials). Codes are unique within a category; a retired
-- material (active FALSE) leaves the lists but stays ticked on old cases.
CREATE TABLE category_materials (
    category    TEXT NOT NULL REFERENCES categories(code),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    required    BOOLEAN NOT NULL DEFAULT TRUE,
    note        TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 100,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (category, code)
);

-- What a case has received, and when and from whom: at intake or later
-- (at the counter, or a citizen's upload the staff marked). A material is
-- received once; rows are never edited or deleted.
CREATE TABLE case_materials (
    case_id        INTEGER NOT NULL REFERENCES cases(id),
    code           TEXT NOT NULL,
    received_at    TIMESTAMP NOT NULL,
    received_by    INTEGER REFERENCES users(id),
    attachment_id  INTEGER,
    PRIMARY KEY (case_id, code)
);

-- +goose StatementBegin
CREATE TRIGGER case_materials_no_edit BEFORE UPDATE ON case_materials BEGIN
    SELECT RAISE(ABORT, 'received materials are never edited');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER case_materials_no_delete BEFORE DELETE ON case_materials BEGIN
    SELECT RAISE(ABORT, 'received materials are never deleted');
END;
-- +goose StatementEnd

INSERT INTO category_materials (category, code, name, required, note, sort_order) VALUES
    ('marriage_family', 'id_proof', '身份证明', TRUE, '居民身份证或户口簿，复印件一份', 10),
    ('marriage_family', 'marriage_cert', '结婚证或户口簿等身份关系证明', TRUE, '离婚纠纷另附离婚证或判决书', 20),
    ('marriage_family', 'property_proof', '涉及财产的证明材料', FALSE, '房产证、存款凭证等', 30),
    ('neighbour', 'id_proof', '身份证明', TRUE, '居民身份证，复印件一份', 10),
    ('neighbour', 'evidence', '现场照片、视频等证据', FALSE, '', 20),
    ('neighbour', 'village_note', '村（社区）调解记录或情况说明', FALSE, '', 30),
    ('labor', 'id_proof', '身份证明', TRUE, '居民身份证，复印件一份', 10),
    ('labor', 'employment_proof', '劳动合同或工作证明', TRUE, '无书面合同的，可提供工牌、工作服、同事证言等', 20),
    ('labor', 'wage_proof', '工资欠条或考勤记录', TRUE, '欠条、工资条、银行流水、考勤表均可', 30),
    ('labor', 'employer_info', '用人单位名称、地址', FALSE, '', 40),
    ('property_mgmt', 'id_proof', '身份证明', TRUE, '居民身份证，复印件一份', 10),
    ('property_mgmt', 'ownership_proof', '房屋产权证明或租赁合同', TRUE, '', 20),
    ('property_mgmt', 'service_contract', '物业服务合同、收费凭证', FALSE, '', 30),
    ('land', 'id_proof', '身份证明', TRUE, '居民身份证或户口簿，复印件一份', 10),
    ('land', 'land_contract', '土地承包合同或宅基地使用证', TRUE, '', 20),
    ('land', 'boundary_proof', '四至界址图或村集体证明', FALSE, '', 30),
    ('expropriation', 'id_proof', '身份证明', TRUE, '居民身份证或户口簿，复印件一份', 10),
    ('expropriation', 'ownership_proof', '房屋或土地权属证明', TRUE, '', 20),
    ('expropriation', 'compensation_doc', '征收补偿协议或公告', FALSE, '', 30),
    ('medical', 'id_proof', '身份证明', TRUE, '患者本人或近亲属的身份证明', 10),
    ('medical', 'medical_records', '病历、诊断证明', TRUE, '门诊病历、出院记录等', 20),
    ('medical', 'cost_receipts', '医疗费用票据', FALSE, '', 30),
    ('traffic', 'id_proof', '身份证明', TRUE, '居民身份证，复印件一份', 10),
    ('traffic', 'accident_report', '交通事故认定书', TRUE, '交警部门出具', 20),
    ('traffic', 'loss_proof', '医疗费、车辆维修等损失凭证', FALSE, '', 30),
    ('consumer', 'id_proof', '身份证明', TRUE, '居民身份证，复印件一份', 10),
    ('consumer', 'purchase_proof', '购物凭证或发票', TRUE, '小票、发票、网购订单截图均可', 20),
    ('consumer', 'defect_evidence', '商品或服务问题的照片等证据', FALSE, '', 30),
    ('loan_contract', 'id_proof', '身份证明', TRUE, '居民身份证，复印件一份', 10),
    ('loan_contract', 'iou_contract', '借条、欠条或合同', TRUE, '', 20),
    ('loan_contract', 'transfer_records', '转账记录或付款凭证', FALSE, '', 30),
    ('environment', 'id_proof', '身份证明', TRUE, '居民身份证，复印件一份', 10),
    ('environment', 'evidence', '污染或噪声的照片、视频、检测报告', FALSE, '', 20),
    ('litigation_related', 'id_proof', '身份证明', TRUE, '居民身份证，复印件一份', 10),
    ('litigation_related', 'court_documents', '判决书、裁定书等法律文书', TRUE, '', 20),
    ('other', 'id_proof', '身份证明', TRUE, '居民身份证，复印件一份', 10);

-- +goose Down
DROP TRIGGER case_materials_no_delete;
DROP TRIGGER case_materials_no_edit;
DROP TABLE case_materials;
DROP TABLE category_materials;
DROP TABLE towns;
DROP TABLE centre_settings;
