package views_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// The deadline engine through HTTP: what a case shows, and each new action
// with its bad input (400, nothing stored), permission (403) and status (409).

var cst = time.FixedZone("CST", 8*3600)

// at sets the service clock to a China wall time. Tokens were issued at the
// real time, so the tests only go back in time.
func (ts *testServer) at(date, clock string) {
	ts.t.Helper()
	when, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, cst)
	if err != nil {
		ts.t.Fatal(err)
	}
	ts.svc.SetClock(func() time.Time { return when })
}

// deadlines reads a case's `deadlines` as the leader.
func (ts *testServer) deadlines(n string) []map[string]any {
	ts.t.Helper()
	var out []map[string]any
	for _, d := range ts.caseAsLeader(n)["deadlines"].([]any) {
		out = append(out, d.(map[string]any))
	}
	return out
}

// dueDay is a deadline's last day in China time.
func dueDay(t *testing.T, d map[string]any) string {
	t.Helper()
	due, err := time.Parse(time.RFC3339, d["due"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if h := due.In(cst).Format("15:04:05"); h != "23:59:59" {
		t.Errorf("due %s does not end a China day", due)
	}
	return due.In(cst).Format(time.DateOnly)
}

// atDesk registers a case on date and brings it in_progress at desk.
func (ts *testServer) atDesk(desk, date string) string {
	ts.t.Helper()
	ts.at(date, "09:00")
	body := sampleIntake()
	body["parties"] = []map[string]any{{"role": "applicant", "name": "钱" + desk + date, "phone": "13900000000"}}
	n := ts.intake(body)["number"].(string)
	ts.act("intake", n, "route", map[string]any{"desk": desk}, 200)
	ts.at(date, "10:00")
	ts.act(desk, n, "accept", nil, 200)
	return n
}

func (ts *testServer) timelineKinds(n string) []string {
	ts.t.Helper()
	_, out := ts.call("GET", "/api/v1/cases/"+n+"/timeline", "leader", nil)
	var ks []string
	for _, e := range out["events"].([]any) {
		ks = append(ks, e.(map[string]any)["kind"].(string))
	}
	return ks
}

// refuseUnchanged posts an action that must fail with status and code (and
// field), and checks that nothing was stored.
func (ts *testServer) refuseUnchanged(user, n, action string, body map[string]any, status int, code, field string) {
	ts.t.Helper()
	before := ts.caseAsLeader(n)
	beforeEvents := len(ts.timelineKinds(n))
	got, out := ts.call("POST", "/api/v1/cases/"+n+"/"+action, user, body)
	if got != status || errorCode(out) != code || errorField(out) != field {
		ts.t.Fatalf("%s by %s %v: got %d %v, want %d %s (field %q)", action, user, body, got, out, status, code, field)
	}
	after := ts.caseAsLeader(n)
	if after["version"] != before["version"] || len(ts.timelineKinds(n)) != beforeEvents {
		ts.t.Fatalf("%s refused but stored something: version %v → %v", action, before["version"], after["version"])
	}
	if msg := out["error"].(map[string]any)["message"].(string); msg == "" || !strings.ContainsFunc(msg, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
		ts.t.Errorf("%s: the message %q is not Chinese", action, msg)
	}
}

func TestEveryStageShowsItsDeadlineRuleAndBasis(t *testing.T) {
	ts := newTestServer(t)
	// Fri 26 Sep 2025: 1 working day to route → the make-up Sunday 28 Sep.
	ts.at("2025-09-26", "10:00")
	n := ts.intake(nil)["number"].(string)
	ds := ts.deadlines(n)
	if len(ds) != 1 || ds[0]["code"] != "centre_routing" || ds[0]["days_kind"] != "working" || ds[0]["state"] != "ok" ||
		ds[0]["kind"] != "stage" || !strings.HasPrefix(ds[0]["basis"].(string), "依据：") || dueDay(t, ds[0]) != "2025-09-28" {
		t.Fatalf("registered: %v", ds)
	}
	c := ts.caseAsLeader(n)
	if dl := c["deadline"].(map[string]any); !strings.HasPrefix(dl["rule"].(string), "受理登记后1个工作日内分流") {
		t.Errorf("the old deadline field names no rule: %v", dl)
	}
	// Routed on the make-up Sunday: 2 working days to sign for → Tue 30 Sep.
	ts.at("2025-09-28", "09:00")
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	if ds := ts.deadlines(n); ds[0]["code"] != "centre_sign_for" || dueDay(t, ds[0]) != "2025-09-30" {
		t.Fatalf("routed: %v", ds)
	}
	// Accepted Tue 30 Sep: one month → 30 Oct (Thu).
	ts.at("2025-09-30", "09:00")
	ts.act("mediation", n, "accept", nil, 200)
	ds = ts.deadlines(n)
	if ds[0]["code"] != "mediation_handling" || ds[0]["rule"] != "一般在一个月内调结" || dueDay(t, ds[0]) != "2025-10-30" ||
		!strings.Contains(ds[0]["basis"].(string), "人民调解工作若干规定") {
		t.Fatalf("in progress: %v", ds)
	}
	// A note changes nothing about the clock. On 20 Oct two thirds of the
	// time is used (ok); on 26 Oct over 80% (yellow).
	ts.at("2025-10-20", "09:00")
	ts.act("mediation", n, "notes", map[string]any{"body": "电话回访"}, 200)
	if ds := ts.deadlines(n); dueDay(t, ds[0]) != "2025-10-30" || ds[0]["state"] != "ok" {
		t.Fatalf("after a note on 20 Oct: %v", ds)
	}
	ts.at("2025-10-26", "09:00")
	if ds := ts.deadlines(n); dueDay(t, ds[0]) != "2025-10-30" || ds[0]["state"] != "yellow" {
		t.Fatalf("on 26 Oct: %v", ds)
	}
}

func TestExtendIsALeadersActBoundedByTheRule(t *testing.T) {
	ts := newTestServer(t)
	// Accepted Mon 12 Oct 2026 at mediation: one month → Thu 12 Nov; the
	// rule allows 30 days of extension in all.
	n := ts.atDesk("mediation", "2026-10-12")
	if ds := ts.deadlines(n); dueDay(t, ds[0]) != "2026-11-12" {
		t.Fatalf("setup: %v", ds)
	}
	ts.refuseUnchanged("mediation", n, "extend", map[string]any{"days": 5, "reason": "鉴定"}, 403, "forbidden", "")
	ts.refuseUnchanged("leader", n, "extend", map[string]any{"reason": "鉴定"}, 400, "required", "days")
	ts.refuseUnchanged("leader", n, "extend", map[string]any{"days": -3, "reason": "鉴定"}, 400, "required", "days")
	ts.refuseUnchanged("leader", n, "extend", map[string]any{"days": 31, "reason": "鉴定"}, 400, "extension_exceeds_limit", "days")
	ts.refuseUnchanged("leader", n, "extend", map[string]any{"days": 5}, 400, "required", "reason")
	ts.refuseUnchanged("leader", n, "extend", map[string]any{"days": "5", "reason": "鉴定"}, 400, "invalid_json", "days")
	// Overdue on 13 Nov: red. +20 calendar days: 12 Nov → Wed 2 Dec, and
	// the warning clears (80% of 12 Oct–2 Dec is 22 Nov).
	if res, err := ts.svc.SweepWarnings(context.Background(), time.Date(2026, 11, 13, 0, 0, 1, 0, cst)); err != nil || res.Red != 1 {
		t.Fatalf("sweep: %+v %v", res, err)
	}
	ts.at("2026-11-13", "09:00")
	if c := ts.caseAsLeader(n); c["warning"] != "red" || ts.deadlines(n)[0]["state"] != "red" {
		t.Fatalf("overdue: %v", c["warning"])
	}
	out := ts.act("leader", n, "extend", map[string]any{"days": 20, "reason": "双方同意延长调解期限"}, 200)
	if ds := ts.deadlines(n); dueDay(t, ds[0]) != "2026-12-02" || ds[0]["state"] != "ok" || out["warning"] != "" {
		t.Fatalf("after 20 days: %v, warning %v", ds, out["warning"])
	}
	ts.refuseUnchanged("leader", n, "extend", map[string]any{"days": 11, "reason": "再延"}, 400, "extension_exceeds_limit", "days")
	// +10 more: 2 Dec + 10 = Sat 12 Dec, a weekend: the limit ends Mon 14 Dec.
	ts.act("leader", n, "extend", map[string]any{"days": 10, "reason": "再延"}, 200)
	if ds := ts.deadlines(n); dueDay(t, ds[0]) != "2026-12-14" {
		t.Fatalf("after 30 days: %v", ds)
	}
	ts.refuseUnchanged("leader", n, "extend", map[string]any{"days": 1, "reason": "再延"}, 409, "extension_used_up", "")
	// The sign-for limit allows no extension; a closed case has no limit.
	r := ts.intake(nil)["number"].(string)
	ts.act("intake", r, "route", map[string]any{"desk": "governance"}, 200)
	ts.refuseUnchanged("leader", r, "extend", map[string]any{"days": 1, "reason": "x"}, 409, "extension_not_allowed", "")
	ts.act("governance", r, "accept", nil, 200)
	ts.act("governance", r, "close", map[string]any{"outcome": "已处理", "closure_type": "procedural"}, 200)
	ts.refuseUnchanged("leader", r, "extend", map[string]any{"days": 1, "reason": "x"}, 409, "invalid_transition", "")
	if ks := ts.timelineKinds(n); ks[len(ks)-1] != "extend" || ks[len(ks)-2] != "extend" {
		t.Errorf("timeline %v", ks)
	}
}

func TestSuspendStopsTheClockAndResumeShiftsTheDeadline(t *testing.T) {
	ts := newTestServer(t)
	// Governance, 7 working days from Mon 2 Nov 2026: 3,4,5,6,9,10,11 → Wed 11 Nov.
	g := ts.atDesk("governance", "2026-11-02")
	if ds := ts.deadlines(g); dueDay(t, ds[0]) != "2026-11-11" {
		t.Fatalf("setup: %v", ds)
	}
	ts.refuseUnchanged("governance", g, "resume", nil, 409, "invalid_transition", "")
	ts.refuseUnchanged("governance", g, "suspend", map[string]any{}, 400, "required", "reason")
	ts.refuseUnchanged("leader", g, "suspend", map[string]any{"reason": "鉴定"}, 403, "forbidden", "")
	ts.refuseUnchanged("mediation", g, "suspend", map[string]any{"reason": "鉴定"}, 404, "case_not_found", "")
	ts.at("2026-11-04", "15:00")
	out := ts.act("governance", g, "suspend", map[string]any{"reason": "等待房屋安全鉴定"}, 200)
	if out["status"] != "suspended" {
		t.Fatalf("suspend: %v", out)
	}
	if ds := ts.deadlines(g); ds[0]["state"] != "paused" {
		t.Fatalf("suspended: %v", ds)
	}
	ts.refuseUnchanged("governance", g, "close", map[string]any{"outcome": "x", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 409, "invalid_transition", "")
	ts.refuseUnchanged("leader", g, "resume", nil, 403, "forbidden", "")
	ts.refuseUnchanged("governance", g, "resume", map[string]any{"dayz": 1}, 400, "unknown_field", "dayz")
	ts.refuseUnchanged("governance", g, "suspend", map[string]any{"reason": "再次"}, 409, "invalid_transition", "")
	// Resumed Mon 9 Nov: Wed 4, Thu 5, Fri 6 stood still (3 working days):
	// 10 working days from 2 Nov → 3,4,5,6,9,10,11,12,13,16 → Mon 16 Nov.
	ts.at("2026-11-09", "09:00")
	if out := ts.act("governance", g, "resume", nil, 200); out["status"] != "in_progress" {
		t.Fatalf("resume: %v", out)
	}
	if ds := ts.deadlines(g); dueDay(t, ds[0]) != "2026-11-16" || ds[0]["state"] != "ok" {
		t.Fatalf("resumed: %v", ds)
	}
	// Mediation (calendar days): accepted 12 Oct (due 12 Nov), suspended 4
	// Nov, resumed 9 Nov: 5 natural days → 17 Nov (Tue).
	m := ts.atDesk("mediation", "2026-10-12")
	ts.at("2026-11-04", "15:00")
	ts.act("mediation", m, "suspend", map[string]any{"reason": "等待伤残鉴定"}, 200)
	ts.at("2026-11-09", "09:00")
	ts.act("mediation", m, "resume", nil, 200)
	if ds := ts.deadlines(m); dueDay(t, ds[0]) != "2026-11-17" {
		t.Fatalf("mediation resumed: %v", ds)
	}
	// A suspended limit does not warn, whatever the time.
	ts.at("2026-11-09", "10:00")
	ts.act("mediation", m, "suspend", map[string]any{"reason": "再次鉴定"}, 200)
	res, err := ts.svc.SweepWarnings(context.Background(), time.Date(2026, 11, 20, 0, 0, 0, 0, cst))
	if err != nil {
		t.Fatal(err)
	}
	if res.Red != 1 { // the governance case, overdue since 16 Nov; not the suspended one
		t.Errorf("sweep %+v, want only the running case red", res)
	}
	if c := ts.caseAsLeader(m); c["warning"] != "" {
		t.Errorf("the suspended case warns: %v", c["warning"])
	}
	if c := ts.caseAsLeader(g); c["warning"] != "red" {
		t.Errorf("the overdue case's warning: %v", c["warning"])
	}
	if ks := ts.timelineKinds(g); ks[len(ks)-1] != "warning" {
		t.Errorf("timeline %v", ks)
	}
	status, list := ts.call("GET", "/api/v1/notifications", "governance", nil)
	if status != 200 || len(list["notifications"].([]any)) != 1 {
		t.Errorf("governance notifications: %d %v", status, list)
	}
}

func TestEscalateSetsAResponseDateTheDeskAnswers(t *testing.T) {
	ts := newTestServer(t)
	n := ts.atDesk("mediation", "2026-11-02")
	ts.at("2026-11-03", "09:00")
	ts.refuseUnchanged("mediation", n, "escalate", map[string]any{"level": "red", "respond_by": "2026-11-10"}, 403, "forbidden", "")
	ts.refuseUnchanged("leader", n, "escalate", map[string]any{"respond_by": "2026-11-10"}, 400, "required", "level")
	ts.refuseUnchanged("leader", n, "escalate", map[string]any{"level": "purple", "respond_by": "2026-11-10"}, 400, "invalid_level", "level")
	ts.refuseUnchanged("leader", n, "escalate", map[string]any{"level": "red"}, 400, "required", "respond_by")
	ts.refuseUnchanged("leader", n, "escalate", map[string]any{"level": "red", "respond_by": "11/10/2026"}, 400, "invalid_date", "respond_by")
	ts.refuseUnchanged("leader", n, "escalate", map[string]any{"level": "red", "respond_by": "2026-11-02"}, 400, "date_in_past", "respond_by")
	ts.refuseUnchanged("mediation", n, "respond", map[string]any{"body": "x"}, 409, "no_supervision", "")
	out := ts.act("leader", n, "escalate", map[string]any{"level": "red", "respond_by": "2026-11-10", "note": "群众反映强烈"}, 200)
	if out["supervision"] != "red" {
		t.Fatalf("escalate: %v", out)
	}
	ds := ts.deadlines(n)
	if len(ds) != 2 || ds[1]["kind"] != "supervision" || dueDay(t, ds[1]) != "2026-11-10" ||
		!strings.Contains(ds[1]["basis"].(string), "陈主任") || !strings.Contains(ds[1]["rule"].(string), "红牌") {
		t.Fatalf("deadlines: %v", ds)
	}
	ts.refuseUnchanged("petition", n, "respond", map[string]any{"body": "x"}, 404, "case_not_found", "")
	ts.refuseUnchanged("leader", n, "respond", map[string]any{"body": "x"}, 403, "forbidden", "")
	ts.refuseUnchanged("mediation", n, "respond", map[string]any{"body": "  "}, 400, "required", "body")
	out = ts.act("mediation", n, "respond", map[string]any{"body": "已约双方周五面谈"}, 200)
	if out["supervision"] != "" || len(ts.deadlines(n)) != 1 {
		t.Fatalf("respond: %v", out)
	}
	ts.refuseUnchanged("mediation", n, "respond", map[string]any{"body": "x"}, 409, "no_supervision", "")
	ks := ts.timelineKinds(n)
	if ks[len(ks)-2] != "escalate" || ks[len(ks)-1] != "respond" {
		t.Errorf("timeline %v", ks)
	}
}

func TestCloseRecordsTheClosureTypeAndReopenStartsAgain(t *testing.T) {
	ts := newTestServer(t)
	// Governance accepted Tue 30 Sep 2025: 7 working days → 9, 10, 11(班),
	// 13, 14, 15, 16 → Thu 16 Oct.
	n := ts.atDesk("governance", "2025-09-30")
	if ds := ts.deadlines(n); dueDay(t, ds[0]) != "2025-10-16" {
		t.Fatalf("setup: %v", ds)
	}
	ts.refuseUnchanged("governance", n, "close", map[string]any{"outcome": "已处理"}, 400, "required", "closure_type")
	ts.refuseUnchanged("governance", n, "close", map[string]any{"outcome": "已处理", "closure_type": "done"}, 400, "invalid_closure_type", "closure_type")
	ts.at("2025-10-20", "09:00")
	out := ts.act("governance", n, "close", map[string]any{"outcome": "引导诉讼", "closure_type": "legal_procedure"}, 200)
	if out["closure_type"] != "legal_procedure" || out["closed_on_time"] != false || len(out["deadlines"].([]any)) != 0 || out["deadline"] != nil {
		t.Fatalf("closed late: %v", out)
	}
	ts.refuseUnchanged("petition", n, "reopen", map[string]any{"reason": "x"}, 404, "case_not_found", "")
	ts.refuseUnchanged("intake", n, "reopen", map[string]any{"reason": "x"}, 403, "forbidden", "")
	ts.refuseUnchanged("governance", n, "reopen", map[string]any{}, 400, "required", "reason")
	ts.at("2025-11-03", "09:00")
	out = ts.act("leader", n, "reopen", map[string]any{"reason": "对方未履行协议，申请人再次来访"}, 200)
	if out["status"] != "in_progress" || out["desk"] != "governance" || num(out["reopen_count"]) != 1 ||
		out["closure_type"] != nil || out["closed_on_time"] != nil || out["outcome"] != nil {
		t.Fatalf("reopened: %v", out)
	}
	// A new handling limit from Mon 3 Nov: 4,5,6,7,10,11,12 → Wed 12 Nov.
	if ds := ts.deadlines(n); len(ds) != 1 || dueDay(t, ds[0]) != "2025-11-12" {
		t.Fatalf("new limit: %v", ds)
	}
	ts.refuseUnchanged("governance", n, "reopen", map[string]any{"reason": "x"}, 409, "invalid_transition", "")
	out = ts.act("governance", n, "close", map[string]any{"outcome": "已履行", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 200)
	if out["closed_on_time"] != true || num(out["reopen_count"]) != 1 {
		t.Fatalf("closed on time: %v", out)
	}
	if ks := ts.timelineKinds(n); !strings.Contains(strings.Join(ks, ","), "close,reopen,close") {
		t.Errorf("timeline %v", ks)
	}
}

func TestARuleEditAppliesToNewStagesOnly(t *testing.T) {
	ts := newTestServer(t)
	old := ts.atDesk("mediation", "2026-10-12") // one month → 12 Nov
	rule := map[string]any{"desk": "mediation", "stage": "in_progress", "length": 20, "unit": "day", "days_kind": "calendar",
		"max_extension_days": 10, "extension_note": "", "basis": "依据：本中心规则", "label": "20日内调结", "active": true}
	if status, out := ts.call("PUT", "/api/v1/admin/deadline-rules/mediation_handling", "leader", rule); status != 403 || errorCode(out) != "forbidden" {
		t.Fatalf("leader edits a rule: %d %v", status, out)
	}
	bad := map[string]any{}
	for k, v := range rule {
		bad[k] = v
	}
	bad["stage"] = "closed"
	if status, out := ts.call("PUT", "/api/v1/admin/deadline-rules/mediation_handling", "admin", bad); status != 400 || errorField(out) != "stage" {
		t.Fatalf("bad stage: %d %v", status, out)
	}
	if status, out := ts.call("PUT", "/api/v1/admin/deadline-rules/mediation_fast", "admin", rule); status != 409 || errorCode(out) != "rule_conflict" {
		t.Fatalf("a second active rule: %d %v", status, out)
	}
	if status, out := ts.call("PUT", "/api/v1/admin/deadline-rules/mediation_handling", "admin", rule); status != 200 || out["label"] != "20日内调结" {
		t.Fatalf("edit: %d %v", status, out)
	}
	_, list := ts.call("GET", "/api/v1/admin/deadline-rules", "admin", nil)
	if rules := list["rules"].([]any); len(rules) < 16 {
		t.Fatalf("rules: %v", list)
	}
	// The running case keeps its month; a case accepted now gets 20 days
	// (12 Oct + 20 = 1 Nov, a Sunday → Mon 2 Nov).
	if ds := ts.deadlines(old); dueDay(t, ds[0]) != "2026-11-12" || ds[0]["rule"] != "一般在一个月内调结" {
		t.Fatalf("the running deadline changed: %v", ds)
	}
	fresh := ts.atDesk("mediation", "2026-10-12")
	if ds := ts.deadlines(fresh); dueDay(t, ds[0]) != "2026-11-02" || ds[0]["rule"] != "20日内调结" {
		t.Fatalf("the new stage: %v", ds)
	}
}

func TestAdminLoadsNextYearsCalendar(t *testing.T) {
	ts := newTestServer(t)
	file := "# 2027 (example)\n2027-01-01,休,元旦\n2027-01-02,班,元旦调休上班\n"
	resp := ts.raw("POST", "/api/v1/admin/calendar/import", "leader", file)
	if resp.StatusCode != 403 {
		t.Fatalf("leader import: %d", resp.StatusCode)
	}
	status, out := ts.call("POST", "/api/v1/admin/calendar/import", "admin", "2027-01-01,放,元旦\n")
	if status != 400 || errorCode(out) != "invalid_line" || errorField(out) != "file" {
		t.Fatalf("bad line: %d %v", status, out)
	}
	// A line longer than any scanner buffer (a pasted blob): 400, not 500.
	long := "2027-01-01,休," + strings.Repeat("元旦", 40000) + "\n"
	if status, out := ts.call("POST", "/api/v1/admin/calendar/import", "admin", long); status != 400 || errorCode(out) != "line_too_long" || errorField(out) != "file" {
		t.Fatalf("an over-long line: %d %v", status, out)
	}
	if status, out := ts.call("POST", "/api/v1/admin/calendar/import", "admin", file, "Content-Type", "text/plain; charset=utf-8"); status != 200 || num(out["imported"]) != 2 {
		t.Fatalf("import: %d %v", status, out)
	}
	status, out = ts.call("GET", "/api/v1/admin/calendar?year=2027", "admin", nil)
	if days := out["days"].([]any); status != 200 || len(days) != 2 || days[1].(map[string]any)["working"] != true {
		t.Fatalf("2027: %d %v", status, out)
	}
	if status, out := ts.call("GET", "/api/v1/admin/calendar?year=2026", "leader", nil); status != 200 || len(out["days"].([]any)) != 39 { // 3+1 元旦, 9+2 春节, 3 清明, 5+1 劳动节, 3 端午, 3 中秋, 7+2 国庆
		t.Fatalf("2026 as shipped: %d %v", status, out)
	}
	if status, out := ts.call("PUT", "/api/v1/admin/calendar/2027-02-30", "admin", map[string]any{"working": false}); status != 400 || errorCode(out) != "invalid_date" {
		t.Fatalf("bad date: %d %v", status, out)
	}
	if status, out := ts.call("PUT", "/api/v1/admin/calendar/2027-10-09", "admin", map[string]any{"working": true, "name": "国庆节调休上班"}); status != 200 || out["date"] != "2027-10-09" {
		t.Fatalf("put: %d %v", status, out)
	}
	if resp := ts.raw("DELETE", "/api/v1/admin/calendar/2027-10-09", "admin", nil); resp.StatusCode != 204 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if status, _ := ts.call("GET", "/api/v1/admin/calendar", "mediation", nil); status != 403 {
		t.Fatalf("a handler reads the calendar admin: %d", status)
	}
}
