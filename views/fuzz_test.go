package views_test

// Fuzz target (issue 15): go test -run '^$' -fuzz '^FuzzPublicStatusParameters$' ./views.

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"yidi/cases"
	"yidi/views"
)

// Whatever number and code a citizen sends, to the API or the page, the
// answer is 200, 400 or 404 (never a 500), JSON in the error shape under
// /api, and a 200 only for the case's own number and code as the citizen
// may type them (any case, with or without dash and spaces). In a seed,
// @N@ in the number and @C@ in the code stand for the real ones.
func FuzzPublicStatusParameters(f *testing.F) {
	ts := newTestServer(f, views.Options{PublicFailures: 1 << 30, PublicCaseFailures: 1 << 30})
	c := ts.intake(nil)
	realNumber, realCode := c["number"].(string), c["query_code"].(string)
	canonical := func(code string) string { return strings.NewReplacer("-", "", " ", "").Replace(strings.ToUpper(code)) }
	f.Fuzz(func(t *testing.T, number, code, extra string) {
		number = strings.ReplaceAll(number, "@N@", realNumber)
		code = strings.ReplaceAll(code, "@C@", realCode)
		q := url.Values{"number": {number}, "code": {code}}.Encode()
		if strings.Trim(extra, "!#$%&'()*+,-./0123456789:;=@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz~") == "" {
			q += "&" + extra // raw query text, as long as it fits in a request line
		}
		mine := cases.NormalizeCaseNumber(number) == realNumber && canonical(code) == canonical(realCode)
		for _, path := range []string{"/api/v1/public/status", "/status"} {
			req := httptest.NewRequest("GET", "/", nil)
			req.URL.Path, req.URL.RawQuery = path, q
			req.RequestURI = req.URL.RequestURI()
			resp, err := ts.app.Test(req, -1)
			if err != nil {
				t.Fatalf("%s?%s: %v", path, q, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case resp.StatusCode == 200 && !mine && (number != "" || code != ""):
				t.Fatalf("%s?%s: 200 for number %q and code %q, not the case's own", path, q, number, code)
			case resp.StatusCode != 200 && resp.StatusCode != 400 && resp.StatusCode != 404:
				t.Fatalf("%s?%s: %d %s", path, q, resp.StatusCode, body)
			case mine && resp.StatusCode != 200 && !strings.Contains(extra, "number") && !strings.Contains(extra, "code"):
				t.Fatalf("%s?%s: %d for the case's own number and code", path, q, resp.StatusCode)
			}
			if path == "/status" {
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					t.Fatalf("%s?%s: the page answered %s", path, q, resp.Header.Get("Content-Type"))
				}
				continue
			}
			var out struct {
				Number string
				Error  *struct{ Code, Message string }
			}
			if err := json.Unmarshal(body, &out); err != nil {
				t.Fatalf("%s?%s: not JSON: %s", path, q, body)
			}
			if resp.StatusCode == 200 && out.Number != realNumber || resp.StatusCode != 200 && (out.Error == nil || out.Error.Code == "" || out.Error.Message == "") {
				t.Fatalf("%s?%s: %d %s", path, q, resp.StatusCode, body)
			}
		}
	})
}
