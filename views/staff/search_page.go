package staff

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/search"
	"yidi/views/web"
)

// 搜索: the results page behind the header box; a case number typed exactly
// opens that case.

type searchData struct {
	Query  search.Query
	Result *search.Result
	Facets []facetGroup
	Error  string
	Prev   string
	Next   string
	Filter []activeFilter
}

type facetGroup struct {
	Label string
	Links []facetLink
}

type facetLink struct {
	Label string
	Count int
	Href  string
}

type activeFilter struct {
	Label  string
	Remove string
}

var facetLabels = []struct{ Key, Label string }{
	{"status", "状态"}, {"desk", "窗口"}, {"category", "类别"}, {"town", "乡镇"}, {"month", "月份"},
}

func (s *server) searchPage(c *fiber.Ctx) error {
	a := web.ActorOf(c)
	q := search.Query{Text: strings.TrimSpace(c.Query("q")), Category: c.Query("category"), Desk: c.Query("desk"),
		Status: c.Query("status"), Town: c.Query("town"), Month: c.Query("month"), PerPage: 20}
	q.Page, _ = strconv.Atoi(c.Query("page"))
	if q.Page < 1 {
		q.Page = 1
	}
	if n := cases.NormalizeCaseNumber(q.Text); strings.HasPrefix(n, cases.CaseNumberPrefix+"-") && !strings.Contains(n, " ") {
		if _, err := s.Svc.Case(c.UserContext(), a, n); err == nil {
			return c.Redirect("/cases/"+n, fiber.StatusSeeOther)
		}
	}
	d := searchData{Query: q}
	p := page{Title: "搜索", Active: "search", Q: q.Text, Data: &d}
	if q.Text == "" && q.Category == "" && q.Desk == "" && q.Status == "" && q.Town == "" && q.Month == "" {
		return s.render(c, fiber.StatusOK, "search", p)
	}
	if s.Index == nil {
		d.Error = "搜索暂不可用，请稍后再试。"
		return s.render(c, fiber.StatusServiceUnavailable, "search", p)
	}
	res, err := s.Index.Search(c.UserContext(), a, q, s.Svc)
	if err != nil {
		e := cases.ErrorOf(err)
		if e == nil || e.Kind == cases.KindInternal {
			return err
		}
		d.Error = e.Message
		return s.render(c, web.StatusOf(e.Kind), "search", p)
	}
	d.Result = res
	names, err := s.Svc.DeskNames(c.UserContext())
	if err != nil {
		return err
	}
	cur := url.Values{}
	for k, v := range map[string]string{"q": q.Text, "category": q.Category, "desk": q.Desk, "status": q.Status, "town": q.Town, "month": q.Month} {
		if v != "" {
			cur.Set(k, v)
		}
	}
	label := func(key, value string) string {
		switch key {
		case "status":
			return cases.StatusLabel(cases.Status(value))
		case "desk":
			return names(value)
		case "category":
			if cats, err := s.Svc.Categories(c.UserContext()); err == nil {
				for _, cat := range cats {
					if cat.Code == value {
						return cat.Name
					}
				}
			}
		}
		return value
	}
	for _, fl := range facetLabels {
		if cur.Get(fl.Key) != "" {
			rm := cloneValues(cur)
			rm.Del(fl.Key)
			d.Filter = append(d.Filter, activeFilter{Label: fl.Label + "：" + label(fl.Key, cur.Get(fl.Key)), Remove: "/search?" + rm.Encode()})
			continue
		}
		g := facetGroup{Label: fl.Label}
		for _, f := range res.Facets[fl.Key] {
			if f.Value == "" {
				// Cases without a town (online applications may leave it
				// out): an empty filter filters nothing, and the link would
				// have no text.
				continue
			}
			v := cloneValues(cur)
			v.Set(fl.Key, f.Value)
			g.Links = append(g.Links, facetLink{Label: label(fl.Key, f.Value), Count: f.Count, Href: "/search?" + v.Encode()})
		}
		if len(g.Links) > 0 {
			d.Facets = append(d.Facets, g)
		}
	}
	if q.Page > 1 {
		v := cloneValues(cur)
		v.Set("page", strconv.Itoa(q.Page-1))
		d.Prev = "/search?" + v.Encode()
	}
	if uint64(q.Page*q.PerPage) < res.Total && q.Page < search.MaxPage {
		v := cloneValues(cur)
		v.Set("page", strconv.Itoa(q.Page+1))
		d.Next = "/search?" + v.Encode()
	}
	return s.render(c, fiber.StatusOK, "search", p)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, x := range v {
		out[k] = append([]string{}, x...)
	}
	return out
}
