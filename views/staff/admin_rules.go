package staff

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 时限规则: the deadline engine's rules, for admins. A rule's form posts
// every field (SaveDeadlineRule replaces the rule; stages that already
// started keep their terms). Bad input re-renders the page with the
// message by the form that failed, 400, nothing stored.

type rulesData struct {
	Rules  []ruleForm
	New    ruleForm
	Desks  []cases.Desk
	Stages []cases.Status
}

// ruleForm is one rule's edit form: the rule (as stored, or as typed after
// an error) and the error.
type ruleForm struct {
	cases.DeadlineRule
	Error  string
	Field  string
	Open   bool
	IsNew  bool
	Stages []cases.Status // the stages a rule may govern, for the select
}

func (s *server) rulesPage(c *fiber.Ctx, status int, failed *ruleForm) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	if err := cases.Authorize(a, cases.Administer); err != nil {
		return err
	}
	rules, err := s.Svc.DeadlineRules(ctx, a)
	if err != nil {
		return err
	}
	d := rulesData{Stages: cases.DeadlineStages,
		New: ruleForm{DeadlineRule: cases.DeadlineRule{Unit: cases.UnitDay, DaysKind: cases.DaysCalendar, Active: true}}}
	if d.Desks, err = s.Svc.Desks(ctx); err != nil {
		return err
	}
	placed := false
	for _, r := range rules {
		f := ruleForm{DeadlineRule: r}
		if failed != nil && failed.Code == r.Code {
			f, placed = *failed, true
		}
		d.Rules = append(d.Rules, f)
	}
	if failed != nil && !placed {
		d.New = *failed
		d.New.IsNew = true
	}
	d.New.IsNew = true
	d.New.Stages = d.Stages
	for i := range d.Rules {
		d.Rules[i].Stages = d.Stages
	}
	p := page{Title: "时限规则", Active: "deadline-rules", Data: d}
	if status == fiber.StatusOK {
		// Worded from the rule the redirect named, never from the URL's text.
		for _, r := range d.Rules {
			if r.Code == c.Query("saved") {
				p.Flash = "已保存时限规则“" + r.Label + "”。"
			}
		}
	}
	return s.render(c, status, "admin_rules", p)
}

func (s *server) adminDeadlineRules(c *fiber.Ctx) error {
	return s.rulesPage(c, fiber.StatusOK, nil)
}

func (s *server) adminDeadlineRuleSave(c *fiber.Ctx) error {
	if err := cases.Authorize(web.ActorOf(c), cases.EditDeadlineRules); err != nil {
		return err
	}
	in := cases.DeadlineRuleInput{Desk: c.FormValue("desk"), Stage: cases.Status(c.FormValue("stage")),
		Unit: c.FormValue("unit"), DaysKind: c.FormValue("days_kind"), ExtensionNote: c.FormValue("extension_note"),
		Basis: c.FormValue("basis"), Label: c.FormValue("label"), Active: c.FormValue("active") != ""}
	code := strings.TrimSpace(c.FormValue("code"))
	typed := &ruleForm{DeadlineRule: cases.DeadlineRule{Code: code, Desk: in.Desk, Stage: in.Stage,
		Unit: in.Unit, DaysKind: in.DaysKind, ExtensionNote: in.ExtensionNote, Basis: in.Basis,
		Label: in.Label, Active: in.Active}, Open: true}
	var err error
	if in.Length, err = formInt(c, "length", "时限长度应为整数"); err == nil {
		in.MaxExtensionDays, err = formInt(c, "max_extension_days", "最长延期天数应为整数")
	}
	typed.Length, typed.MaxExtensionDays = in.Length, in.MaxExtensionDays
	if err == nil {
		_, err = s.Svc.SaveDeadlineRule(c.UserContext(), web.ActorOf(c), code, in)
	}
	if err != nil {
		e := cases.ErrorOf(err)
		if e == nil || e.Kind == cases.KindInternal {
			return err
		}
		typed.Error, typed.Field = e.Message, e.Field
		return s.rulesPage(c, web.StatusOf(e.Kind), typed)
	}
	return c.Redirect("/admin/deadline-rules?saved="+url.QueryEscape(code)+"#rule-"+code, fiber.StatusSeeOther)
}

// formInt reads an integer form field; empty is 0.
func formInt(c *fiber.Ctx, name, msg string) (int, error) {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, &cases.Error{Kind: cases.KindInvalid, Code: "invalid_number", Message: msg, Field: name}
	}
	return n, nil
}
