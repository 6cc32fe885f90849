package reports

// Honest outcomes (issue 13, item 6): what mediation achieved, beside the
// closure types a desk picks. Each figure is read from the mediation
// tables (migration 00016) as rows of (case_id, num, den): an obligation,
// an application for 司法确认, a 回访 task, or a closed case. The figure
// sums num and den over the rows whose case passes the filter; its list
// (CaseFilter.Outcome) is the cases with a row counting in the numerator
// (or, with OutcomeDen, in the denominator). Statistics and list read the
// same SQL, so they cannot drift apart.
//
//   - agreements 调解成功率: cases closed in the period (as closed) that were
//     mediated here (a session not cancelled, or an agreement) → those with
//     an agreement in force (the current version; a written agreement takes
//     effect when signed, an oral one when reached, so in force = effective).
//   - confirmation 司法确认: applications with applied_on in the period →
//     those confirmed (裁定有效); applied, confirmed, rejected and pending
//     (applied or accepted, not yet ruled) are given as counts.
//   - performance_by_count 履行率（件数）: obligations of the agreements in
//     force whose due date lies in the period and is not after today →
//     those fully performed by now (a "performed" record, or the amounts
//     recorded reach the amount: the obligation state "performed").
//   - performance_by_amount 履行率（金额）: the money obligations among them,
//     in fen: amount due → amount performed (what was recorded as
//     performed or partly performed, at most the amount).
//   - followup 回访率: 回访 tasks not cancelled whose due date lies in the
//     period and is not after today → those done.

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"yidi/cases"
)

// ConfirmationFigure is 司法确认: the share confirmed of the applications,
// with the counts behind it.
type ConfirmationFigure struct {
	Rate
	Applied   int `json:"applied"`
	Confirmed int `json:"confirmed"`
	Rejected  int `json:"rejected"`
	Pending   int `json:"pending"` // applied or accepted, no ruling yet
}

// Outcomes are the figures of what mediation achieved; their lists are in
// Figures.Links under the figure's name (numerator) and name + ".den"
// (denominator), confirmation also under confirmation.applied and
// confirmation.rejected.
type Outcomes struct {
	Agreements          Rate               `json:"agreements"`
	Confirmation        ConfirmationFigure `json:"confirmation"`
	PerformanceByCount  Rate               `json:"performance_by_count"`
	PerformanceByAmount Rate               `json:"performance_by_amount"` // in fen
	Followup            Rate               `json:"followup"`
}

// Outcome figures, by name (CaseFilter.Outcome).
const (
	OutcomeAgreements          = "agreements"
	OutcomeConfirmation        = "confirmation"
	OutcomeConfirmRejected     = "confirmation_rejected"
	OutcomePerformanceByCount  = "performance_by_count"
	OutcomePerformanceByAmount = "performance_by_amount"
	OutcomeFollowup            = "followup"
)

// obligationsDue: the obligations of the agreements in force due in [?, ?]
// (days), with what was performed (fen) and whether fully performed.
//
// Numbers, not truth values, throughout: PostgreSQL neither sums a boolean
// nor has SQLite's two-argument MIN.
const obligationsDue = `SELECT case_id, amount, CASE WHEN fen < COALESCE(amount, 0) THEN fen ELSE COALESCE(amount, 0) END AS paid,
	CASE WHEN fully OR fen >= amount THEN 1 ELSE 0 END AS done FROM (
	SELECT a.case_id, o.amount_fen AS amount,
		(SELECT COALESCE(SUM(p.amount_fen), 0) FROM mediation_performances p WHERE p.obligation_id = o.id AND p.status <> 'not_performed') AS fen,
		EXISTS (SELECT 1 FROM mediation_performances p WHERE p.obligation_id = o.id AND p.status = 'performed') AS fully
	FROM mediation_obligations o JOIN mediation_agreements a ON a.id = o.agreement_id
	WHERE a.superseded_by IS NULL AND o.due_on >= ? AND o.due_on <= ?) due`

// outcomeSources give each figure its rows (case_id, num, den) for a span
// of days; instants reports whether the span's bounds are instants
// (closed_at) rather than YYYY-MM-DD days.
var outcomeSources = map[string]struct {
	sql      string
	instants bool
}{
	// From the mediated cases (few) to the cases table, by id: the
	// other way round reads every case closed in the period.
	OutcomeAgreements: {`SELECT k.id AS case_id,
		CASE WHEN EXISTS (SELECT 1 FROM mediation_agreements a WHERE a.case_id = k.id AND a.superseded_by IS NULL) THEN 1 ELSE 0 END AS num, 1 AS den
		FROM cases k WHERE k.id IN (SELECT s.case_id FROM mediation_sessions s WHERE s.status <> 'cancelled'
			UNION SELECT a.case_id FROM mediation_agreements a)
		AND k.status = 'closed' AND k.closed_at >= ? AND k.closed_at < ?`, true},
	OutcomeConfirmation: {`SELECT case_id, CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END AS num, 1 AS den
		FROM mediation_confirmations WHERE applied_on >= ? AND applied_on <= ?`, false},
	OutcomeConfirmRejected: {`SELECT case_id, CASE WHEN status = 'rejected' THEN 1 ELSE 0 END AS num, 1 AS den
		FROM mediation_confirmations WHERE applied_on >= ? AND applied_on <= ?`, false},
	OutcomePerformanceByCount:  {`SELECT case_id, done AS num, 1 AS den FROM (` + obligationsDue + `) o`, false},
	OutcomePerformanceByAmount: {`SELECT case_id, paid AS num, amount AS den FROM (` + obligationsDue + `) o WHERE amount IS NOT NULL`, false},
	OutcomeFollowup: {`SELECT case_id, CASE WHEN status = 'done' THEN 1 ELSE 0 END AS num, 1 AS den
		FROM mediation_followups WHERE status <> 'cancelled' AND due_on >= ? AND due_on <= ?`, false},
}

// OutcomeNames lists the figures a case list may select by.
func OutcomeNames() []string {
	out := make([]string, 0, len(outcomeSources))
	for k := range outcomeSources {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// outcomeSpan is a figure's span: [from, to] days, or for instants the
// China-time days' instants [start of from, end of to).
func outcomeSpan(name, from, to string) []any {
	if from == "" {
		from = "0001-01-01"
	}
	if to == "" {
		to = "9999-12-31"
	}
	if !outcomeSources[name].instants {
		return []any{from, to}
	}
	f, _ := cases.ParseDay("outcome_from", from)
	t, _ := cases.ParseDay("outcome_to", to)
	return []any{f.UTC(), cases.EndOfDay(t).UTC()}
}

// outcomeCond is the case-list condition of a figure: the cases with a row
// in its numerator, or with den in its denominator.
func outcomeCond(name, from, to string, den bool) (string, []any) {
	side := "num"
	if den {
		side = "den"
	}
	return `c.id IN (SELECT x.case_id FROM (` + outcomeSources[name].sql + `) x WHERE x.` + side + ` > 0)`, outcomeSpan(name, from, to)
}

// outcomes computes the figures for the period and filter, as a sees them.
func (s *Service) outcomes(ctx context.Context, a cases.Actor, p Period, f StatsFilter, now time.Time) (Outcomes, map[string]string, error) {
	var out Outcomes
	// A due date counts once it has come: the period, cut at today.
	dueTo := min(p.To, now.In(cases.ChinaZone).Format(cases.DayLayout))
	spans := map[string][2]string{OutcomeAgreements: {p.From, p.To}, OutcomeConfirmation: {p.From, p.To},
		OutcomeConfirmRejected: {p.From, p.To}, OutcomePerformanceByCount: {p.From, dueTo},
		OutcomePerformanceByAmount: {p.From, dueTo}, OutcomeFollowup: {p.From, dueTo}}
	where, wargs := (&CaseFilter{Desk: f.Desk, Category: f.Category, Town: f.Town}).where(cases.SQLOf(s.r), a, now, true)
	rates := map[string]*Rate{}
	for name, span := range spans {
		var num, den int
		args := append(outcomeSpan(name, span[0], span[1]), wargs...)
		q := `SELECT COALESCE(SUM(x.num), 0), COALESCE(SUM(x.den), 0) FROM (` + outcomeSources[name].sql + `) x
			JOIN cases c ON c.id = x.case_id` + where
		if err := s.r.QueryRowContext(ctx, s.r.Rebind(q), args...).Scan(&num, &den); err != nil {
			return out, nil, fmt.Errorf("store: unable to count %s: %w", name, err)
		}
		r := rate(num, den)
		rates[name] = &r
	}
	out.Agreements = *rates[OutcomeAgreements]
	out.PerformanceByCount = *rates[OutcomePerformanceByCount]
	out.PerformanceByAmount = *rates[OutcomePerformanceByAmount]
	out.Followup = *rates[OutcomeFollowup]
	conf, rej := rates[OutcomeConfirmation], rates[OutcomeConfirmRejected]
	out.Confirmation = ConfirmationFigure{Rate: *conf, Applied: conf.Den, Confirmed: conf.Num, Rejected: rej.Num,
		Pending: conf.Den - conf.Num - rej.Num}

	links := map[string]string{}
	for name, span := range spans {
		v := url.Values{"outcome": {name}, "outcome_from": {span[0]}, "outcome_to": {span[1]}}
		for k, x := range map[string]string{"desk": f.Desk, "category": f.Category, "town": f.Town} {
			if x != "" {
				v.Set(k, x)
			}
		}
		key := name
		if name == OutcomeConfirmRejected {
			key = "confirmation.rejected"
		}
		links[key] = v.Encode()
		if name == OutcomeConfirmRejected {
			continue
		}
		v.Set("outcome_den", "true")
		if name == OutcomeConfirmation {
			links["confirmation.applied"] = v.Encode()
		} else {
			links[name+".den"] = v.Encode()
		}
	}
	return out, links, nil
}
