package views_test

// The citizen's lookup by case number and query code: what it shows, what
// it never shows, how it forgives typing, and how it refuses guessing.

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"yidi/views"
)

// publicStatus looks a case up as a citizen and answers the status and the
// raw body, for assertions on what the text does not contain.
func (ts *testServer) publicStatus(number, code string) (int, string, map[string]any) {
	ts.t.Helper()
	q := url.Values{}
	if number != "" {
		q.Set("number", number)
	}
	if code != "" {
		q.Set("code", code)
	}
	status, raw, _, err := ts.send("GET", "/api/v1/public/status?"+q.Encode(), "", nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		ts.t.Fatalf("public status answer is not JSON: %s", raw)
	}
	return status, string(raw), out
}

// wrongCode changes one character of a query code into another valid one.
func wrongCode(code string) string {
	if code[0] == 'A' {
		return "B" + code[1:]
	}
	return "A" + code[1:]
}

func TestPublicStatusShowsProgressWithoutStaffDetails(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	const (
		routeNote    = "主任交代：此人多次上访，注意稳控"
		internalNote = "被申请人法人代表称资金紧张，内部掌握"
		publicNote   = "已通知被申请人于周五上午来调解室"
		visitNote    = "申请人情绪激动，已做安抚"
	)
	ts.act("leader", n, "route", map[string]any{"desk": "mediation", "note": routeNote}, 200)
	ts.act("mediation", n, "accept", nil, 200)
	ts.act("mediation", n, "notes", map[string]any{"body": internalNote, "visibility": "internal"}, 200)
	ts.act("mediation", n, "notes", map[string]any{"body": publicNote, "visibility": "public"}, 200)
	ts.act("intake", n, "visits", map[string]any{"note": visitNote}, 200)

	resp := ts.raw("GET", "/api/v1/public/status?number="+n+"&code="+code, "", nil)
	resp.Body.Close()
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("public status Cache-Control %q, want no-store", cc)
	}

	status, raw, view := ts.publicStatus(n, code)
	if status != 200 {
		t.Fatalf("right code: %d %s", status, raw)
	}
	if view["number"] != n || view["status"] != "in_progress" || view["desk_name"] != "人民调解" ||
		!strings.Contains(view["status_text"].(string), "人民调解") || view["deadline"] == nil {
		t.Fatalf("public view: %s", raw)
	}
	events, _ := view["events"].([]any)
	var texts []string
	for _, e := range events {
		texts = append(texts, e.(map[string]any)["text"].(string))
	}
	if len(texts) != 5 || texts[3] != publicNote {
		t.Fatalf("public events %q, want intake, route, accept, the public note and the visit", texts)
	}

	forbidden := []string{internalNote, routeNote, visitNote,
		"13800000000", "138****0000", "11010519491231002X", "1101**********002X", "002X"}
	for _, name := range actorNames {
		forbidden = append(forbidden, name)
	}
	for _, s := range forbidden {
		if strings.Contains(raw, s) {
			t.Errorf("public view shows %q: %s", s, raw)
		}
	}

	ts.act("mediation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕", "summary": "双方签订协议"}, 200)
	status, raw, view = ts.publicStatus(n, code)
	if status != 200 || view["status"] != "closed" || view["deadline"] != nil ||
		!strings.Contains(view["status_text"].(string), "办结") || !strings.Contains(raw, "调解成功") {
		t.Fatalf("closed case public view: %d %s", status, raw)
	}
}

func TestPublicStatusAcceptsTheCodeAsACitizenTypesIt(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	if len(code) != 11 || code[5] != '-' {
		t.Fatalf("query code %q is not two groups of five", code)
	}
	for _, typed := range []string{
		code,
		strings.ToLower(code),
		strings.ReplaceAll(code, "-", ""),
		strings.ToLower(strings.ReplaceAll(code, "-", "")),
		code[:5] + " " + code[6:],
	} {
		if status, raw, _ := ts.publicStatus(n, typed); status != 200 {
			t.Errorf("code typed as %q: %d %s", typed, status, raw)
		}
	}
	if status, raw, _ := ts.publicStatus(strings.ToLower(n), code); status != 200 {
		t.Errorf("number typed in lower case: %d %s", status, raw)
	}
}

func TestPublicStatusFailuresAllLookTheSame(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	other := ts.intake(nil)

	tries := map[string][2]string{
		"wrong code":              {n, wrongCode(code)},
		"another case's code":     {n, other["query_code"].(string)},
		"unknown number":          {"YD-2026-99999", code},
		"garbage number":          {"../../etc/passwd", code},
		"missing code":            {n, ""},
		"missing number":          {"", code},
		"missing number and code": {"", ""},
	}
	var first string
	for name, try := range tries {
		status, raw, out := ts.publicStatus(try[0], try[1])
		if status != 404 || errorCode(out) != "not_found" {
			t.Errorf("%s: %d %s, want 404 not_found", name, status, raw)
		}
		if first == "" {
			first = raw
		} else if raw != first {
			t.Errorf("%s answers %s, another failure answered %s", name, raw, first)
		}
	}
}

func TestPublicStatusRefusesAnAddressAfterRepeatedFailures(t *testing.T) {
	ts := newTestServer(t, views.Options{PublicFailures: 3, PublicWindow: time.Minute})
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	expect := func(step string, number, code string, want int) {
		t.Helper()
		if status, raw, _ := ts.publicStatus(number, code); status != want {
			t.Fatalf("%s: %d %s, want %d", step, status, raw, want)
		}
	}

	// A citizen checking often is never slowed down.
	for range 5 {
		expect("success before failures", n, code, 200)
	}
	expect("first failure", n, wrongCode(code), 404)
	expect("second failure", "YD-2026-99999", code, 404)
	for range 5 {
		expect("success between failures", n, code, 200)
	}
	expect("third failure", n, "", 404)

	status, raw, out := ts.publicStatus(n, code)
	if status != 429 || errorCode(out) != "too_many_attempts" {
		t.Fatalf("right code after the limit: %d %s, want 429 too_many_attempts", status, raw)
	}
	expect("wrong code after the limit", n, wrongCode(code), 429)

	// Staff work is not touched by a citizen's lockout.
	if status, out := ts.call("GET", "/api/v1/cases/"+n, "intake", nil); status != 200 {
		t.Fatalf("staff read during a public lockout: %d %v", status, out)
	}
}
