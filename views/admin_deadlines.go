package views

import (
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// 时限规则 and 节假日: the deadline engine's data, for admins. A rule's
// form posts every field (SaveDeadlineRule replaces the rule; stages that
// already started keep their terms). The calendar page adds, deletes and
// imports exception days. Bad input re-renders the page with the message
// by the form that failed, 400, nothing stored.

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
	ctx, a := c.UserContext(), actorOf(c)
	if err := cases.Authorize(a, cases.Administer); err != nil {
		return err
	}
	rules, err := s.svc.DeadlineRules(ctx, a)
	if err != nil {
		return err
	}
	d := rulesData{Stages: cases.DeadlineStages,
		New: ruleForm{DeadlineRule: cases.DeadlineRule{Unit: cases.UnitDay, DaysKind: cases.DaysCalendar, Active: true}}}
	if d.Desks, err = s.svc.Desks(ctx); err != nil {
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
	return s.render(c, status, "admin_rules", page{Title: "时限规则", Active: "deadline-rules", Data: d})
}

func (s *server) adminDeadlineRules(c *fiber.Ctx) error {
	return s.rulesPage(c, fiber.StatusOK, nil)
}

func (s *server) adminDeadlineRuleSave(c *fiber.Ctx) error {
	if err := cases.Authorize(actorOf(c), cases.EditDeadlineRules); err != nil {
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
		_, err = s.svc.SaveDeadlineRule(c.UserContext(), actorOf(c), code, in)
	}
	if err != nil {
		e := cases.ErrorOf(err)
		if e == nil || e.Kind == cases.KindInternal {
			return err
		}
		typed.Error, typed.Field = e.Message, e.Field
		return s.rulesPage(c, statusOf(e.Kind), typed)
	}
	return c.Redirect("/admin/deadline-rules?saved="+urlQueryEscape(code)+"#rule-"+code, fiber.StatusSeeOther)
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

type calendarData struct {
	Year   int
	Years  []int
	Days   []cases.CalendarDay
	Error  string
	Form   string // which form failed: add | import
	Typed  map[string]string
	Import string
}

func (s *server) calendarPage(c *fiber.Ctx, status int, year int, d *calendarData) error {
	a := actorOf(c)
	if err := cases.Authorize(a, cases.Administer); err != nil {
		return err
	}
	now := s.svc.Now().In(chinaTime).Year()
	if year < 2000 || year > 2100 {
		year = now
	}
	d.Year = year
	for y := now - 2; y <= now+1; y++ {
		d.Years = append(d.Years, y)
	}
	if year < now-2 || year > now+1 {
		d.Years = append(d.Years, year)
	}
	var err error
	if d.Days, err = s.svc.CalendarDays(c.UserContext(), a, year); err != nil {
		return err
	}
	if d.Typed == nil {
		d.Typed = map[string]string{}
	}
	p := page{Title: "节假日安排", Active: "calendar", Data: d}
	if status == fiber.StatusOK {
		// The flash is built here from what the redirect named, never
		// taken as text from the URL.
		date, n := c.Query("date"), c.QueryInt("n")
		if _, ok := cases.ParseDate(date); ok || c.Query("done") == "import" {
			switch c.Query("done") {
			case "add":
				p.Flash = "已保存 " + date + "。"
			case "delete":
				p.Flash = "已删除 " + date + "，该日按周末规则计。"
			case "import":
				p.Flash = "已导入 " + strconv.Itoa(n) + " 天。"
			}
		}
	}
	return s.render(c, status, "admin_calendar", p)
}

func (s *server) adminCalendar(c *fiber.Ctx) error {
	year, _ := strconv.Atoi(c.Query("year"))
	return s.calendarPage(c, fiber.StatusOK, year, &calendarData{})
}

// adminCalendarSave handles the page's three forms by their op: add a day,
// delete a day, import a year's list (textarea or file).
func (s *server) adminCalendarSave(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), actorOf(c)
	if err := cases.Authorize(a, cases.EditCalendar); err != nil {
		return err
	}
	year, _ := strconv.Atoi(c.FormValue("year"))
	op := c.FormValue("op")
	d := &calendarData{Form: op, Typed: map[string]string{"date": c.FormValue("date"),
		"working": c.FormValue("working"), "name": c.FormValue("name")}}
	var err error
	done := url.Values{"done": {op}}
	switch op {
	case "add":
		day := cases.CalendarDay{Date: strings.TrimSpace(c.FormValue("date")), Working: c.FormValue("working") == "1",
			Name: c.FormValue("name")}
		if err = s.svc.SetCalendarDays(ctx, a, []cases.CalendarDay{day}); err == nil {
			done.Set("date", day.Date)
			if t, ok := cases.ParseDate(day.Date); ok {
				year = t.Year()
			}
		}
	case "delete":
		if err = s.svc.DeleteCalendarDay(ctx, a, c.FormValue("date")); err == nil {
			done.Set("date", c.FormValue("date"))
		}
	case "import":
		text := c.FormValue("lines")
		d.Import = text
		if fh, ferr := c.FormFile("file"); ferr == nil && fh.Size > 0 {
			if fh.Size > 1<<20 {
				err = &cases.Error{Kind: cases.KindInvalid, Code: "too_large", Message: "文件过大（最大1MB）", Field: "file"}
			} else if f, oerr := fh.Open(); oerr != nil {
				err = oerr
			} else {
				b, rerr := io.ReadAll(f)
				f.Close()
				text, err = string(b), rerr
			}
		}
		var days []cases.CalendarDay
		if err == nil {
			days, err = cases.ParseCalendarFile(strings.NewReader(text))
		}
		if err == nil {
			err = s.svc.SetCalendarDays(ctx, a, days)
		}
		if err == nil {
			done.Set("n", strconv.Itoa(len(days)))
			if t, ok := cases.ParseDate(days[0].Date); ok {
				year = t.Year()
			}
		}
	default:
		err = &cases.Error{Kind: cases.KindInvalid, Code: "unknown_op", Message: "未知的操作"}
	}
	if err != nil {
		e := cases.ErrorOf(err)
		if e == nil || e.Kind == cases.KindInternal {
			return err
		}
		d.Error = e.Message
		return s.calendarPage(c, statusOf(e.Kind), year, d)
	}
	return c.Redirect("/admin/calendar?year="+strconv.Itoa(year)+"&"+done.Encode(), fiber.StatusSeeOther)
}
