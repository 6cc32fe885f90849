package reports_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"yidi/cases"
	"yidi/cases/reports"
	"yidi/internal/testdb"
)

var cst = time.FixedZone("CST", 8*3600)

func at(month time.Month, day, hour, min int) time.Time {
	return time.Date(2026, month, day, hour, min, 0, 0, cst)
}

// statsFixture is 12 cases around March 2026 whose right statistics are
// computed by hand in TestStatsOnAHandComputedFixture. Intake, route,
// accept, close and visits go through the Service with a fixed clock;
// closure types, on-time flags, reopens, ratings, deadlines and the
// submitted status are written with SQL, because the actions that will
// write them (close with closure_type, reopen, the citizen's rating, the
// deadline engine, online applications) live on parallel branches.
type statsFixture struct {
	svc    *cases.Service
	db     *sqlx.DB
	clock  time.Time
	leader cases.Actor
	n      map[string]string // C1… → case number
}

func newStatsFixture(t *testing.T) *statsFixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	fx := &statsFixture{svc: openService(t, dir), n: map[string]string{}}
	fx.svc.SetClock(func() time.Time { return fx.clock })
	// SQL of the test's own, on the store's reader pool (which writes too):
	// the same database on either engine.
	fx.db = fx.svc.Reader()
	user := func(name string, role cases.Role, desk string) cases.Actor {
		return staffUser(t, fx.svc, name, role, desk)
	}
	intake := user("intake", cases.RoleIntake, "")
	handler := map[string]cases.Actor{
		"mediation": user("mediation", cases.RoleHandler, "mediation"),
		"petition":  user("petition", cases.RoleHandler, "petition"),
	}
	fx.leader = user("leader", cases.RoleLeader, "")
	do := func(a cases.Actor, n string, when time.Time, r cases.ActionRequest) {
		t.Helper()
		fx.clock = when
		if _, err := fx.svc.Do(ctx, a, n, r); err != nil {
			t.Fatalf("%s %s: %v", r.Action, n, err)
		}
	}
	type spec struct {
		name, desk, category, town, idNumber string
		created, accepted, closed            time.Time
	}
	specs := []spec{
		{"C1", "mediation", "labor", "城关镇", "11010519491231002X", at(3, 2, 9, 0), at(3, 2, 10, 0), at(3, 12, 9, 0)},
		{"C2", "mediation", "labor", "城关镇", "", at(3, 3, 9, 0), at(3, 3, 10, 0), at(3, 23, 9, 0)},
		{"C3", "petition", "neighbour", "硖石街道", "", at(3, 4, 9, 0), at(3, 4, 10, 0), at(3, 9, 21, 0)},
		{"C4", "petition", "neighbour", "硖石街道", "", at(3, 5, 9, 0), at(3, 5, 10, 0), at(3, 31, 9, 0)},
		{"C5", "mediation", "labor", "硖石街道", "", at(3, 6, 9, 0), at(3, 6, 10, 0), at(3, 8, 9, 0)},
		{"C6", "mediation", "labor", "城关镇", "", time.Date(2026, 2, 20, 9, 0, 0, 0, cst), time.Date(2026, 2, 20, 10, 0, 0, 0, cst), at(3, 10, 9, 0)},
		{"C7", "mediation", "labor", "城关镇", "11010519491231002X", at(3, 20, 9, 0), at(3, 20, 10, 0), time.Time{}},
		{"C8", "", "neighbour", "城关镇", "", at(3, 15, 9, 0), time.Time{}, time.Time{}},
		{"C9", "mediation", "labor", "城关镇", "", at(3, 25, 9, 0), at(3, 25, 10, 0), time.Time{}},
		{"C10", "", "labor", "城关镇", "", at(4, 2, 9, 0), time.Time{}, time.Time{}},
		{"C11", "", "labor", "城关镇", "", at(3, 28, 9, 0), time.Time{}, time.Time{}},
		{"C12", "mediation", "labor", "城关镇", "", at(3, 29, 9, 0), at(3, 29, 10, 0), at(4, 3, 9, 0)},
	}
	for i, s := range specs {
		fx.clock = s.created
		applicant := "申请人" + string(rune('甲'+i))
		if s.idNumber != "" {
			applicant = "张三" // C1 and C7: the same person
		}
		res, err := fx.svc.Intake(ctx, intake, cases.IntakeInput{
			Title: "纠纷" + s.name, Category: s.category, Source: "walk_in", Summary: "事实与理由。", Town: s.town,
			Parties: []cases.PartyInput{
				{Role: "applicant", Name: applicant, IDNumber: s.idNumber},
				{Role: "respondent", Name: "被申请人" + string(rune('甲'+i))},
			},
		}, "")
		if err != nil {
			t.Fatalf("intake %s: %v", s.name, err)
		}
		n := res.Case.Number
		fx.n[s.name] = n
		if s.desk == "" {
			continue
		}
		do(intake, n, s.accepted.Add(-30*time.Minute), cases.ActionRequest{Action: "route", Desk: s.desk})
		do(handler[s.desk], n, s.accepted, cases.ActionRequest{Action: "accept"})
		if !s.closed.IsZero() {
			do(handler[s.desk], n, s.closed, cases.ActionRequest{Action: "close", Outcome: "已办结", ClosureType: "resolved"})
		}
	}
	// Visits: C2 before its close (does not count), C3 113.5 days after.
	do(intake, fx.n["C2"], at(3, 20, 9, 0), cases.ActionRequest{Action: "visits"})
	do(intake, fx.n["C3"], at(7, 1, 9, 0), cases.ActionRequest{Action: "visits"})

	fx.exec(t, `UPDATE cases SET closure_type = 'resolved', closed_on_time = TRUE WHERE number = ?`, fx.n["C1"])
	fx.exec(t, `UPDATE cases SET closure_type = 'resolved', closed_on_time = FALSE WHERE number = ?`, fx.n["C2"])
	fx.exec(t, `UPDATE cases SET closure_type = 'procedural', closed_on_time = TRUE WHERE number = ?`, fx.n["C3"])
	// C4: no closure type (a historical close), on-time unknown.
	fx.exec(t, `UPDATE cases SET closure_type = '', closed_on_time = NULL WHERE number = ?`, fx.n["C4"])
	fx.exec(t, `UPDATE cases SET closure_type = 'withdrawn', closed_on_time = TRUE WHERE number = ?`, fx.n["C5"])
	fx.exec(t, `UPDATE cases SET closure_type = 'resolved', closed_on_time = TRUE WHERE number = ?`, fx.n["C6"])
	fx.exec(t, `UPDATE cases SET closure_type = 'resolved', closed_on_time = TRUE WHERE number = ?`, fx.n["C12"])
	// C5: reopened 04-20 (43 days after its first close), closed again 05-10.
	fx.event(t, "C5", "reopen", at(4, 20, 9, 0))
	fx.event(t, "C5", "close", at(5, 10, 9, 0))
	fx.exec(t, `UPDATE cases SET closed_at = ?, reopen_count = 1 WHERE number = ?`, at(5, 10, 9, 0).UTC(), fx.n["C5"])
	// C6: reopened 08-01 (144 days after its close) and still at work.
	fx.event(t, "C6", "reopen", at(8, 1, 9, 0))
	fx.exec(t, `UPDATE cases SET status = 'in_progress', reopen_count = 1 WHERE number = ?`, fx.n["C6"])
	// C11 is an online application not yet registered.
	fx.exec(t, `UPDATE cases SET status = 'submitted' WHERE number = ?`, fx.n["C11"])
	// Deadlines of the open cases, and C7's red warning.
	future := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []string{"C6", "C7", "C9", "C10"} {
		fx.exec(t, `UPDATE cases SET deadline_at = ? WHERE number = ?`, future, fx.n[c])
	}
	fx.exec(t, `UPDATE cases SET warning = 'red' WHERE number = ?`, fx.n["C7"])
	fx.exec(t, `UPDATE cases SET deadline_at = ? WHERE number = ?`, at(3, 16, 9, 0).UTC(), fx.n["C8"])
	// Ratings: C1 5, C2 3, C4 4; C12 (closed in April) 1.
	for c, score := range map[string]int{"C1": 5, "C2": 3, "C4": 4, "C12": 1} {
		fx.exec(t, `INSERT INTO case_ratings (case_id, score, rated_at) SELECT id, ?, ? FROM cases WHERE number = ?`, score, at(6, 1, 0, 0).UTC(), fx.n[c])
	}
	fx.clock = time.Date(2026, 12, 31, 12, 0, 0, 0, cst)
	return fx
}

func (fx *statsFixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := fx.db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (fx *statsFixture) event(t *testing.T, c, kind string, when time.Time) {
	t.Helper()
	fx.exec(t, `INSERT INTO events (seq, case_id, at, kind, visibility)
		SELECT (SELECT MAX(seq) + 1 FROM events), id, ?, ?, 'internal' FROM cases WHERE number = ?`,
		when.UTC(), kind, fx.n[c])
}

func wantRate(t *testing.T, name string, got reports.Rate, num, den int, value float64) {
	t.Helper()
	if got.Num != num || got.Den != den || got.Value == nil || *got.Value != value {
		t.Errorf("%s = %d/%d %v, want %d/%d %v", name, got.Num, got.Den, ptr(got.Value), num, den, value)
	}
}

func TestStatsOnAHandComputedFixture(t *testing.T) {
	fx := newStatsFixture(t)
	ctx := context.Background()
	p, err := reports.ParsePeriod("2026-03", "", "", fx.clock)
	if err != nil {
		t.Fatal(err)
	}
	if p.From != "2026-03-01" || p.To != "2026-03-31" {
		t.Fatalf("period %+v", p)
	}
	st, err := reports.New(fx.svc).Stats(ctx, fx.leader, p, reports.StatsFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// received: created 03-01..03-31 China time, not submitted/declined:
	// C1 C2 C3 C4 C5 C7 C8 C9 C12 = 9 (C6 in Feb, C10 in April, C11 submitted).
	if st.Received != 9 {
		t.Errorf("received = %d, want 9", st.Received)
	}
	// closed: status closed and closed_at in March: C1 C2 C3 C4 = 4 (C5 closed
	// again in May, C6 reopened, C12 closed in April).
	// by type: resolved C1 C2 = 2, procedural C3 = 1, unspecified C4 = 1.
	wantTypes := map[string]int{"resolved": 2, "procedural": 1, "legal_procedure": 0, "withdrawn": 0, "not_accepted": 0, "unspecified": 1}
	if st.Closed.Total != 4 || !mapsEqual(st.Closed.ByClosureType, wantTypes) {
		t.Errorf("closed = %+v, want 4 %v", st.Closed, wantTypes)
	}
	// 化解率 = resolved / closed = 2/4 = 0.5
	wantRate(t, "resolution_rate", st.ResolutionRate, 2, 4, 0.5)
	// 按期办结率 = on time / known: C1 true, C2 false, C3 true, C4 NULL → 2/3
	wantRate(t, "on_time_rate", st.OnTimeRate, 2, 3, 0.6667)
	// days: C1 10.0, C2 20.0, C3 5.5 (09:00 → 21:00 five days on), C4 26.0;
	// avg 61.5/4 = 15.375 → 15.4; p90 nearest rank ⌈0.9·4⌉ = 4th of
	// [5.5 10 20 26] = 26.0.
	if d := st.DaysToClose; d.Count != 4 || d.Avg == nil || *d.Avg != 15.4 || d.P90 == nil || *d.P90 != 26 {
		t.Errorf("days_to_close = %d %v %v, want 4 15.4 26", d.Count, ptr(d.Avg), ptr(d.P90))
	}
	// 满意率: ratings of March closes C1 5, C2 3, C4 4 → score ≥ 4: 2/3;
	// average (5+3+4)/3 = 4.0 (C12's 1 is an April close).
	wantRate(t, "satisfaction_rate", st.SatisfactionRate, 2, 3, 0.6667)
	if a := st.SatisfactionAverage; a == nil || *a != 4 {
		t.Errorf("satisfaction_average = %v, want 4", ptr(a))
	}
	// Repeat visits, cohort C1–C4 (all windows elapsed by 12-31):
	// C1's applicant (same ID) registered C7 on 03-20, 8 days after → 90 and 180;
	// C2's visit was before its close → no; C3's visit 07-01 09:00 is
	// 113.5 days after 03-09 21:00 → 180 only; C4 → no.
	// 90: 1/4 = 0.25; 180: 2/4 = 0.5.
	wantRate(t, "repeat_visit_rate_90", st.RepeatVisitRate90, 1, 4, 0.25)
	wantRate(t, "repeat_visit_rate", st.RepeatVisitRate, 1, 4, 0.25)
	wantRate(t, "repeat_visit_rate_180", st.RepeatVisitRate180, 2, 4, 0.5)
	// Reopens, cohort = first close in March: C1 C2 C3 C4, C5 (first close
	// 03-08), C6 (03-10) = 6; C5 reopened 43 days after → 90 and 180; C6
	// 144 days after → 180 only. 90: 1/6 = 0.1667; 180: 2/6 = 0.3333.
	wantRate(t, "reopen_rate_90", st.ReopenRate90, 1, 6, 0.1667)
	wantRate(t, "reopen_rate_180", st.ReopenRate180, 2, 6, 0.3333)
	// Open now: C6 C7 C8 C9 C10 = 5 (C11 submitted, the rest closed);
	// overdue: C7 (red) and C8 (deadline 03-16) = 2/5 = 0.4.
	if st.OverdueOpen == nil {
		t.Fatal("overdue_open missing")
	}
	wantRate(t, "overdue_open", *st.OverdueOpen, 2, 5, 0.4)

	// Breakdown by desk: mediation received C1 C2 C5 C7 C9 C12 = 6, closed
	// C1 C2 = 2, both resolved; petition received C3 C4 = 2; unrouted C8 = 1.
	desk := map[string]reports.StatsRow{}
	for _, r := range st.Breakdown.Desk {
		desk[r.Key] = r
	}
	if m := desk["mediation"]; m.Received != 6 || m.Closed.Total != 2 || m.Label != "人民调解" {
		t.Errorf("mediation row %+v", m)
	}
	wantRate(t, "mediation resolution_rate", desk["mediation"].ResolutionRate, 2, 2, 1)
	if desk["petition"].Received != 2 || desk[""].Received != 1 || desk[""].Label != "未分流" {
		t.Errorf("petition %d, unrouted %d %q, want 2 and 1 未分流", desk["petition"].Received, desk[""].Received, desk[""].Label)
	}
	// Rows are named as the counter says them: the category's name, not its code.
	for _, r := range st.Breakdown.Category {
		if r.Key == "labor" && r.Label != "劳动争议/欠薪" {
			t.Errorf("labor row labelled %q", r.Label)
		}
	}
	// Mediation's open cases C6 C7 C9, overdue C7 → 1/3.
	wantRate(t, "mediation overdue_open", *desk["mediation"].OverdueOpen, 1, 3, 0.3333)
	// One month row, equal to the totals, without a now-snapshot.
	if len(st.Breakdown.Month) != 1 || st.Breakdown.Month[0].Key != "2026-03" || st.Breakdown.Month[0].Received != 9 ||
		st.Breakdown.Month[0].Closed.Total != 4 || st.Breakdown.Month[0].OverdueOpen != nil {
		t.Errorf("month rows %+v", st.Breakdown.Month)
	}
	// Rows come busiest first, ties by key, and none is empty.
	var keys []string
	for _, r := range st.Breakdown.Desk {
		keys = append(keys, r.Key)
	}
	if !slices.Equal(keys, []string{"mediation", "petition", ""}) {
		t.Errorf("desk rows in the order %q", keys)
	}
	// The month row's links cover that month, its last day included.
	for _, m := range st.Breakdown.Month {
		if l := m.Links["received"]; !strings.Contains(l, "from=2026-03-01") || !strings.Contains(l, "to=2026-03-31") {
			t.Errorf("month row links to %s", l)
		}
	}

	// The figures' links list exactly their numerators' cases.
	list := func(link string) []string {
		t.Helper()
		v, err := url.ParseQuery(link)
		if err != nil {
			t.Fatal(err)
		}
		f, err := reports.CaseFilterFromQuery(v.Get)
		if err != nil {
			t.Fatalf("%s: %v", link, err)
		}
		var got []string
		if err := reports.New(fx.svc).EachCase(ctx, fx.leader, f, func(r reports.CaseRow) error { got = append(got, r.Number); return nil }); err != nil {
			t.Fatal(err)
		}
		sort.Strings(got)
		return got
	}
	numbers := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, fx.n[n])
		}
		sort.Strings(out)
		return out
	}
	for figure, want := range map[string][]string{
		"resolution_rate":          numbers("C1", "C2"),
		"overdue_open":             numbers("C7", "C8"),
		"closed":                   numbers("C1", "C2", "C3", "C4"),
		"on_time_rate":             numbers("C1", "C3"),
		"satisfaction_rate":        numbers("C1", "C4"),
		"received":                 numbers("C1", "C2", "C3", "C4", "C5", "C7", "C8", "C9", "C12"),
		"closure_type.unspecified": numbers("C4"),
	} {
		if got := list(st.Links[figure]); !slices.Equal(got, want) {
			t.Errorf("%s links to %v, want %v (%s)", figure, got, want, st.Links[figure])
		}
	}
	if got := list(desk["mediation"].Links["resolution_rate"]); !slices.Equal(got, numbers("C1", "C2")) {
		t.Errorf("mediation resolution link lists %v", got)
	}

	// On 2026-07-01 the 180-day windows of March closes have not elapsed:
	// no denominator, no value. 90 days: all of C1–C4 (latest 03-31 + 90 = 06-29).
	fx.clock = time.Date(2026, 7, 1, 0, 0, 0, 0, cst)
	st, err = reports.New(fx.svc).Stats(ctx, fx.leader, p, reports.StatsFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if st.RepeatVisitRate180.Den != 0 || st.RepeatVisitRate180.Value != nil || st.RepeatVisitRate90.Den != 4 || st.ReopenRate180.Den != 0 {
		t.Errorf("on 07-01: repeat180 %+v, repeat90 %+v, reopen180 %+v", st.RepeatVisitRate180, st.RepeatVisitRate90, st.ReopenRate180)
	}

	// Filters narrow every figure: town 硖石街道 received C3 C4 C5 = 3.
	st, err = reports.New(fx.svc).Stats(ctx, fx.leader, p, reports.StatsFilter{Town: "硖石街道"})
	if err != nil || st.Received != 3 || st.Closed.Total != 2 {
		t.Errorf("town filter: %v %+v", err, st)
	}
	// Leaders only.
	for _, a := range []cases.Actor{{Role: cases.RoleIntake}, {Role: cases.RoleHandler, Desk: "mediation"}, {Role: cases.RoleAdmin}} {
		if _, err := reports.New(fx.svc).Stats(ctx, a, p, reports.StatsFilter{}); cases.ErrorOf(err) == nil || cases.ErrorOf(err).Kind != cases.KindForbidden {
			t.Errorf("%s: %v, want forbidden", a.Role, err)
		}
	}
}

func TestCaseListFollowsTheReadRule(t *testing.T) {
	fx := newStatsFixture(t)
	ctx := context.Background()
	count := func(a cases.Actor) int {
		n, err := reports.New(fx.svc).CountCases(ctx, a, reports.CaseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Leaders see all 12; petition's handler the two petition cases (and no
	// case it neither held nor registered); admins none.
	if n := count(fx.leader); n != 12 {
		t.Errorf("leader sees %d", n)
	}
	var petition cases.Actor
	if err := fx.db.Get(&petition.UserID, `SELECT id FROM users WHERE username = 'petition'`); err != nil {
		t.Fatal(err)
	}
	petition.Role, petition.Desk = cases.RoleHandler, "petition"
	if n := count(petition); n != 2 {
		t.Errorf("petition handler sees %d, want 2", n)
	}
	if n := count(cases.Actor{Role: cases.RoleAdmin}); n != 0 {
		t.Errorf("admin sees %d", n)
	}
	rows, total, err := reports.New(fx.svc).CaseRows(ctx, fx.leader, reports.CaseFilter{Sort: reports.SortNew, Page: 2, PerPage: 5})
	if err != nil || total != 12 || len(rows) != 5 {
		t.Fatalf("page 2: %d rows of %d, %v", len(rows), total, err)
	}
	// Newest intake first: page 2 starts with the 6th newest.
	if rows[0].Parties == "" || rows[0].Number == "" {
		t.Errorf("row %+v", rows[0])
	}
}

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct{ period, from, to, wantFrom, wantTo, field string }{
		{"2026", "", "", "2026-01-01", "2026-12-31", ""},
		{"2026-Q4", "", "", "2026-10-01", "2026-12-31", ""},
		{"2026-02", "", "", "2026-02-01", "2026-02-28", ""},
		{"", "2026-01-05", "2026-01-05", "2026-01-05", "2026-01-05", ""},
		{"", "", "", "2026-11-01", "2026-11-23", ""},
		{"2026-Q1", "", "", "2026-01-01", "2026-03-31", ""},
		{"2026-Q5", "", "", "", "", "period"},
		{"2026-Q0", "", "", "", "", "period"},
		{"1900", "", "", "1900-01-01", "1900-12-31", ""},
		{"1899", "", "", "", "", "period"},
		{"9999-12", "", "", "9999-12-01", "9999-12-31", ""},
		{"26-Q1", "", "", "", "", "period"},
		{"2026-13", "", "", "", "", "period"},
		{"2026", "2026-01-01", "", "", "", "period"},
		{"", "2026-02-30", "2026-03-01", "", "", "from"},
		{"", "2026-03-02", "2026-03-01", "", "", "to"},
		{"", "2016-01-01", "2026-01-01", "", "", "to"},
		{"", "2016-01-02", "2026-01-01", "2016-01-02", "2026-01-01", ""},
		{"", "2026-01-01", "", "", "", "to"},
	} {
		p, err := reports.ParsePeriod(c.period, c.from, c.to, now)
		if c.field != "" {
			if e := cases.ErrorOf(err); e == nil || e.Field != c.field {
				t.Errorf("%q %q %q: %v, want an error on %s", c.period, c.from, c.to, err, c.field)
			}
			continue
		}
		if err != nil || p.From != c.wantFrom || p.To != c.wantTo {
			t.Errorf("%q %q %q: %+v %v", c.period, c.from, c.to, p, err)
		}
	}
	for _, c := range []struct{ period, from, to, label string }{
		{"2026", "", "", "2026年"}, {"2026-Q1", "", "", "2026年第1季度"}, {"2026-02", "", "", "2026年2月"},
		{"", "", "", "2026年11月"}, {"", "2026-01-05", "2026-02-01", "2026-01-05 至 2026-02-01"},
	} {
		if p, err := reports.ParsePeriod(c.period, c.from, c.to, now); err != nil || p.Label != c.label {
			t.Errorf("%q %q %q: label %q %v, want %q", c.period, c.from, c.to, p.Label, err, c.label)
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func ptr(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// A case with two applicants is read once per applicant: it must still
// count once, and either applicant coming back counts it as a repeat visit.
func TestStatsCountsACaseWithTwoApplicantsOnce(t *testing.T) {
	ctx := context.Background()
	svc := openService(t, t.TempDir())
	var clock time.Time
	svc.SetClock(func() time.Time { return clock })
	user := func(name string, role cases.Role, desk string) cases.Actor {
		return staffUser(t, svc, name, role, desk)
	}
	intake, handler := user("intake", cases.RoleIntake, ""), user("mediation", cases.RoleHandler, "mediation")
	leader := user("leader", cases.RoleLeader, "")
	newCase := func(when time.Time, applicants ...cases.PartyInput) string {
		t.Helper()
		clock = when
		res, err := svc.Intake(ctx, intake, cases.IntakeInput{Title: "纠纷", Category: "labor", Source: "walk_in", Summary: "事实与理由。",
			Town: "城关镇", Parties: append(applicants, cases.PartyInput{Role: "respondent", Name: "某公司"})}, "")
		if err != nil {
			t.Fatal(err)
		}
		return res.Case.Number
	}
	do := func(a cases.Actor, n string, when time.Time, r cases.ActionRequest) {
		t.Helper()
		clock = when
		if _, err := svc.Do(ctx, a, n, r); err != nil {
			t.Fatalf("%s: %v", r.Action, err)
		}
	}
	a := newCase(at(3, 2, 9, 0),
		cases.PartyInput{Role: "applicant", Name: "张三", IDNumber: "11010519491231002X"},
		cases.PartyInput{Role: "applicant", Name: "李四", IDNumber: "110105198001010016"})
	do(intake, a, at(3, 2, 10, 0), cases.ActionRequest{Action: "route", Desk: "mediation"})
	do(handler, a, at(3, 3, 9, 0), cases.ActionRequest{Action: "accept"})
	do(handler, a, at(3, 10, 9, 0), cases.ActionRequest{Action: "close", Outcome: "已办结", ClosureType: "resolved"})
	// The second applicant comes back 22 days after the close.
	newCase(at(4, 1, 9, 0), cases.PartyInput{Role: "applicant", Name: "李四", IDNumber: "110105198001010016"})
	clock = time.Date(2026, 12, 31, 12, 0, 0, 0, cst)

	for _, tc := range []struct {
		period   string
		received int
	}{{"2026-03", 1}, {"2026", 2}} {
		p, err := reports.ParsePeriod(tc.period, "", "", clock)
		if err != nil {
			t.Fatal(err)
		}
		st, err := reports.New(svc).Stats(ctx, leader, p, reports.StatsFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Received != tc.received || st.Closed.Total != 1 || st.Closed.ByClosureType["resolved"] != 1 || st.DaysToClose.Count != 1 {
			t.Errorf("%s: received %d, closed %d (resolved %d), days counted %d; want %d, 1 (1), 1", tc.period,
				st.Received, st.Closed.Total, st.Closed.ByClosureType["resolved"], st.DaysToClose.Count, tc.received)
		}
		wantRate(t, tc.period+" repeat_visit_rate_90", st.RepeatVisitRate90, 1, 1, 1)
		wantRate(t, tc.period+" reopen_rate_90", st.ReopenRate90, 0, 1, 0)
		closed, repeats := 0, 0
		for _, row := range st.Breakdown.Desk {
			closed += row.Closed.Total
			repeats += row.RepeatVisitRate90.Num
		}
		if closed != 1 || repeats != 1 {
			t.Errorf("%s: desk rows add up to %d closes, %d repeat visits; want 1, 1", tc.period, closed, repeats)
		}
	}
}

// caseStatsDrift lists the cases whose case_stats row (migration 00014,
// kept by triggers) differs from what it is derived from: the case, its
// rating and its applicants. Empty when the triggers did their work.
func caseStatsDrift(t *testing.T, db *sqlx.DB) []string {
	t.Helper()
	const derived = `SELECT c.id, c.status, COALESCE(c.desk, ''), c.category, c.closure_type, c.town,
		julianday(c.created_at), COALESCE(julianday(c.closed_at), 0), julianday(c.deadline_at),
		CASE WHEN c.closed_on_time IS NULL THEN 0 WHEN c.closed_on_time THEN 2 ELSE 1 END
			+ 6 * COALESCE((SELECT r.score FROM case_ratings r WHERE r.case_id = c.id), 0),
		(SELECT CASE COUNT(*) WHEN 0 THEN 0 WHEN 1 THEN MAX(cp.person_id) ELSE -1 END
			FROM case_parties cp WHERE cp.case_id = c.id AND cp.role = 'applicant')
		FROM cases c`
	const stored = `SELECT s.case_id, k.status, k.desk, k.category, k.closure_type, k.town,
		s.created, s.closed, s.deadline, s.flags, s.applicant
		FROM case_stats s JOIN stats_keys k ON k.id = s.key_id`
	var drift []string
	for _, q := range []string{derived + ` EXCEPT ` + stored, stored + ` EXCEPT ` + derived} {
		rows, err := db.Queryx(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			row, err := rows.SliceScan()
			if err != nil {
				t.Fatal(err)
			}
			drift = append(drift, fmt.Sprint(row...))
		}
		rows.Close()
	}
	return drift
}

// The statistics read case_stats, which triggers derive from the case, its
// rating and its parties in the same transaction: every way those change
// (the service's actions, and plain SQL as in the fixture) leaves it equal
// to a derivation from scratch.
func TestCaseStatsFollowWhatTheyAreDerivedFrom(t *testing.T) {
	fx := newStatsFixture(t)
	check := func(step string) {
		t.Helper()
		if drift := caseStatsDrift(t, fx.db); len(drift) > 0 {
			t.Errorf("%s: case_stats differs from its sources: %v", step, drift)
		}
		var n, m int
		if err := fx.db.Get(&n, `SELECT COUNT(*) FROM cases`); err != nil {
			t.Fatal(err)
		}
		if err := fx.db.Get(&m, `SELECT COUNT(*) FROM case_stats`); err != nil {
			t.Fatal(err)
		}
		if n != m || n == 0 {
			t.Errorf("%s: %d cases, %d case_stats rows", step, n, m)
		}
	}
	check("fixture")
	id := func(c string) int64 {
		var id int64
		if err := fx.db.Get(&id, `SELECT id FROM cases WHERE number = ?`, fx.n[c]); err != nil {
			t.Fatal(err)
		}
		return id
	}
	var person int64
	if err := fx.db.Get(&person, `SELECT person_id FROM case_parties WHERE case_id = ? AND role = 'applicant'`, id("C2")); err != nil {
		t.Fatal(err)
	}
	// The triggers must follow even a rating changed by hand; the
	// append-only triggers (00017) would refuse that statement first.
	if testdb.Engine() == testdb.Postgres {
		fx.exec(t, `ALTER TABLE case_ratings DISABLE TRIGGER case_ratings_append_only`)
	} else {
		fx.exec(t, `DROP TRIGGER case_ratings_append_only_update`)
		fx.exec(t, `DROP TRIGGER case_ratings_append_only_delete`)
	}
	for _, step := range []struct{ name, sql string }{
		{"rating changed", `UPDATE case_ratings SET score = 2 WHERE case_id = ?`},
		{"rating removed", `DELETE FROM case_ratings WHERE case_id = ?`},
		{"rating moved", `UPDATE case_ratings SET case_id = ? WHERE case_id = ` + fmt.Sprint(id("C4"))},
		{"second applicant", `INSERT INTO case_parties (case_id, person_id, role, position) VALUES (?, ` + fmt.Sprint(person) + `, 'applicant', 5)`},
		{"third applicant", `INSERT INTO case_parties (case_id, person_id, role, position) SELECT ?, person_id, 'applicant', 6 FROM case_parties WHERE role = 'respondent' LIMIT 1`},
		{"applicant now respondent", `UPDATE case_parties SET role = 'respondent' WHERE case_id = ? AND position = 6`},
		{"applicant removed", `DELETE FROM case_parties WHERE case_id = ? AND position = 5`},
		{"all applicants removed", `DELETE FROM case_parties WHERE case_id = ? AND role = 'applicant'`},
		{"case regrouped", `UPDATE cases SET category = 'neighbour', town = '新地方', desk = 'petition', closure_type = 'withdrawn' WHERE id = ?`},
		{"case times", `UPDATE cases SET created_at = '2026-01-05 01:02:03+00:00', closed_at = NULL, closed_on_time = FALSE, deadline_at = NULL WHERE id = ?`},
	} {
		fx.exec(t, step.sql, id("C1"))
		check(step.name)
	}
	// A case through the service: intake (the case, then its parties), then
	// actions that change its status, desk and deadline.
	ctx := context.Background()
	fx.clock = at(12, 1, 9, 0)
	intake := cases.Actor{UserID: 1, Role: cases.RoleIntake, Name: "intake"}
	res, err := fx.svc.Intake(ctx, intake, cases.IntakeInput{Title: "新纠纷", Category: "labor", Source: "walk_in", Summary: "事实与理由。",
		Town: "城关镇", Parties: []cases.PartyInput{{Role: "applicant", Name: "王五"}, {Role: "applicant", Name: "赵六"}, {Role: "respondent", Name: "某公司"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	check("intake")
	if _, err := fx.svc.Do(ctx, intake, res.Case.Number, cases.ActionRequest{Action: "route", Desk: "mediation"}); err != nil {
		t.Fatal(err)
	}
	check("route")
}

// Historical cases closed without a type are "未注明" whichever way the
// empty type is spelled; every other type keeps its own label.
func TestClosureTypeLabel(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "未注明"}, {reports.ClosureUnspecified, "未注明"}, {"resolved", cases.ClosureLabel("resolved")},
	} {
		if got := reports.ClosureTypeLabel(c.in); got != c.want || got == "" {
			t.Errorf("ClosureTypeLabel(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if cases.ClosureLabel("resolved") == "未注明" {
		t.Fatal("resolved is labelled as unspecified")
	}
}
