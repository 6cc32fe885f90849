package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"yidi/cases"
	"yidi/internal/shareddata"
)

// threeCailDocs is a small file in the cail2019-rc layout: a divorce, a
// wage claim against a company and a theft.
var threeCailDocs = map[string]any{
	"version": "1.0",
	"data": []map[string]any{
		{"caseid": "7", "domain": "civil", "paragraphs": []map[string]any{{
			"casename": "离婚纠纷",
			"context":  "经审理查明:原告曹0与被告张x1于2008年经人介绍相识,婚后生育一女,因性格不合常为家庭琐事争吵,现原告以夫妻感情破裂为由诉至本院,要求离婚",
			"qas":      []map[string]any{{"id": "7_1", "question": "原告为何起诉离婚？"}},
		}}},
		{"caseid": "8", "domain": "civil", "paragraphs": []map[string]any{{
			"casename": "追索劳动报酬纠纷",
			"context":  "原告刘0诉称,其于2016年3月起在被告某某建筑工程有限公司承建的平阳县南雁镇安置房工地务工,被告拖欠其工资18000元至今未付",
			"qas":      []map[string]any{{"id": "8_1", "question": "被告拖欠原告多少工资？"}},
		}}},
		{"caseid": "9", "domain": "criminal", "paragraphs": []map[string]any{{
			"casename": "盗窃罪",
			"context":  "即墨市人民检察院指控：2013年3月2日凌晨，被告人李某甲、狄某窜至即墨市某小区，盗走被害人滕某电动车一辆，价值人民币3000元。",
			"qas":      []map[string]any{{"id": "9_1", "question": "被告人盗走了什么？"}},
		}}},
	},
}

func writeJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cail.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func openForTest(t *testing.T, data string) *cases.Service {
	t.Helper()
	store, err := cases.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return cases.NewService(store)
}

func TestImportCailTwiceImportsOnceAndSaysSo(t *testing.T) {
	ctx := context.Background()
	file, data := writeJSON(t, threeCailDocs), t.TempDir()

	var out bytes.Buffer
	if err := importCommand(ctx, []string{file, "--data", data}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "新增 3 件，已存在跳过 0 件") {
		t.Fatalf("first import said:\n%s", out.String())
	}
	for _, want := range []string{"marriage_family", "labor", "litigation_related"} {
		if !regexp.MustCompile(want + `\s+\S+\s+1\n`).MatchString(out.String()) {
			t.Fatalf("no count of 1 for %s in:\n%s", want, out.String())
		}
	}
	// Not a terminal: plain lines, no bar drawn with escape codes.
	if strings.ContainsAny(out.String(), "\r\x1b") {
		t.Fatalf("escape codes in non-terminal output: %q", out.String())
	}

	out.Reset()
	if err := importCommand(ctx, []string{"--data", data, file}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "新增 0 件，已存在跳过 3 件") {
		t.Fatalf("second import said:\n%s", out.String())
	}

	svc := openForTest(t, data)
	if n, _ := svc.CaseCount(ctx); n != 3 {
		t.Fatalf("%d cases after two imports, want 3", n)
	}
	leader := cases.SystemActor
	byTitle := map[string]*cases.Case{}
	for _, number := range []string{"YD-2019-00001", "YD-2022-00001", "YD-2025-00001"} {
		if c, err := svc.Case(ctx, leader, number); err == nil {
			byTitle[c.Title] = c
		}
	}
	if len(byTitle) != 3 {
		// The dates are spread deterministically; find the cases however numbered.
		byTitle = map[string]*cases.Case{}
		docs, err := svc.AllCases(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			c, err := svc.Case(ctx, leader, d.Number)
			if err != nil {
				t.Fatal(err)
			}
			byTitle[c.Title] = c
		}
	}
	divorce, wages, theft := byTitle["离婚纠纷"], byTitle["追索劳动报酬纠纷"], byTitle["盗窃罪"]
	if divorce == nil || wages == nil || theft == nil {
		t.Fatalf("cases by title: %v", byTitle)
	}
	for _, c := range []*cases.Case{divorce, wages, theft} {
		if c.Status != cases.StatusClosed || c.ClosedAt == nil || c.Source != "referral" ||
			c.CreatedAt.Year() < 2019 || c.ClosedAt.Year() > 2025 {
			t.Fatalf("%s: status %s source %s registered %v closed %v", c.Title, c.Status, c.Source, c.CreatedAt, c.ClosedAt)
		}
		events, err := svc.Timeline(ctx, leader, c.Number)
		if err != nil || len(events) != 2 || events[0].Kind != cases.EventIntake || events[1].Kind != cases.EventClose {
			t.Fatalf("%s timeline: %+v %v", c.Title, events, err)
		}
	}
	if divorce.Category != "marriage_family" || divorce.Desk != "mediation" || partyNames(divorce) != "applicant 曹0 / respondent 张x1" {
		t.Fatalf("divorce: %s at %s, %s", divorce.Category, divorce.Desk, partyNames(divorce))
	}
	if wages.Category != "labor" || wages.Desk != "litigation" || wages.Town != "南雁镇" ||
		partyNames(wages) != "applicant 刘0 / respondent 某某建筑工程有限公司" || wages.Parties[1].Kind != cases.PersonOrganisation {
		t.Fatalf("wages: %s at %s in %q, %s", wages.Category, wages.Desk, wages.Town, partyNames(wages))
	}
	if theft.Category != "litigation_related" || partyNames(theft) != "applicant 滕某 / respondent 李某甲 / respondent 狄某" {
		t.Fatalf("theft: %s, %s", theft.Category, partyNames(theft))
	}
}

func partyNames(c *cases.Case) string {
	var parts []string
	for _, p := range c.Parties {
		parts = append(parts, p.Role+" "+p.Name)
	}
	return strings.Join(parts, " / ")
}

func TestImportCailSkipsABadDocumentAndImportsTheRest(t *testing.T) {
	doc := map[string]any{"data": []map[string]any{
		{"domain": "civil", "paragraphs": []map[string]any{{"casename": "民间借贷纠纷", "context": "  "}}},
		{"domain": "civil", "paragraphs": []map[string]any{{"casename": "", "context": "原告王x0借给被告陈x1人民币5万元，到期未还。"}}},
	}}
	var out bytes.Buffer
	data := t.TempDir()
	if err := importCommand(context.Background(), []string{writeJSON(t, doc), "--data", data}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "新增 1 件，已存在跳过 0 件，无法导入 1 件") ||
		!strings.Contains(out.String(), "cail2019-rc:doc1：请填写事实与理由（summary）") {
		t.Fatalf("output:\n%s", out.String())
	}
	svc := openForTest(t, data)
	docs, _ := svc.AllCases(context.Background(), 0, 10)
	if len(docs) != 1 || docs[0].Title != "案由不详" || docs[0].Category != "other" {
		t.Fatalf("imported: %+v", docs)
	}
}

func TestImportCailRefusesWhatIsNotAFile(t *testing.T) {
	ctx := context.Background()
	var out bytes.Buffer
	var ue usageError
	if err := importCommand(ctx, []string{"--data", t.TempDir()}, &out); err == nil || !asUsage(err, &ue) {
		t.Fatalf("no file: %v", err)
	}
	if err := importCommand(ctx, []string{"a.json", "b.json"}, &out); err == nil || !asUsage(err, &ue) {
		t.Fatalf("two files: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"data": [`), 0o600)
	if err := importCommand(ctx, []string{bad, "--data", t.TempDir()}, &out); err == nil || !strings.Contains(err.Error(), "不是 CAIL2019") {
		t.Fatalf("broken JSON: %v", err)
	}
	empty := writeJSON(t, map[string]any{"data": []any{}})
	if err := importCommand(ctx, []string{empty, "--data", t.TempDir()}, &out); err == nil {
		t.Fatal("a file without documents imported nothing without a word")
	}
}

func asUsage(err error, ue *usageError) bool {
	u, ok := err.(usageError)
	*ue = u
	return ok
}

func TestProgressWritesSparsePlainLinesWhenNotATerminal(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, 1000, "导入历史案件")
	for range 1000 {
		p.Add(1)
	}
	p.Finish()
	p.Finish()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 2 || len(lines) > 10 || strings.ContainsAny(out.String(), "\r\x1b") {
		t.Fatalf("%d lines:\n%q", len(lines), out.String())
	}
	if !regexp.MustCompile(`^导入历史案件：1000/1000（100%），\d+ 件/秒$`).MatchString(lines[len(lines)-1]) {
		t.Fatalf("last line %q", lines[len(lines)-1])
	}
	if p.Done() != 1000 || p.Rate() <= 0 {
		t.Fatalf("done %d rate %f", p.Done(), p.Rate())
	}
}

// TestImportTheRealCailFile imports the 1,000 documents of the CAIL2019-RC
// dev set twice (about a second each) and logs the rate.
func TestImportTheRealCailFile(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	file := shareddata.File(t, shareddata.RC)
	ctx := context.Background()
	data := t.TempDir()
	var out bytes.Buffer
	start := time.Now()
	if err := importCommand(ctx, []string{file, "--data", data}, &out); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if !strings.Contains(out.String(), "新增 1000 件，已存在跳过 0 件；") {
		t.Fatalf("first import:\n%s", out.String())
	}
	t.Logf("1000 documents imported in %v (%.0f cases/s, including reading the file)\n%s",
		took, 1000/took.Seconds(), out.String())

	out.Reset()
	start = time.Now()
	if err := importCommand(ctx, []string{file, "--data", data}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "新增 0 件，已存在跳过 1000 件；") {
		t.Fatalf("second import:\n%s", out.String())
	}
	t.Logf("re-import (all skipped) in %v", time.Since(start))

	svc := openForTest(t, data)
	docs, err := svc.AllCases(ctx, 0, 2000)
	if err != nil || len(docs) != 1000 {
		t.Fatalf("%d cases, %v", len(docs), err)
	}
	categories := map[string]bool{}
	for _, d := range docs {
		categories[d.Category] = true
		if d.Status != cases.StatusClosed || len(d.Parties) < 2 || d.Summary == "" {
			t.Fatalf("%s: %+v", d.Number, d)
		}
	}
	if len(categories) < 10 {
		t.Fatalf("only %d categories: %v", len(categories), categories)
	}
}
