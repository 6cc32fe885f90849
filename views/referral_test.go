package views_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
)

// referralIntake is a 邻里 dispute the court referred with its 委派调解函.
func referralIntake(no, date string) map[string]any {
	body := sampleIntake()
	body["title"], body["category"], body["source"] = "邻里排水纠纷（诉前委派）", "neighbour", "court_referral"
	body["parties"] = []map[string]any{
		{"role": "applicant", "name": "张三", "phone": "13800000001"},
		{"role": "respondent", "name": "李四", "phone": "13800000002"},
		{"role": "third_party", "name": "王五"},
	}
	if no != "" {
		body["referral_no"] = no
	}
	if date != "" {
		body["referral_date"] = date
	}
	return body
}

// referralDeadline is the case's running referral clock, nil without one.
func (ts *testServer) referralDeadline(n string) map[string]any {
	ts.t.Helper()
	for _, d := range ts.deadlines(n) {
		if d["kind"] == "referral" {
			return d
		}
	}
	return nil
}

func (ts *testServer) caseCount() float64 {
	ts.t.Helper()
	_, out := ts.call("GET", "/api/v1/cases?per_page=1", "leader", nil)
	return out["total"].(float64)
}

func TestCourtReferralThroughTheAPI(t *testing.T) {
	ts := newTestServer(t)
	ts.at("2026-03-03", "09:00")

	// The letter is required for that source, and only for it; nothing is written.
	for _, c := range []struct {
		body        map[string]any
		code, field string
	}{
		{referralIntake("", "2026-03-02"), "required", "referral_no"},
		{referralIntake("（2026）浙0000诉前调委12号", ""), "required", "referral_date"},
		{referralIntake("（2026）浙0000诉前调委12号", "2026/03/02"), "invalid_date", "referral_date"},
		{referralIntake("（2026）浙0000诉前调委12号", "2026-03-04"), "date_in_future", "referral_date"},
	} {
		status, out := ts.call("POST", "/api/v1/cases", "intake", c.body)
		if status != 400 || errorCode(out) != c.code || errorField(out) != c.field {
			t.Errorf("intake %v: %d %v, want 400 %s on %s", c.body["referral_no"], status, out, c.code, c.field)
		}
	}
	walkIn := referralIntake("（2026）浙0000诉前调委12号", "2026-03-02")
	walkIn["source"] = "walk_in"
	if status, out := ts.call("POST", "/api/v1/cases", "intake", walkIn); status != 400 || errorCode(out) != "not_a_referral" || errorField(out) != "source" {
		t.Errorf("a letter on a walk-in: %d %v", status, out)
	}
	if n := ts.caseCount(); n != 0 {
		t.Fatalf("refused intakes stored %v cases", n)
	}

	// Accepted: the clock runs 30 calendar days from the letter's date,
	// the day itself not counted: 2026-03-02 + 30 = 2026-04-01 (a Wednesday).
	out := ts.intake(referralIntake("（2026）浙0000诉前调委12号", "2026-03-02"))
	n := out["number"].(string)
	ref := out["referral"].(map[string]any)
	if out["source"] != "court_referral" || ref["letter_no"] != "（2026）浙0000诉前调委12号" || ref["letter_date"] != "2026-03-02" ||
		ref["due_on"] != "2026-04-01" || ref["outcome"] != "" {
		t.Fatalf("referral at intake: %v %v", out["source"], ref)
	}
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", n, "accept", nil, 200)
	d := ts.referralDeadline(n)
	if d == nil || dueDay(t, d) != "2026-04-01" || d["state"] != "ok" || d["days_kind"] != "calendar" ||
		!strings.Contains(d["basis"].(string), "委派调解函（2026）浙0000诉前调委12号") {
		t.Fatalf("the referral clock: %v", d)
	}
	// Near its end it turns yellow.
	ts.at("2026-03-30", "09:00")
	if d := ts.referralDeadline(n); d["state"] != "yellow" {
		t.Errorf("on 03-30 the clock is %v, want yellow", d["state"])
	}

	// Extension only with both parties' consent; each refusal names its field
	// and writes nothing.
	ext := func(consents []string, due string) map[string]any {
		return map[string]any{"consents": consents, "due_on": due, "reason": "双方同意继续调解"}
	}
	ts.refuseUnchanged("mediation", n, "extend_referral", ext(nil, "2026-04-20"), 400, "consent_required", "consents")
	ts.refuseUnchanged("mediation", n, "extend_referral", ext([]string{"张三"}, "2026-04-20"), 400, "consent_required", "consents")
	ts.refuseUnchanged("mediation", n, "extend_referral", ext([]string{"张三", "王五"}, "2026-04-20"), 400, "consent_required", "consents")
	ts.refuseUnchanged("mediation", n, "extend_referral", ext([]string{"张三", "赵六"}, "2026-04-20"), 400, "unknown_party", "consents[1]")
	ts.refuseUnchanged("mediation", n, "extend_referral", ext([]string{"张三", "李四"}, ""), 400, "required", "due_on")
	ts.refuseUnchanged("mediation", n, "extend_referral", ext([]string{"张三", "李四"}, "2026-03-31"), 400, "not_later", "due_on")
	ts.refuseUnchanged("mediation", n, "extend_referral", ext([]string{"张三", "李四"}, "2026-05-02"), 400, "extension_exceeds_limit", "due_on")
	ts.refuseUnchanged("petition", n, "extend_referral", ext([]string{"张三", "李四"}, "2026-04-20"), 404, "case_not_found", "")
	plain := ts.neighbourCase("2026-03-30")
	ts.refuseUnchanged("mediation", plain, "extend_referral", ext([]string{"张三", "李四"}, "2026-04-20"), 409, "no_referral", "")

	// The case page offers the extension on a referral only.
	b := ts.signedIn(t, "mediation")
	if _, page, _ := b.do("GET", "/cases/"+n, nil); !strings.Contains(page, "/act/extend_referral") || !strings.Contains(page, "诉前委派调解30日内完成") {
		t.Error("the referral's page does not show its clock or offer extend_referral")
	}
	if _, page, _ := b.do("GET", "/cases/"+plain, nil); strings.Contains(page, "/act/extend_referral") || strings.Contains(page, "/act/court_document") {
		t.Error("a case the court did not refer offers the referral's actions")
	}

	// Accepted, the consents also as one string (what a form's text field sends).
	before := len(ts.timelineKinds(n))
	body := ext(nil, "2026-04-20")
	body["consents"] = "张三、李四"
	got := ts.act("mediation", n, "extend_referral", body, 200)
	if r := got["referral"].(map[string]any); r["due_on"] != "2026-04-20" {
		t.Errorf("extended referral: %v", r)
	}
	if d := ts.referralDeadline(n); d == nil || dueDay(t, d) != "2026-04-20" || d["state"] != "ok" {
		t.Errorf("the clock after the extension: %v", d)
	}
	kinds := ts.timelineKinds(n)
	if len(kinds) != before+1 || kinds[len(kinds)-1] != "referral_extended" {
		t.Errorf("the extension's events: %v", kinds[before:])
	}

	// Mediation failed: the file goes back to the court desk for 立案, the
	// reason on the timeline the court now holds, the clock ended.
	reason := "双方分歧较大，调解不成，退回法院立案"
	ts.refuseUnchanged("mediation", n, "transfer", map[string]any{"desk": "litigation"}, 400, "required", "reason")
	ts.act("mediation", n, "transfer", map[string]any{"desk": "litigation", "reason": reason}, 200)
	status, c := ts.call("GET", "/api/v1/cases/"+n, "litigation", nil)
	if status != 200 || c["desk"] != "litigation" || c["referral"].(map[string]any)["outcome"] != "returned" {
		t.Fatalf("the court's view of the returned case: %d %v", status, c)
	}
	if d := ts.referralDeadline(n); d != nil {
		t.Errorf("the referral clock still runs after the hand-back: %v", d)
	}
	status, tl := ts.call("GET", "/api/v1/cases/"+n+"/timeline", "litigation", nil)
	if status != 200 {
		t.Fatalf("the court's timeline: %d %v", status, tl)
	}
	var seen []string
	found := false
	for _, e := range tl["events"].([]any) {
		ev := e.(map[string]any)
		seen = append(seen, ev["kind"].(string))
		if ev["kind"] == "transfer" && ev["body"] == reason {
			found = true
		}
	}
	if !found || !strings.Contains(strings.Join(seen, " "), "intake route accept referral_extended") {
		t.Errorf("the court's timeline lacks the reason or the file: %v", seen)
	}
	// The court desk accepts it: 立案.
	ts.act("litigation", n, "accept", nil, 200)

	// Success by the court's 民事调解书: recorded once, the clock ends.
	ts.at("2026-03-30", "10:00")
	m := ts.intake(referralIntake("（2026）浙0000诉前调委13号", "2026-03-20"))["number"].(string)
	ts.act("intake", m, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", m, "accept", nil, 200)
	ts.refuseUnchanged("mediation", m, "court_document", map[string]any{"document_on": "2026-03-30"}, 400, "required", "document_no")
	ts.refuseUnchanged("mediation", m, "court_document", map[string]any{"document_no": "（2026）浙0000民初88号", "document_on": "2026-03-31"}, 400, "date_in_future", "document_on")
	got = ts.act("mediation", m, "court_document", map[string]any{"document_no": "（2026）浙0000民初88号", "document_on": "2026-03-30"}, 200)
	if r := got["referral"].(map[string]any); r["outcome"] != "court_document" || r["document_no"] != "（2026）浙0000民初88号" {
		t.Errorf("after the 调解书: %v", r)
	}
	if d := ts.referralDeadline(m); d != nil {
		t.Errorf("the clock runs after the 调解书: %v", d)
	}
	ts.refuseUnchanged("mediation", m, "court_document", map[string]any{"document_no": "（2026）浙0000民初89号", "document_on": "2026-03-30"}, 409, "document_recorded", "")

	// Past its last day the warning sweep turns the case red, as any limit.
	ts.at("2026-04-21", "09:00")
	late := ts.intake(referralIntake("（2026）浙0000诉前调委15号", "2026-03-02"))["number"].(string)
	if _, err := ts.svc.SweepWarnings(context.Background(), time.Date(2026, 4, 21, 1, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if c := ts.caseAsLeader(late); c["warning"] != "red" || ts.referralDeadline(late)["state"] != "red" {
		t.Errorf("a referral past its last day: warning %v, clock %v", c["warning"], ts.referralDeadline(late))
	}
	status, tl = ts.call("GET", "/api/v1/cases/"+late+"/timeline", "leader", nil)
	warned := false
	for _, e := range tl["events"].([]any) {
		ev := e.(map[string]any)
		if ev["kind"] == "warning" && ev["data"].(map[string]any)["deadline"] == "referral" {
			warned = true
		}
	}
	if status != 200 || !warned {
		t.Errorf("no warning event for the referral clock: %v", tl)
	}

	// Closing at the centre (after an agreement and its 司法确认, or
	// otherwise) ends the clock too.
	k := ts.intake(referralIntake("（2026）浙0000诉前调委14号", "2026-03-25"))["number"].(string)
	ts.act("intake", k, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", k, "accept", nil, 200)
	closed := ts.act("mediation", k, "close", map[string]any{"outcome": "申请人撤回", "closure_type": "withdrawn"}, 200)
	if r := closed["referral"].(map[string]any); r["outcome"] != "closed" {
		t.Errorf("a closed referral: %v", r)
	}
	if d := ts.referralDeadline(k); d != nil {
		t.Errorf("the clock runs after closing: %v", d)
	}
	ts.refuseUnchanged("mediation", k, "extend_referral", ext([]string{"张三", "李四"}, "2026-05-20"), 409, "invalid_transition", "")
}

// The intake page takes the 委派调解函 when the source is 法院委派调解 and
// says which field is missing.
func TestIntakePageTakesACourtReferral(t *testing.T) {
	ts := newTestServer(t)
	ts.at("2026-03-03", "09:00")
	b := ts.signedIn(t, "intake")
	status, page, _ := b.do("GET", "/intake", nil)
	if status != 200 || !strings.Contains(page, `<option value="court_referral">法院委派调解</option>`) ||
		!strings.Contains(page, `id="referral_no"`) || !strings.Contains(page, `id="referral_date"`) {
		t.Fatalf("the intake page lacks the referral source or fields: %d", status)
	}
	form := url.Values{"title": {"邻里排水纠纷（诉前委派）"}, "category": {"neighbour"}, "source": {"court_referral"},
		"summary": {"排水沟改道致墙体受损。"}, "party_count": {"2"},
		"party_role_0": {"applicant"}, "party_name_0": {"张三"}, "party_phone_0": {"13800000001"},
		"party_role_1": {"respondent"}, "party_name_1": {"李四"},
		"referral_no": {"（2026）浙0000诉前调委12号"}}
	status, page = b.post("/intake", form)
	if status != 400 || !strings.Contains(page, "请填写委派调解函日期") || !strings.Contains(page, `href="#referral_date"`) {
		t.Fatalf("intake without the letter's date: %d", status)
	}
	form.Set("referral_date", "2026-03-02")
	status, page = b.post("/intake", form)
	if status != 200 || !strings.Contains(page, "YD-2026-00001") {
		t.Fatalf("intake with the letter: %d, no receipt", status)
	}
	ref := ts.caseAsLeader("YD-2026-00001")["referral"].(map[string]any)
	if ref["letter_no"] != "（2026）浙0000诉前调委12号" || ref["due_on"] != "2026-04-01" {
		t.Errorf("the referral from the page: %v", ref)
	}
}
