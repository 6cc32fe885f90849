package staff

import (
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 节假日 (admin): the working-day calendar's exception days — add, delete,
// or import a year's list. Bad input re-renders the page with the message
// by the form that failed, 400, nothing stored.

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
	a := web.ActorOf(c)
	if err := cases.Authorize(a, cases.Administer); err != nil {
		return err
	}
	now := s.Svc.Now().In(cases.ChinaZone).Year()
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
	if d.Days, err = s.Svc.CalendarDays(c.UserContext(), a, year); err != nil {
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
	ctx, a := c.UserContext(), web.ActorOf(c)
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
		if err = s.Svc.SetCalendarDays(ctx, a, []cases.CalendarDay{day}); err == nil {
			done.Set("date", day.Date)
			if t, ok := cases.ParseDate(day.Date); ok {
				year = t.Year()
			}
		}
	case "delete":
		if err = s.Svc.DeleteCalendarDay(ctx, a, c.FormValue("date")); err == nil {
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
			err = s.Svc.SetCalendarDays(ctx, a, days)
		}
		if err == nil {
			done.Set("n", strconv.Itoa(len(days)))
			if t, ok := cases.ParseDate(days[0].Date); ok {
				year = t.Year()
			}
		}
	default:
		err = errUnknownOp
	}
	if err != nil {
		e, fault := refusedBy(err)
		if fault != nil {
			return fault
		}
		d.Error = e.Message
		return s.calendarPage(c, web.StatusOf(e.Kind), year, d)
	}
	return c.Redirect("/admin/calendar?year="+strconv.Itoa(year)+"&"+done.Encode(), fiber.StatusSeeOther)
}
