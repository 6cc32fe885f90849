package reports

// Risk for leaders (issue 19): the statistics' group and risk figures and
// the leader view's board of red and orange cases. Definitions:
//
//   - group_cases 群体性纠纷: received cases (as received) of the period with
//     cases.GroupCaseMinPeople (5) or more people involved.
//   - people_involved 涉及人数, amount_involved 涉及金额: the sums of
//     people_count and amount over those group cases.
//   - red_outstanding 红色在办: at query time, open cases whose current risk
//     level is red.
//   - turned_green 转绿率: denominator = received cases of the period ever
//     assessed above green (their gravest level, case_risk.peak, is red,
//     orange or yellow); numerator = those whose level is green now (a
//     case turns green when a leader says so or when it closes).
//
// Each figure is counted through the case list's own filter from its link,
// so a click-through lists exactly the cases counted.

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"time"

	"yidi/cases"
)

// RiskFigures are the statistics of group cases and risk levels.
type RiskFigures struct {
	GroupCases     int     `json:"group_cases"`
	PeopleInvolved int     `json:"people_involved"`
	AmountInvolved float64 `json:"amount_involved"`
	RedOutstanding int     `json:"red_outstanding"`
	TurnedGreen    Rate    `json:"turned_green"`
}

// riskLinks are the case-list queries behind each risk figure.
func riskLinks(p Period, f StatsFilter) map[string]string {
	with := func(kv ...string) string {
		v := url.Values{}
		for k, x := range map[string]string{"desk": f.Desk, "category": f.Category, "town": f.Town} {
			if x != "" {
				v.Set(k, x)
			}
		}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	received := []string{"from", p.From, "to", p.To, "received", "true"}
	group := with(append(received, "group", "true")...)
	return map[string]string{
		"group_cases":      group,
		"people_involved":  group,
		"amount_involved":  group,
		"red_outstanding":  with("risk", cases.RiskRed, "open", "true"),
		"turned_green":     with(append(received, "risk_ever", "true", "risk", cases.RiskGreen)...),
		"turned_green.den": with(append(received, "risk_ever", "true")...),
	}
}

func (s *Service) riskFigures(ctx context.Context, a cases.Actor, p Period, f StatsFilter, now time.Time) (RiskFigures, map[string]string, error) {
	var out RiskFigures
	links := riskLinks(p, f)
	filter := func(name string) (CaseFilter, error) {
		v, err := url.ParseQuery(links[name])
		if err != nil {
			return CaseFilter{}, err
		}
		return CaseFilterFromQuery(v.Get)
	}
	counts := map[string]*int{"group_cases": &out.GroupCases, "red_outstanding": &out.RedOutstanding}
	var green, den int
	counts["turned_green"], counts["turned_green.den"] = &green, &den
	for name, to := range counts {
		cf, err := filter(name)
		if err != nil {
			return out, nil, err
		}
		if *to, err = s.count(ctx, a, cf); err != nil {
			return out, nil, err
		}
	}
	out.TurnedGreen = rate(green, den)
	cf, err := filter("people_involved")
	if err != nil {
		return out, nil, err
	}
	where, args := cf.where(cases.SQLOf(s.r), a, now, true)
	var fen int64
	if err := s.r.QueryRowContext(ctx, s.r.Rebind(`SELECT COALESCE(SUM(c.people_count), 0), COALESCE(SUM(c.amount_fen), 0) FROM cases c`+where),
		args...).Scan(&out.PeopleInvolved, &fen); err != nil {
		return out, nil, fmt.Errorf("store: unable to sum people involved: %w", err)
	}
	out.AmountInvolved = float64(fen) / 100
	return out, links, nil
}

// RiskCase is one open case on the leader's risk board.
type RiskCase struct {
	Number      string        `db:"number"`
	Title       string        `db:"title"`
	Status      cases.Status  `db:"status"`
	Desk        string        `db:"desk"`
	PeopleCount int           `db:"people_count"`
	AmountFen   sql.NullInt64 `db:"amount_fen"`
	Level       string        `db:"level"`
	LeadName    string        `db:"lead_name"`
	LeadRole    cases.Role    `db:"lead_role"`
	ReviewDue   sql.NullTime  `db:"review_due"`
	LeadMissing bool          `db:"-"` // the level needs a 包案 leader of a rank it lacks
	Overdue     bool          `db:"-"` // its re-assessment is past due
}

// RiskBoard is the leader view's part on risk: open red and orange cases
// (red first, then by people involved), open cases lacking the 包案 leader
// their level requires, and open cases whose re-assessment is overdue.
type RiskBoard struct {
	RedOrange     []RiskCase
	NoLead        []RiskCase
	ReviewOverdue []RiskCase
}

// RiskBoard answers the leader's risk board.
func (s *Service) RiskBoard(ctx context.Context, a cases.Actor) (*RiskBoard, error) {
	set, err := s.cases.RiskSettings(ctx, a)
	if err != nil {
		return nil, err
	}
	if err := cases.Authorize(a, cases.UseLeaderView); err != nil {
		return nil, err
	}
	var rows []RiskCase
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(`
		SELECT c.number, c.title, c.status, COALESCE(c.desk, '') AS desk, c.people_count, c.amount_fen, r.level,
			COALESCE(u.display_name, '') AS lead_name, COALESCE(u.role, '') AS lead_role, d.due_at AS review_due
		FROM case_risk r JOIN cases c ON c.id = r.case_id
		LEFT JOIN users u ON u.id = r.lead_user_id
		LEFT JOIN case_deadlines d ON d.case_id = c.id AND d.kind = ? AND d.ended_at IS NULL
		WHERE r.level IN (?, ?, ?) AND c.status IN (`+openStatusesSQL()+`)`),
		cases.DeadlineRiskReview, cases.RiskRed, cases.RiskOrange, cases.RiskYellow); err != nil {
		return nil, fmt.Errorf("store: unable to read the risk board: %w", err)
	}
	now := s.cases.Now()
	slices.SortFunc(rows, func(x, y RiskCase) int {
		return cmp.Or(cmp.Compare(slices.Index(cases.RiskLevelNames, x.Level), slices.Index(cases.RiskLevelNames, y.Level)),
			-cmp.Compare(x.PeopleCount, y.PeopleCount), cmp.Compare(x.Number, y.Number))
	})
	b := &RiskBoard{}
	for _, r := range rows {
		for _, l := range set.Levels {
			if l.Level == r.Level && len(l.LeadRoles) > 0 {
				r.LeadMissing = r.LeadName == "" || !slices.Contains(l.LeadRoles, r.LeadRole)
			}
		}
		r.Overdue = r.ReviewDue.Valid && now.After(r.ReviewDue.Time)
		if r.Level == cases.RiskRed || r.Level == cases.RiskOrange {
			b.RedOrange = append(b.RedOrange, r)
		}
		if r.LeadMissing {
			b.NoLead = append(b.NoLead, r)
		}
		if r.Overdue {
			b.ReviewOverdue = append(b.ReviewOverdue, r)
		}
	}
	return b, nil
}
