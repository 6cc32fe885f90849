package views_test

// Issue 17: other systems name their cases (external_refs) and retry
// their writes safely (Idempotency-Key).

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

func withRefs(body map[string]any, refs ...map[string]any) map[string]any {
	if body == nil {
		body = sampleIntake()
	}
	body["external_refs"] = refs
	return body
}

func TestExternalRefsAreKeptUniqueAndFound(t *testing.T) {
	ts := newTestServer(t)
	ticket := map[string]any{"system": "12345", "id": "2026-000123"}
	created := ts.intake(withRefs(nil, ticket, map[string]any{"system": " Court ", "id": "(2026)浙0481民诉前调123号"}))
	number := created["number"].(string)
	refs, _ := created["external_refs"].([]any)
	if len(refs) != 2 || refs[1].(map[string]any)["system"] != "court" {
		t.Fatalf("intake answer's external_refs = %v, want both, the system lower-cased", created["external_refs"])
	}
	_, kase := ts.call("GET", "/api/v1/cases/"+number, "leader", nil)
	if got, _ := kase["external_refs"].([]any); len(got) != 2 || got[0].(map[string]any)["id"] != "2026-000123" {
		t.Fatalf("GET case external_refs = %v", kase["external_refs"])
	}
	// A second case with the same pair is refused, naming the first.
	status, body := ts.call("POST", "/api/v1/cases", "intake", withRefs(nil, ticket))
	e, _ := body["error"].(map[string]any)
	if status != 409 || errorCode(body) != "external_ref_taken" || e["case"] != number || errorField(body) != "external_refs[0]" {
		t.Fatalf("second case with the same ticket: %d %v", status, body)
	}
	// The same id in another system is another reference.
	ts.intake(withRefs(nil, map[string]any{"system": "12345-other", "id": "2026-000123"}))
	// An application through the public API may carry one as well.
	app := application()
	app["external_refs"] = []map[string]any{{"system": "zjzwfw", "id": "A-1"}}
	if status, rec := ts.call("POST", "/api/v1/public/applications", "", app); status != 201 {
		t.Fatalf("application with a reference: %d %v", status, rec)
	}
	for _, bad := range []struct {
		ref   map[string]any
		field string
	}{
		{map[string]any{"system": "", "id": "1"}, "external_refs[0].system"},
		{map[string]any{"system": "hot line", "id": "1"}, "external_refs[0].system"},
		{map[string]any{"system": "12345", "id": "  "}, "external_refs[0].id"},
		{map[string]any{"system": "12345", "id": string(make([]byte, 129))}, "external_refs[0].id"},
	} {
		if status, body := ts.call("POST", "/api/v1/cases", "intake", withRefs(nil, bad.ref)); status != 400 || errorField(body) != bad.field {
			t.Errorf("reference %v: %d %v, want 400 naming %s", bad.ref, status, body, bad.field)
		}
	}
	if status, body := ts.call("POST", "/api/v1/cases", "intake", withRefs(nil, ticket, ticket)); status != 400 || errorCode(body) != "duplicate_external_ref" {
		t.Errorf("the same reference twice: %d %v", status, body)
	}

	// GET /cases?external_ref=SYSTEM:ID finds exactly that case.
	list := func(ref string) (int, map[string]any) {
		return ts.call("GET", "/api/v1/cases?"+url.Values{"external_ref": {ref}}.Encode(), "leader", nil)
	}
	if status, body := list("12345:2026-000123"); status != 200 || body["total"] != float64(1) ||
		body["cases"].([]any)[0].(map[string]any)["number"] != number {
		t.Errorf("external_ref=12345:2026-000123: %d %v", status, body)
	}
	if status, body := list("court:(2026)浙0481民诉前调123号"); status != 200 || body["total"] != float64(1) {
		t.Errorf("external_ref with the court's number: %d %v", status, body)
	}
	if status, body := list("12345:2026-999999"); status != 200 || body["total"] != float64(0) {
		t.Errorf("an unknown reference: %d %v", status, body)
	}
	if status, body := list("2026-000123"); status != 400 || errorCode(body) != "invalid_external_ref" {
		t.Errorf("a reference without its system: %d %v", status, body)
	}
	// A handler who may not see the case does not learn of it.
	if _, body := ts.call("GET", "/api/v1/cases?external_ref=12345:2026-000123", "petition", nil); body["total"] != float64(0) {
		t.Errorf("another desk's handler listed %v", body)
	}

	// Search finds it by "system:id" and by the id alone.
	ts.catchUp()
	for q, want := range map[string]int{"12345:2026-000123": 1, "2026-000123": 2} {
		status, body := ts.call("GET", "/api/v1/search?q="+url.QueryEscape(q), "leader", nil)
		if status != 200 || len(hitNumbers(body)) != want || !slices.Contains(hitNumbers(body), number) {
			t.Errorf("search %q: %d %v, want %d hits with %s", q, status, body, want, number)
			continue
		}
		if why := body["hits"].([]any)[0].(map[string]any)["why"].([]any); len(why) == 0 || !strings.HasPrefix(why[0].(string), "外部编号 ") {
			t.Errorf("search %q: why %v, want the external reference named", q, why)
		}
	}
}

func TestIdempotencyKeyOnActionsAndPublicWrites(t *testing.T) {
	ts := newTestServer(t)
	number, code := ts.mediationCase()
	key := []string{"Idempotency-Key", "note-7f3a"}
	note := map[string]any{"body": "已电话联系被申请人"}
	status, first := ts.call("POST", "/api/v1/cases/"+number+"/notes", "mediation", note, key...)
	if status != 200 {
		t.Fatalf("note: %d %v", status, first)
	}
	resp := ts.raw("POST", "/api/v1/cases/"+number+"/notes", "mediation", note, key...)
	if resp.StatusCode != 200 || resp.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the retried note: %d replayed=%q", resp.StatusCode, resp.Header.Get("Idempotent-Replayed"))
	}
	if notes := countOf(ts.timelineKinds(number), "note"); notes != 1 {
		t.Errorf("a retried note was written %d times", notes)
	}
	// The same key with another body is refused, as at intake.
	if status, body := ts.call("POST", "/api/v1/cases/"+number+"/notes", "mediation", map[string]any{"body": "另一条"}, key...); status != 409 || errorCode(body) != "idempotency_key_reused" {
		t.Errorf("same key, other note: %d %v", status, body)
	}
	// Keys are each user's own: another user's same key is a new request.
	if status, _ := ts.call("POST", "/api/v1/cases/"+number+"/notes", "leader", note, key...); status != 200 {
		t.Errorf("the leader's note under the same key: %d", status)
	}
	// A failed request keeps nothing: fixed, the retry runs.
	stale := []string{"Idempotency-Key", "close-1"}
	if status, _ := ts.call("POST", "/api/v1/cases/"+number+"/close", "mediation", map[string]any{"outcome": "调解成功", "closure_type": "nonsense"}, stale...); status != 400 {
		t.Fatalf("a bad close: %d", status)
	}
	if status, body := ts.call("POST", "/api/v1/cases/"+number+"/close", "mediation", map[string]any{"outcome": "调解成功", "closure_type": "nonsense"}, stale...); status != 400 {
		t.Errorf("the bad close again under its key: %d %v, want it run again (400)", status, body)
	}

	// A citizen's message retried is one message.
	msg := map[string]any{"number": number, "code": code, "body": "请问什么时候调解？"}
	mkey := []string{"Idempotency-Key", "msg-1"}
	if status, body := ts.call("POST", "/api/v1/public/messages", "", msg, mkey...); status != 201 {
		t.Fatalf("message: %d %v", status, body)
	}
	if resp := ts.raw("POST", "/api/v1/public/messages", "", msg, mkey...); resp.StatusCode != 201 || resp.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the retried message: %d replayed=%q", resp.StatusCode, resp.Header.Get("Idempotent-Replayed"))
	}
	if messages := countOf(ts.timelineKinds(number), "citizen_message"); messages != 1 {
		t.Errorf("a retried message was written %d times", messages)
	}
	// An application retried is one case, with its query code again.
	akey := []string{"Idempotency-Key", "apply-1"}
	_, rec := ts.call("POST", "/api/v1/public/applications", "", application(), akey...)
	_, again := ts.call("POST", "/api/v1/public/applications", "", application(), akey...)
	if rec["number"] == nil || again["number"] != rec["number"] || again["query_code"] != rec["query_code"] {
		t.Errorf("a retried application: %v then %v", rec, again)
	}
	if status, body := ts.call("POST", "/api/v1/cases/"+number+"/notes", "mediation", note, "Idempotency-Key", string(make([]byte, 201))); status != 400 || errorField(body) != "Idempotency-Key" {
		t.Errorf("a key of 201 characters: %d %v", status, body)
	}
}

func countOf(items []string, item string) int {
	n := 0
	for _, x := range items {
		if x == item {
			n++
		}
	}
	return n
}
