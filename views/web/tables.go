package web

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/reports"
)

// The statistics and the case list as both the API and the pages read and
// export them.

// StatsOf computes the statistics that get's parameters ask for (period or
// from/to, desk, category, town): the API's reading, and the leader page's.
func (d Deps) StatsOf(c *fiber.Ctx, get func(string) string) (*reports.Stats, error) {
	p, err := reports.ParsePeriod(get("period"), get("from"), get("to"), d.Svc.Now())
	if err != nil {
		return nil, err
	}
	f := reports.StatsFilter{Desk: get("desk"), Category: get("category"), Town: get("town")}
	return d.Rep.Stats(c.UserContext(), ActorOf(c), p, f)
}

// SendStats streams the statistics as a CSV or XLSX file.
func SendStats(c *fiber.Ctx, format string, st *reports.Stats) error {
	return SendExport(c, format, "统计_"+st.Period.From+"_"+st.Period.To, statsColumns, statsTable(st))
}

var statsColumns = []Column{{Name: "范围"}, {Name: "指标"}, {Name: "分子（数值）", Numeric: true}, {Name: "分母", Numeric: true}, {Name: "比率", Numeric: true}}

// statsTable lists every figure of the totals, then of each breakdown row,
// each rate with its numerator and denominator.
func statsTable(st *reports.Stats) Rows {
	return func(yield func([]string) error) error {
		scope := "合计（" + st.Period.Label + "）"
		if err := figureRows(yield, scope, &st.Figures); err != nil {
			return err
		}
		if err := outcomeRows(yield, scope, &st.Outcomes); err != nil {
			return err
		}
		for _, dim := range []struct {
			name string
			rows []reports.StatsRow
		}{{"按月", st.Breakdown.Month}, {"按窗口", st.Breakdown.Desk}, {"按类别", st.Breakdown.Category}, {"按乡镇", st.Breakdown.Town}} {
			for i := range dim.rows {
				if err := figureRows(yield, dim.name+"："+dim.rows[i].Label, &dim.rows[i].Figures); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

func figureRows(yield func([]string) error, scope string, f *reports.Figures) error {
	itoa := strconv.Itoa
	num := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	rows := [][]string{{scope, "受理数", itoa(f.Received), "", ""}, {scope, "办结数", itoa(f.Closed.Total), "", ""}}
	for _, t := range reports.StatsClosureTypes {
		rows = append(rows, []string{scope, "办结数·" + reports.ClosureTypeLabel(t), itoa(f.Closed.ByClosureType[t]), itoa(f.Closed.Total), ""})
	}
	rate := func(name string, r reports.Rate) {
		rows = append(rows, []string{scope, name, itoa(r.Num), itoa(r.Den), num(r.Value)})
	}
	rate("化解率", f.ResolutionRate)
	rate("按期办结率", f.OnTimeRate)
	rate("满意率", f.SatisfactionRate)
	rows = append(rows, []string{scope, "平均满意度（1-5分）", num(f.SatisfactionAverage), itoa(f.SatisfactionRate.Den), ""})
	rate("90天内重复来访率", f.RepeatVisitRate90)
	rate("180天内重复来访率", f.RepeatVisitRate180)
	rate("90天内重新办理率", f.ReopenRate90)
	rate("180天内重新办理率", f.ReopenRate180)
	rows = append(rows, []string{scope, "平均办结天数", num(f.DaysToClose.Avg), itoa(f.DaysToClose.Count), ""},
		[]string{scope, "办结天数P90（最近秩法）", num(f.DaysToClose.P90), itoa(f.DaysToClose.Count), ""})
	if f.OverdueOpen != nil {
		rate("超期未办结（查询时）", *f.OverdueOpen)
	}
	for _, r := range rows {
		if err := yield(r); err != nil {
			return err
		}
	}
	return nil
}

// outcomeRows lists what mediation achieved (the totals only have them).
func outcomeRows(yield func([]string) error, scope string, o *reports.Outcomes) error {
	cf := o.Confirmation
	for _, r := range []struct {
		name string
		r    reports.Rate
	}{{"调解成功率", o.Agreements}, {"司法确认（确认有效÷申请）", cf.Rate}, {"司法确认·驳回", reports.Rate{Num: cf.Rejected, Den: cf.Applied}},
		{"履行率（件数）", o.PerformanceByCount}, {"履行率（金额，分）", o.PerformanceByAmount}, {"回访率", o.Followup}} {
		value := ""
		if r.r.Value != nil {
			value = strconv.FormatFloat(*r.r.Value, 'f', -1, 64)
		}
		if err := yield([]string{scope, r.name, strconv.Itoa(r.r.Num), strconv.Itoa(r.r.Den), value}); err != nil {
			return err
		}
	}
	return nil
}

// SendCases streams every case of the filter that a may see as a CSV or
// XLSX file: the API's export and the case-list page's download.
func (d Deps) SendCases(c *fiber.Ctx, format string, a cases.Actor, f reports.CaseFilter) error {
	names, err := d.labels(c.UserContext())
	if err != nil {
		return err
	}
	// The request's context ends with the handler; the stream runs after.
	return SendExport(c, format, "案件清单", caseColumns, func(yield func([]string) error) error {
		return d.Rep.EachCase(context.Background(), a, f, func(r reports.CaseRow) error {
			return yield(caseCells(r, names))
		})
	})
}

// caseColumns are the case export's columns.
var caseColumns = []Column{{Name: "案号"}, {Name: "标题"}, {Name: "状态"}, {Name: "窗口"}, {Name: "类别"}, {Name: "乡镇"},
	{Name: "登记时间"}, {Name: "办结时间"}, {Name: "结案方式"}, {Name: "是否按期"}, {Name: "当事人"}}

type labels struct{ desk, category map[string]string }

func (d Deps) labels(ctx context.Context) (labels, error) {
	l := labels{desk: map[string]string{}, category: map[string]string{}}
	desks, err := d.Svc.Desks(ctx)
	if err != nil {
		return l, err
	}
	for _, d := range desks {
		l.desk[d.Code] = d.Name
	}
	cats, err := d.Svc.Categories(ctx)
	if err != nil {
		return l, err
	}
	for _, x := range cats {
		l.category[x.Code] = x.Name
	}
	return l, nil
}

// caseCells is one case as people read it: labels, China time.
func caseCells(r reports.CaseRow, l labels) []string {
	const layout = "2006-01-02 15:04"
	closed, closure, onTime := "", "", ""
	if r.ClosedAt != nil {
		closed = cases.ChinaTime(*r.ClosedAt).Format(layout)
		closure = reports.ClosureTypeLabel(r.ClosureType)
	}
	if r.ClosedOnTime != nil {
		onTime = map[bool]string{true: "是", false: "否"}[*r.ClosedOnTime]
	}
	return []string{r.Number, r.Title, cases.StatusLabel(r.Status), l.desk[r.Desk], l.category[r.Category], r.Town,
		cases.ChinaTime(r.CreatedAt).Format(layout), closed, closure, onTime, r.Parties}
}
