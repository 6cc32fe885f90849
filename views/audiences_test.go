package views_test

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestEachAudienceAnswersErrorsItsOwnWay: the API (mounted at /api) answers
// every error in api.md's JSON shape; the health check and static files
// answer a wrong address in JSON too; every other address is a page and
// gets the Chinese error page; the citizen's pages answer their own
// not-found in their own layout.
func TestEachAudienceAnswersErrorsItsOwnWay(t *testing.T) {
	ts := newTestServer(t)
	for _, r := range []struct {
		method, path string
		status       int
		json         bool
		text         string // in the JSON error's code, or the page
	}{
		{"GET", "/api/v1/nothing", 404, true, "route_not_found"},
		{"GET", "/api/nothing", 404, true, "route_not_found"},
		{"DELETE", "/api/v1/meta", 405, true, "method_not_allowed"},
		{"POST", "/api/v1/cases", 401, true, "unauthorized"},
		{"GET", "/static/nothing.css", 404, true, "route_not_found"},
		{"POST", "/static/app.css", 405, true, "method_not_allowed"},
		{"POST", "/healthz", 405, true, "method_not_allowed"},
		{"GET", "/nothing", 404, false, "没有这个页面。"},
		{"POST", "/nothing", 403, false, "CSRF 校验失败"},
		{"GET", "/status?number=YD-2026-99999&code=nothing", 404, false, "案号或查询码不正确"},
	} {
		resp, err := ts.app.Test(httptest.NewRequest(r.method, r.path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		isJSON := strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json")
		if resp.StatusCode != r.status || isJSON != r.json {
			t.Errorf("%s %s: %d %s, want %d json=%v", r.method, r.path, resp.StatusCode, resp.Header.Get("Content-Type"), r.status, r.json)
			continue
		}
		if r.json {
			var out map[string]any
			if err := json.Unmarshal(body, &out); err != nil {
				t.Fatalf("%s %s: %v", r.method, r.path, err)
			}
			checkErrorShape(t, out)
			if errorCode(out) != r.text {
				t.Errorf("%s %s: code %q, want %q", r.method, r.path, errorCode(out), r.text)
			}
		} else if !strings.Contains(string(body), r.text) {
			t.Errorf("%s %s: the page does not say %q", r.method, r.path, r.text)
		}
	}
}
