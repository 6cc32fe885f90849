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
// One scan of the cases touched by the period (the covering index
// cases_stats_scan of migration 00011) feeds the totals and every breakdown
// row, so rows always add up to the totals; events are read by kind
// through their index.

import (
	"cmp"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
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

// statsKey is the part of a case the statistics group by. The scan sends
// it as one string, status|desk|category|closure type|town: a few hundred
// distinct keys repeat over 100k rows, so one string per row crosses from
// SQLite instead of five, and each distinct key is parsed once.
type statsKey struct {
	status                        Status
	desk, category, closure, town string
	open                          bool
	match                         bool         // passes the filter
	accs                          [4]*statsAcc // total, desk, category, town
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

// statsScan reads every case the period touches: created in it (or in the
// 181 days after it, where returning applicants are looked for), closed in
// it, open now, or ever reopened; with each of its applicants (one row per
// applicant, the rows of a case next to each other). Every value boxed by
// database/sql costs an allocation, so the small ones are packed into one
// number: on-time (0 unknown, 1 late, 2 on time) + 3·overdue (open and past
// its deadline or red) + 6·rating score (0: none) + 36·applicant (0: none);
// a case not closed has close 0. The key, the julian days and the on-time
// CASE are read from the index cases_stats_scan (migration 00011), which
// holds them word for word.
// Portable SQL except julianday(), which PostgreSQL spells
// EXTRACT(EPOCH FROM …)/86400 + 2440587.5.
const statsScan = `SELECT c.id,
	c.status || '|' || COALESCE(c.desk, '') || '|' || c.category || '|' || c.closure_type || '|' || c.town,
	julianday(c.created_at), COALESCE(julianday(c.closed_at), 0),
	CASE WHEN c.closed_on_time IS NULL THEN 0 WHEN c.closed_on_time THEN 2 ELSE 1 END
	+ CASE WHEN c.status IN (%[1]s) AND (c.warning = 'red' OR julianday(c.deadline_at) < ?) THEN 3 ELSE 0 END
	+ 6 * COALESCE(r.score, 0) + 36 * COALESCE(cp.person_id, 0)
	FROM cases c
	LEFT JOIN case_ratings r ON r.case_id = c.id
	LEFT JOIN case_parties cp ON cp.case_id = c.id AND cp.role = 'applicant'
	WHERE ((c.created_at >= ? AND c.created_at < ?) OR (c.closed_at >= ? AND c.closed_at < ?)
		OR c.status IN (%[1]s) OR c.id IN (SELECT case_id FROM events WHERE kind = 'reopen'))
		AND c.created_at >= ? AND c.created_at < ?`

// Stats computes the statistics for a leader.
//
// One scan streams the cases into Go, where they are counted into the
// groups; SQLite's GROUP BY sorts its input (no hash aggregation), which
// for 100k rows costs more than the scan itself, and p90 and the returning
// applicants need per-case values anyway. The filter is applied in Go,
// because an applicant who comes back counts whatever desk, category or
// town the new case has.
func (s *Service) Stats(ctx context.Context, a Actor, p Period, f StatsFilter) (*Stats, error) {
	if a.Role != RoleLeader {
		return nil, forbidden("只有领导可以查看统计")
	}
	now := s.now().UTC()
	nowJD := timeJD(now)
	startJD, endJD := timeJD(p.start), timeJD(p.end)
	r := s.store.r

	// Visits are needed only after the scan: read them meanwhile on
	// another reader connection.
	type visitResult struct {
		visits map[int64][]float64
		err    error
	}
	visitc := make(chan visitResult, 1)
	go func() {
		v, err := s.statsVisits(ctx, p)
		visitc <- visitResult{v, err}
	}()
	type reopenResult struct {
		reopened map[int64]*reopenInfo
		err      error
	}
	reopenc := make(chan reopenResult, 1)
	go func() {
		ro, err := s.statsReopened(ctx)
		reopenc <- reopenResult{ro, err}
	}()
	wait := func() {
		<-visitc
		<-reopenc
	}
	desks, err := s.Desks(ctx)
	if err != nil {
		wait()
		return nil, err
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		wait()
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
	months := map[int]*statsAcc{} // China-time day number → its month's group
	monthOf := func(jd float64) *statsAcc {
		day := int(math.Floor(jd + 0.5 + 8.0/24))
		a, ok := months[day]
		if !ok {
			a = group(byMonth, jdTime(jd).In(chinaTime).Format("2006-01"), false)
			months[day] = a
		}
		return a
	}
	keys := map[string]*statsKey{}
	keyOf := func(b string) *statsKey {
		if k, ok := keys[b]; ok {
			return k
		}
		parts := strings.SplitN(b, "|", 5)
		for len(parts) < 5 {
			parts = append(parts, "")
		}
		k := &statsKey{status: Status(parts[0]), desk: parts[1], category: parts[2], closure: parts[3], town: parts[4]}
		k.open = slices.Contains(openStatuses, k.status)
		k.match = (f.Desk == "" || f.Desk == k.desk) && (f.Category == "" || f.Category == k.category) && (f.Town == "" || f.Town == k.town)
		if k.match {
			k.accs = [4]*statsAcc{total, group(byDesk, k.desk, true), group(byCat, k.category, true), group(byTown, k.town, true)}
		}
		keys[b] = k
		return k
	}

	openIn := "?" + strings.Repeat(", ?", len(openStatuses)-1)
	var openArgs []any
	for _, st := range openStatuses {
		openArgs = append(openArgs, string(st))
	}
	args := append(append([]any{}, openArgs...), nowJD, p.start, p.end.AddDate(0, 0, 181), p.start, p.end)
	args = append(args, openArgs...)
	// The scan is split by intake time over statsScanParts reader
	// connections running at once, each reading its own stretch of the
	// index; the rows are then counted in one goroutine.
	q := r.Rebind(fmt.Sprintf(statsScan, openIn))
	bounds := statsScanBounds(p, now)
	var keyMu sync.Mutex
	parts := make([]statsPart, statsScanParts)
	errs := make([]error, statsScanParts)
	var wg sync.WaitGroup
	for part := range statsScanParts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[part], errs[part] = scanStatsRows(ctx, r, q, append(args[:len(args):len(args)], bounds[part], bounds[part+1]), func(b string) *statsKey {
				keyMu.Lock()
				defer keyMu.Unlock()
				return keyOf(b)
			})
		}()
	}
	wg.Wait()
	rr := <-reopenc
	if err := errors.Join(append(errs, rr.err)...); err != nil {
		<-visitc
		return nil, err
	}
	reopened := rr.reopened
	n := 0
	for _, part := range parts {
		n += len(part.rows)
	}

	// Closed cases of the period wait for the returning applicants: their
	// groups, and the smallest gap after closing at which one came back.
	type pendingRepeat struct {
		id     int64
		closed float64
		days   float64
		gap    float64
		accs   [5]*statsAcc
	}
	pending := make([]pendingRepeat, 0, n)
	// The applicants of each closed case of the period, at its close.
	type closedApplicant struct {
		person  int64
		closed  float64
		pending int
	}
	closes := make([]closedApplicant, 0, n)
	// A case's rows come one after another; seen catches the case whose
	// rows a different plan would not keep together.
	var seen []uint64
	var pendingOf map[int64]int
	var prevID int64 = -1
	prevPending := -1
	for _, part := range parts {
		for i := range part.rows {
			row := &part.rows[i]
			id, k, created := row.id, row.key, row.created
			first := id != prevID
			if first && id >= 0 {
				w := int(id / 64)
				if w >= len(seen) {
					seen = append(seen, make([]uint64, w+1-len(seen)+len(seen)/2)...)
				}
				if seen[w]&(1<<(id%64)) != 0 {
					// Seen before, not just before: look its pending entry up.
					first = false
					if pendingOf == nil {
						pendingOf = map[int64]int{}
						for i, pr := range pending {
							pendingOf[pr.id] = i
						}
					}
					prevPending = -1
					if i, ok := pendingOf[id]; ok {
						prevPending = i
					}
				}
				seen[w] |= 1 << (id % 64)
			}
			prevID = id
			if first {
				prevPending = -1
				if k.match {
					accs := k.accs
					if created >= startJD && created < endJD && k.status != StatusSubmitted && k.status != StatusDeclined {
						for _, a := range accs {
							a.received++
						}
						monthOf(created).received++
					}
					if k.status == StatusClosed && row.closed != 0 && row.closed >= startJD && row.closed < endJD {
						closed := row.closed
						pr := pendingRepeat{id: id, closed: closed, days: closed - created, gap: math.Inf(1)}
						copy(pr.accs[:], accs[:])
						pr.accs[4] = monthOf(closed)
						for _, a := range pr.accs {
							a.addClosed(k.closure, row.flags%3, row.flags/6)
						}
						pending = append(pending, pr)
						prevPending = len(pending) - 1
						if pendingOf != nil {
							pendingOf[id] = prevPending
						}
					}
					var firstClose, firstReopen *float64
					if row.closed != 0 {
						firstClose = &row.closed
					}
					if ri := reopened[id]; ri != nil {
						firstClose, firstReopen = ri.firstClose, ri.firstReopen
					}
					if firstClose != nil && *firstClose >= startJD && *firstClose < endJD {
						for _, a := range accs {
							a.addReopen(*firstClose, firstReopen, nowJD)
						}
						monthOf(*firstClose).addReopen(*firstClose, firstReopen, nowJD)
					}
					if k.open {
						overdue := row.flags%6/3 == 1
						for _, a := range accs {
							a.open++
							if overdue {
								a.overdue++
							}
						}
					}
				}
			}
			if row.person != 0 {
				if prevPending >= 0 {
					closes = append(closes, closedApplicant{row.person, pending[prevPending].closed, prevPending})
				}
			}
		}
	}
	// Days to close: sorted once, then handed to each group in that order,
	// so every group's list is sorted without sorting it again.
	order := make([]int32, len(pending))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(pending[a].days, pending[b].days) })
	for _, i := range order {
		for _, a := range pending[i].accs {
			a.days = append(a.days, pending[i].days)
		}
	}

	// The first later intake of the same applicant: the closes sorted by
	// applicant and time, walked along each part's intakes sorted alike.
	slices.SortFunc(closes, func(a, b closedApplicant) int {
		if a.person != b.person {
			return cmp.Compare(a.person, b.person)
		}
		return cmp.Compare(a.closed, b.closed)
	})
	for _, part := range parts {
		in, j := part.intakes, 0
		for _, c := range closes {
			for j < len(in) && (in[j].person < c.person || in[j].person == c.person && in[j].at <= c.closed) {
				j++
			}
			if j < len(in) && in[j].person == c.person {
				if g := in[j].at - c.closed; g < pending[c.pending].gap {
					pending[c.pending].gap = g
				}
			}
		}
	}
	vr := <-visitc
	if vr.err != nil {
		return nil, vr.err
	}
	for _, pr := range pending {
		gap := pr.gap
		for _, v := range vr.visits[pr.id] {
			if v > pr.closed && v-pr.closed < gap {
				gap = v - pr.closed
			}
		}
		for _, a := range pr.accs {
			a.addRepeat(pr.closed, gap, nowJD)
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

// statsScanParts is how many reader connections share the scan: the
// machine's cores, at most 2, so one leader's statistics leave the rest of
// the pool to everyone else.
var statsScanParts = min(2, runtime.NumCPU())

// statsScanBounds splits the scan by intake time into statsScanParts
// stretches, even over the period up to now: the text bounds compare with
// created_at as stored, "" and "~" standing for no bound.
func statsScanBounds(p Period, now time.Time) []any {
	last := minTime(p.end, maxTime(now, p.start))
	bounds := []any{""}
	for i := 1; i < statsScanParts; i++ {
		bounds = append(bounds, p.start.Add(last.Sub(p.start)*time.Duration(i)/time.Duration(statsScanParts)))
	}
	return append(bounds, "~")
}

// statsRow is one row of the scan.
type statsRow struct {
	id, flags, person int64 // person 0: no applicant
	key               *statsKey
	created, closed   float64 // closed 0: not closed
}

// intake is an applicant of a case (not declined) at its intake.
type intake struct {
	person int64
	at     float64
}

// statsPart is what one part of the scan read: its rows, and its intakes
// sorted by applicant and time.
type statsPart struct {
	rows    []statsRow
	intakes []intake
}

// scanStatsRows runs one part of the scan. It reads the driver's rows
// directly (any database/sql driver): Rows.Scan would convert every value
// once more, for 100k rows. Its few distinct keys are looked up in a map
// of its own, and in the shared one (key) when new.
func scanStatsRows(ctx context.Context, r *sqlx.DB, q string, args []any, key func(string) *statsKey) (statsPart, error) {
	var p statsPart
	conn, err := r.Conn(ctx)
	if err != nil {
		return p, fmt.Errorf("store: unable to read cases for statistics: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("driver %T cannot query", dc)
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			if n, ok := a.(int); ok {
				a = int64(n)
			}
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		rows, err := qc.QueryContext(ctx, q, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		keys := map[string]*statsKey{}
		p.rows = make([]statsRow, 0, 4096)
		p.intakes = make([]intake, 0, 4096)
		dest := make([]driver.Value, 5)
		for {
			if err := rows.Next(dest); err == io.EOF {
				break
			} else if err != nil {
				return err
			}
			b, _ := dest[1].(string)
			k, ok := keys[b]
			if !ok {
				k = key(b)
				keys[b] = k
			}
			packed := valueInt(dest[4])
			row := statsRow{id: valueInt(dest[0]), key: k, created: valueFloat(dest[2]), closed: valueFloat(dest[3]),
				flags: packed % 36, person: packed / 36}
			p.rows = append(p.rows, row)
			if row.person != 0 && k.status != StatusDeclined {
				p.intakes = append(p.intakes, intake{row.person, row.created})
			}
		}
		return nil
	})
	if err != nil {
		return p, fmt.Errorf("store: unable to read cases for statistics: %w", err)
	}
	slices.SortFunc(p.intakes, func(a, b intake) int {
		if a.person != b.person {
			return cmp.Compare(a.person, b.person)
		}
		return cmp.Compare(a.at, b.at)
	})
	return p, nil
}

func valueInt(v driver.Value) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case float64:
		return int64(v)
	}
	return 0
}

func valueFloat(v driver.Value) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	}
	return 0
}

// reopenInfo is a reopened case's first close and first reopen after it.
type reopenInfo struct{ firstClose, firstReopen *float64 }

// statsReopened reads the cases ever reopened (few) with their first close
// and first reopen after it.
func (s *Service) statsReopened(ctx context.Context) (map[int64]*reopenInfo, error) {
	reopened := map[int64]*reopenInfo{}
	rows, err := s.store.r.QueryContext(ctx, `SELECT e.case_id, e.kind, julianday(e.at) FROM events e
		WHERE e.case_id IN (SELECT case_id FROM events WHERE kind = 'reopen') AND e.kind IN ('close', 'reopen')
		ORDER BY e.case_id, e.at`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read reopens: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind string
		var jd float64
		if err := rows.Scan(&id, &kind, &jd); err != nil {
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read reopens: %w", err)
	}
	return reopened, nil
}

// statsVisits reads the visits on cases since the period began.
func (s *Service) statsVisits(ctx context.Context, p Period) (map[int64][]float64, error) {
	r := s.store.r
	visits := map[int64][]float64{}
	rows, err := r.QueryContext(ctx, r.Rebind(`SELECT case_id, julianday(at) FROM events WHERE kind = ? AND at >= ?`), EventVisit, p.start)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read visits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var jd float64
		if err := rows.Scan(&id, &jd); err != nil {
			return nil, fmt.Errorf("store: unable to read visits: %w", err)
		}
		visits[id] = append(visits[id], jd)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read visits: %w", err)
	}
	return visits, nil
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

// addClosed counts a closed case (its days to close are added afterwards,
// in order): onTime is 0 unknown, 1 late, 2 on time;
// score is its rating, 0 without one.
func (a *statsAcc) addClosed(closure string, onTime, score int64) {
	a.closed++
	if closure == "" {
		closure = ClosureUnspecified
	}
	a.byType[closure]++
	if onTime != 0 {
		a.onTimeKnown++
		if onTime == 2 {
			a.onTime++
		}
	}
	if score != 0 {
		a.ratings++
		a.scoreSum += score
		if score >= 4 {
			a.satisfied++
		}
	}
}

// addRepeat counts a closed case into the repeat-visit cohorts whose window
// has elapsed; gap is the smallest gap after closing at which its applicant
// came back (+Inf: never).
func (a *statsAcc) addRepeat(closed, gap, nowJD float64) {
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
