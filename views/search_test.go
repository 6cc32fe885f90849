package views_test

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
)

func hitNumbers(body map[string]any) []string {
	var out []string
	hits, _ := body["hits"].([]any)
	for _, h := range hits {
		out = append(out, h.(map[string]any)["number"].(string))
	}
	return out
}

func TestSearchAPIFindsCasesTheCallerMaySee(t *testing.T) {
	ts := newTestServer(t)
	wage := ts.intake(nil)["number"].(string)
	leak := sampleIntake()
	leak["title"], leak["category"], leak["town"] = "楼上漏水纠纷", "neighbour", "硖石街道"
	leak["summary"] = "楼上住户卫生间渗水，申请人家中天花板发霉，多次协商未果。"
	leak["claims"], leak["amount"] = "请求对方修复防水层并赔偿损失。", 3000
	leak["parties"] = []map[string]any{{"role": "applicant", "name": "李秀英", "phone": "13900001111"}, {"role": "respondent", "name": "毛建伟"}}
	leakN := ts.intake(leak)["number"].(string)
	ts.act("intake", leakN, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", leakN, "accept", nil, 200)
	ts.act("mediation", leakN, "notes", map[string]any{"body": "已约物业经理周三到现场查看防水层"}, 200)
	ts.catchUp()

	status, body := ts.call("GET", "/api/v1/search?q="+url.QueryEscape("欠薪"), "intake", nil)
	if status != 200 || len(hitNumbers(body)) != 1 || hitNumbers(body)[0] != wage {
		t.Fatalf("欠薪: %d %v", status, body)
	}
	status, body = ts.call("GET", "/api/v1/search?q="+url.QueryEscape("物业经理"), "mediation", nil)
	if status != 200 || len(hitNumbers(body)) != 1 || hitNumbers(body)[0] != leakN {
		t.Fatalf("a note's words for the holding desk: %d %v", status, body)
	}
	hl := body["hits"].([]any)[0].(map[string]any)["highlights"].([]any)
	if len(hl) == 0 || !strings.Contains(hl[0].(string), "<mark>") {
		t.Fatalf("no highlight: %v", hl)
	}
	// The petition desk never touched either case.
	status, body = ts.call("GET", "/api/v1/search?q="+url.QueryEscape("漏水"), "petition", nil)
	if status != 200 || body["total"].(float64) != 0 {
		t.Fatalf("petition desk found %v", body)
	}
	// An empty query with a filter lists cases; facets count them.
	status, body = ts.call("GET", "/api/v1/search?category=neighbour", "leader", nil)
	if status != 200 || len(hitNumbers(body)) != 1 || hitNumbers(body)[0] != leakN {
		t.Fatalf("filter only: %d %v", status, body)
	}
	facets := body["facets"].(map[string]any)
	if _, ok := facets["desk"]; !ok {
		t.Fatalf("facets: %v", facets)
	}
	// Each hit says why it matched (issue 14), on the API and the page.
	_, body = ts.call("GET", "/api/v1/search?q=1111", "leader", nil)
	why := body["hits"].([]any)[0].(map[string]any)["why"].([]any)
	if len(why) == 0 || why[0] != "电话尾号 1111 · 申请人 李秀英" {
		t.Errorf("why of a phone tail: %v", why)
	}
	staff := ts.signedIn(t, "leader")
	if status, page, _ := staff.do("GET", "/search?q=1111", nil); status != 200 || !strings.Contains(page, "命中原因：电话尾号 1111 · 申请人 李秀英") {
		t.Errorf("search page without the why line: %d\n%s", status, page)
	}
	// The full phone number never appears in a search answer.
	_, body = ts.call("GET", "/api/v1/search?q=13900001111", "leader", nil)
	if hitNumbers(body)[0] != leakN {
		t.Fatalf("phone search: %v", body)
	}
	raw := ts.raw("GET", "/api/v1/search?q=13900001111", "leader", nil)
	defer raw.Body.Close()
	buf, _ := io.ReadAll(raw.Body)
	if strings.Contains(string(buf), "13900001111") {
		t.Fatal("a search answer shows a full phone number")
	}
}

func TestSearchAPIBadInput(t *testing.T) {
	ts := newTestServer(t)
	ts.intake(nil)
	ts.catchUp()
	for _, c := range []struct {
		query  string
		status int
		field  string
	}{
		{"q=" + url.QueryEscape(strings.Repeat("欠", 10000)), 400, "q"},
		{"page=-1", 400, "page"},
		{"page=abc", 400, "page"},
		{"page=99999999", 400, "page"},
		{"per_page=0", 400, "per_page"},
		{"per_page=100000", 400, "per_page"},
		{"from=2026-13-01", 400, "from"},
		{"from=2026-05-01&to=2026-04-01", 400, "to"},
		{"q=" + url.QueryEscape(`"`), 200, ""},
		{"q=" + url.QueryEscape("*"), 200, ""},
		{"q=" + url.QueryEscape("😀😀"), 200, ""},
		{"q=" + url.QueryEscape("' OR 1=1 --"), 200, ""},
		{"q=" + url.QueryEscape("((欠薪"), 200, ""},
	} {
		status, body := ts.call("GET", "/api/v1/search?"+c.query, "intake", nil)
		if status != c.status || (c.status == 400 && errorField(body) != c.field) {
			t.Errorf("%.60s: %d %v", c.query, status, body)
		}
	}
	status, _ := ts.call("GET", "/api/v1/search?q=x", "", nil)
	if status != 401 {
		t.Fatalf("search without a token: %d", status)
	}
}

func TestRelatedAndIntakeCheckShowEarlierCasesOfThePerson(t *testing.T) {
	ts := newTestServer(t)
	first := ts.intake(nil)["number"].(string)
	other := sampleIntake()
	other["title"], other["category"] = "邻里噪声纠纷", "environment"
	other["summary"] = "楼下KTV夜间噪音扰民，影响休息。"
	other["parties"] = []map[string]any{{"role": "applicant", "name": "王五", "phone": "13700000000"}, {"role": "respondent", "name": "某KTV"}}
	ts.intake(other)
	ts.catchUp()

	draft := sampleIntake()
	status, body := ts.call("POST", "/api/v1/cases/check", "intake", draft)
	if status != 200 {
		t.Fatalf("check: %d %v", status, body)
	}
	same := body["same_person"].([]any)
	if len(same) != 1 || same[0].(map[string]any)["number"] != first || !strings.Contains(same[0].(map[string]any)["why"].(string), "张三") {
		t.Fatalf("same_person: %v", same)
	}
	// The same case is not listed again among the similar ones.
	for _, s := range body["similar"].([]any) {
		if s.(map[string]any)["number"] == first {
			t.Fatalf("similar lists %s again: %v", first, body["similar"])
		}
	}
	if n, _ := ts.svc.CaseCount(t.Context()); n != 2 {
		t.Fatalf("the check stored something: %d cases", n)
	}

	second := ts.intake(nil)["number"].(string)
	ts.catchUp()
	status, body = ts.call("GET", "/api/v1/cases/"+second+"/related", "intake", nil)
	if status != 200 {
		t.Fatalf("related: %d %v", status, body)
	}
	same = body["same_person"].([]any)
	if len(same) != 1 || same[0].(map[string]any)["number"] != first {
		t.Fatalf("related same_person: %v", same)
	}
	for _, s := range body["similar"].([]any) {
		if s.(map[string]any)["number"] == second {
			t.Fatal("a case is related to itself")
		}
	}
	status, _ = ts.call("GET", "/api/v1/cases/"+second+"/related", "petition", nil)
	if status != 404 {
		t.Fatalf("related for a desk that may not see the case: %d", status)
	}
}

func TestAdminEditsSynonymsAndSearchUsesThemAtOnce(t *testing.T) {
	ts := newTestServer(t)
	n := ts.intake(nil)["number"].(string)
	ts.catchUp()
	if _, body := ts.call("GET", "/api/v1/search?q="+url.QueryEscape("血汗钱"), "intake", nil); len(hitNumbers(body)) != 0 {
		t.Fatalf("血汗钱 matched before it was a synonym: %v", body)
	}
	status, _ := ts.call("PUT", "/api/v1/synonyms", "intake", map[string]any{"groups": [][]string{{"血汗钱", "工资"}}})
	if status != 403 {
		t.Fatalf("intake edited synonyms: %d", status)
	}
	status, body := ts.call("PUT", "/api/v1/synonyms", "admin", map[string]any{"groups": [][]string{{"血汗钱", "工资"}, {"孤单"}}})
	if status != 200 || len(body["groups"].([]any)) != 1 {
		t.Fatalf("admin edit: %d %v", status, body)
	}
	if _, body := ts.call("GET", "/api/v1/search?q="+url.QueryEscape("血汗钱"), "intake", nil); len(hitNumbers(body)) != 1 || hitNumbers(body)[0] != n {
		t.Fatalf("the new synonym is not applied: %v", body)
	}
	status, body = ts.call("PUT", "/api/v1/synonyms", "admin", map[string]any{"groups": [][]string{{"有 空格", "x"}}})
	if status != 400 || errorField(body) != "groups[0]" {
		t.Fatalf("bad synonym: %d %v", status, body)
	}
}

func TestRelatedListsOnlyCasesTheHandlerMaySee(t *testing.T) {
	ts := newTestServer(t)
	first := ts.intake(nil)["number"].(string)
	second := ts.intake(nil)["number"].(string) // the same applicant again
	ts.act("intake", second, "route", map[string]any{"desk": "mediation"}, 200)
	ts.catchUp()
	related := func(user string) []string {
		t.Helper()
		status, body := ts.call("GET", "/api/v1/cases/"+second+"/related", user, nil)
		if status != 200 {
			t.Fatalf("related as %s: %d %v", user, status, body)
		}
		var out []string
		for _, r := range body["same_person"].([]any) {
			out = append(out, r.(map[string]any)["number"].(string))
		}
		return out
	}
	if got := related("intake"); len(got) != 1 || got[0] != first {
		t.Fatalf("intake sees %v, want [%s]", got, first)
	}
	if got := related("mediation"); len(got) != 0 {
		t.Fatalf("mediation never held %s but its related list shows %v", first, got)
	}
}

// A person with many earlier cases does not shorten the similar list: those
// cases are listed once, under same_person, and the similar list still
// holds as many as were asked for.
func TestRelatedKeepsItsLimitWhenThePersonHasManyCases(t *testing.T) {
	ts := newTestServer(t)
	for range 5 {
		ts.intake(nil) // 张三's earlier cases
	}
	for i := range 52 {
		other := sampleIntake()
		other["parties"] = []map[string]any{
			{"role": "applicant", "name": fmt.Sprintf("工人%d", i), "phone": fmt.Sprintf("1370000%04d", i)},
			{"role": "respondent", "name": fmt.Sprintf("包工头%d", i), "phone": fmt.Sprintf("1360000%04d", i)},
		}
		ts.intake(other)
	}
	latest := ts.intake(nil)["number"].(string)
	ts.catchUp()
	status, body := ts.call("GET", "/api/v1/cases/"+latest+"/related?limit=50", "leader", nil)
	if status != 200 {
		t.Fatalf("related: %d %v", status, body)
	}
	same, similar := body["same_person"].([]any), body["similar"].([]any)
	if len(same) != 5 || len(similar) != 50 {
		t.Fatalf("same_person %d, similar %d; want 5 and 50", len(same), len(similar))
	}
	listed := map[any]bool{latest: true}
	for _, s := range append(same, similar...) {
		n := s.(map[string]any)["number"]
		if listed[n] {
			t.Fatalf("%v listed twice", n)
		}
		listed[n] = true
	}
}
