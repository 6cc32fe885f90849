package views_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// neighbourCase registers a two-party 邻里 dispute on day at the mediation
// desk and accepts it.
func (ts *testServer) neighbourCase(day string) string {
	ts.t.Helper()
	n, _ := ts.neighbourCaseCode(day)
	return n
}

// neighbourCaseCode is neighbourCase with the case's query code.
func (ts *testServer) neighbourCaseCode(day string) (number, code string) {
	ts.t.Helper()
	return ts.neighbourCaseAtCode(day, "mediation")
}

// neighbourCaseAt is neighbourCase at desk, accepted by the desk's user
// (the test server names each desk's handler after the desk).
func (ts *testServer) neighbourCaseAt(day, desk string) string {
	ts.t.Helper()
	n, _ := ts.neighbourCaseAtCode(day, desk)
	return n
}

// neighbourCaseAtCode is neighbourCaseAt with the case's query code.
func (ts *testServer) neighbourCaseAtCode(day, desk string) (number, code string) {
	ts.t.Helper()
	ts.at(day, "09:00")
	body := sampleIntake()
	body["title"], body["category"] = "邻里排水纠纷", "neighbour"
	body["summary"] = "张三与李四系前后邻居，李四翻建房屋后排水沟改道，雨水流入张三院内致墙体受损。"
	body["claims"] = "请求李四恢复排水沟并赔偿修缮费用5000.50元。"
	body["parties"] = []map[string]any{
		{"role": "applicant", "name": "张三", "phone": "13800000001"},
		{"role": "respondent", "name": "李四", "phone": "13800000002"},
	}
	answer := ts.intake(body)
	n := answer["number"].(string)
	ts.act("intake", n, "route", map[string]any{"desk": desk}, 200)
	ts.at(day, "10:00")
	ts.act(desk, n, "accept", nil, 200)
	return n, answer["query_code"].(string)
}

// post sends a mediation request and fails the test unless the status is want.
func (ts *testServer) post(user, path string, body any, want int) map[string]any {
	ts.t.Helper()
	status, out := ts.call("POST", path, user, body)
	if status != want {
		ts.t.Fatalf("POST %s by %s: got %d %v, want %d", path, user, status, out, want)
	}
	return out
}

func TestMediationStoryThroughTheAPI(t *testing.T) {
	ts := newTestServer(t)
	n := ts.neighbourCase("2026-03-02")
	base := "/api/v1/cases/" + n

	// A room, then a session in it: the parties get an SMS.
	ts.post("admin", "/api/v1/admin/rooms", map[string]any{"name": "第一调解室"}, 201)
	ts.at("2026-03-02", "11:00")
	session := map[string]any{"kind": "mediation", "starts_at": "2026-03-04T09:30:00+08:00", "minutes": 90,
		"place": "第一调解室", "presiding": "mediation", "mediators": []string{}, "invited_desks": []string{}, "note": "请携带房屋照片"}
	ses := ts.post("mediation", base+"/sessions", session, 201)
	sid := int64(ses["id"].(float64))
	if ses["room"] != "第一调解室" || ses["status"] != "scheduled" {
		t.Fatalf("session %v", ses)
	}
	notes, err := ts.svc.Notifications(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	sms := map[string]string{}
	for _, m := range notes {
		if strings.Contains(m.Body, "调解") && strings.Contains(m.Body, "第一调解室") {
			sms[m.Phone] = m.Body
		}
	}
	if len(sms) != 2 || !strings.Contains(sms["13800000001"], "3月4日") {
		t.Fatalf("session SMS %v (outbox %v)", sms, notes)
	}
	// The room is taken at that hour: refused, nothing written.
	double := map[string]any{"kind": "hearing", "starts_at": "2026-03-04T10:00:00+08:00", "minutes": 60,
		"place": "第一调解室", "presiding": "mediation"}
	ts.refuseUnchanged("mediation", n, "sessions", double, 409, "room_busy", "place")

	// Recorded at the session.
	ts.at("2026-03-04", "11:00")
	rec := ts.post("mediation", fmt.Sprintf("%s/sessions/%d/record", base, sid), map[string]any{
		"attended": []string{"mediation", "张三", "李四"}, "minutes_text": "双方陈述意见，李四同意恢复排水沟并分两期赔偿。", "result": "agreement"}, 200)
	if r := rec["record"].(map[string]any); r["result"] != "agreement" || len(r["attended_parties"].([]any)) != 2 {
		t.Fatalf("record %v", rec)
	}

	// Bad agreements: 400 naming the field, nothing written.
	good := func() map[string]any {
		return map[string]any{"form": "written", "facts": "李四翻建房屋后排水沟改道，雨水流入张三院内。",
			"terms": "李四于2026年3月10日前恢复排水沟原状，并分两期赔偿张三修缮费用5000.50元。", "signed_on": "2026-03-04",
			"obligations": []map[string]any{
				{"obligor": "李四", "obligee": "张三", "content": "第一期赔偿修缮费", "amount": 3000, "due_on": "2026-03-20"},
				{"obligor": "李四", "obligee": "张三", "content": "第二期赔偿修缮费", "amount": 2000.50, "due_on": "2026-04-20"},
			}}
	}
	bad := good()
	bad["obligations"].([]map[string]any)[1]["amount"] = -5
	ts.refuseUnchanged("mediation", n, "agreements", bad, 400, "invalid_amount", "obligations[1].amount")
	bad = good()
	bad["obligations"].([]map[string]any)[0]["obligor"] = "王五"
	ts.refuseUnchanged("mediation", n, "agreements", bad, 400, "unknown_party", "obligations[0].obligor")
	bad = good()
	bad["obligations"].([]map[string]any)[0]["amount"] = "三千"
	ts.refuseUnchanged("mediation", n, "agreements", bad, 400, "invalid_json", "obligations.amount")
	bad = good()
	bad["witness"] = "王五"
	ts.refuseUnchanged("mediation", n, "agreements", bad, 400, "unknown_field", "witness")
	bad = good()
	bad["signed_on"] = "2026-03-05"
	ts.refuseUnchanged("mediation", n, "agreements", bad, 400, "date_in_future", "signed_on")

	ag := ts.post("mediation", base+"/agreements", good(), 201)
	aid := int64(ag["id"].(float64))
	obs := ag["obligations"].([]any)
	if ag["effective_on"] != "2026-03-04" || ag["confirmation_due"] == "" || len(obs) != 2 || ag["document_url"] == "" {
		t.Fatalf("agreement %v", ag)
	}
	first := obs[0].(map[string]any)
	if first["id"] == nil || first["status"] == "" || first["amount"] != "3000.00" || obs[1].(map[string]any)["amount"] != "2000.50" {
		t.Fatalf("obligations %v", obs)
	}

	// The printable 协议书.
	resp := ts.raw("GET", ag["document_url"].(string), "mediation", nil)
	doc, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(doc)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("document: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"人民调解协议书", "张三", "李四", "第一期赔偿修缮费", "3000.00", "2026-04-20", ag["number"].(string), "@page", "A4", "印章"} {
		if !strings.Contains(page, want) {
			t.Errorf("the document lacks %q", want)
		}
	}
	if s, _ := ts.call("GET", fmt.Sprintf("%s/agreements/%d/document", base, aid+100), "mediation", nil); s != 404 {
		t.Errorf("an unknown agreement's document: %d", s)
	}

	// 司法确认: the day after the last day is refused, the last day accepted.
	due := ag["confirmation_due"].(string)
	dueDay, _ := time.Parse(time.DateOnly, due)
	after := dueDay.AddDate(0, 0, 1).Format(time.DateOnly)
	ts.at(after, "10:00")
	conf := fmt.Sprintf("agreements/%d/confirmation", aid)
	ts.refuseUnchanged("mediation", n, conf, map[string]any{"court": "litigation", "applied_on": after}, 409, "confirmation_window_closed", "")
	ts.refuseUnchanged("mediation", n, conf, map[string]any{"court": "nowhere", "applied_on": due}, 400, "unknown_court", "court")
	applied := ts.post("mediation", base+"/"+conf, map[string]any{"court": "litigation", "applied_on": due}, 201)
	if c := applied["confirmation"].(map[string]any); c["status"] != "applied" || c["applied_on"] != due {
		t.Fatalf("application %v", applied)
	}

	// The ruling is the court's: the mediation desk gets 403.
	ruling := map[string]any{"result": "confirmed", "ruling_no": "（2026）浙0000民特12号", "ruled_on": after}
	ts.refuseUnchanged("mediation", n, fmt.Sprintf("agreements/%d/ruling", aid), ruling, 403, "forbidden", "")
	ruled := ts.post("litigation", fmt.Sprintf("%s/agreements/%d/ruling", base, aid), ruling, 200)
	if c := ruled["confirmation"].(map[string]any); c["status"] != "confirmed" || c["enforceable"] != true || c["court_number"] != "（2026）浙0000民特12号" {
		t.Fatalf("ruling %v", ruled)
	}

	// Instalment 1 performed, then a 回访.
	perf := fmt.Sprintf("obligations/%v/performance", first["id"])
	ts.refuseUnchanged("mediation", n, perf, map[string]any{"status": "done", "amount": 3000, "on": after}, 400, "invalid_status", "status")
	ob := ts.post("mediation", base+"/"+perf, map[string]any{"status": "performed", "amount": 3000, "on": after, "note": "张三确认收到"}, 201)
	if ob["status"] != "performed" || ob["performed_fen"].(float64) != 300000 {
		t.Fatalf("performance %v", ob)
	}
	ts.refuseUnchanged("mediation", n, "followups", map[string]any{"method": "email", "performance": "partial", "satisfaction": "satisfied"}, 400, "invalid_method", "method")
	fu := ts.post("mediation", base+"/followups", map[string]any{"method": "phone", "performance": "partial", "satisfaction": "satisfied", "note": "第一期已付"}, 201)
	if fu["method"] != "phone" || fu["satisfaction"] != "satisfied" {
		t.Fatalf("follow-up %v", fu)
	}

	// Instalment 2: nothing to decide before it is overdue; overdue, the
	// confirmed agreement is enforced.
	second := fmt.Sprintf("obligations/%v/remedy", obs[1].(map[string]any)["id"])
	ts.refuseUnchanged("mediation", n, second, map[string]any{"remedy": "lawsuit", "note": "告知起诉"}, 409, "not_overdue", "")
	ts.at("2026-04-21", "10:00")
	ts.refuseUnchanged("mediation", n, second, map[string]any{"remedy": "lawsuit", "note": "告知起诉", "court": "x"}, 400, "unknown_field", "court")
	ts.refuseUnchanged("mediation", n, second, map[string]any{"remedy": "enforcement"}, 400, "required", "note")
	rem := ts.post("mediation", base+"/"+second, map[string]any{"remedy": "enforcement", "note": "李四逾期未付第二期，已告知张三持裁定书申请强制执行"}, 201)
	if rs, _ := rem["remedies"].([]any); rem["status"] != "overdue" || len(rs) != 1 || rs[0].(map[string]any)["remedy"] != "enforcement" {
		t.Fatalf("remedy %v", rem)
	}

	// With an agreement in force, closing as resolved needs no reason.
	closed := ts.act("mediation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "summary": "达成书面调解协议并经司法确认"}, 200)
	if closed["status"] != "closed" {
		t.Fatalf("close %v", closed)
	}
	kinds := strings.Join(ts.timelineKinds(n), " ")
	for _, k := range []string{"mediation_session_scheduled", "mediation_session_recorded", "mediation_agreement_signed",
		"judicial_confirmation_applied", "judicial_confirmation_accepted", "judicial_confirmation_ruled", "performance_recorded", "followup_recorded"} {
		if !strings.Contains(kinds, k) {
			t.Errorf("timeline lacks %s: %s", k, kinds)
		}
	}
}

func TestClosingAsResolvedNeedsAnAgreementOrAReason(t *testing.T) {
	ts := newTestServer(t)
	n := ts.neighbourCase("2026-03-02")
	ts.refuseUnchanged("mediation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved"}, 409, "agreement_required", "no_agreement_reason")
	ts.refuseUnchanged("mediation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "  "}, 409, "agreement_required", "no_agreement_reason")
	// Other closure types need neither.
	m := ts.neighbourCase("2026-03-02")
	ts.act("mediation", m, "close", map[string]any{"outcome": "申请人撤回", "closure_type": "withdrawn"}, 200)
	out := ts.act("mediation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 200)
	if out["status"] != "closed" || out["closure_type"] != "resolved" {
		t.Fatalf("close %v", out)
	}
}

func TestMediationRoutesRefuseBadInput(t *testing.T) {
	ts := newTestServer(t)
	n := ts.neighbourCase("2026-03-02")
	ts.at("2026-03-02", "11:00")
	ok := map[string]any{"kind": "mediation", "starts_at": "2026-03-04T09:30:00+08:00", "minutes": 60, "video_url": "https://meet.example.cn/x", "presiding": "mediation"}
	with := func(k string, v any) map[string]any {
		b := map[string]any{}
		for kk, vv := range ok {
			b[kk] = vv
		}
		b[k] = v
		return b
	}
	ts.refuseUnchanged("mediation", n, "sessions", with("kind", "party"), 400, "invalid_kind", "kind")
	ts.refuseUnchanged("mediation", n, "sessions", with("starts_at", "next tuesday"), 400, "invalid_time", "starts_at")
	ts.refuseUnchanged("mediation", n, "sessions", with("minutes", "long"), 400, "invalid_json", "minutes")
	ts.refuseUnchanged("mediation", n, "sessions", with("room", 1), 400, "unknown_field", "room")
	ts.refuseUnchanged("mediation", n, "sessions", with("place", "不存在的调解室"), 400, "unknown_room", "place")
	ts.refuseUnchanged("mediation", n, "sessions", with("presiding", "nobody"), 400, "unknown_user", "presiding")
	ts.refuseUnchanged("mediation", n, "followups", map[string]any{"method": "phone", "performance": "partial", "satisfaction": "satisfied", "mood": "ok"}, 400, "unknown_field", "mood")
	ts.refuseUnchanged("mediation", n, "obligations/abc/performance", map[string]any{"status": "performed"}, 404, "not_found", "")
	ts.refuseUnchanged("petition", n, "sessions", ok, 404, "case_not_found", "")
	ts.post("mediation", "/api/v1/cases/"+n+"/sessions", ok, 201)
}
