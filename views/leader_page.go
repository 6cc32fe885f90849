package views

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// 领导视图: open cases by desk and status, the oldest open cases, repeat
// visitors this month. A starting dashboard the deadlines and statistics
// parts extend.

type leaderData struct {
	Statuses []cases.Status
	Rows     []leaderRow
	Oldest   cases.CaseList
	Warnings []leaderWarn
	Awaiting cases.CaseList // under 督办, awaiting a response
	Repeats  cases.CaseList
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
	a := actorOf(c)
	if err := cases.Authorize(a, cases.UseLeaderView); err != nil {
		return err
	}
	ctx := c.UserContext()
	cells, err := s.svc.OpenCasesByDesk(ctx, a)
	if err != nil {
		return err
	}
	names, err := s.svc.DeskNames(ctx)
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
	warns, err := s.svc.OpenWarningsByDesk(ctx, a)
	if err != nil {
		return err
	}
	for _, w := range warns {
		lw := leaderWarn{Name: "待分流", Yellow: w.Yellow, Red: w.Red}
		desk := "desk=" + urlQueryEscape(w.Desk)
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
	if d.Awaiting, err = s.svc.ListCases(ctx, a, cases.CaseFilter{Supervised: true, Open: true, Sort: "deadline", PerPage: 20}); err != nil {
		return err
	}
	if d.Oldest, err = s.svc.ListCases(ctx, a, cases.CaseFilter{Open: true, Sort: "age", PerPage: 20}); err != nil {
		return err
	}
	now := s.svc.Now().In(chinaTime)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, chinaTime)
	if d.Repeats, err = s.svc.ListCases(ctx, a, cases.CaseFilter{Repeat: true, From: month, Sort: "new", PerPage: 20}); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "leader", page{Title: "领导视图", Active: "leader", Data: d})
}
