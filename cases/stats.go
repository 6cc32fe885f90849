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
// One scan of case_stats (migration 00014: per case, its values for the
// statistics, kept by triggers in the transaction that changes the case)
// feeds the totals and every breakdown row, so rows always add up to the
// totals; events are read by kind through their index.

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

// statsKey is the part of a case the statistics group by: a row of
// stats_keys (migration 00014), which case_stats names by its id, so a
// number crosses from SQLite for each case instead of five strings.
type statsKey struct {
	status                        Status
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
// costs an allocation, so the small ones travel as one number: on-time (0
// unknown, 1 late, 2 on time) + 3·past its deadline + 6·rating score (0:
// none) + 36·key id. A case not closed has close 0; applicant is the
// person_id of the single applicant, 0 for none, -1 for several
// (statsApplicants reads those).
const statsScan = `SELECT case_id, created, closed, flags + 3 * COALESCE(deadline < ?, 0) + 36 * key_id, applicant
	FROM case_stats WHERE case_id >= ? AND case_id < ? ORDER BY case_id`

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
func (s *Service) Stats(ctx context.Context, a Actor, p Period, f StatsFilter) (*Stats, error) {
	if a.Role != RoleLeader {
		return nil, forbidden("只有领导可以查看统计")
	}
	now := s.now().UTC()
	nowJD := timeJD(now)
	startJD, endJD := timeJD(p.start), timeJD(p.end)
	laterJD := timeJD(p.end.AddDate(0, 0, 181))
	r := s.store.r

	// What is needed only after the scan is read meanwhile, on other
	// reader connections: visits; the reopened cases; the red cases and the
	// cases with several applicants.
	type visitResult struct {
		visits map[int64][]float64
		err    error
	}
	visitc := make(chan visitResult, 1)
	go func() {
		var vr visitResult
		defer func() { visitc <- vr }()
		defer recoverTo("stats visits", &vr.err)
		vr.visits, vr.err = s.statsVisits(ctx, p)
	}()
	type reopenResult struct {
		reopened map[int64]*reopenInfo
		err      error
	}
	reopenc := make(chan reopenResult, 1)
	go func() {
		var rr reopenResult
		defer func() { reopenc <- rr }()
		defer recoverTo("stats reopened", &rr.err)
		rr.reopened, rr.err = s.statsReopened(ctx)
	}()
	type sideResult struct {
		red        map[int64]bool
		applicants map[int64][]int64
		err        error
	}
	sidec := make(chan sideResult, 1)
	go func() {
		var sr sideResult
		defer func() { sidec <- sr }()
		defer recoverTo("stats side", &sr.err)
		sr.red, sr.err = s.statsRed(ctx)
		if sr.err == nil {
			sr.applicants, sr.err = s.statsApplicants(ctx)
		}
	}()

	// The scan, split by case id over statsScanParts reader connections
	// running at once, each reading its own stretch of the table.
	// (Two subqueries: SQLite finds a lone MIN or MAX at an end of the
	// table, both in one SELECT by reading all of it.)
	var lo, hi int64
	if err := r.QueryRowContext(ctx, `SELECT COALESCE((SELECT MIN(case_id) FROM case_stats), 0),
		COALESCE((SELECT MAX(case_id) FROM case_stats), -1)`).Scan(&lo, &hi); err != nil {
		<-visitc
		<-reopenc
		<-sidec
		return nil, fmt.Errorf("store: unable to read cases for statistics: %w", err)
	}
	parts := make([][]statsRow, statsScanParts)
	errs := make([]error, statsScanParts+3)
	var wg sync.WaitGroup
	for part := range statsScanParts {
		from := lo + (hi+1-lo)*int64(part)/int64(statsScanParts)
		to := lo + (hi+1-lo)*int64(part+1)/int64(statsScanParts)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer recoverTo("stats scan", &errs[part])
			parts[part], errs[part] = scanStatsRows(ctx, r, r.Rebind(statsScan), nowJD, from, to)
		}()
	}

	desks, err := s.Desks(ctx)
	if err != nil {
		errs[statsScanParts] = err
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		errs[statsScanParts] = err
	}
	rawKeys, err := s.statsKeys(ctx)
	if err != nil {
		errs[statsScanParts] = err
	}
	wg.Wait()
	rr := <-reopenc
	sr := <-sidec
	errs[statsScanParts+1], errs[statsScanParts+2] = rr.err, sr.err
	if err := errors.Join(errs...); err != nil {
		<-visitc
		return nil, err
	}
	reopened, red, multi := rr.reopened, sr.red, sr.applicants
	// Case ids are dense: a bit per id says which were ever reopened
	// quicker than the map.
	isReopened := make([]bool, max(hi+1, 0))
	for id := range reopened {
		if id >= 0 && id < int64(len(isReopened)) {
			isReopened[id] = true
		}
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
	// Every day counted into a month lies in the period: China-time day
	// number − the first one → its month's group.
	firstDay := int(math.Floor(startJD + 0.5 + 8.0/24))
	months := make([]*statsAcc, int(math.Floor(endJD+0.5+8.0/24))-firstDay+1)
	monthOf := func(jd float64) *statsAcc {
		day := int(math.Floor(jd+0.5+8.0/24)) - firstDay
		if day < 0 || day >= len(months) {
			return group(byMonth, jdTime(jd).In(chinaTime).Format("2006-01"), false)
		}
		a := months[day]
		if a == nil {
			a = group(byMonth, jdTime(jd).In(chinaTime).Format("2006-01"), false)
			months[day] = a
		}
		return a
	}
	// The key ids are small and dense: a slice finds them quicker than
	// the map.
	var keyAt []*statsKey
	useKeys := func(raw map[int64]*statsKey) {
		rawKeys, keyAt = raw, nil
		var maxKey int64
		for id, k := range raw {
			maxKey = max(maxKey, id)
			k.closureIdx = closureIndex(k.closure)
			k.open = slices.Contains(openStatuses, k.status)
			k.match = (f.Desk == "" || f.Desk == k.desk) && (f.Category == "" || f.Category == k.category) && (f.Town == "" || f.Town == k.town)
			if k.match {
				k.accs = [4]*statsAcc{total, group(byDesk, k.desk, true), group(byCat, k.category, true), group(byTown, k.town, true)}
			}
		}
		if maxKey < 1<<20 {
			keyAt = make([]*statsKey, maxKey+1)
			for id, k := range raw {
				keyAt[id] = k
			}
		}
	}
	useKeys(rawKeys)
	reread := false
	var keyOf func(id int64) (*statsKey, error)
	keyOf = func(id int64) (*statsKey, error) {
		var k *statsKey
		if id >= 0 && id < int64(len(keyAt)) {
			k = keyAt[id]
		} else {
			k = rawKeys[id]
		}
		if k == nil && !reread {
			// A key added while the scan ran (keys are only ever
			// added): read them again, once.
			reread = true
			raw, err := s.statsKeys(ctx)
			if err != nil {
				return nil, err
			}
			useKeys(raw)
			return keyOf(id)
		}
		if k == nil {
			return nil, fmt.Errorf("store: statistics key %d is missing", id)
		}
		return k, nil
	}

	n := 0
	for _, part := range parts {
		n += len(part)
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
		pending int
	}
	closes := make([]closedApplicant, 0, n)
	// Every applicant's intakes (cases not declined).
	intakes := make([]intake, 0, n)
	var one [1]int64
	for _, part := range parts {
		for i := range part {
			row := &part[i]
			id, created := row.id, row.created
			k, err := keyOf(row.key)
			if err != nil {
				<-visitc
				return nil, err
			}
			var ri *reopenInfo
			if id >= 0 && id < int64(len(isReopened)) && isReopened[id] {
				ri = reopened[id]
			}
			if !(created >= startJD && created < laterJD || row.closed != 0 && row.closed >= startJD && row.closed < endJD ||
				k.open || ri != nil) {
				continue // not touched by the period
			}
			var applicants []int64
			switch {
			case row.applicant > 0:
				one[0] = row.applicant
				applicants = one[:]
			case row.applicant < 0:
				applicants = multi[id]
			}
			if k.status != StatusDeclined {
				for _, person := range applicants {
					intakes = append(intakes, intake{person, created})
				}
			}
			if !k.match {
				continue
			}
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
				onTime, score := row.flags%3, row.flags/6
				for _, a := range pr.accs {
					a.addClosed(k.closureIdx, onTime, score)
				}
				pending = append(pending, pr)
				for _, person := range applicants {
					closes = append(closes, closedApplicant{person, len(pending) - 1})
				}
			}
			var firstClose, firstReopen *float64
			if row.closed != 0 {
				firstClose = &row.closed
			}
			if ri != nil {
				firstClose, firstReopen = ri.firstClose, ri.firstReopen
			}
			if firstClose != nil && *firstClose >= startJD && *firstClose < endJD {
				for _, a := range accs {
					a.addReopen(*firstClose, firstReopen, nowJD)
				}
				monthOf(*firstClose).addReopen(*firstClose, firstReopen, nowJD)
			}
			if k.open {
				overdue := row.flags%6/3 == 1 || red[id]
				for _, a := range accs {
					a.open++
					if overdue {
						a.overdue++
					}
				}
			}
		}
	}
	// Days to close: sorted once, then handed to each group in that order,
	// so every group's list is sorted without sorting it again.
	days := make([]float64, len(pending))
	for i := range pending {
		days[i] = pending[i].days
	}
	for _, m := range []map[string]*statsAcc{byMonth, byDesk, byCat, byTown, {"": total}} {
		for _, a := range m {
			a.days = make([]float64, 0, a.closed)
		}
	}
	for _, i := range sortedOrder(days) {
		for _, a := range pending[i].accs {
			a.days = append(a.days, pending[i].days)
		}
	}

	// The first later intake of the same applicant: the intakes grouped by
	// applicant, each close looking through its applicant's few.
	byPerson := groupIntakes(intakes)
	for _, c := range closes {
		pr := &pending[c.pending]
		for _, at := range byPerson.of(c.person) {
			if at > pr.closed && at-pr.closed < pr.gap {
				pr.gap = at - pr.closed
			}
		}
	}
	vr := <-visitc
	if vr.err != nil {
		return nil, vr.err
	}
	// Visits after closing: pending is in case order.
	for id, visits := range vr.visits {
		i, ok := slices.BinarySearchFunc(pending, id, func(pr pendingRepeat, id int64) int { return cmp.Compare(pr.id, id) })
		for ; ok && i < len(pending) && pending[i].id == id; i++ {
			pr := &pending[i]
			for _, v := range visits {
				if v > pr.closed && v-pr.closed < pr.gap {
					pr.gap = v - pr.closed
				}
			}
		}
	}
	for _, pr := range pending {
		for _, a := range pr.accs {
			a.addRepeat(pr.closed, pr.gap, nowJD)
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

// statsRow is one row of the scan.
type statsRow struct {
	id, applicant   int64 // applicant: 0 none, -1 several
	key, flags      int64
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
			packed := valueInt(dest[3])
			out = append(out, statsRow{id: valueInt(dest[0]), created: valueFloat(dest[1]), closed: valueFloat(dest[2]),
				flags: packed % 36, key: packed / 36, applicant: valueInt(dest[4])})
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
	rows, err := s.store.r.QueryContext(ctx, `SELECT id, status, desk, category, closure_type, town FROM stats_keys`)
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
	if err := s.store.r.SelectContext(ctx, &ids, s.store.r.Rebind(
		`SELECT id FROM cases WHERE warning = ? AND warning <> ''`), StateRed); err != nil {
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
	return listsByCase[int64](ctx, s.store.r, "applicants", `SELECT cp.case_id, cp.person_id FROM case_parties cp
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

// sortedOrder answers the indexes of v in ascending order of their values
// (v holds no NaN): a radix sort of the values' bits, 16 at a time,
// passing over the digits all values share.
func sortedOrder(v []float64) []int32 {
	keys := make([]uint64, len(v))
	idx := make([]int32, len(v))
	for i, f := range v {
		b := math.Float64bits(f)
		if b>>63 == 1 {
			b = ^b // negative: reversed
		} else {
			b |= 1 << 63
		}
		keys[i], idx[i] = b, int32(i)
	}
	keys2 := make([]uint64, len(v))
	idx2 := make([]int32, len(v))
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, k := range keys {
			count[k>>shift&0xffff]++
		}
		if len(keys) == 0 || count[keys[0]>>shift&0xffff] == len(keys) {
			continue // one digit for all: the order stands
		}
		pos := 0
		for d, c := range count {
			count[d] = pos
			pos += c
		}
		for i, k := range keys {
			d := k >> shift & 0xffff
			keys2[count[d]], idx2[count[d]] = k, idx[i]
			count[d]++
		}
		keys, keys2, idx, idx2 = keys2, keys, idx2, idx
	}
	return idx
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
	return listsByCase[float64](ctx, s.store.r, "visits", `SELECT case_id, julianday(at) FROM events WHERE kind = ? AND at >= ?`, EventVisit, p.start)
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
// in order): closure is its type's index in StatsClosureTypes (-1: none of
// them); onTime is 0 unknown, 1 late, 2 on time; score is its rating, 0
// without one.
func (a *statsAcc) addClosed(closure int, onTime, score int64) {
	a.closed++
	if closure >= 0 {
		a.byType[closure]++
	}
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
