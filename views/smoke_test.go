package views_test

import "testing"

// The public view is cached for reloads; every action must still show at once.
func TestPublicStatusShowsEveryActionAtOnce(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	status := func() string {
		t.Helper()
		st, body := ts.call("GET", "/api/v1/public/status?number="+n+"&code="+code, "", nil)
		if st != 200 {
			t.Fatalf("public status: %d %v", st, body)
		}
		return body["status"].(string)
	}
	if got := status(); got != "registered" {
		t.Fatalf("after intake: %s", got)
	}
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	if got := status(); got != "routed" {
		t.Fatalf("after route: %s", got)
	}
	ts.act("mediation", n, "accept", nil, 200)
	if got := status(); got != "in_progress" {
		t.Fatalf("after accept: %s", got)
	}
	// A wrong code is refused even when the view is cached.
	if st, _ := ts.call("GET", "/api/v1/public/status?number="+n+"&code=AAAAA-AAAAA", "", nil); st != 404 {
		t.Fatalf("wrong code on a cached view: %d", st)
	}
}

// The stored amount is rounded to the fen; a retry of the same body must
// still be recognised as the same request.
func TestIdempotentRetryWithAnUnroundedAmount(t *testing.T) {
	ts := newTestServer(t)
	body := sampleIntake()
	body["amount"] = 12000.005
	st1, first := ts.call("POST", "/api/v1/cases", "intake", body, "Idempotency-Key", "k-1")
	st2, again := ts.call("POST", "/api/v1/cases", "intake", body, "Idempotency-Key", "k-1")
	if st1 != 201 || st2 != 201 || first["number"] != again["number"] {
		t.Fatalf("retry: %d %v / %d %v", st1, first["number"], st2, again)
	}
}
