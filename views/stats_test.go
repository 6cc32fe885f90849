package views_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// download fetches a file answer and checks its type and attachment name.
func (ts *testServer) download(path, user, wantType string) []byte {
	ts.t.Helper()
	resp := ts.raw("GET", path, user, nil)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		ts.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
		ts.t.Errorf("GET %s: Content-Type %q, want %s", path, ct, wantType)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''") {
		ts.t.Errorf("GET %s: Content-Disposition %q", path, cd)
	}
	return body
}

func readCSV(t testing.TB, body []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\xef\xbb\xbf"))
	if !ok {
		t.Fatalf("CSV without a UTF-8 BOM: %q", body[:min(20, len(body))])
	}
	rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func readXLSX(t *testing.T, body []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCaseListExportsOpenAndMatchTheList(t *testing.T) {
	ts := newTestServer(t)
	var numbers []string
	for i, title := range []string{"拖欠工资纠纷", "楼上漏水, \"渗水\"纠纷", "宅基地界址争议"} {
		b := sampleIntake()
		b["title"] = title
		b["parties"] = []map[string]any{{"role": "applicant", "name": []string{"张三", "李四", "王五"}[i], "phone": "1380000000" + string(rune('1'+i))},
			{"role": "respondent", "name": "某某公司"}}
		numbers = append(numbers, ts.intake(b)["number"].(string))
	}
	ts.act("intake", numbers[0], "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", numbers[0], "accept", map[string]any{}, 200)
	ts.act("mediation", numbers[0], "close", map[string]any{"outcome": "达成调解协议", "closure_type": "procedural"}, 200)

	status, list := ts.call("GET", "/api/v1/cases?per_page=10", "leader", nil)
	if status != 200 || list["total"].(float64) != 3 {
		t.Fatalf("list: %d %v", status, list)
	}
	cst := time.FixedZone("CST", 8*3600)
	day := func(v any) string {
		if v == nil {
			return ""
		}
		tm, _ := time.Parse(time.RFC3339Nano, v.(string))
		return tm.In(cst).Format("2006-01-02 15:04")
	}
	want := [][]string{{"案号", "标题", "状态", "窗口", "类别", "乡镇", "登记时间", "办结时间", "结案方式", "是否按期", "当事人"}}
	for _, c := range list["cases"].([]any) {
		c := c.(map[string]any)
		status, desk, closure, onTime := "已登记待分流", "", "", ""
		if c["number"] == numbers[0] {
			status, desk, closure, onTime = "已办结", "人民调解", "程序性办结", "是"
		}
		if strings.Contains(c["parties"].(string), "1380") {
			t.Errorf("phone in the list: %v", c["parties"])
		}
		want = append(want, []string{c["number"].(string), c["title"].(string), status, desk, "劳动争议/欠薪", "城关镇",
			day(c["created_at"]), day(c["closed_at"]), closure, onTime, c["parties"].(string)})
	}
	if want[3][0] != numbers[0] || want[1][10] != "王五、某某公司" {
		t.Fatalf("list order or parties: %v", want)
	}
	if want[1][4] == "" {
		t.Fatal("no category label")
	}
	compare := func(kind string, got [][]string) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s has %d rows, want %d: %v", kind, len(got), len(want), got)
		}
		for i := range want {
			for j := range want[i] {
				g := ""
				if j < len(got[i]) {
					g = got[i][j]
				}
				if g != want[i][j] {
					t.Errorf("%s row %d col %d = %q, want %q", kind, i, j, g, want[i][j])
				}
			}
		}
	}
	compare("CSV", readCSV(t, ts.download("/api/v1/cases?format=csv", "leader", "text/csv")))
	compare("XLSX", readXLSX(t, ts.download("/api/v1/cases?format=xlsx", "leader",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))

	// The read rule holds in exports: petition's handler sees none of them,
	// mediation's the one it closed, admin nothing.
	if rows := readCSV(t, ts.download("/api/v1/cases?format=csv", "petition", "text/csv")); len(rows) != 1 {
		t.Errorf("petition exports %v", rows)
	}
	if rows := readCSV(t, ts.download("/api/v1/cases?format=csv", "mediation", "text/csv")); len(rows) != 2 || rows[1][0] != numbers[0] {
		t.Errorf("mediation exports %v", rows)
	}
	// Filters and their errors.
	if _, l := ts.call("GET", "/api/v1/cases?status=closed&closure_type=procedural", "leader", nil); l["total"].(float64) != 1 {
		t.Errorf("closed list %v", l)
	}
	for q, field := range map[string]string{"closed_from=2026-13-01": "closed_from", "on_time=yes": "on_time", "per_page=201": "per_page", "format=pdf": "format", "page=x": "page",
		"status=bogus": "status", "warning=blue": "warning", "closure_type=won": "closure_type"} {
		status, body := ts.call("GET", "/api/v1/cases?"+q, "leader", nil)
		if status != 400 || errorField(body) != field {
			t.Errorf("?%s: %d %v, want 400 on %s", q, status, body, field)
		}
	}
	if status, _ := ts.call("GET", "/api/v1/cases", "", nil); status != 401 {
		t.Errorf("anonymous list: %d", status)
	}
}

func TestStatsAnswersAsDocumented(t *testing.T) {
	ts := newTestServer(t)
	doc := loadOpenAPI(t)
	n := ts.intake(nil)["number"].(string)
	ts.intake(nil)
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", n, "accept", map[string]any{}, 200)
	ts.act("mediation", n, "close", map[string]any{"outcome": "达成调解协议", "closure_type": "procedural"}, 200)
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	path := "/api/v1/stats?from=" + today + "&to=" + today
	st := ts.callDocumented(doc, "GET", "/api/v1/stats", path, "leader", nil, 200)
	if st["received"].(float64) != 2 || st["closed"].(map[string]any)["total"].(float64) != 1 {
		t.Errorf("stats %v", st)
	}
	for _, k := range []string{"received", "closed", "resolution_rate", "on_time_rate", "satisfaction_rate", "repeat_visit_rate", "days_to_close", "overdue_open"} {
		if _, ok := st[k]; !ok {
			t.Errorf("api.md's key %q is missing", k)
		}
	}
	res := st["resolution_rate"].(map[string]any)
	if res["num"].(float64) != 0 || res["den"].(float64) != 1 || res["value"].(float64) != 0 {
		t.Errorf("resolution_rate %v", res)
	}
	if sat := st["satisfaction_rate"].(map[string]any); sat["den"].(float64) != 0 || sat["value"] != nil {
		t.Errorf("satisfaction_rate without ratings %v", sat)
	}
	// The closed figure's link lists exactly the closed case.
	link := st["links"].(map[string]any)["closed"].(string)
	_, l := ts.call("GET", "/api/v1/cases?"+link, "leader", nil)
	if cs := l["cases"].([]any); len(cs) != 1 || cs[0].(map[string]any)["number"] != n {
		t.Errorf("closed link %s lists %v", link, l)
	}
	// Leaders only.
	for _, u := range []string{"mediation", "intake", "admin"} {
		ts.checkErrorExamples(doc, "GET", "/api/v1/stats", 403, map[string]exampleRequest{"forbidden": {u, path, nil}})
	}
	ts.callDocumented(doc, "GET", "/api/v1/stats", path, "", nil, 401)
	ts.checkErrorExamples(doc, "GET", "/api/v1/stats", 400, map[string]exampleRequest{
		"invalid_period":  {"leader", "/api/v1/stats?period=2026-Q5", nil},
		"invalid_date":    {"leader", "/api/v1/stats?from=2026-02-30&to=2026-03-01", nil},
		"to_before_from":  {"leader", "/api/v1/stats?from=2026-03-02&to=2026-03-01", nil},
		"period_too_long": {"leader", "/api/v1/stats?from=2010-01-01&to=2026-03-01", nil},
		"invalid_format":  {"leader", "/api/v1/stats?format=pdf", nil},
	})
	ts.checkErrorExamples(doc, "GET", "/api/v1/cases", 400, map[string]exampleRequest{
		"invalid_date":          {"leader", "/api/v1/cases?closed_from=2026-02-30", nil},
		"invalid_boolean":       {"leader", "/api/v1/cases?on_time=1", nil},
		"per_page_out_of_range": {"leader", "/api/v1/cases?per_page=201", nil},
		"invalid_format":        {"leader", "/api/v1/cases?format=pdf", nil},
	})
	ts.callDocumented(doc, "GET", "/api/v1/cases", "/api/v1/cases?status=closed", "leader", nil, 200)

	// The same figures as files: 指标/分子/分母/比率 rows, CSV and XLSX alike.
	csvRows := readCSV(t, ts.download(path+"&format=csv", "leader", "text/csv"))
	xlsxRows := readXLSX(t, ts.download(path+"&format=xlsx", "leader", "application/vnd.openxmlformats"))
	if len(csvRows) < 10 || len(csvRows) != len(xlsxRows) || csvRows[0][1] != "指标" {
		t.Fatalf("stats files: %d CSV rows, %d XLSX rows: %v", len(csvRows), len(xlsxRows), csvRows[:min(3, len(csvRows))])
	}
	found := false
	for i, r := range csvRows {
		if r[1] == "化解率" && strings.HasPrefix(r[0], "合计") {
			found = r[2] == "0" && r[3] == "1" && r[4] == "0"
		}
		for j := range r {
			if j < len(xlsxRows[i]) && xlsxRows[i][j] != r[j] {
				t.Errorf("row %d col %d: XLSX %q, CSV %q", i, j, xlsxRows[i][j], r[j])
			}
		}
	}
	if !found {
		t.Errorf("no 化解率 0/1 row in %v", csvRows)
	}
}
