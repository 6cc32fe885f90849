package staff

import (
	"fmt"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/cases/reports"
	"yidi/views/web"
)

// 统计分析 (/leader/stats): the statistics of reports.Stats for a month,
// quarter, year or custom span, narrowed by desk, category and town. Every
// rate shows its numerator and denominator, each numerator a link to the
// list of exactly those cases; the charts are SVG drawn on the server; the
// figures download as CSV or XLSX through the API's exporter.

type statsPage struct {
	Form    statsForm
	Stats   *reports.Stats
	Figures []figureView
	Types   []figureView // closed by closure type
	// What mediation achieved (reports.Outcomes).
	Outcomes []figureView
	// Group cases and risk levels (reports.RiskFigures).
	Risk   []figureView
	Dims   []statsDim
	Charts template.HTML
	CSV    string // download links: the statistics' parameters in the API's words
	XLSX   string
	Desks  []cases.Desk
	Cats   []cases.Category
	Years  []int
	Error  string
}

// statsForm is the period picker as typed.
type statsForm struct {
	Kind     string // month | quarter | year | custom
	Month    string // YYYY-MM
	Year     string
	Quarter  string // 1..4
	From, To string
	Desk     string
	Category string
	Town     string
}

// figureView is one figure: a count, or a rate with its numerator (a link
// to its cases when the list can select them) and denominator.
type figureView struct {
	Label  string
	Value  string // "62.5%", a count, or "无数据"
	Num    int
	Den    int
	IsRate bool
	Href   string
	Note   string
	// NumText and DenText, when set, show the numerator and denominator
	// in other words than counts of cases (amounts in yuan).
	NumText, DenText string
}

type statsDim struct {
	Name string
	Rows []statsRowView
}

type statsRowView struct {
	Label      string
	Received   figureView
	Closed     figureView
	Resolution figureView
	OnTime     figureView
}

// period turns the picker into the API's parameters.
func (f statsForm) period() url.Values {
	v := url.Values{}
	switch f.Kind {
	case "month":
		v.Set("period", f.Month)
	case "quarter":
		v.Set("period", f.Year+"-Q"+f.Quarter)
	case "year":
		v.Set("period", f.Year)
	case "custom":
		v.Set("from", f.From)
		v.Set("to", f.To)
	}
	for k, x := range map[string]string{"desk": f.Desk, "category": f.Category, "town": f.Town} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v
}

func (s *server) statsPage(c *fiber.Ctx) error {
	a := web.ActorOf(c)
	if err := cases.Authorize(a, cases.ViewStats); err != nil {
		return err
	}
	ctx := c.UserContext()
	now := s.Svc.Now().In(cases.ChinaZone)
	f := statsForm{Kind: c.Query("kind", "month"), Month: c.Query("month", now.Format("2006-01")),
		Year: c.Query("year", strconv.Itoa(now.Year())), Quarter: c.Query("quarter", strconv.Itoa((int(now.Month())+2)/3)),
		From: c.Query("from"), To: c.Query("to"), Desk: c.Query("desk"), Category: c.Query("category"),
		Town: strings.TrimSpace(c.Query("town"))}
	d := statsPage{Form: f}
	for y := now.Year(); y >= now.Year()-5; y-- {
		d.Years = append(d.Years, y)
	}
	var err error
	if d.Desks, err = s.Svc.Desks(ctx); err != nil {
		return err
	}
	if d.Cats, err = s.Svc.Categories(ctx); err != nil {
		return err
	}
	status := fiber.StatusOK
	q := f.period()
	if f.Kind != "month" && f.Kind != "quarter" && f.Kind != "year" && f.Kind != "custom" {
		err = &cases.Error{Kind: cases.KindInvalid, Code: "invalid_kind", Message: "请选择按月、按季度、按年或自定义期间", Field: "kind"}
	} else {
		d.Stats, err = s.StatsOf(c, q.Get)
	}
	if err != nil {
		e := cases.ErrorOf(err)
		if e == nil || e.Kind != cases.KindInvalid {
			return err
		}
		d.Error, status = e.Message, fiber.StatusBadRequest
		return s.render(c, status, "stats", page{Title: "统计分析", Active: "stats", Data: d})
	}
	d.CSV, d.XLSX = "/leader/stats/export.csv?"+q.Encode(), "/leader/stats/export.xlsx?"+q.Encode()
	s.fillStats(c, &d)
	return s.render(c, status, "stats", page{Title: "统计分析 · " + d.Stats.Period.Label, Active: "stats", Data: d})
}

// statsExport streams the statistics the query names (the API's
// parameters) as CSV or XLSX, for a signed-in leader.
func (s *server) statsExport(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := cases.Authorize(web.ActorOf(c), cases.ViewStats); err != nil {
			return err
		}
		st, err := s.StatsOf(c, func(k string) string { return c.Query(k) })
		if err != nil {
			return err
		}
		return web.SendStats(c, format, st)
	}
}

func listHref(links map[string]string, key string) string {
	if q, ok := links[key]; ok {
		return "/cases?" + q
	}
	return ""
}

func countView(label string, n int, href string) figureView {
	return figureView{Label: label, Value: strconv.Itoa(n), Num: n, Href: href}
}

func rateView(label string, r reports.Rate, href string) figureView {
	v := figureView{Label: label, Num: r.Num, Den: r.Den, IsRate: true, Href: href, Value: "无数据"}
	if r.Value != nil {
		v.Value = trimFloat(*r.Value*100) + "%"
	}
	return v
}

func (s *server) fillStats(c *fiber.Ctx, d *statsPage) {
	st := d.Stats
	fg := &st.Figures
	l := fg.Links
	d.Figures = []figureView{
		countView("受理数", fg.Received, listHref(l, "received")),
		countView("办结数", fg.Closed.Total, listHref(l, "closed")),
		rateView("化解率（实质化解 ÷ 办结）", fg.ResolutionRate, listHref(l, "resolution_rate")),
		rateView("按期办结率（按期 ÷ 有时限的办结）", fg.OnTimeRate, listHref(l, "on_time_rate")),
		rateView("满意率（4-5分 ÷ 评价数）", fg.SatisfactionRate, listHref(l, "satisfaction_rate")),
		rateView("90天内重复来访率", fg.RepeatVisitRate90, ""),
		rateView("180天内重复来访率", fg.RepeatVisitRate180, ""),
		rateView("90天内重新办理率", fg.ReopenRate90, ""),
		rateView("180天内重新办理率", fg.ReopenRate180, ""),
	}
	if fg.SatisfactionAverage != nil {
		d.Figures = append(d.Figures, figureView{Label: "平均满意度（1-5分）", Value: trimFloat(*fg.SatisfactionAverage),
			Note: fmt.Sprintf("共 %d 条评价", fg.SatisfactionRate.Den)})
	}
	days := figureView{Label: "平均办结用时", Value: "无数据", Note: fmt.Sprintf("%d 件办结", fg.DaysToClose.Count)}
	if fg.DaysToClose.Avg != nil {
		days.Value = trimFloat(*fg.DaysToClose.Avg) + " 天"
		if fg.DaysToClose.P90 != nil {
			days.Note += fmt.Sprintf("，90%% 在 %s 天内", trimFloat(*fg.DaysToClose.P90))
		}
	}
	d.Figures = append(d.Figures, days)
	if fg.OverdueOpen != nil {
		o := rateView("超期未办结（当前，在办案件中）", *fg.OverdueOpen, listHref(l, "overdue_open"))
		d.Figures = append(d.Figures, o)
	}
	d.Outcomes = outcomeViews(&st.Outcomes, l)
	d.Risk = riskViews(&st.RiskFigures, l)
	for _, t := range reports.StatsClosureTypes {
		n := fg.Closed.ByClosureType[t]
		if n == 0 && t == reports.ClosureUnspecified {
			continue
		}
		v := rateView(reports.ClosureTypeLabel(t), reports.Rate{Num: n, Den: fg.Closed.Total, Value: share(n, fg.Closed.Total)},
			listHref(l, "closure_type."+t))
		d.Types = append(d.Types, v)
	}
	for _, dim := range []struct {
		name string
		rows []reports.StatsRow
	}{{"按窗口", st.Breakdown.Desk}, {"按纠纷类别", st.Breakdown.Category}, {"按乡镇", st.Breakdown.Town}, {"按月", st.Breakdown.Month}} {
		sd := statsDim{Name: dim.name}
		for i := range dim.rows {
			r := &dim.rows[i]
			links := r.Links
			if r.Key == "" && dim.name != "按月" {
				// 未分流 / 未填写: an empty filter would list every case, not these.
				links = nil
			}
			sd.Rows = append(sd.Rows, statsRowView{Label: r.Label,
				Received:   countView("受理", r.Received, listHref(links, "received")),
				Closed:     countView("办结", r.Closed.Total, listHref(links, "closed")),
				Resolution: rateView("化解率", r.ResolutionRate, listHref(links, "resolution_rate")),
				OnTime:     rateView("按期办结率", r.OnTimeRate, listHref(links, "on_time_rate"))})
		}
		d.Dims = append(d.Dims, sd)
	}
	d.Charts = StatsCharts(st, func(q string) string { return "/cases?" + q })
}

func share(n, den int) *float64 {
	if den == 0 {
		return nil
	}
	v := float64(n) / float64(den)
	return &v
}

// outcomeViews shows what mediation achieved, each figure with its
// numerator (linked to its cases) and denominator.
func outcomeViews(o *reports.Outcomes, l map[string]string) []figureView {
	cf := o.Confirmation
	conf := rateView("司法确认（确认有效 ÷ 申请）", cf.Rate, listHref(l, "confirmation"))
	conf.Note = fmt.Sprintf("已申请 %d 件，确认 %d 件，驳回 %d 件，待裁定 %d 件", cf.Applied, cf.Confirmed, cf.Rejected, cf.Pending)
	// Amounts in yuan; the numerator links to the cases that paid something.
	amount := rateView("履行率（按金额，已履行 ÷ 到期应履行）", o.PerformanceByAmount, listHref(l, "performance_by_amount"))
	amount.NumText = mediation.Yuan(int64(o.PerformanceByAmount.Num)) + " 元"
	amount.DenText = mediation.Yuan(int64(o.PerformanceByAmount.Den)) + " 元"
	return []figureView{
		rateView("调解成功率（有生效协议 ÷ 经调解的办结）", o.Agreements, listHref(l, "agreements")),
		conf,
		rateView("履行率（按件数，已履行 ÷ 到期义务）", o.PerformanceByCount, listHref(l, "performance_by_count")),
		amount,
		rateView("回访率（已回访 ÷ 到期回访任务）", o.Followup, listHref(l, "followup")),
	}
}

// riskViews shows the group cases and risk levels, each count linked to
// its cases and the share turned green with its denominator.
func riskViews(r *reports.RiskFigures, l map[string]string) []figureView {
	people := countView("群体性纠纷涉及人数", r.PeopleInvolved, listHref(l, "people_involved"))
	people.Note = "涉及金额 " + mediation.Yuan(int64(math.Round(r.AmountInvolved*100))) + " 元"
	return []figureView{
		countView(fmt.Sprintf("群体性纠纷（%d人以上）", cases.GroupCaseMinPeople), r.GroupCases, listHref(l, "group_cases")),
		people,
		countView("红色风险在办（当前）", r.RedOutstanding, listHref(l, "red_outstanding")),
		rateView("转绿率（现为绿色 ÷ 曾评为黄色以上）", r.TurnedGreen, listHref(l, "turned_green")),
	}
}
