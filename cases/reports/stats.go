package reports

// Statistics for leaders (统计分析). What each number means:
//
//   - Period: [from, to], whole days in China time (UTC+8), both inclusive.
//     Shortcuts: period=2026-11 (a month), 2026-Q4 (a quarter), 2026 (a year);
//     or from/to. Nothing given: the current month so far. At most 10 years.
//   - Filters desk, category, town narrow every figure; desk is the desk that
//     holds (or, once closed, closed) the case.
//   - received 受理数: cases created in the period, except online applications
//     not yet registered (status submitted) or declined (declined), and
//     cases merged into another (merged: the survivor counts the dispute).
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
//   - agreements, confirmation, performance_by_count, performance_by_amount,
//     followup: what mediation achieved, defined in outcomes.go.
//   - group_cases, people_involved, amount_involved, red_outstanding,
//     turned_green: group cases and risk levels, defined in risk.go.
//   - Every rate is {num, den, value}; value = num ÷ den rounded to 4 decimals,
//     null when den = 0. No figure without its denominator.
//   - Who: leaders only (they supervise every desk); everyone else gets 403.
//
// One scan of case_stats (migration 00014: per case, its values for the
// statistics, kept by triggers in the transaction that changes the case)
// feeds the totals and every breakdown row, so rows always add up to the
// totals; events are read by kind through their index.

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

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
	// What mediation achieved (outcomes.go): for the whole filter only,
	// the breakdown rows do not carry them.
	Outcomes
	// Group cases and risk levels (risk.go): for the whole filter only.
	RiskFigures
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
		last = cases.StartOfDay(n)
		p.Label = fmt.Sprintf("%d年%d月", n.Year(), int(n.Month()))
	}
	p.From, p.To = first.Format("2006-01-02"), last.Format("2006-01-02")
	if p.Label == "" {
		p.Label = p.From + " 至 " + p.To
	}
	p.start, p.end = first.UTC(), cases.EndOfDay(last).UTC()
	return p, nil
}

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
				in.waitVisits()
				return nil, err
			}
		}
	}
	if err := acc.finish(); err != nil {
		return nil, err
	}
	st := acc.stats()
	var links map[string]string
	if st.Outcomes, links, err = s.outcomes(ctx, a, p, f, now); err != nil {
		return nil, err
	}
	for k, v := range links {
		st.Links[k] = v
	}
	if st.RiskFigures, links, err = s.riskFigures(ctx, a, p, f, now); err != nil {
		return nil, err
	}
	for k, v := range links {
		st.Links[k] = v
	}
	return st, nil
}
