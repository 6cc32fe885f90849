package reports

// Statistics, step 3: the groups as figures and rows, with their links.

import (
	"fmt"
	"math"
	"net/url"
	"sort"
	"time"

	"yidi/cases"
)

// stats turns the groups into the answer: the totals, and every month of
// the period (in order, even empty ones), desk, category and town.
func (x *statsAccumulator) stats() *Stats {
	p, f := x.p, x.f
	st := &Stats{Period: p, Filters: f, AsOf: x.now}
	st.Figures = x.total.figures(p, f)
	start := p.start.In(cases.ChinaZone)
	for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, cases.ChinaZone); m.Before(p.end); m = m.AddDate(0, 1, 0) {
		k := m.Format("2006-01")
		mp := p
		// The month, within the period.
		mp.start, mp.end = m.UTC(), m.AddDate(0, 1, 0).UTC()
		if mp.start.Before(p.start) {
			mp.start = p.start
		}
		if mp.end.After(p.end) {
			mp.end = p.end
		}
		mp.From, mp.To = mp.start.In(cases.ChinaZone).Format(cases.DayLayout), mp.end.Add(-time.Hour).In(cases.ChinaZone).Format(cases.DayLayout)
		st.Breakdown.Month = append(st.Breakdown.Month, StatsRow{Key: k, Label: fmt.Sprintf("%d年%d月", m.Year(), int(m.Month())),
			Figures: group(x.byMonth, k, false).figures(mp, f)})
	}
	deskName := map[string]string{"": "未分流"}
	for _, d := range x.in.desks {
		deskName[d.Code] = d.Name
	}
	catName := map[string]string{}
	for _, c := range x.in.cats {
		catName[c.Code] = c.Name
	}
	st.Breakdown.Desk = rowsOf(x.byDesk, p, f, func(k string) string { return orKey(deskName[k], k) },
		func(f StatsFilter, k string) StatsFilter { f.Desk = k; return f })
	st.Breakdown.Category = rowsOf(x.byCat, p, f, func(k string) string { return orKey(catName[k], k) },
		func(f StatsFilter, k string) StatsFilter { f.Category = k; return f })
	st.Breakdown.Town = rowsOf(x.byTown, p, f, func(k string) string { return orKey(k, "未填写") },
		func(f StatsFilter, k string) StatsFilter { f.Town = k; return f })
	return st
}

func orKey(v, k string) string {
	if v == "" {
		return k
	}
	return v
}

// rowsOf turns one dimension's groups into rows, the busiest first.
func rowsOf(m map[string]*statsAcc, p Period, f StatsFilter, label func(string) string, narrow func(StatsFilter, string) StatsFilter) []StatsRow {
	out := []StatsRow{}
	for k, a := range m {
		if a.received == 0 && a.closed == 0 && a.open == 0 && a.reopen180Den == 0 && a.reopen90Den == 0 {
			continue
		}
		out = append(out, StatsRow{Key: k, Label: label(k), Figures: a.figures(p, narrow(f, k))})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Received != out[j].Received {
			return out[i].Received > out[j].Received
		}
		return out[i].Key < out[j].Key
	})
	return out
}

func round(v float64, places int) *float64 {
	p := math.Pow(10, float64(places))
	r := math.Round(v*p) / p
	return &r
}

func (a *statsAcc) figures(p Period, f StatsFilter) Figures {
	out := Figures{
		Received:           a.received,
		Closed:             ClosedCounts{Total: a.closed, ByClosureType: map[string]int{}},
		ResolutionRate:     rate(a.byType[closureIndex("resolved")], a.closed),
		OnTimeRate:         rate(a.onTime, a.onTimeKnown),
		SatisfactionRate:   rate(a.satisfied, a.ratings),
		RepeatVisitRate:    rate(a.repeat90, a.repeat90Den),
		RepeatVisitRate90:  rate(a.repeat90, a.repeat90Den),
		RepeatVisitRate180: rate(a.repeat180, a.repeat180Den),
		ReopenRate90:       rate(a.reopen90, a.reopen90Den),
		ReopenRate180:      rate(a.reopen180, a.reopen180Den),
		DaysToClose:        DaysToClose{Count: len(a.days)},
	}
	for i, t := range StatsClosureTypes {
		out.Closed.ByClosureType[t] = a.byType[i]
	}
	if a.ratings > 0 {
		out.SatisfactionAverage = round(float64(a.scoreSum)/float64(a.ratings), 2)
	}
	if n := len(a.days); n > 0 {
		sum := 0.0
		for _, d := range a.days {
			sum += d
		}
		out.DaysToClose.Avg = round(sum/float64(n), 1)
		out.DaysToClose.P90 = round(a.days[int(math.Ceil(0.9*float64(n)))-1], 1)
	}
	if a.hasOpen {
		o := rate(a.overdue, a.open)
		out.OverdueOpen = &o
	}
	out.Links = statsLinks(p, f, a.hasOpen)
	return out
}

// statsLinks gives each figure the case-list query whose cases are its
// numerator (see CaseFilter).
func statsLinks(p Period, f StatsFilter, hasOpen bool) map[string]string {
	base := url.Values{}
	if f.Desk != "" {
		base.Set("desk", f.Desk)
	}
	if f.Category != "" {
		base.Set("category", f.Category)
	}
	if f.Town != "" {
		base.Set("town", f.Town)
	}
	with := func(kv ...string) string {
		v := url.Values{}
		for k, x := range base {
			v[k] = x
		}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	closed := []string{"status", string(cases.StatusClosed), "closed_from", p.From, "closed_to", p.To}
	links := map[string]string{
		"received":          with("from", p.From, "to", p.To, "received", "true"),
		"closed":            with(closed...),
		"resolution_rate":   with(append(closed, "closure_type", "resolved")...),
		"on_time_rate":      with(append(closed, "on_time", "true")...),
		"satisfaction_rate": with(append(closed, "satisfied", "true")...),
	}
	for _, t := range StatsClosureTypes {
		links["closure_type."+t] = with(append(closed, "closure_type", t)...)
	}
	if hasOpen {
		links["overdue_open"] = with("overdue", "true")
	}
	return links
}
