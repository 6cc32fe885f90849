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
