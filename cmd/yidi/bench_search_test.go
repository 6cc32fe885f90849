package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"yidi/internal/shareddata"
)

// TestBenchSearchReportsBothEngines runs `yidi bench search` on 500
// generated cases. Built with -tags sqlite_fts5 (as .ci/run does once) it
// also runs every benchmark query through both FTS5 variants, so their SQL
// is checked; without the tag it reports that the comparison did not run.
func TestBenchSearchReportsBothEngines(t *testing.T) {
	cail := shareddata.Require(t, shareddata.RC, shareddata.SCM)
	var out bytes.Buffer
	dir := filepath.Join(t.TempDir(), "bench")
	if err := run(context.Background(), []string{"bench", "search", "--cases", "500", "--rounds", "1", "--dir", dir, "--cail", cail}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	report := out.String()
	for _, want := range []string{"重建索引：500 件", "100 条查询 × 1 轮"} {
		if !strings.Contains(report, want) {
			t.Fatalf("report lacks %q:\n%s", want, report)
		}
	}
	// Without the tag the comparison cannot run, and says why; with it,
	// any failure of its SQL (building the table included) fails the test.
	if !fts5Built {
		if !strings.Contains(report, "FTS5 对照未运行：本程序编译时未启用 FTS5") {
			t.Fatalf("built without FTS5, the report does not say so:\n%s", report)
		}
		t.Logf("built without FTS5: only bleve measured\n%s", report)
		return
	}
	if strings.Contains(report, "FTS5 对照未运行") {
		t.Fatalf("built with FTS5, the comparison did not run:\n%s", report)
	}
	row := regexp.MustCompile(`全部查询\s+100 \|(\s+[\d.]+ms){3} \|(\s+[\d.]+ms){3} \|\s+[\d.]+ \| [\d.]+ms / [\d.]+ms`)
	if !row.MatchString(report) {
		t.Fatalf("no latency row for both engines:\n%s", report)
	}
	t.Logf("\n%s", report)
}
