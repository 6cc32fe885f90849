package views_test

// Issue 17, deployment: behind a trusted reverse proxy the limits count
// the client's own address; CORS for listed origins only; 405 with Allow;
// Retry-After on every 429; one access-log line per request.

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"yidi/views"
)

// statusVia looks number up with code through a connection from
// 127.0.0.from that says it forwards for client ("" sends no header).
func statusVia(t *testing.T, base string, from byte, client, number, code string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/public/status?"+url.Values{"number": {number}, "code": {code}}.Encode(), nil)
	if client != "" {
		req.Header.Set("X-Forwarded-For", client)
	}
	resp, err := fromAddress(from).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestTrustedProxyNamesTheClientAndNobodyElseDoes(t *testing.T) {
	const proxy, stranger = 9, 8
	ts := newTestServer(t, views.Options{TrustedProxies: []string{"127.0.0.9/32"}})
	base := ts.listen()
	a, b := ts.intake(nil), ts.intake(nil)
	// Ten wrong codes from one citizen behind the proxy lock out that
	// citizen, not another behind the same proxy.
	for range 10 {
		statusVia(t, base, proxy, "10.1.0.1", a["number"].(string), wrongCode(a["query_code"].(string)))
	}
	if got := statusVia(t, base, proxy, "10.1.0.1", b["number"].(string), b["query_code"].(string)); got != 429 {
		t.Errorf("the guessing citizen behind the proxy: %d, want 429", got)
	}
	if got := statusVia(t, base, proxy, "10.1.0.2", b["number"].(string), b["query_code"].(string)); got != 200 {
		t.Errorf("another citizen behind the same proxy: %d, want 200", got)
	}
	// From a hop that is not trusted the header is ignored: a guesser
	// cannot dodge its limit by naming a new address each time.
	for i := range 10 {
		statusVia(t, base, stranger, "10.2.0."+string(rune('0'+i)), a["number"].(string), wrongCode(a["query_code"].(string)))
	}
	if got := statusVia(t, base, stranger, "10.2.0.99", b["number"].(string), b["query_code"].(string)); got != 429 {
		t.Errorf("an untrusted hop naming a fresh address after 10 wrong codes: %d, want 429", got)
	}
}

// A proxy that appends to what the client sent (nginx's
// $proxy_add_x_forwarded_for, or a load balancer in front of nginx): the
// client's own address is the right-most hop that is not a trusted proxy,
// and whatever the client wrote to the left of it does not count.
func TestAnAppendingProxyChainStillNamesTheClient(t *testing.T) {
	const nginx = 9
	ts := newTestServer(t, views.Options{TrustedProxies: []string{"127.0.0.9", "10.9.0.0/16"}})
	base := ts.listen()
	a, b := ts.intake(nil), ts.intake(nil)
	// The guesser names a fresh address on the left of each request; the
	// load balancer 10.9.0.5 appended the guesser's real address.
	for i := range 10 {
		spoofed := "10.2.0." + string(rune('0'+i))
		statusVia(t, base, nginx, spoofed+", 203.0.113.7, 10.9.0.5", a["number"].(string), wrongCode(a["query_code"].(string)))
	}
	if got := statusVia(t, base, nginx, "10.2.0.99, 203.0.113.7, 10.9.0.5", b["number"].(string), b["query_code"].(string)); got != 429 {
		t.Errorf("the guesser behind an appending chain: %d, want 429", got)
	}
	if got := statusVia(t, base, nginx, "203.0.113.8, 10.9.0.5", b["number"].(string), b["query_code"].(string)); got != 200 {
		t.Errorf("another citizen behind the same chain: %d, want 200", got)
	}
}

func TestWithoutTrustedProxiesTheHeaderIsIgnored(t *testing.T) {
	ts := newTestServer(t)
	base := ts.listen()
	a, b := ts.intake(nil), ts.intake(nil)
	for i := range 10 {
		statusVia(t, base, 9, "10.3.0."+string(rune('0'+i)), a["number"].(string), wrongCode(a["query_code"].(string)))
	}
	if got := statusVia(t, base, 9, "10.3.0.99", b["number"].(string), b["query_code"].(string)); got != 429 {
		t.Errorf("a spoofed X-Forwarded-For without trusted proxies: %d, want 429 (the connection's address counts)", got)
	}
}

func TestCORSPreflightAdmitsOnlyTheListedOrigins(t *testing.T) {
	ts := newTestServer(t, views.Options{CORSOrigins: []string{"https://12345.example.gov.cn"}})
	preflight := func(origin string) *http.Response {
		return ts.raw("OPTIONS", "/api/v1/cases", "", nil, "Origin", origin, "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization,idempotency-key")
	}
	resp := preflight("https://12345.example.gov.cn")
	if got := resp.Header.Get("Access-Control-Allow-Origin"); resp.StatusCode != 204 || got != "https://12345.example.gov.cn" {
		t.Errorf("preflight from a listed origin: %d, Allow-Origin %q", resp.StatusCode, got)
	}
	if got := resp.Header.Get("Access-Control-Allow-Headers"); !strings.Contains(strings.ToLower(got), "idempotency-key") {
		t.Errorf("Access-Control-Allow-Headers = %q, want Idempotency-Key among them", got)
	}
	resp = preflight("https://evil.example.com")
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("preflight from an unlisted origin: Allow-Origin %q, want none", got)
	}
	// Without --cors-origins no origin is admitted.
	resp = newTestServer(t).raw("OPTIONS", "/api/v1/cases", "", nil, "Origin", "https://12345.example.gov.cn", "Access-Control-Request-Method", "POST")
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("preflight without configured origins: Allow-Origin %q, want none", got)
	}
}

func TestWrongMethodOnARouteIs405WithAllow(t *testing.T) {
	ts := newTestServer(t)
	for _, c := range []struct{ method, path, allow string }{
		{"DELETE", "/api/v1/cases", "GET, HEAD, POST"},
		{"GET", "/api/v1/public/messages", "POST"},
		{"PUT", "/api/v1/cases/YD-2026-00001", "GET, HEAD"},
		{"POST", "/healthz", "GET, HEAD"},
	} {
		resp := ts.raw(c.method, c.path, "intake", nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != c.allow {
			t.Errorf("%s %s: %d Allow %q, want 405 Allow %q", c.method, c.path, resp.StatusCode, resp.Header.Get("Allow"), c.allow)
		}
		if !bytes.Contains(body, []byte(`"method_not_allowed"`)) {
			t.Errorf("%s %s: %s, want the error code method_not_allowed", c.method, c.path, body)
		}
	}
	if status, body := ts.call("GET", "/api/v1/nothing-here", "intake", nil); status != 404 || errorCode(body) != "route_not_found" {
		t.Errorf("an unknown address: %d %v, want 404 route_not_found", status, body)
	}
}

func TestEvery429SaysWhenToComeBack(t *testing.T) {
	ts := newTestServer(t, views.Options{LoginFailures: 1})
	ts.call("POST", "/api/v1/auth/token", "", map[string]string{"username": "admin", "password": "wrong-password"})
	resp := ts.raw("POST", "/api/v1/auth/token", "", map[string]string{"username": "admin", "password": "wrong-password"})
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || resp.Header.Get("Retry-After") == "0" {
		t.Errorf("API login lockout: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	resp = ts.raw("POST", "/login", "", "username=admin&password=wrong-password", "Content-Type", "application/x-www-form-urlencoded")
	if resp.StatusCode == 429 && resp.Header.Get("Retry-After") == "" {
		t.Errorf("staff login page lockout: 429 without Retry-After")
	}
}

func TestAccessLogHasNoQueryCodes(t *testing.T) {
	var log bytes.Buffer
	ts := newTestServer(t, views.Options{AccessLog: &log})
	c := ts.intake(nil)
	log.Reset()
	code := c["query_code"].(string)
	resp := ts.raw("GET", "/api/v1/public/status?"+url.Values{"number": {c["number"].(string)}, "code": {code}}.Encode(), "", nil)
	line := log.String()
	if !strings.Contains(line, "GET /api/v1/public/status 200 ") || !strings.Contains(line, resp.Header.Get("X-Request-ID")) {
		t.Errorf("access log line %q lacks method, path, status or request id %q", line, resp.Header.Get("X-Request-ID"))
	}
	if strings.Contains(line, code) || strings.Contains(line, "?") {
		t.Errorf("access log line %q shows the query", line)
	}
}
