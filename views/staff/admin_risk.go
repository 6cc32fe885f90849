package staff

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 风险研判规则: the rules that suggest a case's risk level, for admins, and
// what each level requires (包案 ranks, re-assessment days) to read. A
// rule's form posts every field; bad input re-renders the page with the
// message by the form that failed, nothing stored.

type riskRulesData struct {
	Rules  []riskRuleForm
	New    riskRuleForm
	Levels []cases.RiskLevel
}

type riskRuleForm struct {
	cases.RiskRule
	Error  string
	Field  string
	Open   bool
	Kinds  []option
	LevelS []option
}

func (s *server) riskRulesPage(c *fiber.Ctx, status int, failed *riskRuleForm) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	if err := cases.Authorize(a, cases.Administer); err != nil {
		return err
	}
	set, err := s.Svc.RiskSettings(ctx, a)
	if err != nil {
		return err
	}
	var kinds, levels []option
	for _, k := range cases.RiskRuleKinds {
		kinds = append(kinds, option{k, cases.RiskRuleKindLabel(k)})
	}
	for _, l := range cases.RiskLevelNames {
		levels = append(levels, option{l, cases.RiskLabel(l)})
	}
	d := riskRulesData{Levels: set.Levels,
		New: riskRuleForm{RiskRule: cases.RiskRule{Kind: cases.RiskRuleWords, Level: cases.RiskYellow, Active: true}}}
	for _, r := range set.Rules {
		f := riskRuleForm{RiskRule: r}
		if failed != nil && failed.ID == r.ID {
			f = *failed
		}
		d.Rules = append(d.Rules, f)
	}
	if failed != nil && failed.ID == 0 {
		d.New = *failed
	}
	d.New.Kinds, d.New.LevelS = kinds, levels
	for i := range d.Rules {
		d.Rules[i].Kinds, d.Rules[i].LevelS = kinds, levels
	}
	p := page{Title: "风险研判规则", Active: "risk-rules", Data: d}
	if status == fiber.StatusOK && c.Query("saved") != "" {
		p.Flash = "已保存风险研判规则。"
	}
	return s.render(c, status, "admin_risk", p)
}

func (s *server) adminRiskRules(c *fiber.Ctx) error {
	return s.riskRulesPage(c, fiber.StatusOK, nil)
}

func (s *server) adminRiskRuleSave(c *fiber.Ctx) error {
	if err := cases.Authorize(web.ActorOf(c), cases.EditRiskRules); err != nil {
		return err
	}
	id, _ := strconv.ParseInt(c.FormValue("id"), 10, 64)
	in := cases.RiskRule{ID: id, Kind: c.FormValue("kind"), Label: c.FormValue("label"), Words: c.FormValue("words"),
		Level: c.FormValue("level"), Active: c.FormValue("active") != ""}
	var err error
	if v := strings.TrimSpace(c.FormValue("threshold")); v != "" {
		if in.Threshold, err = strconv.ParseFloat(v, 64); err != nil {
			err = &cases.Error{Kind: cases.KindInvalid, Code: "invalid_number", Message: "门槛应为数字", Field: "threshold"}
		}
	}
	if err == nil {
		in.Order, err = formInt(c, "sort_order", "排序应为整数")
	}
	if err == nil {
		_, err = s.Svc.SaveRiskRule(c.UserContext(), web.ActorOf(c), in)
	}
	if err != nil {
		e, fault := refusedBy(err)
		if fault != nil {
			return fault
		}
		return s.riskRulesPage(c, web.StatusOf(e.Kind), &riskRuleForm{RiskRule: in, Error: e.Message, Field: e.Field, Open: true})
	}
	return c.Redirect("/admin/risk-rules?saved=1", fiber.StatusSeeOther)
}
