package views_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"yidi/cases"
)

// Related terms mined from the case texts reach search only once an admin
// accepts them, and rank below literal matches.
func TestAdminReviewsMinedRelatedTermsBeforeSearchUsesThem(t *testing.T) {
	ts := newTestServer(t)
	doc := loadOpenAPI(t)
	body := sampleIntake()
	body["title"], body["category"] = "邻里纠纷", "neighbour"
	body["summary"], body["claims"] = "邻居在院内养鸡，异味严重影响生活，多次沟通未果。", "请求邻居停止养鸡。"
	n := ts.intake(body)["number"].(string)
	ts.catchUp()
	if _, err := ts.svc.SaveTermProposals(t.Context(), []cases.TermPair{{Term: "鸡舍", Related: "异味", Support: 6, Score: 0.6}}); err != nil {
		t.Fatal(err)
	}
	search := func() []string {
		t.Helper()
		status, got := ts.call("GET", "/api/v1/search?q="+url.QueryEscape("鸡舍"), "intake", nil)
		if status != 200 {
			t.Fatalf("search: %d %v", status, got)
		}
		return hitNumbers(got)
	}
	if hits := search(); len(hits) != 0 {
		t.Fatalf("a proposal nobody accepted is used: %v", hits)
	}

	const list, one = "/api/v1/admin/term-proposals", "/api/v1/admin/term-proposals/{id}"
	got := ts.callDocumented(doc, "GET", list, list+"?status=proposed", "admin", nil, 200)
	props := got["proposals"].([]any)
	if len(props) != 1 {
		t.Fatalf("proposals: %v", got)
	}
	p := props[0].(map[string]any)
	if p["term"] != "异味" || p["related"] != "鸡舍" || p["status"] != "proposed" {
		t.Fatalf("the pair is not stored in order, proposed: %v", p)
	}
	id := fmt.Sprint(p["id"])
	got = ts.callDocumented(doc, "PUT", one, list+"/"+id, "admin", map[string]any{"status": "accepted"}, 200)
	if got["status"] != "accepted" || got["decided_by"] != "admin" {
		t.Fatalf("accept: %v", got)
	}
	if hits := search(); len(hits) != 1 || hits[0] != n {
		t.Fatalf("the accepted related term is not used: %v", hits)
	}
	_, res := ts.call("GET", "/api/v1/search?q="+url.QueryEscape("鸡舍"), "intake", nil)
	if why := fmt.Sprint(res["hits"].([]any)[0].(map[string]any)["why"]); !strings.Contains(why, "“鸡舍” → 异味（相关词") {
		t.Errorf("why does not say the hit came through a related term: %s", why)
	}
	// A rerun of mining keeps the decision.
	if added, err := ts.svc.SaveTermProposals(t.Context(), []cases.TermPair{{Term: "异味", Related: "鸡舍", Support: 9, Score: 0.7}}); err != nil || added != 0 {
		t.Fatalf("rerun: %d %v", added, err)
	}
	got = ts.callDocumented(doc, "GET", list, list+"?status=accepted", "admin", nil, 200)
	if props := got["proposals"].([]any); len(props) != 1 || props[0].(map[string]any)["support"] != float64(9) {
		t.Fatalf("after a rerun: %v", got)
	}
	ts.callDocumented(doc, "PUT", one, list+"/"+id, "admin", map[string]any{"status": "rejected"}, 200)
	if hits := search(); len(hits) != 0 {
		t.Fatalf("a rejected pair is still used: %v", hits)
	}

	ts.callDocumented(doc, "GET", list, list, "", nil, 401)
	ts.checkErrorExamples(doc, "GET", list, 400, map[string]exampleRequest{
		"invalid_status": {"admin", list + "?status=maybe", nil}})
	ts.checkErrorExamples(doc, "GET", list, 403, map[string]exampleRequest{
		"forbidden": {"intake", list, nil}})
	ts.checkErrorExamples(doc, "PUT", one, 400, map[string]exampleRequest{
		"invalid_status": {"admin", list + "/" + id, map[string]any{"status": "maybe"}},
		"unknown_field":  {"admin", list + "/" + id, map[string]any{"state": "accepted"}}})
	ts.checkErrorExamples(doc, "PUT", one, 403, map[string]exampleRequest{
		"forbidden": {"leader", list + "/" + id, map[string]any{"status": "accepted"}}})
	ts.checkErrorExamples(doc, "PUT", one, 404, map[string]exampleRequest{
		"not_found": {"admin", list + "/99999", map[string]any{"status": "accepted"}}})
	if status, _ := ts.call("PUT", list+"/abc", "admin", map[string]any{"status": "accepted"}); status != 404 {
		t.Errorf("a non-numeric id: %d", status)
	}
}

// The admin page lists the proposals and accepts or rejects one; other
// roles are refused, and a bad status is a Chinese message, not a 500.
func TestAdminVocabPageAcceptsAndRejects(t *testing.T) {
	ts := newTestServer(t)
	if _, err := ts.svc.SaveTermProposals(t.Context(), []cases.TermPair{{Term: "鸡舍", Related: "异味", Support: 6, Score: 0.6}}); err != nil {
		t.Fatal(err)
	}
	b := ts.signedIn(t, "admin")
	status, body, _ := b.do("GET", "/admin/vocab", nil)
	if status != 200 || !strings.Contains(body, "相关词审核") || !strings.Contains(body, "鸡舍") || !strings.Contains(body, "待审") {
		t.Fatalf("page: %d", status)
	}
	list, _ := ts.svc.TermProposals(t.Context(), cases.SystemActor, "")
	id := fmt.Sprint(list[0].ID)
	status, _ = b.post("/admin/vocab", url.Values{"id": {id}, "status": {"accepted"}, "view": {"proposed"}})
	if status != 303 {
		t.Fatalf("accept: %d", status)
	}
	status, body, _ = b.do("GET", "/admin/vocab?status=accepted&done=accepted&pair="+url.QueryEscape("异味 — 鸡舍"), nil)
	if status != 200 || !strings.Contains(body, "已采纳") || !strings.Contains(body, "鸡舍") {
		t.Fatalf("accepted list: %d", status)
	}
	if got, _ := ts.svc.AcceptedTermPairs(t.Context()); len(got) != 1 {
		t.Fatalf("accepted pairs: %v", got)
	}
	status, body = b.post("/admin/vocab", url.Values{"id": {id}, "status": {"maybe"}})
	if status != 400 || !strings.Contains(body, "状态应为") {
		t.Fatalf("bad status: %d", status)
	}
	status, _ = b.post("/admin/vocab", url.Values{"id": {"x"}, "status": {"rejected"}})
	if status != 404 {
		t.Fatalf("bad id: %d", status)
	}
	l := ts.signedIn(t, "leader")
	if status, _, _ := l.do("GET", "/admin/vocab", nil); status != 403 {
		t.Fatalf("leader on the admin page: %d", status)
	}
}
