package staff

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/reports"
	"yidi/views/web"
)

// 案件列表: any filtered list of cases, with the filters of GET
// /api/v1/cases (reports.CaseFilterFromQuery) — the leader's drill-downs
// (warnings by desk, 督办 awaiting a response) and every statistics figure
// open here — paged, with CSV/XLSX downloads of exactly this list through
// the API's streaming exporter. The read rule applies as in the API.

type listData struct {
	Query url.Values // the filters as given, for links and the form
	Rows  []reports.CaseRow
	Total int
	Page  int
	Prev  int
	Next  int
	Desks []cases.Desk
	Cats  []cases.Category
	Types []string // closure types, "unspecified" last
	Other [][2]string
	Error string
	CSV   string // downloads of exactly this list: the filters without paging
	XLSX  string
}

// Statuses are the statuses the form offers.
func (listData) Statuses() []cases.Status { return cases.Statuses }

// listFormFields are the filters the page's form shows; others given in
// the link (received, satisfied, …) are carried as hidden fields.
var listFormFields = map[string]bool{"desk": true, "category": true, "town": true, "status": true, "warning": true,
	"from": true, "to": true, "closed_from": true, "closed_to": true, "closure_type": true, "on_time": true,
	"supervised": true, "page": true, "per_page": true, "risk": true}

func (s *server) casesPage(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	if err := cases.Authorize(a, cases.HandleCases); err != nil {
		return err
	}
	q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	d := listData{Query: q, Types: reports.StatsClosureTypes, Page: 1}
	var err error
	if d.Desks, err = s.Svc.Desks(ctx); err != nil {
		return err
	}
	if d.Cats, err = s.Svc.Categories(ctx); err != nil {
		return err
	}
	for k, vs := range q {
		if !listFormFields[k] && len(vs) > 0 && vs[0] != "" {
			d.Other = append(d.Other, [2]string{k, vs[0]})
		}
	}
	exp := url.Values{}
	for k, v := range q {
		if k != "page" && k != "per_page" && len(v) > 0 && v[0] != "" {
			exp.Set(k, v[0])
		}
	}
	d.CSV, d.XLSX = "/cases/export.csv?"+exp.Encode(), "/cases/export.xlsx?"+exp.Encode()
	f, err := reports.CaseFilterFromQuery(q.Get)
	if err == nil {
		d.Rows, d.Total, err = s.Rep.CaseRows(ctx, a, f)
	}
	if err != nil {
		e := cases.ErrorOf(err)
		if e == nil || e.Kind != cases.KindInvalid {
			return err
		}
		d.Error = e.Message
		if e.Field != "" {
			d.Error = listFieldLabel(e.Field) + "：" + e.Message
		}
		return s.render(c, fiber.StatusBadRequest, "cases", page{Title: "案件列表", Active: "cases", Data: d})
	}
	d.Page = f.Page
	if f.Page > 1 {
		d.Prev = f.Page - 1
	}
	if f.Page*f.PerPage < d.Total {
		d.Next = f.Page + 1
	}
	return s.render(c, fiber.StatusOK, "cases", page{Title: "案件列表", Active: "cases", Data: d})
}

// casesExport streams the list the query names (as on the page) as CSV or
// XLSX, for the signed-in user.
func (s *server) casesExport(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := web.ActorOf(c)
		if err := cases.Authorize(a, cases.HandleCases); err != nil {
			return err
		}
		f, err := reports.CaseFilterFromQuery(func(k string) string { return c.Query(k) })
		if err != nil {
			return err
		}
		return s.SendCases(c, format, a, f)
	}
}

func listFieldLabel(field string) string {
	switch field {
	case "from", "to":
		return "登记日期"
	case "closed_from", "closed_to":
		return "办结日期"
	case "page", "per_page":
		return "页码"
	}
	return field
}

// Link is this list's URL with one parameter changed (value "" removes it)
// and the others kept; a change other than the page starts at page 1.
func (d listData) Link(key, value string) string {
	q := url.Values{}
	for k, v := range d.Query {
		q[k] = append([]string(nil), v...)
	}
	if key != "page" {
		q.Del("page")
	}
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	return "/cases?" + q.Encode()
}

// Is reports whether the list is filtered by key=value, for the selects.
func (d listData) Is(key, value string) bool { return d.Query.Get(key) == value }

// listCond is a filter the form does not show, in words.
func listCond(key, value string) string {
	yes := value == "true"
	switch key {
	case "received":
		if yes {
			return "已受理（不含待受理、不予受理的网上申请）"
		}
		return "待受理或不予受理的网上申请"
	case "satisfied":
		if yes {
			return "评价满意（4-5分）"
		}
		return "评价不满意（1-3分）"
	case "overdue":
		if yes {
			return "超期未办结"
		}
		return "未超期"
	case "reopened":
		if yes {
			return "曾重新办理"
		}
		return "未重新办理"
	case "group":
		if yes {
			return "群体性纠纷（" + strconv.Itoa(cases.GroupCaseMinPeople) + "人以上）"
		}
		return "非群体性纠纷"
	case "risk_ever":
		if yes {
			return "曾评定为黄色以上风险"
		}
		return "从未评定为黄色以上风险"
	case "open":
		if yes {
			return "在办"
		}
	}
	return key + "=" + value
}
