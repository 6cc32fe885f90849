package views_test

import (
	"io"
	"strings"
	"testing"
)

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

// Every page load asked for /favicon.ico and got a 404 (issue 16, item 11).
func TestFaviconIsServed(t *testing.T) {
	ts := newTestServer(t)
	resp := ts.raw("GET", "/favicon.ico", "", nil)
	resp.Body.Close()
	if resp.StatusCode != 301 || resp.Header.Get("Location") != "/static/favicon.svg" {
		t.Fatalf("/favicon.ico: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = ts.raw("GET", "/static/favicon.svg", "", nil)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/svg+xml") || !strings.Contains(string(body), "<svg") {
		t.Fatalf("favicon.svg: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, path := range []string{"/login", "/"} {
		resp := ts.raw("GET", path, "", nil)
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(page), `rel="icon" href="/static/favicon.svg`) {
			t.Errorf("%s does not name the icon", path)
		}
	}
}
