package views_test

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The fixture of TestOutcomeStatisticsComputedByHand, all in March 2026,
// statistics read on 2026-03-25 for period=2026-03.
//
// Mediation desk (the 人民调解 window):
//
//	A: agreement signed 03-04: A1 3000.00 due 03-10 performed in full;
//	   A2 2000.00 due 03-20, 500.00 paid (partial); A3 an act (no amount)
//	   due 03-15 performed. 司法确认 applied 03-05, confirmed 03-06.
//	   A 回访 recorded on 03-25 (a task of its own, due and done 03-25).
//	   Closed 03-25 as resolved.
//	B: agreement signed 03-04: B1 1000.00 due 03-12, nothing performed;
//	   B2 4000.00 due 04-10 (not yet due on 03-25). 司法确认 applied 03-05,
//	   rejected 03-06.
//	D: version 1 signed 03-04 with D1 500.00 due 03-08 (never performed),
//	   superseded on 03-10 by version 2 with D2 600.00 due 03-18, performed
//	   on 03-18. Only the version in force counts: D1 is out.
//	E: a session held 03-05 without agreement, closed 03-25 as withdrawn.
//	F: closed 03-25 as withdrawn, never mediated.
//
// Petition desk: C: agreement signed 03-04, C1 800.00 due 03-11 performed;
// 司法确认 applied 03-05, not yet ruled.
//
// By hand, desk=mediation:
//
//	performance_by_count: due by 03-25: A1 A2 A3 B1 D2 = 5; performed A1 A3 D2 = 3 → 3/5 = 0.6
//	performance_by_amount (fen): due A1 300000 + A2 200000 + B1 100000 + D2 60000 = 660000;
//	  performed 300000 + 50000 + 0 + 60000 = 410000 → 410000/660000 = 0.6212
//	confirmation: applied A B = 2, confirmed A = 1, rejected B = 1, pending 0 → 1/2 = 0.5
//	agreements: closed in March and mediated: A E = 2; with an agreement in force: A → 1/2
//	followup: tasks due by 03-25 (each obligation's due date + 3 days):
//	  A1 03-13, A3 03-18, A2 03-23, B1 03-15, D2 03-21, A's recorded one 03-25 = 6
//	  (D1's task, 03-11, was cancelled by version 2 on 03-10; B2's falls 04-13;
//	  the closing tasks 03-28); done: 1 → 1/6 = 0.1667
//	lists: performance_by_count A D, its den A B D; by amount A D, den A B D;
//	  confirmation A, applied A B, rejected B; agreements A, den A E.
//
// All desks adds C: count 4/6 = 0.6667; amount 490000/740000 = 0.6622;
// confirmation applied 3, confirmed 1, rejected 1, pending 1 → 0.3333.
func TestOutcomeStatisticsComputedByHand(t *testing.T) {
	ts := newTestServer(t)
	a, b, c, d, e, _ := ts.outcomeFixture()
	ts.outcomeAssertions(a, b, c, d, e)
}

// outcomeFixture builds the fixture described above and answers the case
// numbers A to F; the clock stands at 2026-03-25 10:00.
func (ts *testServer) outcomeFixture() (a, b, c, d, e, f string) {
	t := ts.t
	t.Helper()
	ts.post("admin", "/api/v1/admin/rooms", map[string]any{"name": "第一调解室"}, 201)
	ob := func(content string, amount any, due string) map[string]any {
		o := map[string]any{"obligor": "李四", "obligee": "张三", "content": content, "due_on": due}
		if amount != nil {
			o["amount"] = amount
		}
		return o
	}
	sign := func(user, n, signed string, obs ...map[string]any) map[string]any {
		ts.at(signed, "15:00")
		return ts.post(user, "/api/v1/cases/"+n+"/agreements", map[string]any{"form": "written", "facts": "排水沟改道致墙体受损。",
			"terms": "李四恢复排水沟并赔偿。", "signed_on": signed, "obligations": obs}, 201)
	}
	obID := func(ag map[string]any, i int) string {
		return fmt.Sprint(ag["obligations"].([]any)[i].(map[string]any)["id"])
	}
	perform := func(user, n string, ag map[string]any, i int, status string, amount any, on string) {
		ts.at(on, "16:00")
		body := map[string]any{"status": status, "on": on}
		if amount != nil {
			body["amount"] = amount
		}
		ts.post(user, "/api/v1/cases/"+n+"/obligations/"+obID(ag, i)+"/performance", body, 201)
	}
	confirm := func(user, n string, ag map[string]any, result string) {
		path := fmt.Sprintf("/api/v1/cases/%s/agreements/%v", n, ag["id"])
		ts.at("2026-03-05", "09:00")
		ts.post(user, path+"/confirmation", map[string]any{"court": "litigation", "applied_on": "2026-03-05"}, 201)
		if result != "" {
			ts.at("2026-03-06", "09:00")
			ts.post("litigation", path+"/ruling", map[string]any{"result": result, "ruling_no": "（2026）浙0000民特" + n, "ruled_on": "2026-03-06"}, 200)
		}
	}

	a = ts.neighbourCase("2026-03-02")
	b = ts.neighbourCase("2026-03-02")
	c = ts.neighbourCaseAt("2026-03-02", "petition")
	d = ts.neighbourCase("2026-03-02")
	e = ts.neighbourCase("2026-03-02")
	f = ts.neighbourCase("2026-03-02")

	agA := sign("mediation", a, "2026-03-04", ob("第一期赔偿", 3000, "2026-03-10"), ob("第二期赔偿", 2000, "2026-03-20"), ob("恢复排水沟", nil, "2026-03-15"))
	agB := sign("mediation", b, "2026-03-04", ob("赔偿", 1000, "2026-03-12"), ob("第二期赔偿", 4000, "2026-04-10"))
	agC := sign("petition", c, "2026-03-04", ob("赔偿", 800, "2026-03-11"))
	sign("mediation", d, "2026-03-04", ob("赔偿", 500, "2026-03-08"))
	agD := sign("mediation", d, "2026-03-10", ob("赔偿", 600, "2026-03-18"))
	confirm("mediation", a, agA, "confirmed")
	confirm("mediation", b, agB, "rejected")
	confirm("petition", c, agC, "")
	perform("mediation", a, agA, 0, "performed", 3000, "2026-03-10")
	perform("petition", c, agC, 0, "performed", 800, "2026-03-11")
	perform("mediation", a, agA, 2, "performed", nil, "2026-03-15")
	perform("mediation", d, agD, 0, "performed", 600, "2026-03-18")
	perform("mediation", a, agA, 1, "partial", 500, "2026-03-20")

	ts.at("2026-03-04", "16:00")
	ses := ts.post("mediation", "/api/v1/cases/"+e+"/sessions", map[string]any{"kind": "mediation", "starts_at": "2026-03-05T09:30:00+08:00",
		"minutes": 60, "place": "第一调解室", "presiding": "mediation"}, 201)
	ts.at("2026-03-05", "11:00")
	ts.post("mediation", fmt.Sprintf("/api/v1/cases/%s/sessions/%v/record", e, ses["id"]), map[string]any{
		"attended": []string{"mediation", "张三", "李四"}, "minutes_text": "双方各执己见。", "result": "no_agreement"}, 200)

	ts.at("2026-03-25", "10:00")
	ts.post("mediation", "/api/v1/cases/"+a+"/followups", map[string]any{"method": "phone", "performance": "partial", "satisfaction": "satisfied"}, 201)
	ts.act("mediation", a, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved"}, 200)
	ts.act("mediation", e, "close", map[string]any{"outcome": "申请人撤回", "closure_type": "withdrawn"}, 200)
	ts.act("mediation", f, "close", map[string]any{"outcome": "申请人撤回", "closure_type": "withdrawn"}, 200)
	return a, b, c, d, e, f
}

// outcomeAssertions checks the figures computed by hand, their lists, the
// download and the page.
func (ts *testServer) outcomeAssertions(a, b, c, d, e string) {
	t := ts.t
	t.Helper()
	stats := func(q string) map[string]any {
		t.Helper()
		status, st := ts.call("GET", "/api/v1/stats?"+q, "leader", nil)
		if status != 200 {
			t.Fatalf("stats %s: %d %v", q, status, st)
		}
		return st
	}
	figure := func(st map[string]any, name string, num, den int, value float64) {
		t.Helper()
		r := st[name].(map[string]any)
		if r["num"] != float64(num) || r["den"] != float64(den) || r["value"] != value {
			t.Errorf("%s = %v, computed by hand %d/%d = %v", name, r, num, den, value)
		}
	}
	list := func(st map[string]any, key string, want ...string) {
		t.Helper()
		q, ok := st["links"].(map[string]any)[key].(string)
		if !ok {
			t.Fatalf("no link %s in %v", key, st["links"])
		}
		status, out := ts.call("GET", "/api/v1/cases?"+q, "leader", nil)
		if status != 200 {
			t.Fatalf("list %s (%s): %d %v", key, q, status, out)
		}
		var got []string
		for _, r := range out["cases"].([]any) {
			got = append(got, r.(map[string]any)["number"].(string))
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("list %s (%s) = %v, want %v", key, q, got, want)
		}
	}

	st := stats("period=2026-03&desk=mediation")
	figure(st, "performance_by_count", 3, 5, 0.6)
	figure(st, "performance_by_amount", 410000, 660000, 0.6212)
	figure(st, "confirmation", 1, 2, 0.5)
	figure(st, "agreements", 1, 2, 0.5)
	figure(st, "followup", 1, 6, 0.1667)
	cf := st["confirmation"].(map[string]any)
	if cf["applied"] != 2.0 || cf["confirmed"] != 1.0 || cf["rejected"] != 1.0 || cf["pending"] != 0.0 {
		t.Errorf("confirmation counts %v, by hand applied 2 confirmed 1 rejected 1 pending 0", cf)
	}
	list(st, "performance_by_count", a, d)
	list(st, "performance_by_count.den", a, b, d)
	list(st, "performance_by_amount", a, d)
	list(st, "performance_by_amount.den", a, b, d)
	list(st, "confirmation", a)
	list(st, "confirmation.applied", a, b)
	list(st, "confirmation.rejected", b)
	list(st, "agreements", a)
	list(st, "agreements.den", a, e)
	list(st, "followup", a)
	list(st, "followup.den", a, b, d)

	all := stats("period=2026-03")
	figure(all, "performance_by_count", 4, 6, 0.6667)
	figure(all, "performance_by_amount", 490000, 740000, 0.6622)
	figure(all, "confirmation", 1, 3, 0.3333)
	if cf := all["confirmation"].(map[string]any); cf["pending"] != 1.0 || cf["rejected"] != 1.0 {
		t.Errorf("confirmation counts, all desks: %v", cf)
	}
	list(all, "performance_by_count", a, c, d)
	list(all, "confirmation.applied", a, b, c)

	// The download carries them too.
	rows := readCSV(t, ts.download("/api/v1/stats?period=2026-03&desk=mediation&format=csv", "leader", "text/csv"))
	if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r[1:], []string{"履行率（件数）", "3", "5", "0.6"}) }) ||
		!slices.ContainsFunc(rows, func(r []string) bool {
			return slices.Equal(r[1:], []string{"履行率（金额，分）", "410000", "660000", "0.6212"})
		}) {
		t.Errorf("the CSV lacks the performance rates: %v", rows)
	}

	// Another period sees none of it; a bad outcome name is a 400.
	feb := stats("period=2026-02")
	if r := feb["performance_by_count"].(map[string]any); r["num"] != 0.0 || r["den"] != 0.0 || r["value"] != nil {
		t.Errorf("February's performance_by_count: %v", r)
	}
	status, out := ts.call("GET", "/api/v1/cases?outcome=nonsense", "leader", nil)
	if status != 400 || errorField(out) != "outcome" {
		t.Errorf("unknown outcome: %d %v", status, out)
	}

	// The statistics page shows them with numerator and denominator, the
	// numerator a link to the list of exactly those cases.
	br := ts.signedIn(t, "leader")
	status, page, _ := br.do("GET", "/leader/stats?kind=month&month=2026-03&desk=mediation", nil)
	if status != 200 {
		t.Fatalf("stats page: %d", status)
	}
	for _, want := range []string{"调解成功率", "司法确认", "已申请 2 件，确认 1 件，驳回 1 件，待裁定 0 件", "回访率", "16.7%",
		"4100.00 元</a>/6600.00 元"} {
		if !strings.Contains(page, want) {
			t.Errorf("the statistics page lacks %q", want)
		}
	}
	m := regexp.MustCompile(`履行率（按件数[^<]*</th><td><strong>60%</strong>（<a href="([^"]+)"[^>]*>3</a>/5）`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("履行率（按件数） not shown as 60%% (3/5) with a link")
	}
	status, body, _ := br.do("GET", html.UnescapeString(m[1]), nil)
	if status != 200 || !strings.Contains(body, `<strong id="total">2</strong>`) || !strings.Contains(body, a) || !strings.Contains(body, d) {
		t.Errorf("the list behind 履行率（按件数）: %d", status)
	}
}
