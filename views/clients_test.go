package views_test

// Machine clients and their scopes, and people's token refresh and logout
// (issue 17).

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// addClient makes a client through the API and keeps its token under name.
func (ts *testServer) addClient(t *testing.T, name string, scopes ...string) map[string]any {
	t.Helper()
	status, ans := ts.call("POST", "/api/v1/clients", "admin", map[string]any{"name": name, "scopes": scopes})
	if status != 201 {
		t.Fatalf("add client %s: %d %v", name, status, ans)
	}
	ts.tokens[name] = ans["token"].(string)
	return ans
}

// Each scope × endpoint: what a client may do is exactly what its scopes say.
func TestClientScopesDecideEveryEndpoint(t *testing.T) {
	ts := newTestServer(t)
	scopes := map[string][]string{
		"none": {"read:own"}, "intake": {"intake"}, "own": {"intake", "read:own"}, "all": {"read:all"},
		"act": {"act", "read:all"}, "actonly": {"act"}, "events": {"events", "read:all"}, "eventsonly": {"events"},
	}
	for name, sc := range scopes {
		ts.addClient(t, name, sc...)
	}
	other := ts.intake(sampleIntake())["number"].(string)
	mine := intakeVia(t, clientCaller{ts, "own"}, sampleIntake())["number"].(string)
	type row struct {
		method, path string
		body         any
		want         map[string]int // by client; others get def (0: refused for want of a scope)
		def          int
	}
	note := map[string]any{"body": "接入系统记录"}
	rows := []row{
		{"POST", "/api/v1/cases", sampleIntake(), map[string]int{"intake": 201, "own": 201}, 0},
		{"POST", "/api/v1/cases/check", sampleIntake(), map[string]int{"intake": 200, "own": 200}, 0},
		{"GET", "/api/v1/cases/" + other, nil, map[string]int{"all": 200, "act": 200, "events": 200}, 404},
		{"GET", "/api/v1/cases/" + other + "/timeline", nil, map[string]int{"all": 200, "act": 200, "events": 200}, 404},
		{"GET", "/api/v1/cases/" + mine, nil, map[string]int{"own": 200, "all": 200, "act": 200, "events": 200}, 404},
		{"POST", "/api/v1/cases/" + other + "/notes", note, map[string]int{"act": 200, "all": 403, "events": 403}, 404},
		{"POST", "/api/v1/cases/" + mine + "/notes", note, map[string]int{"act": 200, "own": 403, "all": 403, "events": 403}, 404},
		{"GET", "/api/v1/events", nil, map[string]int{"events": 200, "eventsonly": 200}, 0},
		{"GET", "/api/v1/cases", nil, nil, 200},
		{"GET", "/api/v1/notifications", nil, nil, 403},
		{"GET", "/api/v1/stats", nil, nil, 403},
		{"POST", "/api/v1/users", map[string]any{"username": "x1", "password": "password-x1", "role": "intake"}, nil, 403},
		{"GET", "/api/v1/webhooks", nil, nil, 403},
		{"GET", "/api/v1/clients", nil, nil, 403},
		{"POST", "/api/v1/clients", map[string]any{"name": "x", "scopes": []string{"read:all"}}, nil, 403},
		{"POST", "/api/v1/auth/refresh", nil, nil, 403},
		{"POST", "/api/v1/auth/logout", nil, nil, 403},
	}
	for _, r := range rows {
		for name := range scopes {
			want, ok := r.want[name]
			if !ok {
				want = r.def
			}
			if want == 0 {
				want = 403
			}
			status, ans := ts.call(r.method, r.path, name, r.body)
			if status != want {
				t.Errorf("%s (%v) %s %s: %d %v, want %d", name, scopes[name], r.method, r.path, status, ans, want)
			}
			// What a scope covers is refused for the scope; the rest by role.
			if status == 403 && r.def != 403 && errCode(ans) != "insufficient_scope" {
				t.Errorf("%s %s %s: refused with %v, want insufficient_scope", name, r.method, r.path, ans)
			}
		}
	}
	// Lists and the feed keep to the read scopes.
	for name, want := range map[string]int{"none": 0, "own": 2, "all": 4, "intake": 0} {
		if _, ans := ts.call("GET", "/api/v1/cases", name, nil); int(ans["total"].(float64)) != want {
			t.Errorf("%s lists %v cases, want %d", name, ans["total"], want)
		}
	}
	if got, _ := readFeed(t, ts, "eventsonly", 0, 100); len(got) != 0 {
		t.Errorf("a client without a read scope read %d events", len(got))
	}
	if got, _ := readFeed(t, ts, "events", 0, 100); len(got) < 4 {
		t.Errorf("a read:all client read %d events", len(got))
	}
}

// clientCaller calls the API with a named token of ts.
type clientCaller struct {
	ts   *testServer
	name string
}

func (c clientCaller) call(method, path, _ string, body any, headers ...string) (int, map[string]any) {
	return c.ts.call(method, path, c.name, body, headers...)
}

func TestClientTokensAreShownOnceRotatedRevokedAndExpire(t *testing.T) {
	ts := newTestServer(t)
	c := ts.addClient(t, "12345热线", "read:all")
	id := int64(c["id"].(float64))
	tok := ts.tokens["12345热线"]
	if !strings.HasPrefix(tok, "ydc_") {
		t.Fatalf("token %q", tok)
	}
	_, list := ts.call("GET", "/api/v1/clients", "admin", nil)
	row := list["clients"].([]any)[0].(map[string]any)
	if _, shown := row["token"]; shown || row["last_used_at"] != nil {
		t.Fatalf("the list shows %v", row)
	}
	if status, _ := ts.call("GET", "/api/v1/cases", "12345热线", nil); status != 200 {
		t.Fatalf("the client's token: %d", status)
	}
	_, list = ts.call("GET", "/api/v1/clients", "admin", nil)
	if list["clients"].([]any)[0].(map[string]any)["last_used_at"] == nil {
		t.Fatal("the last use was not recorded")
	}
	if status, ans := ts.call("POST", "/api/v1/clients", "admin", map[string]any{"name": "12345热线", "scopes": []string{"read:all"}}); status != 409 {
		t.Fatalf("a second client of the same name: %d %v", status, ans)
	}
	if status, ans := ts.call("POST", "/api/v1/clients", "admin", map[string]any{"name": "x", "scopes": []string{"root"}}); status != 400 || errCode(ans) != "unknown_scope" {
		t.Fatalf("an unknown scope: %d %v", status, ans)
	}
	status, rotated := ts.call("POST", fmt.Sprintf("/api/v1/clients/%d/rotate", id), "admin", nil)
	if status != 200 || rotated["token"] == tok {
		t.Fatalf("rotate: %d %v", status, rotated)
	}
	ts.expectSwapped(t, "12345热线", rotated["token"].(string))
	if status, _ := ts.call("DELETE", fmt.Sprintf("/api/v1/clients/%d", id), "admin", nil); status != 204 {
		t.Fatalf("revoke: %d", status)
	}
	if status, _ := ts.call("GET", "/api/v1/cases", "12345热线", nil); status != 401 {
		t.Fatalf("a revoked token: %d", status)
	}
	// Expiry: the token stops working when its day is over.
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	status, ans := ts.call("POST", "/api/v1/clients", "admin", map[string]any{"name": "临时", "scopes": []string{"read:all"}, "expires_at": exp})
	if status != 201 {
		t.Fatalf("a client with an expiry: %d %v", status, ans)
	}
	ts.tokens["临时"] = ans["token"].(string)
	if status, _ := ts.call("GET", "/api/v1/cases", "临时", nil); status != 200 {
		t.Fatalf("before expiry: %d", status)
	}
	ts.svc.SetClock(func() time.Time { return time.Now().Add(2 * time.Hour) })
	if status, _ := ts.call("GET", "/api/v1/cases", "临时", nil); status != 401 {
		t.Fatalf("after expiry: %d", status)
	}
}

// expectSwapped checks that user's token has stopped working and that
// fresh, which replaced it, works; fresh is kept as user's token.
func (ts *testServer) expectSwapped(t *testing.T, user, fresh string) {
	t.Helper()
	if status, _ := ts.call("GET", "/api/v1/cases", user, nil); status != 401 {
		t.Fatalf("%s's old token still works: %d", user, status)
	}
	ts.tokens[user] = fresh
	if status, _ := ts.call("GET", "/api/v1/cases", user, nil); status != 200 {
		t.Fatalf("%s's new token: %d", user, status)
	}
}

func TestPeopleRefreshAndLogOut(t *testing.T) {
	ts := newTestServer(t)
	old := ts.tokens["intake"]
	status, ans := ts.call("POST", "/api/v1/auth/refresh", "intake", nil)
	if status != 200 || ans["token"] == old || ans["expires_at"] == nil {
		t.Fatalf("refresh: %d %v", status, ans)
	}
	ts.expectSwapped(t, "intake", ans["token"].(string))
	if status, _ := ts.call("POST", "/api/v1/auth/logout", "intake", nil); status != 204 {
		t.Fatalf("logout: %d", status)
	}
	if status, _ := ts.call("GET", "/api/v1/cases", "intake", nil); status != 401 {
		t.Fatalf("a logged-out token: %d", status)
	}
	if status, _ := ts.call("GET", "/api/v1/cases", "leader", nil); status != 200 {
		t.Fatalf("another person's token was ended: %d", status)
	}
}
