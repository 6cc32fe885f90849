package lab

import (
	"strings"
	"testing"
	"time"
)

func TestCailCaseNamesMapToCategories(t *testing.T) {
	for name, want := range map[string]string{
		"离婚纠纷":          "marriage_family",
		"变更抚养关系纠纷":      "marriage_family",
		"劳务合同纠纷":        "labor",
		"追索劳动报酬纠纷":      "labor",
		"拒不支付劳动报酬罪":     "labor",
		"民间借贷纠纷":        "loan_contract",
		"房屋买卖合同纠纷":      "loan_contract",
		"机动车交通事故责任纠纷":   "traffic",
		"危险驾驶罪":         "traffic",
		"医疗损害责任纠纷":      "medical",
		"物业服务合同纠纷":      "property_mgmt",
		"相邻关系纠纷":        "neighbour",
		"土地承包经营权转让合同纠纷": "land",
		"房屋拆迁安置补偿合同纠纷":  "expropriation",
		"产品责任纠纷":        "consumer",
		"污染环境罪":         "environment",
		"合同诈骗罪":         "litigation_related",
		"盗窃罪":           "litigation_related",
		"著作权权属纠纷":       "other",
	} {
		if got := cailCategory(name); got != want {
			t.Errorf("%s → %s, want %s", name, got, want)
		}
	}
}

func TestCailPartiesAreReadFromTheText(t *testing.T) {
	tests := []struct {
		text     string
		criminal bool
		want     string
	}{
		{"原告曹0与被告张x1原系夫妻关系", false, "applicant 曹0 / respondent 张x1"},
		{"原告与被告签订《商品房买卖合同》", false, "applicant 原告 / respondent 被告"},
		{"原告刘0诉称,被告于2019年拖欠工资2万元", false, "applicant 刘0 / respondent 被告"},
		{"原告刘0于2012年与被告河xxxxxxxxxxx2签订合同", false, "applicant 刘0 / respondent 河xxxxxxxxxxx2"},
		{"原告王x0的车辆在被告人保沈阳分公司投保", false, "applicant 王x0 / respondent 人保沈阳分公司"},
		{"原告即从本人工商银行账户转款,被告对嘉兴市第一医院的病历无异议", false, "applicant 原告 / respondent 被告"},
		{"平阳县人民检察院指控：被告人黄某、金某经预谋窜至周某家中", true, "applicant 平阳县人民检察院 / respondent 黄某 / respondent 金某"},
		{"经审理查明，被告人罗2某朝伙同陈6某盗走被害人黄9某的水牛", true, "applicant 黄9某 / respondent 罗2某"}, // 某朝: the 朝 is lost
		{"经审理查明，被告单位某某公司与被告人行贿", true, "applicant 公诉机关 / respondent 某某公司"},
	}
	for _, tt := range tests {
		var parts []string
		for _, p := range cailParties(tt.text, tt.criminal) {
			parts = append(parts, p.Role+" "+p.Name)
		}
		if got := strings.Join(parts, " / "); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.text, got, tt.want)
		}
	}
	if got := cailTown("被告人黄某窜至平阳县南雁镇后仓村"); got != "南雁镇" {
		t.Errorf("town %q", got)
	}
	if got := cailTown("原告与被告签订合同"); got != "" {
		t.Errorf("town %q from a text naming none", got)
	}
}

func TestCailDatesAreSpreadOverWorkingDaysOf2019To2025(t *testing.T) {
	years := map[int]int{}
	for i := range 5000 {
		at, closed := cailDates(i)
		if a2, c2 := cailDates(i); !a2.Equal(at) || !c2.Equal(closed) {
			t.Fatalf("%d: not deterministic", i)
		}
		if at.Year() < 2019 || closed.Year() > 2025 || !closed.After(at) {
			t.Fatalf("%d: %v → %v", i, at, closed)
		}
		if wd := at.Weekday(); wd == time.Saturday || wd == time.Sunday || at.Hour() < 8 || at.Hour() > 17 {
			t.Fatalf("%d: registered %v, outside office hours", i, at)
		}
		years[at.Year()]++
	}
	for y := 2019; y <= 2025; y++ {
		if years[y] < 5000/7*8/10 {
			t.Fatalf("uneven spread: %v", years)
		}
	}
}
