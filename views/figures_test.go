package views_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"yidi/views"
)

// Figures counted by hand: the statistics over a small fixture, a
// supervision response's on-time flag, and the idempotent replay's window.

// setClock sets the service clock to t (only back in time: see ts.at).
func (ts *testServer) setClock(t time.Time) {
	ts.svc.SetClock(func() time.Time { return t })
}

// TestStatisticsOfAFixtureCountedByHand: ten cases closed at mediation in
// July–August 2026 after 3, 1, 4, 1, 5, 9, 2, 6, 40 and 8 days, plus three
// online applications (one left submitted, one declined, one registered).
// By docs/api.md and cases/reports/stats.go:
//
//	received 11: the ten, and the registered application (not the submitted or the declined one)
//	days_to_close: sorted 1 1 2 3 4 5 6 8 9 40; avg 79/10 = 7.9; p90 the value at rank ⌈0.9·10⌉ = 9: 9
//	on_time_rate 9/10: the 40-day case ran past mediation's one-month limit
//	repeat_visit_rate_90 1/10: the second case's applicant came back (a visit event);
//	  the first case's applicant sent an application that was declined, which is no repeat visit
func TestStatisticsOfAFixtureCountedByHand(t *testing.T) {
	ts := newTestServer(t, views.Options{Applications: 100, ApplicationWindow: time.Hour})
	zhang := map[string]any{"role": "applicant", "name": "张三", "id_number": "11010519491231002X", "phone": "13800000000"}
	respondent := map[string]any{"role": "respondent", "name": "某某建筑公司"}
	days := []int{3, 1, 4, 1, 5, 9, 2, 6, 40, 8}
	var numbers []string
	for i, d := range days {
		created := time.Date(2026, 7, 1+i, 9, 0, 0, 0, cst)
		ts.setClock(created)
		body := sampleIntake()
		applicant := map[string]any{"role": "applicant", "name": fmt.Sprintf("申请人%d", i), "phone": "13900000000"}
		if i == 0 {
			applicant = zhang
		}
		body["parties"] = []map[string]any{applicant, respondent}
		n := ts.intake(body)["number"].(string)
		numbers = append(numbers, n)
		ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
		ts.setClock(created.Add(time.Hour))
		ts.act("mediation", n, "accept", nil, 200)
		ts.setClock(created.AddDate(0, 0, d))
		ts.act("mediation", n, "close", relationBodies()["close"], 200)
	}
	// The second case's applicant comes back a week after its close.
	ts.setClock(time.Date(2026, 7, 10, 9, 0, 0, 0, cst))
	ts.act("intake", numbers[1], "visits", map[string]any{"note": "申请人再次来访"}, 200)

	apply := func(day int, applicant map[string]any) string {
		ts.setClock(time.Date(2026, 7, day, 9, 0, 0, 0, cst))
		app := application()
		app["parties"] = []map[string]any{applicant, respondent}
		status, rec := ts.call("POST", "/api/v1/public/applications", "", app)
		if status != 201 {
			t.Fatalf("application: %d %v", status, rec)
		}
		return rec["number"].(string)
	}
	apply(20, map[string]any{"role": "applicant", "name": "网上申请人甲"})
	declined := apply(21, zhang)
	ts.act("intake", declined, "decline", map[string]any{"reason": "不属于本中心受理范围"}, 200)
	registered := apply(22, map[string]any{"role": "applicant", "name": "网上申请人乙"})
	ts.act("intake", registered, "register", nil, 200)

	// Every 90-day window after a close has elapsed by then.
	ts.setClock(time.Date(2026, 11, 30, 12, 0, 0, 0, cst))
	status, st := ts.call("GET", "/api/v1/stats?from=2026-07-01&to=2026-08-31", "leader", nil)
	if status != 200 {
		t.Fatalf("stats: %d %v", status, st)
	}
	if st["received"] != float64(11) {
		t.Errorf("received %v, want 11 (submitted and declined applications are not received)", st["received"])
	}
	if closed := st["closed"].(map[string]any); closed["total"] != float64(10) {
		t.Errorf("closed %v, want 10", closed)
	}
	dtc := st["days_to_close"].(map[string]any)
	if dtc["count"] != float64(10) || dtc["avg"] != 7.9 || dtc["p90"] != float64(9) {
		t.Errorf("days_to_close %v, want count 10, avg 7.9, p90 9", dtc)
	}
	wantRate := func(name string, num, den int) {
		t.Helper()
		r := st[name].(map[string]any)
		if r["num"] != float64(num) || r["den"] != float64(den) {
			t.Errorf("%s %v, want %d/%d", name, r, num, den)
		}
	}
	wantRate("on_time_rate", 9, 10)
	wantRate("repeat_visit_rate_90", 1, 10)
	wantRate("resolution_rate", 10, 10)

	// The case list behind "received" holds exactly those eleven.
	link := st["links"].(map[string]any)["received"].(string)
	status, list := ts.call("GET", "/api/v1/cases?"+link, "leader", nil)
	if status != 200 || list["total"] != float64(11) || listHas(list["cases"], declined) {
		t.Errorf("the received list %s: %d total %v (declined listed: %v), want 11 without the declined application",
			link, status, list["total"], listHas(list["cases"], declined))
	}
}

// TestSupervisionResponseSaysWhetherItCameInTime: a response by the date
// the leader set is on time, one after it late (the respond event's data).
func TestSupervisionResponseSaysWhetherItCameInTime(t *testing.T) {
	ts := newTestServer(t)
	for _, c := range []struct {
		answered string
		onTime   string
	}{{"2026-11-10", "true"}, {"2026-11-11", "false"}} {
		n := ts.atDesk("mediation", "2026-11-02")
		ts.act("leader", n, "escalate", map[string]any{"level": "yellow", "respond_by": "2026-11-10", "note": "请按期答复"}, 200)
		ts.at(c.answered, "18:00")
		ts.act("mediation", n, "respond", map[string]any{"body": "已组织双方调解"}, 200)
		_, tl := ts.call("GET", "/api/v1/cases/"+n+"/timeline", "leader", nil)
		events := tl["events"].([]any)
		last := events[len(events)-1].(map[string]any)
		data, _ := last["data"].(map[string]any)
		if last["kind"] != "respond" || data["on_time"] != c.onTime {
			t.Errorf("response on %s to a 2026-11-10 date: %v %v, want on_time %s", c.answered, last["kind"], data, c.onTime)
		}
	}
}

// TestIdempotentReplayKeepsItsWarningsAndTheCodeForADay: a retry gets the
// first answer's warnings back always, its query code only within 24 hours
// of the first intake; ForgetSealedCodes wipes only codes older than that.
func TestIdempotentReplayKeepsItsWarningsAndTheCodeForADay(t *testing.T) {
	ts := newTestServer(t)
	first := time.Date(2026, 11, 2, 9, 0, 0, 0, cst)
	ts.setClock(first)
	ts.intake(nil) // 张三's first case: the keyed one below is a repeat visit
	status, out := ts.call("POST", "/api/v1/cases", "intake", sampleIntake(), "Idempotency-Key", "window-1")
	code, _ := out["query_code"].(string)
	warnings := fmt.Sprint(out["warnings"])
	if status != 201 || code == "" || out["warnings"] == nil || len(out["warnings"].([]any)) == 0 {
		t.Fatalf("keyed repeat intake: %d %v", status, out)
	}
	replay := func(at time.Time, wantCode string) {
		t.Helper()
		ts.setClock(at)
		status, again := ts.call("POST", "/api/v1/cases", "intake", sampleIntake(), "Idempotency-Key", "window-1")
		got, _ := again["query_code"].(string)
		if status != 201 || again["number"] != out["number"] || got != wantCode || fmt.Sprint(again["warnings"]) != warnings {
			t.Errorf("replay at %s: %d number %v code %q warnings %v; want %v, code %q, warnings %s",
				at.Format(time.DateTime), status, again["number"], got, again["warnings"], out["number"], wantCode, warnings)
		}
	}
	replay(first.Add(23*time.Hour+59*time.Minute), code)
	replay(first.Add(24*time.Hour+time.Minute), "")

	// The daily wipe, a minute before the day is up, keeps the code.
	ts.setClock(first.Add(24*time.Hour - time.Minute))
	if err := ts.svc.ForgetSealedCodes(context.Background()); err != nil {
		t.Fatal(err)
	}
	replay(first.Add(23*time.Hour+59*time.Minute), code)
	ts.setClock(first.Add(24*time.Hour + time.Minute))
	if err := ts.svc.ForgetSealedCodes(context.Background()); err != nil {
		t.Fatal(err)
	}
	replay(first.Add(time.Hour), "") // wiped: nothing left to answer even inside the window
}
