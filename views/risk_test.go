package views_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// groupWageIntake is a 30-worker wage dispute, as the intake window
// registers it before the members are imported.
func groupWageIntake(summary string) map[string]any {
	in := sampleIntake()
	in["title"] = "建筑工地30名工人追讨工资"
	in["summary"] = summary
	in["claims"] = "请求支付30名工人工资共计45万元。"
	in["amount"] = 450000
	in["people_count"] = 30
	return in
}

func riskOf(t *testing.T, c map[string]any) map[string]any {
	t.Helper()
	r, ok := c["risk"].(map[string]any)
	if !ok {
		t.Fatalf("no risk in %v", c)
	}
	return r
}

func suggested(t *testing.T, c map[string]any) (string, []string) {
	t.Helper()
	s := riskOf(t, c)["suggested"].(map[string]any)
	var reasons []string
	for _, r := range s["reasons"].([]any) {
		reasons = append(reasons, r.(string))
	}
	return s["level"].(string), reasons
}

func listNumbers(t *testing.T, ts *testServer, query string) []string {
	t.Helper()
	status, out := ts.call("GET", "/api/v1/cases?"+query, "leader", nil)
	if status != 200 {
		t.Fatalf("list %s: %d %v", query, status, out)
	}
	var got []string
	for _, c := range out["cases"].([]any) {
		got = append(got, c.(map[string]any)["number"].(string))
	}
	slices.Sort(got)
	return got
}

func TestRiskLevelSuggestedConfirmedLedAndTurnedGreen(t *testing.T) {
	ts := newTestServer(t)
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	now := start
	ts.svc.SetClock(func() time.Time { return now })

	// 30 people and 45万元: the people rule gives orange, the amount rule yellow.
	c := ts.intake(groupWageIntake("30名木工在城关镇安置房工地做工，工资至今未付。"))
	n := c["number"].(string)
	if r := riskOf(t, c); r["level"] != "" || r["lead"] != nil {
		t.Fatalf("a new case is not assessed: %v", r)
	}
	level, reasons := suggested(t, c)
	if level != "orange" || len(reasons) != 2 || !strings.Contains(reasons[0], "30人") || !strings.Contains(reasons[1], "20万元") {
		t.Fatalf("suggested %s %v, want orange for 30 people and yellow for the amount", level, reasons)
	}

	// Words in the timeline's texts count too: a threat to jump (跳楼) is red.
	ts.act("intake", n, "notes", map[string]any{"body": "工人代表称春节前拿不到钱就去堵路，有人扬言跳楼。"}, 200)
	_, got := ts.call("GET", "/api/v1/cases/"+n, "leader", nil)
	level, reasons = suggested(t, got)
	if level != "red" || !slices.ContainsFunc(reasons, func(r string) bool { return strings.Contains(r, "跳楼") }) ||
		!slices.ContainsFunc(reasons, func(r string) bool { return strings.Contains(r, "堵路") && strings.HasPrefix(r, "橙色") }) {
		t.Fatalf("after the note: %s %v", level, reasons)
	}

	// Bad input names its field; only leaders assess.
	status, out := ts.call("POST", "/api/v1/cases/"+n+"/risk", "leader", map[string]any{"level": "red", "reason": " "})
	if status != 400 || errorField(out) != "reason" {
		t.Fatalf("no reason: %d %v", status, out)
	}
	status, out = ts.call("POST", "/api/v1/cases/"+n+"/risk", "leader", map[string]any{"level": "purple", "reason": "r"})
	if status != 400 || errorField(out) != "level" {
		t.Fatalf("bad level: %d %v", status, out)
	}
	for _, who := range []string{"intake", "mediation"} {
		if status, out = ts.call("POST", "/api/v1/cases/"+n+"/risk", who, map[string]any{"level": "red", "reason": "r"}); status != 403 {
			t.Fatalf("%s assessing: %d %v", who, status, out)
		}
	}

	// A leader confirms red with a reason: the re-assessment runs 7 days.
	status, out = ts.call("POST", "/api/v1/cases/"+n+"/risk", "leader", map[string]any{"level": "red", "reason": "扬言跳楼、堵路，临近春节"})
	if status != 200 {
		t.Fatalf("assess: %d %v", status, out)
	}
	if r := riskOf(t, out); r["level"] != "red" || r["reason"] != "扬言跳楼、堵路，临近春节" || r["lead_missing"] != true {
		t.Fatalf("after assessing: %v", r)
	}
	review := deadlineOf(t, out, "risk_review")
	if due, _ := time.Parse(time.RFC3339, review["due"].(string)); due.Sub(start) < 7*24*time.Hour || due.Sub(start) > 8*24*time.Hour {
		t.Fatalf("re-assessment due %v, want 7 days after %v", due, start)
	}
	if got := listNumbers(t, ts, "risk=red"); !slices.Equal(got, []string{n}) {
		t.Fatalf("?risk=red: %v", got)
	}
	if got := listNumbers(t, ts, "risk=orange,yellow"); len(got) != 0 {
		t.Fatalf("?risk=orange,yellow: %v", got)
	}
	if got := listNumbers(t, ts, "risk=red,orange"); !slices.Equal(got, []string{n}) {
		t.Fatalf("?risk=red,orange: %v", got)
	}
	if status, out = ts.call("GET", "/api/v1/cases?risk=crimson", "leader", nil); status != 400 || errorField(out) != "risk" {
		t.Fatalf("?risk=crimson: %d %v", status, out)
	}

	// 包案: a handler is not of the rank red requires; a leader is.
	status, out = ts.call("POST", "/api/v1/cases/"+n+"/lead", "leader", map[string]any{"username": "mediation"})
	if status != 400 || errorField(out) != "username" || errorCode(out) != "lead_rank" {
		t.Fatalf("handler as red lead: %d %v", status, out)
	}
	if status, out = ts.call("POST", "/api/v1/cases/"+n+"/lead", "leader", map[string]any{"username": "nobody"}); status != 400 || errorField(out) != "username" {
		t.Fatalf("unknown lead: %d %v", status, out)
	}
	if status, _ = ts.call("POST", "/api/v1/cases/"+n+"/lead", "mediation", map[string]any{"username": "leader"}); status != 403 {
		t.Fatalf("a handler naming the lead: %d", status)
	}
	status, out = ts.call("POST", "/api/v1/cases/"+n+"/lead", "leader", map[string]any{"username": "leader"})
	if status != 200 {
		t.Fatalf("lead: %d %v", status, out)
	}
	if r := riskOf(t, out); r["lead"].(map[string]any)["name"] != "陈主任" || r["lead_missing"] != false {
		t.Fatalf("after lead: %v", r)
	}

	// The sweep warns of the re-assessment: yellow at 80% of 7 days, red when due.
	for _, at := range []time.Duration{6 * 24 * time.Hour, 9 * 24 * time.Hour} {
		now = start.Add(at)
		if _, err := ts.svc.SweepWarnings(context.Background(), now); err != nil {
			t.Fatal(err)
		}
	}
	var warned []string
	for _, e := range timelineOf(t, ts, n) {
		if e["kind"] == "warning" && e["data"].(map[string]any)["deadline"] == "risk_review" {
			warned = append(warned, e["data"].(map[string]any)["level"].(string))
		}
	}
	if !slices.Equal(warned, []string{"yellow", "red"}) {
		t.Fatalf("re-assessment warnings: %v", warned)
	}
	// Re-assessing restarts it.
	_, out = ts.call("POST", "/api/v1/cases/"+n+"/risk", "leader", map[string]any{"level": "red", "reason": "仍有堵路风险"})
	if d := deadlineOf(t, out, "risk_review"); d["state"] != "ok" {
		t.Fatalf("re-assessed: %v", d)
	}

	// Closing turns it green; the re-assessment ends; the close event keeps the old level.
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", n, "accept", nil, 200)
	out = ts.act("mediation", n, "close", map[string]any{"outcome": "工资已全部支付", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 200)
	if r := riskOf(t, out); r["level"] != "green" {
		t.Fatalf("closed: %v", r)
	}
	if d := findDeadline(out, "risk_review"); d != nil {
		t.Fatalf("re-assessment still runs after closing: %v", d)
	}
	kinds := map[string]int{}
	for _, e := range timelineOf(t, ts, n) {
		kinds[e["kind"].(string)]++
		if e["kind"] == "close" && e["data"].(map[string]any)["risk_from"] != "red" {
			t.Fatalf("close event: %v", e)
		}
	}
	if kinds["risk_assessed"] != 2 || kinds["lead_assigned"] != 1 {
		t.Fatalf("events: %v", kinds)
	}
	if got := listNumbers(t, ts, "risk=red"); len(got) != 0 {
		t.Fatalf("?risk=red after closing: %v", got)
	}
	// Citizens see no risk events.
	status, pub := ts.call("GET", "/api/v1/public/status?number="+url.QueryEscape(n)+"&code="+c["query_code"].(string), "", nil)
	if status != 200 || strings.Contains(mustJSON(t, pub), "风险") || strings.Contains(mustJSON(t, pub), "包案") {
		t.Fatalf("public view: %d %v", status, pub)
	}
}

func deadlineOf(t *testing.T, c map[string]any, kind string) map[string]any {
	t.Helper()
	d := findDeadline(c, kind)
	if d == nil {
		t.Fatalf("no %s deadline in %v", kind, c["deadlines"])
	}
	return d
}

func findDeadline(c map[string]any, kind string) map[string]any {
	for _, d := range c["deadlines"].([]any) {
		if d.(map[string]any)["kind"] == kind {
			return d.(map[string]any)
		}
	}
	return nil
}

func timelineOf(t *testing.T, ts *testServer, n string) []map[string]any {
	t.Helper()
	status, out := ts.call("GET", "/api/v1/cases/"+n+"/timeline", "leader", nil)
	if status != 200 {
		t.Fatalf("timeline: %d %v", status, out)
	}
	var events []map[string]any
	for _, e := range out["events"].([]any) {
		events = append(events, e.(map[string]any))
	}
	return events
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// The risk statistics on a fixture counted by hand:
//
//	A 30 people 45万 red, open        group, ever above green, red now
//	B  6 people 1万  orange, closed    group, ever above green, green (closing)
//	C  1 person      yellow → green    ever above green, green (a leader)
//	D  8 people      never assessed    group
//	E  2 people      never assessed
//
// group_cases 3 (A B D), people_involved 30+6+8 = 44, amount_involved
// 450000+10000 = 460000, red_outstanding 1 (A), turned_green 2/3 (B C of A B C).
func TestRiskStatisticsByHand(t *testing.T) {
	ts := newTestServer(t)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	ts.svc.SetClock(func() time.Time { return now })
	add := func(people int, amount any) string {
		in := sampleIntake()
		in["people_count"], in["amount"] = people, amount
		in["summary"] = "工资纠纷"
		return ts.intake(in)["number"].(string)
	}
	assess := func(n, level string) {
		if status, out := ts.call("POST", "/api/v1/cases/"+n+"/risk", "leader", map[string]any{"level": level, "reason": "研判"}); status != 200 {
			t.Fatalf("assess %s %s: %d %v", n, level, status, out)
		}
	}
	a, b, c, d, e := add(30, 450000), add(6, 10000), add(1, nil), add(8, nil), add(2, nil)
	assess(a, "red")
	assess(b, "orange")
	assess(c, "yellow")
	assess(c, "green")
	ts.act("intake", b, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", b, "accept", nil, 200)
	ts.act("mediation", b, "close", map[string]any{"outcome": "已付清", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 200)

	status, st := ts.call("GET", "/api/v1/stats?period=2026-11", "leader", nil)
	if status != 200 {
		t.Fatalf("stats: %d %v", status, st)
	}
	if st["group_cases"] != 3.0 || st["people_involved"] != 44.0 || st["amount_involved"] != 460000.0 || st["red_outstanding"] != 1.0 {
		t.Fatalf("figures: group %v people %v amount %v red %v", st["group_cases"], st["people_involved"], st["amount_involved"], st["red_outstanding"])
	}
	tg := st["turned_green"].(map[string]any)
	if tg["num"] != 2.0 || tg["den"] != 3.0 || tg["value"] != 0.6667 {
		t.Fatalf("turned_green: %v", tg)
	}
	links := st["links"].(map[string]any)
	sorted := func(ns ...string) []string { slices.Sort(ns); return ns }
	for key, want := range map[string][]string{
		"group_cases":      sorted(a, b, d),
		"red_outstanding":  {a},
		"turned_green":     sorted(b, c),
		"turned_green.den": sorted(a, b, c),
	} {
		if got := listNumbers(t, ts, links[key].(string)); !slices.Equal(got, want) {
			t.Errorf("%s: %s lists %v, want %v", key, links[key], got, want)
		}
	}
	_ = e
}
