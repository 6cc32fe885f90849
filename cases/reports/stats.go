package reports

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
// One scan of case_stats (migration 00014: per case, its values for the
// statistics, kept by triggers in the transaction that changes the case)
// feeds the totals and every breakdown row, so rows always add up to the
// totals; events are read by kind through their index.

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"math"
	"net/url"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/sync/errgroup"

	"yidi/cases"
)

// StatsClosureTypes lists the closure types in the order statistics show
// them, "unspecified" last (historical cases closed without one).
var StatsClosureTypes = append(cases.ClosureTypes[:len(cases.ClosureTypes):len(cases.ClosureTypes)], ClosureUnspecified)

// ClosureUnspecified stands for an empty closure type in statistics and filters.
const ClosureUnspecified = "unspecified"

// ClosureTypeLabel is the closure type as statistics say it, an empty
// one included.
func ClosureTypeLabel(t string) string {
	if t == "" || t == ClosureUnspecified {
		return "未注明"
	}
	return cases.ClosureLabel(t)
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
	var p Period
	var first, last time.Time
	switch {
	case period != "" && (from != "" || to != ""):
		return p, cases.Invalid("period", "period_and_dates", "统计期间与起止日期只能二选一")
	case period != "":
		var y, m, q int
		var err error
		switch {
		case len(period) == 4:
			y, err = strconv.Atoi(period)
			first = time.Date(y, 1, 1, 0, 0, 0, 0, cases.ChinaZone)
			last = first.AddDate(1, 0, -1)
			p.Label = fmt.Sprintf("%d年", y)
		case len(period) == 7 && period[4] == '-' && period[5] == 'Q':
			y, err = strconv.Atoi(period[:4])
			q, _ = strconv.Atoi(period[6:])
			if q < 1 || q > 4 {
				err = fmt.Errorf("quarter")
			}
			first = time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, cases.ChinaZone)
			last = first.AddDate(0, 3, -1)
			p.Label = fmt.Sprintf("%d年第%d季度", y, q)
		case len(period) == 7 && period[4] == '-':
			var t time.Time
			t, err = time.ParseInLocation("2006-01", period, cases.ChinaZone)
			y, m = t.Year(), int(t.Month())
			first = t
			last = first.AddDate(0, 1, -1)
			p.Label = fmt.Sprintf("%d年%d月", y, m)
		default:
			err = fmt.Errorf("format")
		}
		if err != nil || y < 1900 || y > 9999 {
			return p, cases.Invalid("period", "invalid_period", periodErr)
		}
	case from != "" || to != "":
		if from == "" {
			return p, cases.Invalid("from", "required", "请填写起始日期")
		}
		if to == "" {
			return p, cases.Invalid("to", "required", "请填写截止日期")
		}
		var err error
		if first, err = cases.ParseDay("from", from); err != nil {
			return p, err
		}
		if last, err = cases.ParseDay("to", to); err != nil {
			return p, err
		}
		if last.Before(first) {
			return p, cases.Invalid("to", "to_before_from", "截止日期不能早于起始日期")
		}
		if !last.Before(first.AddDate(MaxStatsYears, 0, 0)) {
			return p, cases.Invalid("to", "period_too_long", fmt.Sprintf("统计期间最长%d年", MaxStatsYears))
		}
	default:
		n := now.In(cases.ChinaZone)
		first = time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, cases.ChinaZone)
		last = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, cases.ChinaZone)
		p.Label = fmt.Sprintf("%d年%d月", n.Year(), int(n.Month()))
	}
	p.From, p.To = first.Format("2006-01-02"), last.Format("2006-01-02")
	if p.Label == "" {
		p.Label = p.From + " 至 " + p.To
	}
	p.start, p.end = first.UTC(), last.AddDate(0, 0, 1).UTC()
	return p, nil
}

// statsKey is the part of a case the statistics group by: a row of
// stats_keys (migration 00014), which case_stats names by its id, so a
// number crosses from SQLite for each case instead of five strings.
type statsKey struct {
	status                        cases.Status
	desk, category, closure, town string
	closureIdx                    int // in StatsClosureTypes, -1 for none of them
	open                          bool
	match                         bool         // passes the filter
	accs                          [4]*statsAcc // total, desk, category, town
}

// statsAcc accumulates the figures of one slice.
type statsAcc struct {
	received                int
	closed                  int
	byType                  []int // by index in StatsClosureTypes
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
	return &statsAcc{byType: make([]int, len(StatsClosureTypes)), hasOpen: hasOpen}
}

// closureIndex is t's index in StatsClosureTypes ("" is unspecified), -1
// for a type statistics do not show.
func closureIndex(t string) int {
	if t == "" {
		t = ClosureUnspecified
	}
	return slices.Index(StatsClosureTypes, t)
}

// julian day of the Unix epoch; SQLite's julianday() answers days since noon 4714 BC.
const unixEpochJD = 2440587.5

func jdTime(jd float64) time.Time {
	return time.Unix(0, int64(math.Round((jd-unixEpochJD)*86400e9))).UTC()
}

func timeJD(t time.Time) float64 {
	return float64(t.UnixNano())/86400e9 + unixEpochJD
}

// statsScan reads case_stats (migration 00014), one row a case, in case
// order: what triggers derived from the case, its rating and its parties
// in the transaction that changed them. Every value boxed by database/sql
// costs an allocation, so the small ones travel as one number, a
// statsFlags. A case not closed has close 0; applicant is the person_id of
// the single applicant, 0 for none, -1 for several (statsApplicants reads
// those).
var statsScan = fmt.Sprintf(`SELECT case_id, created, closed, flags + %d * COALESCE(deadline < ?, 0) + %d * key_id, applicant
	FROM case_stats WHERE case_id >= ? AND case_id < ? ORDER BY case_id`, pastDeadlineUnit, keyUnit)

// statsFlags is the packed number of statsScan: on-time (onTimeUnknown,
// onTimeLate, onTimeYes) + pastDeadlineUnit · past its deadline (0, 1) +
// scoreUnit · rating score (0 none, 1–5) + keyUnit · stats key id.
// case_stats.flags (migration 00014) holds on-time + scoreUnit · score.
type statsFlags int64

// Each unit is the product of the ranges of the parts below it.
const (
	pastDeadlineUnit = 3                    // on-time: 3 values
	scoreUnit        = 2 * pastDeadlineUnit // past its deadline: 2
	keyUnit          = 6 * scoreUnit        // score: 6
)

// On-time values of a closed case.
const (
	onTimeUnknown = 0 // the stage had no time limit
	onTimeLate    = 1
	onTimeYes     = 2
)

func (f statsFlags) onTime() int64      { return int64(f) % pastDeadlineUnit }
func (f statsFlags) pastDeadline() bool { return int64(f)%scoreUnit/pastDeadlineUnit == 1 }
func (f statsFlags) score() int64       { return int64(f) % keyUnit / scoreUnit }
func (f statsFlags) key() int64         { return int64(f) / keyUnit }

// Stats computes the statistics for a leader.
//
// One scan of case_stats streams every case into Go, where those the
// period touches (created in it or in the 181 days after it, where
// returning applicants are looked for; closed in it; open now; or ever
// reopened) are counted into the groups; SQLite's GROUP BY sorts its input
// (no hash aggregation), which for 100k rows costs more than the scan
// itself, and p90 and the returning applicants need per-case values
// anyway. The filter is applied in Go, because an applicant who comes back
// counts whatever desk, category or town the new case has.
//
// Three steps: statsRead (the scan and the side reads, at once),
// accumulate (each case into its groups), rows (the groups into figures).
func (s *Service) Stats(ctx context.Context, a cases.Actor, p Period, f StatsFilter) (*Stats, error) {
	if a.Role != cases.RoleLeader {
		return nil, cases.Forbidden("只有领导可以查看统计")
	}
	now := s.cases.Now().UTC()
	in, err := s.statsRead(ctx, p, timeJD(now))
	if err != nil {
		return nil, err
	}
	acc := newStatsAccumulator(p, f, now, in, func() (map[int64]*statsKey, error) { return s.statsKeys(ctx) })
	for _, part := range in.parts {
		for i := range part {
			if err := acc.add(&part[i]); err != nil {
				return nil, err
			}
		}
	}
	acc.finish()
	return acc.stats(), nil
}

// statsInput is what statsRead brings: the scan in stretches of case ids,
// and what the accumulation looks up.
type statsInput struct {
	parts      [][]statsRow
	maxID      int64
	keys       map[int64]*statsKey
	desks      []cases.Desk
	cats       []cases.Category
	visits     map[int64][]float64 // visit times by case, since the period began
	reopened   map[int64]*reopenInfo
	red        map[int64]bool    // cases with a red warning
	applicants map[int64][]int64 // of the cases with several
}

// statsRead runs the scan, split by case id over statsScanParts reader
// connections each reading its own stretch of the table, and the side
// reads on other connections meanwhile.
func (s *Service) statsRead(ctx context.Context, p Period, nowJD float64) (*statsInput, error) {
	// Two subqueries: SQLite finds a lone MIN or MAX at an end of the
	// table, both in one SELECT by reading all of it.
	var lo, hi int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE((SELECT MIN(case_id) FROM case_stats), 0),
		COALESCE((SELECT MAX(case_id) FROM case_stats), -1)`).Scan(&lo, &hi); err != nil {
		return nil, fmt.Errorf("store: unable to read cases for statistics: %w", err)
	}
	in := &statsInput{parts: make([][]statsRow, statsScanParts), maxID: hi}
	g, ctx := errgroup.WithContext(ctx)
	scan := s.r.Rebind(statsScan)
	for part := range statsScanParts {
		from := lo + (hi+1-lo)*int64(part)/int64(statsScanParts)
		to := lo + (hi+1-lo)*int64(part+1)/int64(statsScanParts)
		g.Go(func() (err error) {
			in.parts[part], err = scanStatsRows(ctx, s.r, scan, nowJD, from, to)
			return err
		})
	}
	g.Go(func() (err error) { in.visits, err = s.statsVisits(ctx, p); return err })
	g.Go(func() (err error) { in.reopened, err = s.statsReopened(ctx); return err })
	g.Go(func() (err error) {
		// Both small: one connection is enough.
		if in.red, err = s.statsRed(ctx); err != nil {
			return err
		}
		in.applicants, err = s.statsApplicants(ctx)
		return err
	})
	g.Go(func() (err error) {
		if in.desks, err = s.cases.Desks(ctx); err != nil {
			return err
		}
		if in.cats, err = s.cases.Categories(ctx); err != nil {
			return err
		}
		in.keys, err = s.statsKeys(ctx)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return in, nil
}

// statsAccumulator counts the cases of one statistics query into groups.
type statsAccumulator struct {
	p                              Period
	f                              StatsFilter
	now                            time.Time
	nowJD, startJD, endJD, laterJD float64
	in                             *statsInput

	total                          *statsAcc
	byMonth, byDesk, byCat, byTown map[string]*statsAcc
	// Every day counted into a month lies in the period: China-time day
	// number − firstDay → its month's group.
	months   []*statsAcc
	firstDay int
	// The key ids are small and dense: a slice finds them quicker than
	// the map.
	keyAt      []*statsKey
	rereadKeys func() (map[int64]*statsKey, error) // nil once used
	// Case ids are dense: a bit per id says which were ever reopened
	// quicker than the map.
	isReopened []bool

	// Closed cases of the period wait for the returning applicants: their
	// groups, and the smallest gap after closing at which one came back.
	pending []pendingRepeat
	// The applicants of each closed case of the period, at its close.
	closes []closedApplicant
	// Every applicant's intakes (cases not declined).
	intakes []intake
}

type pendingRepeat struct {
	id     int64
	closed float64
	days   float64
	gap    float64
	accs   [5]*statsAcc // total, desk, category, town, month
}

type closedApplicant struct {
	person  int64
	pending int // index in pending
}

func newStatsAccumulator(p Period, f StatsFilter, now time.Time, in *statsInput, rereadKeys func() (map[int64]*statsKey, error)) *statsAccumulator {
	x := &statsAccumulator{p: p, f: f, now: now, in: in, rereadKeys: rereadKeys,
		nowJD: timeJD(now), startJD: timeJD(p.start), endJD: timeJD(p.end), laterJD: timeJD(p.end.AddDate(0, 0, 181)),
		total: newAcc(true), byMonth: map[string]*statsAcc{}, byDesk: map[string]*statsAcc{}, byCat: map[string]*statsAcc{}, byTown: map[string]*statsAcc{}}
	x.firstDay = chinaDay(x.startJD)
	x.months = make([]*statsAcc, chinaDay(x.endJD)-x.firstDay+1)
	x.useKeys(in.keys)
	x.isReopened = make([]bool, max(in.maxID+1, 0))
	for id := range in.reopened {
		if id >= 0 && id < int64(len(x.isReopened)) {
			x.isReopened[id] = true
		}
	}
	n := 0
	for _, part := range in.parts {
		n += len(part)
	}
	x.pending = make([]pendingRepeat, 0, n)
	x.closes = make([]closedApplicant, 0, n)
	x.intakes = make([]intake, 0, n)
	return x
}

// chinaDay is the number of the China-time day of jd.
func chinaDay(jd float64) int { return int(math.Floor(jd + 0.5 + 8.0/24)) }

func group(m map[string]*statsAcc, k string, hasOpen bool) *statsAcc {
	a := m[k]
	if a == nil {
		a = newAcc(hasOpen)
		m[k] = a
	}
	return a
}

// monthOf is the group of the month of jd.
func (x *statsAccumulator) monthOf(jd float64) *statsAcc {
	day := chinaDay(jd) - x.firstDay
	if day < 0 || day >= len(x.months) {
		return group(x.byMonth, jdTime(jd).In(cases.ChinaZone).Format("2006-01"), false)
	}
	a := x.months[day]
	if a == nil {
		a = group(x.byMonth, jdTime(jd).In(cases.ChinaZone).Format("2006-01"), false)
		x.months[day] = a
	}
	return a
}

// useKeys prepares the keys: what they are, whether they pass the filter
// and their groups.
func (x *statsAccumulator) useKeys(raw map[int64]*statsKey) {
	x.in.keys, x.keyAt = raw, nil
	var maxKey int64
	f := x.f
	open := cases.OpenStatuses()
	for id, k := range raw {
		maxKey = max(maxKey, id)
		k.closureIdx = closureIndex(k.closure)
		k.open = slices.Contains(open, k.status)
		k.match = (f.Desk == "" || f.Desk == k.desk) && (f.Category == "" || f.Category == k.category) && (f.Town == "" || f.Town == k.town)
		if k.match {
			k.accs = [4]*statsAcc{x.total, group(x.byDesk, k.desk, true), group(x.byCat, k.category, true), group(x.byTown, k.town, true)}
		}
	}
	if maxKey < 1<<20 {
		x.keyAt = make([]*statsKey, maxKey+1)
		for id, k := range raw {
			x.keyAt[id] = k
		}
	}
}

func (x *statsAccumulator) keyOf(id int64) (*statsKey, error) {
	var k *statsKey
	if id >= 0 && id < int64(len(x.keyAt)) {
		k = x.keyAt[id]
	} else {
		k = x.in.keys[id]
	}
	if k == nil && x.rereadKeys != nil {
		// A key added while the scan ran (keys are only ever added): read
		// them again, once.
		raw, err := x.rereadKeys()
		x.rereadKeys = nil
		if err != nil {
			return nil, err
		}
		x.useKeys(raw)
		return x.keyOf(id)
	}
	if k == nil {
		return nil, fmt.Errorf("store: statistics key %d is missing", id)
	}
	return k, nil
}

// add counts one case of the scan.
func (x *statsAccumulator) add(row *statsRow) error {
	id, created := row.id, row.created
	k, err := x.keyOf(row.flags.key())
	if err != nil {
		return err
	}
	var ri *reopenInfo
	if id >= 0 && id < int64(len(x.isReopened)) && x.isReopened[id] {
		ri = x.in.reopened[id]
	}
	closedIn := row.closed != 0 && row.closed >= x.startJD && row.closed < x.endJD
	if !(created >= x.startJD && created < x.laterJD || closedIn || k.open || ri != nil) {
		return nil // not touched by the period
	}
	var one [1]int64
	var applicants []int64
	switch {
	case row.applicant > 0:
		one[0] = row.applicant
		applicants = one[:]
	case row.applicant < 0:
		applicants = x.in.applicants[id]
	}
	if k.status != cases.StatusDeclined {
		for _, person := range applicants {
			x.intakes = append(x.intakes, intake{person, created})
		}
	}
	if !k.match {
		return nil
	}
	accs := k.accs
	if created >= x.startJD && created < x.endJD && k.status != cases.StatusSubmitted && k.status != cases.StatusDeclined {
		for _, a := range accs {
			a.received++
		}
		x.monthOf(created).received++
	}
	if k.status == cases.StatusClosed && closedIn {
		pr := pendingRepeat{id: id, closed: row.closed, days: row.closed - created, gap: math.Inf(1)}
		copy(pr.accs[:], accs[:])
		pr.accs[4] = x.monthOf(row.closed)
		for _, a := range pr.accs {
			a.addClosed(k.closureIdx, row.flags.onTime(), row.flags.score(), pr.days)
		}
		x.pending = append(x.pending, pr)
		for _, person := range applicants {
			x.closes = append(x.closes, closedApplicant{person, len(x.pending) - 1})
		}
	}
	var firstClose, firstReopen *float64
	if row.closed != 0 {
		firstClose = &row.closed
	}
	if ri != nil {
		firstClose, firstReopen = ri.firstClose, ri.firstReopen
	}
	if firstClose != nil && *firstClose >= x.startJD && *firstClose < x.endJD {
		for _, a := range accs {
			a.addReopen(*firstClose, firstReopen, x.nowJD)
		}
		x.monthOf(*firstClose).addReopen(*firstClose, firstReopen, x.nowJD)
	}
	if k.open {
		overdue := row.flags.pastDeadline() || x.in.red[id]
		for _, a := range accs {
			a.open++
			if overdue {
				a.overdue++
			}
		}
	}
	return nil
}

// finish looks, for each closed case of the period, for its applicant's
// return: a later intake of the same person, or a visit on the case.
func (x *statsAccumulator) finish() {
	// The intakes grouped by applicant, each close looking through its
	// applicant's few.
	byPerson := groupIntakes(x.intakes)
	for _, c := range x.closes {
		pr := &x.pending[c.pending]
		for _, at := range byPerson.of(c.person) {
			pr.cameBack(at)
		}
	}
	// Visits after closing: pending is in case order.
	for id, visits := range x.in.visits {
		i, ok := slices.BinarySearchFunc(x.pending, id, func(pr pendingRepeat, id int64) int { return cmp.Compare(pr.id, id) })
		for ; ok && i < len(x.pending) && x.pending[i].id == id; i++ {
			for _, v := range visits {
				x.pending[i].cameBack(v)
			}
		}
	}
	for _, pr := range x.pending {
		for _, a := range pr.accs {
			a.addRepeat(pr.closed, pr.gap, x.nowJD)
		}
	}
}

// cameBack notes a return of the applicant at jd.
func (pr *pendingRepeat) cameBack(jd float64) {
	if jd > pr.closed && jd-pr.closed < pr.gap {
		pr.gap = jd - pr.closed
	}
}

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

// statsScanParts is how many reader connections share the scan: the
// machine's cores, at most 2, so one leader's statistics leave the rest of
// the pool to everyone else.
var statsScanParts = min(2, runtime.NumCPU())

// statsRow is one row of the scan.
type statsRow struct {
	id, applicant   int64 // applicant: 0 none, -1 several
	flags           statsFlags
	created, closed float64 // closed 0: not closed
}

// intake is an applicant of a case (not declined) at its intake.
type intake struct {
	person int64
	at     float64
}

// scanStatsRows reads the cases from id from to id to (excluded), those
// past their deadline at nowJD flagged. It reads the driver's rows
// directly (any database/sql driver): Rows.Scan would convert every value
// once more, for 100k rows.
func scanStatsRows(ctx context.Context, r *sqlx.DB, q string, nowJD float64, from, to int64) ([]statsRow, error) {
	var out []statsRow
	conn, err := r.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read cases for statistics: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("driver %T cannot query", dc)
		}
		rows, err := qc.QueryContext(ctx, q, []driver.NamedValue{{Ordinal: 1, Value: nowJD}, {Ordinal: 2, Value: from}, {Ordinal: 3, Value: to}})
		if err != nil {
			return err
		}
		defer rows.Close()
		// Case ids are dense: the stretch's width is about its rows.
		out = make([]statsRow, 0, min(max(to-from, 0), 1<<22))
		dest := make([]driver.Value, 5)
		for {
			if err := rows.Next(dest); err == io.EOF {
				break
			} else if err != nil {
				return err
			}
			out = append(out, statsRow{id: valueInt(dest[0]), created: valueFloat(dest[1]), closed: valueFloat(dest[2]),
				flags: statsFlags(valueInt(dest[3])), applicant: valueInt(dest[4])})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: unable to read cases for statistics: %w", err)
	}
	return out, nil
}

// statsKeys reads every group key by its id.
func (s *Service) statsKeys(ctx context.Context) (map[int64]*statsKey, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, status, desk, category, closure_type, town FROM stats_keys`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read statistics keys: %w", err)
	}
	defer rows.Close()
	keys := map[int64]*statsKey{}
	for rows.Next() {
		var id int64
		k := &statsKey{}
		if err := rows.Scan(&id, &k.status, &k.desk, &k.category, &k.closure, &k.town); err != nil {
			return nil, fmt.Errorf("store: unable to read statistics keys: %w", err)
		}
		keys[id] = k
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read statistics keys: %w", err)
	}
	return keys, nil
}

// statsRed reads the cases with a red warning (a few percent, from the
// partial index cases_warning_desk): open ones among them are overdue
// whatever their deadline says.
func (s *Service) statsRed(ctx context.Context) (map[int64]bool, error) {
	var ids []int64
	if err := s.r.SelectContext(ctx, &ids, s.r.Rebind(
		`SELECT id FROM cases WHERE warning = ? AND warning <> ''`), cases.StateRed); err != nil {
		return nil, fmt.Errorf("store: unable to read red cases: %w", err)
	}
	red := make(map[int64]bool, len(ids))
	for _, id := range ids {
		red[id] = true
	}
	return red, nil
}

// statsApplicants reads the applicants of the cases with several (a
// partial index on case_stats finds them).
func (s *Service) statsApplicants(ctx context.Context) (map[int64][]int64, error) {
	return listsByCase[int64](ctx, s.r, "applicants", `SELECT cp.case_id, cp.person_id FROM case_parties cp
		WHERE cp.role = 'applicant' AND cp.case_id IN (SELECT case_id FROM case_stats WHERE applicant < 0)`)
}

// listsByCase reads rows of (case id, value) into each case's values in
// row order; what names them in errors.
func listsByCase[V any](ctx context.Context, r *sqlx.DB, what, query string, args ...any) (map[int64][]V, error) {
	rows, err := r.QueryContext(ctx, r.Rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read %s: %w", what, err)
	}
	defer rows.Close()
	out := map[int64][]V{}
	for rows.Next() {
		var id int64
		var v V
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("store: unable to read %s: %w", what, err)
		}
		out[id] = append(out[id], v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read %s: %w", what, err)
	}
	return out, nil
}

// intakeIndex groups intake times by applicant.
type intakeIndex struct {
	// dense[p] to dense[p+1] are p's intakes in at, when person ids are
	// dense enough for a counting sort (they are a table's row ids).
	dense []int32
	at    []float64
	// Otherwise the intakes sorted by person.
	sorted []intake
}

func groupIntakes(in []intake) *intakeIndex {
	var maxPerson int64
	for _, x := range in {
		if x.person < 0 {
			maxPerson = -1
			break
		}
		maxPerson = max(maxPerson, x.person)
	}
	if maxPerson < 0 || maxPerson > 8*int64(len(in))+1<<16 {
		sorted := slices.Clone(in)
		slices.SortFunc(sorted, func(a, b intake) int { return cmp.Compare(a.person, b.person) })
		return &intakeIndex{sorted: sorted}
	}
	dense := make([]int32, maxPerson+2)
	for _, x := range in {
		dense[x.person+1]++
	}
	for p := 1; p < len(dense); p++ {
		dense[p] += dense[p-1]
	}
	at := make([]float64, len(in))
	next := slices.Clone(dense[:len(dense)-1])
	for _, x := range in {
		at[next[x.person]] = x.at
		next[x.person]++
	}
	return &intakeIndex{dense: dense, at: at}
}

// of answers the intake times of person, in no particular order.
func (x *intakeIndex) of(person int64) []float64 {
	if x.dense != nil {
		if person < 0 || person+1 >= int64(len(x.dense)) {
			return nil
		}
		return x.at[x.dense[person]:x.dense[person+1]]
	}
	i, _ := slices.BinarySearchFunc(x.sorted, person, func(e intake, p int64) int { return cmp.Compare(e.person, p) })
	var out []float64
	for ; i < len(x.sorted) && x.sorted[i].person == person; i++ {
		out = append(out, x.sorted[i].at)
	}
	return out
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
	rows, err := s.r.QueryContext(ctx, `SELECT e.case_id, e.kind, julianday(e.at) FROM events e
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
		case kind == cases.EventClose && ri.firstClose == nil:
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
	return listsByCase[float64](ctx, s.r, "visits", `SELECT case_id, julianday(at) FROM events WHERE kind = ? AND at >= ?`, cases.EventVisit, p.start)
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

// addClosed counts a closed case: closure is its type's index in
// StatsClosureTypes (-1: none of them); onTime one of onTimeUnknown,
// onTimeLate, onTimeYes; score its rating, 0 without one; days how long it
// took.
func (a *statsAcc) addClosed(closure int, onTime, score int64, days float64) {
	a.closed++
	a.days = append(a.days, days)
	if closure >= 0 {
		a.byType[closure]++
	}
	if onTime != onTimeUnknown {
		a.onTimeKnown++
		if onTime == onTimeYes {
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
		slices.Sort(a.days)
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
