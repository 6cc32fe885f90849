package views

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// 案件列表: any filtered list of cases — the leader's drill-downs (warnings
// by desk, 督办 awaiting a response, statistics figures) open here. The read
// rule applies through ListCases. Every link keeps the filters (listData.Link).

type listData struct {
	Query  url.Values // the filters as given, for links
	Filter cases.CaseFilter
	List   cases.CaseList
	Prev   int
	Next   int
	Desks  []cases.Desk
	Cats   []cases.Category
	Error  string
}

// caseFilterFrom reads a list's filters from the query string. A bad value
// is an error naming its field.
func caseFilterFrom(q url.Values) (cases.CaseFilter, error) {
	f := cases.CaseFilter{Desk: q.Get("desk"), Town: strings.TrimSpace(q.Get("town")),
		Category: q.Get("category"), Sort: q.Get("sort"), Open: q.Get("open") == "1",
		Supervised: q.Get("supervised") == "1"}
	switch w := q.Get("warning"); w {
	case "", cases.StateYellow, cases.StateRed:
		f.Warning = w
	default:
		return f, &cases.Error{Kind: cases.KindInvalid, Code: "invalid_warning", Message: "预警只能是 yellow（黄色预警）或 red（红色超期）", Field: "warning"}
	}
	for _, st := range q["status"] {
		if st == "" {
			continue
		}
		if cases.StatusLabel(cases.Status(st)) == st {
			return f, &cases.Error{Kind: cases.KindInvalid, Code: "invalid_status", Message: "未知的案件状态", Field: "status"}
		}
		f.Statuses = append(f.Statuses, cases.Status(st))
	}
	for _, k := range []string{"from", "to"} {
		v := q.Get(k)
		if v == "" {
			continue
		}
		t, ok := cases.ParseDate(v)
		if !ok {
			return f, &cases.Error{Kind: cases.KindInvalid, Code: "invalid_date", Message: "日期应为YYYY-MM-DD格式", Field: k}
		}
		if k == "from" {
			f.From = t
		} else {
			f.To = t.AddDate(0, 0, 1).Add(-1)
		}
	}
	if f.Sort != "deadline" && f.Sort != "new" {
		f.Sort = "age"
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.PerPage = 50
	return f, nil
}

func (s *server) casesPage(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), actorOf(c)
	q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	d := listData{Query: q}
	var err error
	if d.Desks, err = s.svc.Desks(ctx); err != nil {
		return err
	}
	if d.Cats, err = s.svc.Categories(ctx); err != nil {
		return err
	}
	status := fiber.StatusOK
	d.Filter, err = caseFilterFrom(q)
	if err != nil {
		e := cases.ErrorOf(err)
		d.Error, status = e.Message, fiber.StatusBadRequest
		d.List = cases.CaseList{Page: 1}
		return s.render(c, status, "cases", page{Title: "案件列表", Active: "cases", Data: d})
	}
	if d.List, err = s.svc.ListCases(ctx, a, d.Filter); err != nil {
		return err
	}
	if d.List.Page > 1 {
		d.Prev = d.List.Page - 1
	}
	if d.List.Page*d.List.PerPage < d.List.Total {
		d.Next = d.List.Page + 1
	}
	return s.render(c, status, "cases", page{Title: "案件列表", Active: "cases", Data: d})
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

// Has reports whether the list is filtered by key=value, for the selects.
func (d listData) Has(key, value string) bool {
	for _, v := range d.Query[key] {
		if v == value {
			return true
		}
	}
	return false
}
