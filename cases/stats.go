package cases

// Statistics for leaders (统计分析). What each number means:
//
//   - Period: [from, to], whole days in China time (UTC+8), both inclusive.
//     Shortcuts: period=2026-11 (a month), 2026-Q4 (a quarter), 2026 (a year);
//     or from/to. Nothing given: the current month so far. At most 10 years.
//   - Filters desk, category, town narrow every figure; desk is the desk that
//     holds (or, once closed, closed) the case.
//   - received 受理数: cases created in the period, except online applications
//     not yet registered (status submitted) or declined (declined).
//   - closed 办结数: cases with status closed whose closed_at lies in the
//     period, counted by closure_type; an empty closure type (historical
//     cases, closes before closure types existed) counts as "unspecified".
//   - resolution_rate 化解率 = closed with closure_type resolved 实质化解 ÷ closed.
//   - on_time_rate 按期办结率 = closed with closed_on_time true ÷ closed whose
//     closed_on_time is known (NULL: the stage had no time limit; left out).
//   - days_to_close 办结用时: closed_at − created_at in days (fractional) over
//     the closed cases; avg, and p90 by the nearest-rank method (the value at
//     rank ⌈0.9·n⌉ of the sorted days); both rounded to 0.1 day; null with none.
//   - reopen_rate_90/180 重新办理率: cohort = cases whose FIRST close (earliest
//     close event, or closed_at for cases without events) lies in the period,
//     whatever their status now; a case counts in the denominator only once
//     its N-day window has fully elapsed (first close + N days ≤ now), so
//     recent months are not flattered by reopens that have not happened yet;
//     numerator: those with a reopen event within N days after the first close.
//   - repeat_visit_rate_90/180 重复来访率: cohort = closed cases (as for
//     closed) whose N-day window after closed_at has fully elapsed; numerator:
//     those whose applicant came back within N days after closed_at: a visit
//     event on the case, or a new case (not declined) in which the same
//     person (same person record) is an applicant. repeat_visit_rate is the
//     90-day figure.
//   - satisfaction_rate 满意率 = ratings with score ≥ 4 ÷ ratings, over closed
//     cases (as for closed) that have a rating; satisfaction_average is the
//     mean score (1–5, rounded to 0.01), null without ratings.
//   - overdue_open 超期未办结: at query time, not for the period: open cases
//     (any status but closed, submitted, declined) past their deadline_at or
//     with a red warning ÷ open cases.
//   - Every rate is {num, den, value}; value = num ÷ den rounded to 4 decimals,
//     null when den = 0. No figure without its denominator.
//   - Who: leaders only (they supervise every desk); everyone else gets 403.
//
// One scan of the cases touched by the period (indexes on created_at,
// closed_at and status) feeds the totals and every breakdown row, so rows
// always add up to the totals; events are read by kind through their index.

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// StatsClosureTypes lists the closure types in the order statistics show
// them, "unspecified" last (historical cases closed without one).
var StatsClosureTypes = append(ClosureTypes[:len(ClosureTypes):len(ClosureTypes)], ClosureUnspecified)

// ClosureUnspecified stands for an empty closure type in statistics and filters.
const ClosureUnspecified = "unspecified"

// ClosureTypeLabel is the closure type as statistics say it, an empty
// one included.
func ClosureTypeLabel(t string) string {
	if t == "" || t == ClosureUnspecified {
		return "未注明"
	}
	return ClosureLabel(t)
}

// Rate is a share with its denominator; Value is nil when Den is 0.
type Rate struct {
	Num   int      `json:"num"`
	Den   int      `json:"den"`
	Value *float64 `json:"value"`
}

func rate(num, den int) Rate {
	r := Rate{Num: num, Den: den}
	if den > 0 {
		v := math.Round(float64(num)/float64(den)*10000) / 10000
		r.Value = &v
	}
	return r
}

// DaysToClose summarises how long closed cases took.
type DaysToClose struct {
	Count int      `json:"count"`
	Avg   *float64 `json:"avg"`
	P90   *float64 `json:"p90"`
}

// ClosedCounts counts closed cases by closure type.
type ClosedCounts struct {
	Total         int            `json:"total"`
	ByClosureType map[string]int `json:"by_closure_type"`
}

// Figures are the numbers of one slice of cases: the whole filter, or one
// month, desk, category or town of it.
type Figures struct {
	Received            int          `json:"received"`
	Closed              ClosedCounts `json:"closed"`
	ResolutionRate      Rate         `json:"resolution_rate"`
	OnTimeRate          Rate         `json:"on_time_rate"`
	SatisfactionRate    Rate         `json:"satisfaction_rate"`
	SatisfactionAverage *float64     `json:"satisfaction_average"`
	RepeatVisitRate     Rate         `json:"repeat_visit_rate"`
	RepeatVisitRate90   Rate         `json:"repeat_visit_rate_90"`
	RepeatVisitRate180  Rate         `json:"repeat_visit_rate_180"`
	ReopenRate90        Rate         `json:"reopen_rate_90"`
	ReopenRate180       Rate         `json:"reopen_rate_180"`
	DaysToClose         DaysToClose  `json:"days_to_close"`
	// OverdueOpen is a snapshot at query time; months have none.
	OverdueOpen *Rate `json:"overdue_open,omitempty"`
	// Links give, for each figure, the case-list query (GET /api/v1/cases)
	// whose cases are exactly that figure's numerator.
	Links map[string]string `json:"links"`
}

// StatsRow is one row of a breakdown.
type StatsRow struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Figures
}

// Breakdown splits the figures by month (received by intake month, closes
// by closing month), desk, category and town.
type Breakdown struct {
	Month    []StatsRow `json:"month"`
	Desk     []StatsRow `json:"desk"`
	Category []StatsRow `json:"category"`
	Town     []StatsRow `json:"town"`
}

// Period is the statistics' time span.
type Period struct {
	From  string    `json:"from"` // YYYY-MM-DD, China time, inclusive
	To    string    `json:"to"`   // YYYY-MM-DD, inclusive
	Label string    `json:"label"`
	start time.Time // UTC instant of From 00:00 China time
	end   time.Time // UTC instant of the day after To, 00:00 China time
}

// StatsFilter narrows statistics and case lists.
type StatsFilter struct {
	Desk     string `json:"desk"`
	Category string `json:"category"`
	Town     string `json:"town"`
}

// Stats answers GET /api/v1/stats.
type Stats struct {
	Period  Period      `json:"period"`
	Filters StatsFilter `json:"filters"`
	AsOf    time.Time   `json:"as_of"`
	Figures
	Breakdown Breakdown `json:"breakdown"`
}

// MaxStatsYears bounds a statistics period.
const MaxStatsYears = 10

const periodErr = "统计期间应为 2026、2026-Q4 或 2026-11 这样的年份、季度或月份"

// ParsePeriod reads period (YYYY, YYYY-Qn, YYYY-MM) or from/to (YYYY-MM-DD);
// with none of them, the current month so far.
func ParsePeriod(period, from, to string, now time.Time) (Period, error) {
	day := func(field, s string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02", s, chinaTime)
		if err != nil {
			return t, invalid(field, "invalid_date", "日期格式应为 YYYY-MM-DD，例如 2026-11-01")
		}
		return t, nil
	}
	var p Period
	var first, last time.Time
	switch {
	case period != "" && (from != "" || to != ""):
		return p, invalid("period", "period_and_dates", "统计期间与起止日期只能二选一")
	case period != "":
		var y, m, q int
		var err error
		switch {
		case len(period) == 4:
			y, err = strconv.Atoi(period)
			first = time.Date(y, 1, 1, 0, 0, 0, 0, chinaTime)
			last = first.AddDate(1, 0, -1)
			p.Label = fmt.Sprintf("%d年", y)
		case len(period) == 7 && period[4] == '-' && period[5] == 'Q':
			y, err = strconv.Atoi(period[:4])
			q, _ = strconv.Atoi(period[6:])
			if q < 1 || q > 4 {
				err = fmt.Errorf("quarter")
			}
			first = time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, chinaTime)
			last = first.AddDate(0, 3, -1)
			p.Label = fmt.Sprintf("%d年第%d季度", y, q)
		case len(period) == 7 && period[4] == '-':
			var t time.Time
			t, err = time.ParseInLocation("2006-01", period, chinaTime)
			y, m = t.Year(), int(t.Month())
			first = t
			last = first.AddDate(0, 1, -1)
			p.Label = fmt.Sprintf("%d年%d月", y, m)
		default:
			err = fmt.Errorf("format")
		}
		if err != nil || y < 1900 || y > 9999 {
			return p, invalid("period", "invalid_period", periodErr)
		}
	case from != "" || to != "":
		if from == "" {
			return p, invalid("from", "required", "请填写起始日期")
		}
		if to == "" {
			return p, invalid("to", "required", "请填写截止日期")
		}
		var err error
		if first, err = day("from", from); err != nil {
			return p, err
		}
		if last, err = day("to", to); err != nil {
			return p, err
		}
		if last.Before(first) {
			return p, invalid("to", "to_before_from", "截止日期不能早于起始日期")
		}
		if !last.Before(first.AddDate(MaxStatsYears, 0, 0)) {
			return p, invalid("to", "period_too_long", fmt.Sprintf("统计期间最长%d年", MaxStatsYears))
		}
	default:
		n := now.In(chinaTime)
		first = time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, chinaTime)
		last = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, chinaTime)
		p.Label = fmt.Sprintf("%d年%d月", n.Year(), int(n.Month()))
	}
	p.From, p.To = first.Format("2006-01-02"), last.Format("2006-01-02")
	if p.Label == "" {
		p.Label = p.From + " 至 " + p.To
	}
	p.start, p.end = first.UTC(), last.AddDate(0, 0, 1).UTC()
	return p, nil
}

// statsCase is what the statistics read of one case.
type statsCase struct {
	ID          int64
	Status      string
	Desk        string
	Category    string
	Town        string
	ClosureType string
	OnTime      *bool
	Warning     string
	Created     float64  // julian day
	Closed      *float64 // julian day
	Deadline    *float64
	Score       *int64
}

// statsAcc accumulates the figures of one slice.
type statsAcc struct {
	received                int
	closed                  int
	byType                  map[string]int
	onTime, onTimeKnown     int
	ratings, satisfied      int
	scoreSum                int64
	days                    []float64
	reopen90, reopen90Den   int
	reopen180, reopen180Den int
	repeat90, repeat90Den   int
	repeat180, repeat180Den int
	open, overdue           int
	hasOpen                 bool
}

func newAcc(hasOpen bool) *statsAcc {
	return &statsAcc{byType: map[string]int{}, hasOpen: hasOpen}
}

// julian day of the Unix epoch; SQLite's julianday() answers days since noon 4714 BC.
const unixEpochJD = 2440587.5

func jdTime(jd float64) time.Time {
	return time.Unix(0, int64(math.Round((jd-unixEpochJD)*86400e9))).UTC()
}

func timeJD(t time.Time) float64 {
	return float64(t.UnixNano())/86400e9 + unixEpochJD
}

// Stats computes the statistics for a leader.
func (s *Service) Stats(ctx context.Context, a Actor, p Period, f StatsFilter) (*Stats, error) {
	if a.Role != RoleLeader {
		return nil, forbidden("只有领导可以查看统计")
	}
	now := s.now().UTC()
	nowJD := timeJD(now)
	startJD, endJD := timeJD(p.start), timeJD(p.end)
	r := s.store.r

	// Cases ever reopened: their first close and first reopen after it.
	type reopenInfo struct{ firstClose, firstReopen *float64 }
	reopened := map[int64]*reopenInfo{}
	rows, err := r.QueryxContext(ctx, `SELECT e.case_id, e.kind, julianday(e.at) FROM events e
		WHERE e.case_id IN (SELECT case_id FROM events WHERE kind = 'reopen') AND e.kind IN ('close', 'reopen')
		ORDER BY e.case_id, e.at`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read reopens: %w", err)
	}
	for rows.Next() {
		var id int64
		var kind string
		var jd float64
		if err := rows.Scan(&id, &kind, &jd); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to read reopens: %w", err)
		}
		ri := reopened[id]
		if ri == nil {
			ri = &reopenInfo{}
			reopened[id] = ri
		}
		switch {
		case kind == EventClose && ri.firstClose == nil:
			ri.firstClose = &jd
		case kind == "reopen" && ri.firstClose != nil && ri.firstReopen == nil:
			ri.firstReopen = &jd
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read reopens: %w", err)
	}

	// Came back after closing: visits on the case, and the smallest gap to
	// a later case of the same applicant.
	visits := map[int64][]float64{}
	rows, err = r.QueryxContext(ctx, r.Rebind(`SELECT case_id, julianday(at) FROM events WHERE kind = ? AND at >= ?`), EventVisit, p.start)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read visits: %w", err)
	}
	for rows.Next() {
		var id int64
		var jd float64
		if err := rows.Scan(&id, &jd); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to read visits: %w", err)
		}
		visits[id] = append(visits[id], jd)
	}
	rows.Close()
	// The returning applicants are the costliest side query: it runs on a
	// second reader connection while the main scan runs, and the repeat
	// visits are counted after both.
	type gapResult struct {
		gaps map[int64]float64
		err  error
	}
	gapc := make(chan gapResult, 1)
	go func() {
		g, err := s.returnGaps(ctx, p)
		gapc <- gapResult{g, err}
	}()
	type pendingRepeat struct {
		id     int64
		closed float64
		accs   [5]*statsAcc
	}
	var pending []pendingRepeat

	desks, err := s.Desks(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}

	total := newAcc(true)
	byMonth := map[string]*statsAcc{}
	byDesk, byCat, byTown := map[string]*statsAcc{}, map[string]*statsAcc{}, map[string]*statsAcc{}
	group := func(m map[string]*statsAcc, k string, hasOpen bool) *statsAcc {
		a := m[k]
		if a == nil {
			a = newAcc(hasOpen)
			m[k] = a
		}
		return a
	}
	months := map[int]string{} // China-time day number → "YYYY-MM"
	monthOf := func(jd float64) string {
		day := int(math.Floor(jd + 0.5 + 8.0/24))
		m, ok := months[day]
		if !ok {
			m = jdTime(jd).In(chinaTime).Format("2006-01")
			months[day] = m
		}
		return m
	}

	open := openStatuses
	q := `SELECT c.id, c.status, COALESCE(c.desk, ''), c.category, c.town, c.closure_type, c.closed_on_time, c.warning,
		julianday(c.created_at), julianday(c.closed_at), julianday(c.deadline_at), r.score
		FROM cases c LEFT JOIN case_ratings r ON r.case_id = c.id
		WHERE ((c.created_at >= ? AND c.created_at < ?) OR (c.closed_at >= ? AND c.closed_at < ?)
			OR c.status IN (?` + strings.Repeat(", ?", len(open)-1) + `)
			OR c.id IN (SELECT case_id FROM events WHERE kind = 'reopen'))`
	args := []any{p.start, p.end, p.start, p.end}
	for _, st := range open {
		args = append(args, string(st))
	}
	for _, fc := range []struct{ col, v string }{{"c.desk", f.Desk}, {"c.category", f.Category}, {"c.town", f.Town}} {
		if fc.v != "" {
			q += ` AND ` + fc.col + ` = ?`
			args = append(args, fc.v)
		}
	}
	rows, err = r.QueryxContext(ctx, r.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read cases for statistics: %w", err)
	}
	defer rows.Close()
	// Few distinct values repeat 100k times: scan the bytes and keep one
	// string per value, and nullable columns into Null types, so a row
	// costs next to no allocations.
	interned := map[string]string{}
	intern := func(b sql.RawBytes) string {
		if v, ok := interned[string(b)]; ok {
			return v
		}
		v := string(b)
		interned[v] = v
		return v
	}
	var c statsCase
	var status, desk, category, town, closure, warning sql.RawBytes
	var onTime sql.NullBool
	var closedAt, deadline sql.NullFloat64
	var score sql.NullInt64
	var onTimeV bool
	var closedV, deadlineV float64
	var scoreV int64
	for rows.Next() {
		c = statsCase{}
		if err := rows.Scan(&c.ID, &status, &desk, &category, &town, &closure, &onTime, &warning,
			&c.Created, &closedAt, &deadline, &score); err != nil {
			return nil, fmt.Errorf("store: unable to read cases for statistics: %w", err)
		}
		c.Status, c.Desk, c.Category, c.Town = intern(status), intern(desk), intern(category), intern(town)
		c.ClosureType, c.Warning = intern(closure), intern(warning)
		if onTime.Valid {
			onTimeV = onTime.Bool
			c.OnTime = &onTimeV
		}
		if closedAt.Valid {
			closedV = closedAt.Float64
			c.Closed = &closedV
		}
		if deadline.Valid {
			deadlineV = deadline.Float64
			c.Deadline = &deadlineV
		}
		if score.Valid {
			scoreV = score.Int64
			c.Score = &scoreV
		}
		accs := []*statsAcc{total, group(byDesk, c.Desk, true), group(byCat, c.Category, true), group(byTown, c.Town, true)}
		isOpen := slices.Contains(open, Status(c.Status))
		if c.Created >= startJD && c.Created < endJD && Status(c.Status) != StatusSubmitted && Status(c.Status) != StatusDeclined {
			for _, a := range append(accs, group(byMonth, monthOf(c.Created), false)) {
				a.received++
			}
		}
		if c.Status == string(StatusClosed) && c.Closed != nil && *c.Closed >= startJD && *c.Closed < endJD {
			closed := *c.Closed
			pr := pendingRepeat{id: c.ID, closed: closed}
			copy(pr.accs[:], append(accs, group(byMonth, monthOf(closed), false)))
			for _, a := range pr.accs {
				a.addClosed(&c, closed)
			}
			pending = append(pending, pr)
		}
		firstClose := c.Closed
		var firstReopen *float64
		if ri := reopened[c.ID]; ri != nil {
			firstClose, firstReopen = ri.firstClose, ri.firstReopen
		}
		if firstClose != nil && *firstClose >= startJD && *firstClose < endJD {
			for _, a := range append(accs, group(byMonth, monthOf(*firstClose), false)) {
				a.addReopen(*firstClose, firstReopen, nowJD)
			}
		}
		if isOpen {
			overdue := c.Warning == "red" || (c.Deadline != nil && *c.Deadline < nowJD)
			for _, a := range accs {
				a.open++
				if overdue {
					a.overdue++
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read cases for statistics: %w", err)
	}
	gr := <-gapc
	if gr.err != nil {
		return nil, gr.err
	}
	for _, pr := range pending {
		for _, a := range pr.accs {
			a.addRepeat(pr.id, pr.closed, nowJD, visits[pr.id], gr.gaps)
		}
	}

	st := &Stats{Period: p, Filters: f, AsOf: now}
	st.Figures = total.figures(p, f)
	// Every month of the period, in order, even empty ones.
	for m := time.Date(p.start.In(chinaTime).Year(), p.start.In(chinaTime).Month(), 1, 0, 0, 0, 0, chinaTime); m.Before(p.end); m = m.AddDate(0, 1, 0) {
		k := m.Format("2006-01")
		a := group(byMonth, k, false)
		mp := p
		mp.start, mp.end = maxTime(m.UTC(), p.start), minTime(m.AddDate(0, 1, 0).UTC(), p.end)
		mp.From, mp.To = mp.start.In(chinaTime).Format("2006-01-02"), mp.end.Add(-time.Hour).In(chinaTime).Format("2006-01-02")
		st.Breakdown.Month = append(st.Breakdown.Month, StatsRow{Key: k, Label: fmt.Sprintf("%d年%d月", m.Year(), int(m.Month())), Figures: a.figures(mp, f)})
	}
	deskName := map[string]string{"": "未分流"}
	for _, d := range desks {
		deskName[d.Code] = d.Name
	}
	catName := map[string]string{}
	for _, c := range cats {
		catName[c.Code] = c.Name
	}
	st.Breakdown.Desk = rowsOf(byDesk, p, f, func(k string) string { return orKey(deskName[k], k) },
		func(f StatsFilter, k string) StatsFilter { f.Desk = k; return f })
	st.Breakdown.Category = rowsOf(byCat, p, f, func(k string) string { return orKey(catName[k], k) },
		func(f StatsFilter, k string) StatsFilter { f.Category = k; return f })
	st.Breakdown.Town = rowsOf(byTown, p, f, func(k string) string { return orKey(k, "未填写") },
		func(f StatsFilter, k string) StatsFilter { f.Town = k; return f })
	return st, nil
}

func orKey(v, k string) string {
	if v == "" {
		return k
	}
	return v
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
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

func (a *statsAcc) addClosed(c *statsCase, closed float64) {
	a.closed++
	t := c.ClosureType
	if t == "" {
		t = ClosureUnspecified
	}
	a.byType[t]++
	if c.OnTime != nil {
		a.onTimeKnown++
		if *c.OnTime {
			a.onTime++
		}
	}
	if c.Score != nil {
		a.ratings++
		a.scoreSum += *c.Score
		if *c.Score >= 4 {
			a.satisfied++
		}
	}
	a.days = append(a.days, closed-c.Created)
}

func (a *statsAcc) addRepeat(id int64, closed, nowJD float64, visits []float64, returnGap map[int64]float64) {
	// The smallest gap after closing at which the applicant came back.
	gap := math.Inf(1)
	if g, ok := returnGap[id]; ok {
		gap = g
	}
	for _, v := range visits {
		if v > closed && v-closed < gap {
			gap = v - closed
		}
	}
	for _, w := range []struct {
		days     float64
		num, den *int
	}{{90, &a.repeat90, &a.repeat90Den}, {180, &a.repeat180, &a.repeat180Den}} {
		if closed+w.days <= nowJD {
			*w.den++
			if gap <= w.days {
				*w.num++
			}
		}
	}
}

func (a *statsAcc) addReopen(firstClose float64, firstReopen *float64, nowJD float64) {
	for _, w := range []struct {
		days     float64
		num, den *int
	}{{90, &a.reopen90, &a.reopen90Den}, {180, &a.reopen180, &a.reopen180Den}} {
		if firstClose+w.days <= nowJD {
			*w.den++
			if firstReopen != nil && *firstReopen-firstClose <= w.days {
				*w.num++
			}
		}
	}
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
		ResolutionRate:     rate(a.byType["resolved"], a.closed),
		OnTimeRate:         rate(a.onTime, a.onTimeKnown),
		SatisfactionRate:   rate(a.satisfied, a.ratings),
		RepeatVisitRate:    rate(a.repeat90, a.repeat90Den),
		RepeatVisitRate90:  rate(a.repeat90, a.repeat90Den),
		RepeatVisitRate180: rate(a.repeat180, a.repeat180Den),
		ReopenRate90:       rate(a.reopen90, a.reopen90Den),
		ReopenRate180:      rate(a.reopen180, a.reopen180Den),
		DaysToClose:        DaysToClose{Count: len(a.days)},
	}
	for _, t := range StatsClosureTypes {
		out.Closed.ByClosureType[t] = a.byType[t]
	}
	if a.ratings > 0 {
		out.SatisfactionAverage = round(float64(a.scoreSum)/float64(a.ratings), 2)
	}
	if n := len(a.days); n > 0 {
		sort.Float64s(a.days)
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
// numerator (see CaseListFilter).
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
	closed := []string{"status", string(StatusClosed), "closed_from", p.From, "closed_to", p.To}
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

// Now is the service's clock (tests and the demo set it).
func (s *Service) Now() time.Time { return s.now() }

// ChinaTime is t in China time, as the centre reads dates.
func ChinaTime(t time.Time) time.Time { return t.In(chinaTime) }

// returnGaps answers, for each case closed in the period, the smallest gap
// in days from its close to a later case (not declined) in which one of its
// applicants is again an applicant. Two ordered scans and a merge in Go:
// a join per case costs a random lookup per case and is ten times slower.
func (s *Service) returnGaps(ctx context.Context, p Period) (map[int64]float64, error) {
	r := s.store.r
	type applicant struct {
		caseID, person int64
		closed         float64
	}
	var cohort []applicant
	rows, err := r.QueryxContext(ctx, r.Rebind(`SELECT cp.case_id, cp.person_id, julianday(c.closed_at)
		FROM cases c JOIN case_parties cp ON cp.case_id = c.id AND cp.role = 'applicant'
		WHERE c.closed_at >= ? AND c.closed_at < ?`), p.start, p.end)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read applicants: %w", err)
	}
	persons := map[int64][]float64{}
	for rows.Next() {
		var a applicant
		if err := rows.Scan(&a.caseID, &a.person, &a.closed); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to read applicants: %w", err)
		}
		cohort = append(cohort, a)
		persons[a.person] = nil
	}
	rows.Close()
	// Later cases of those persons, up to the longest window after the period.
	rows, err = r.QueryxContext(ctx, r.Rebind(`SELECT cp.person_id, julianday(c.created_at)
		FROM cases c JOIN case_parties cp ON cp.case_id = c.id AND cp.role = 'applicant'
		WHERE c.created_at >= ? AND c.created_at < ? AND c.status <> ?`), p.start, p.end.AddDate(0, 0, 181), StatusDeclined)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read later cases: %w", err)
	}
	for rows.Next() {
		var person int64
		var created float64
		if err := rows.Scan(&person, &created); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to read later cases: %w", err)
		}
		if list, ok := persons[person]; ok {
			persons[person] = append(list, created)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read later cases: %w", err)
	}
	gaps := map[int64]float64{}
	for _, a := range cohort {
		for _, created := range persons[a.person] {
			if created > a.closed {
				if g, ok := gaps[a.caseID]; !ok || created-a.closed < g {
					gaps[a.caseID] = created - a.closed
				}
			}
		}
	}
	return gaps, nil
}
