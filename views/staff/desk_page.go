package staff

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/reports"
	"yidi/views/web"
)

// 工作台: a desk's queues (待签收, 办理中, 联合调处, 退回; 待分流 at the window),
// sortable by age or deadline, filtered by warning, paged. Each link keeps
// the other choices (deskData.Link).

type deskData struct {
	Queues  []reports.QueueCount
	Current reports.QueueCount
	Sort    string
	Warning string // "" | "yellow" | "red"
	List    reports.CaseList
	Prev    int
	Next    int
}

func (s *server) deskPage(c *fiber.Ctx) error {
	a := web.ActorOf(c)
	counts, err := s.Rep.QueueCounts(c.UserContext(), a)
	if err != nil {
		return err
	}
	if len(counts) == 0 {
		return s.errorPage(c, fiber.StatusForbidden, "您的账号没有工作台。")
	}
	d := deskData{Queues: counts, Current: counts[0], Sort: c.Query("sort", "age")}
	for _, q := range counts {
		if q.Key == c.Query("queue") {
			d.Current = q
		}
	}
	if d.Sort != "deadline" {
		d.Sort = "age"
	}
	if w := c.Query("warning"); w == cases.StateYellow || w == cases.StateRed {
		d.Warning = w
	}
	pg, _ := strconv.Atoi(c.Query("page"))
	f := d.Current.Filter
	f.Sort, f.Page, f.PerPage, f.Warning = d.Sort, pg, 50, d.Warning
	if d.List, err = s.Rep.ListCases(c.UserContext(), a, f); err != nil {
		return err
	}
	if d.List.Page > 1 {
		d.Prev = d.List.Page - 1
	}
	if d.List.Page*d.List.PerPage < d.List.Total {
		d.Next = d.List.Page + 1
	}
	return s.render(c, fiber.StatusOK, "desk", page{Title: "工作台 · " + d.Current.Label, Active: "desk:" + d.Current.Key, Data: d})
}

// Link is this page's URL with one choice changed and the others kept.
func (d deskData) Link(key, value string) string {
	q := map[string]string{"queue": d.Current.Key, "sort": d.Sort, "warning": d.Warning}
	q[key] = value
	u := "/desk?queue=" + url.QueryEscape(q["queue"]) + "&sort=" + url.QueryEscape(q["sort"])
	if q["warning"] != "" {
		u += "&warning=" + url.QueryEscape(q["warning"])
	}
	if p := q["page"]; p != "" {
		u += "&page=" + p
	}
	return u
}
