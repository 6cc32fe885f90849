package views_test

// Issue 15's smaller findings: the empty search, CSV formula injection,
// and the API's answer to a body it cannot read.

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"yidi/views"
	"yidi/views/web"
)

// A search with no text and no filter scores nothing; bleve's NaN score
// made the JSON encoder fail with a 500 for every role.
func TestEmptySearchAnswersForEveryRole(t *testing.T) {
	ts := newTestServer(t)
	for _, desk := range []string{"mediation", "petition", "litigation", "governance"} {
		n := ts.intake(nil)["number"].(string)
		ts.act("intake", n, "route", map[string]any{"desk": desk}, 200)
	}
	ts.catchUp()
	for _, user := range []string{"mediation", "petition", "litigation", "governance", "leader", "intake", "admin"} {
		status, out := ts.call("GET", "/api/v1/search", user, nil)
		if status != 200 {
			t.Errorf("GET /api/v1/search as %s: %d %v", user, status, out)
			continue
		}
		if user == "mediation" && out["total"] != float64(1) {
			t.Errorf("mediation sees %v cases, want its one", out["total"])
		}
	}
}

func TestCSVCellsThatASpreadsheetWouldRunAreNeutralised(t *testing.T) {
	inputs := []string{"=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\tcmd", "\rcmd", "正常文本", "a=b"}
	var buf bytes.Buffer
	cols := []web.Column{{Name: "文本"}, {Name: "数量", Numeric: true}}
	err := web.WriteCSV(&buf, cols, func(yield func([]string) error) error {
		for _, in := range inputs {
			if err := yield([]string{in, "-3"}); err != nil {
				return err
			}
		}
		return yield([]string{"x", "=1+1"})
	})
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, in := range inputs {
		got := records[i+1][0]
		want := in
		if strings.ContainsRune("=+-@\t\r", rune(in[0])) {
			want = "'" + in
		}
		if got != want {
			t.Errorf("cell %q exported as %q, want %q", in, got, want)
		}
		if records[i+1][1] != "-3" {
			t.Errorf("a negative number became %q", records[i+1][1])
		}
	}
	if last := records[len(records)-1][1]; last != "'=1+1" {
		t.Errorf("a formula in a numeric column exported as %q", last)
	}
}

func TestCaseExportNeutralisesFormulasFromIntake(t *testing.T) {
	ts := newTestServer(t)
	for _, title := range []string{"=1+1", "+1", "-1", "@SUM(A1)"} {
		body := sampleIntake()
		body["title"] = title
		ts.intake(body)
	}
	resp := ts.raw("GET", "/api/v1/cases?format=csv", "leader", nil)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff")))).ReadAll()
	if err != nil || len(records) != 5 {
		t.Fatalf("export: %d %v %s", resp.StatusCode, err, raw)
	}
	for _, r := range records[1:] {
		if !strings.HasPrefix(r[1], "'") {
			t.Errorf("title %q exported unneutralised", r[1])
		}
	}
}

// Under /api every error is JSON, also a body over the limit and a
// multipart body that cannot be parsed.
func TestUnreadableBodiesAnswerJSONUnderTheAPI(t *testing.T) {
	ts := newTestServer(t, views.Options{BodyLimit: 1 << 10, UploadLimit: 4 << 10})
	base := ts.listen()
	post := func(path, contentType string, body []byte) (int, string, string) {
		t.Helper()
		req := httptest.NewRequest("POST", base+path, bytes.NewReader(body))
		req.RequestURI = ""
		req.Header.Set("Content-Type", contentType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(raw)
	}
	for _, c := range []struct {
		name, path, contentType string
		body                    []byte
		status                  int
		code                    string
	}{
		{"JSON over the body limit", "/api/v1/public/applications", "application/json", bytes.Repeat([]byte("x"), 2<<10), 413, "too_large"},
		{"upload over the upload limit", "/api/v1/public/messages", "multipart/form-data; boundary=XX", bytes.Repeat([]byte("x"), 8<<10), 413, "too_large"},
		{"multipart without its boundary", "/api/v1/public/messages", "multipart/form-data", []byte("--XX\r\n"), 400, "invalid_form"},
		{"multipart cut short", "/api/v1/public/messages", "multipart/form-data; boundary=XX", []byte("--XX\r\nContent-Disposition: form-data; name=\"number\"\r\n\r\nYD"), 400, "invalid_form"},
	} {
		status, ct, body := post(c.path, c.contentType, c.body)
		if status != c.status || !strings.HasPrefix(ct, "application/json") || !strings.Contains(body, `"code":"`+c.code+`"`) {
			t.Errorf("%s: %d %s %s, want %d JSON %s", c.name, status, ct, body, c.status, c.code)
		}
	}
}
