package staff

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/reports"
	"yidi/views/web"
)

// 领导视图: open cases by desk and status, the oldest open cases, repeat
// visitors this month. A starting dashboard the deadlines and statistics
// parts extend.

type leaderData struct {
	Statuses []cases.Status
	Rows     []leaderRow
	Oldest   reports.CaseList
	Warnings []leaderWarn
	Awaiting reports.CaseList // under 督办, awaiting a response
	Repeats  reports.CaseList
	// Risk is the board of red and orange cases, cases without their 包案
	// leader and overdue re-assessments (cases/reports/risk.go).
	Risk *reports.RiskBoard
	// Tasks are the overdue 交办 items of 会商 meetings (cases/meeting_tasks.go).
	Tasks *cases.OverdueTaskList
}

// leaderWarn is one desk's yellow and red open cases, each a link to the list.
type leaderWarn struct {
	Name        string
	Yellow, Red int
	YellowHref  string
	RedHref     string
}

type leaderRow struct {
	Desk   string
	Name   string
	Counts []int
	Total  int
}

func (s *server) leaderPage(c *fiber.Ctx) error {
	a := web.ActorOf(c)
	if err := cases.Authorize(a, cases.UseLeaderView); err != nil {
		return err
	}
	ctx := c.UserContext()
	cells, err := s.Rep.OpenCasesByDesk(ctx, a)
	if err != nil {
		return err
	}
	names, err := s.Svc.DeskNames(ctx)
	if err != nil {
		return err
	}
	d := leaderData{}
	for _, st := range cases.Statuses {
		if st != cases.StatusClosed {
			d.Statuses = append(d.Statuses, st)
		}
	}
	byDesk := map[string]*leaderRow{}
	var order []string
	for _, cell := range cells {
		r := byDesk[cell.Desk]
		if r == nil {
			r = &leaderRow{Desk: cell.Desk, Name: "待分流", Counts: make([]int, len(d.Statuses))}
			if cell.Desk != "" {
				r.Name = names(cell.Desk)
			}
			byDesk[cell.Desk] = r
			order = append(order, cell.Desk)
		}
		for i, st := range d.Statuses {
			if st == cell.Status {
				r.Counts[i] += cell.Count
			}
		}
		r.Total += cell.Count
	}
	for _, k := range order {
		d.Rows = append(d.Rows, *byDesk[k])
	}
	warns, err := s.Rep.OpenWarningsByDesk(ctx, a)
	if err != nil {
		return err
	}
	for _, w := range warns {
		lw := leaderWarn{Name: "待分流", Yellow: w.Yellow, Red: w.Red}
		desk := "desk=" + url.QueryEscape(w.Desk)
		if w.Desk != "" {
			lw.Name = names(w.Desk)
		} else {
			desk = "status=registered"
		}
		// A warning is cleared when a case closes: warning=… lists open cases.
		lw.YellowHref = "/cases?warning=yellow&" + desk
		lw.RedHref = "/cases?warning=red&" + desk
		d.Warnings = append(d.Warnings, lw)
	}
	if d.Awaiting, err = s.Rep.ListCases(ctx, a, reports.CaseFilter{Supervised: new(true), Open: true, Sort: "deadline", PerPage: 20}); err != nil {
		return err
	}
	if d.Oldest, err = s.Rep.ListCases(ctx, a, reports.CaseFilter{Open: true, Sort: "age", PerPage: 20}); err != nil {
		return err
	}
	now := s.Svc.Now().In(cases.ChinaZone)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, cases.ChinaZone)
	if d.Repeats, err = s.Rep.ListCases(ctx, a, reports.CaseFilter{Repeat: true, From: month, Sort: "new", PerPage: 20}); err != nil {
		return err
	}
	if d.Tasks, err = s.Svc.OverdueTasks(ctx, a); err != nil {
		return err
	}
	if d.Risk, err = s.Rep.RiskBoard(ctx, a); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "leader", page{Title: "领导视图", Active: "leader", Data: d})
}
