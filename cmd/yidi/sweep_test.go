package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"yidi/cases"
)

func TestCalendarImportLoadsAYearAndRefusesABadLine(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "2027.csv")
	if err := os.WriteFile(file, []byte("# 2027\n2027-01-01,休,元旦\n2027-02-20,班,春节调休上班\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"calendar", "import", file, "--data", data}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "已导入 2 天：放假 1 天，调休上班 1 天") {
		t.Errorf("output: %s", out.String())
	}
	days, err := openForTest(t, data).CalendarDays(ctx, cases.Actor{Role: cases.RoleAdmin}, 2027)
	if err != nil || len(days) != 2 || !days[1].Working || days[1].Name != "春节调休上班" {
		t.Fatalf("2027: %v %v", days, err)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("2027-01-01,休,元旦\n2027-13-01,休,x\n"), 0o600)
	err = run(ctx, []string{"calendar", "import", bad, "--data", data}, &out)
	if err == nil || !strings.Contains(describe(err), "第2行") {
		t.Fatalf("a bad line: %v", err)
	}
}

func TestSweepCommandRunsOnce(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"sweep", "--data", t.TempDir()}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "新增黄色预警 0 件，超期红色预警 0 件") {
		t.Errorf("output: %s", out.String())
	}
	if err := run(context.Background(), []string{"sweep", "--warn-share", "1.5", "--data", t.TempDir()}, &out); err == nil {
		t.Error("a share over 1 was accepted")
	}
}
