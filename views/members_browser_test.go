package views_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Issue 19's group case in a real browser: thirty workers' sheet on the
// 信访 desk's case page — members, totals, the representatives' warning —
// then a spoiled sheet refused through the form with its row errors, at
// desk and phone width.
func TestBrowserGroupMembersSectionAndImport(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(intakeOfParties(
		map[string]any{"role": "applicant", "name": "张三", "id_number": workerID(0), "phone": "13900010000"},
		map[string]any{"role": "respondent", "name": "王包工", "chain_role": "labour_subcontractor"},
		map[string]any{"role": "respondent", "name": "温州某某建设有限公司", "chain_role": "general_contractor"}))
	n := c["number"].(string)
	ts.act("intake", n, "route", map[string]any{"desk": "petition"}, 200)
	ts.act("petition", n, "accept", nil, 200)
	sheet := wageSheet(nil)
	for row := 5; row <= 7; row++ { // six representatives in all
		sheet[row-1][4] = "是"
	}
	if status, res := ts.importCSV("petition", n, csvOf(sheet)); status != 200 || res["imported"].(float64) != 30 {
		t.Fatalf("import: %d %v", status, res)
	}

	cr := ts.chrome(150 * time.Second)
	cr.withAxe()
	cr.login("petition")
	cr.open("/cases/" + n)
	members := cr.text("#members")
	for _, want := range []string{"成员 30 名", "代表 6 名", "不超过5人", "萧宏伟", "3303", "139****0029", "2025-03至2025-11", "合计 30 名", "Excel 模板"} {
		if !strings.Contains(members, want) {
			t.Errorf("the members section lacks %q", want)
		}
	}
	if chain := cr.text("#chain"); !strings.Contains(chain, "温州某某建设有限公司（总承包） → 王包工（劳务分包）") {
		t.Errorf("the chain reads %q", chain)
	}
	var scrolls bool
	cr.run("the table scrolls in its box", chromedp.Evaluate(`(() => { const w = document.querySelector(".members-wrap"); return w.scrollHeight > w.clientHeight })()`, &scrolls))
	if !scrolls {
		t.Error("thirty members do not scroll inside their box")
	}
	cr.run("to the members", chromedp.ScrollIntoView("#members", chromedp.ByID))
	cr.axeCheck("/cases/" + n + " with members")
	cr.shoot("19-members")

	// A spoiled sheet through the form: row errors, nothing imported.
	bad := wageSheet(map[int][2]string{5: {"id_number", badCheckDigit(workerID(3))}, 12: {"claim_amount", "12.345"}})
	file := filepath.Join(t.TempDir(), "工资表.xlsx")
	if err := os.WriteFile(file, xlsxOf(t, bad), 0o644); err != nil {
		t.Fatal(err)
	}
	cr.run("upload a spoiled sheet",
		chromedp.Click("#act-members summary", chromedp.ByQuery),
		chromedp.SetUploadFiles("#members-file", []string{file}, chromedp.ByID),
		chromedp.Click("#act-members button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible(".row-errors", chromedp.ByQuery))
	errs := cr.text("#act-members .error")
	for _, want := range []string{"未导入任何成员", "第5行 身份证号", "第12行 诉求金额", "两位小数"} {
		if !strings.Contains(errs, want) {
			t.Errorf("the refused import lacks %q: %s", want, errs)
		}
	}
	cr.axeCheck("/cases/" + n + " refused import")
	cr.shoot("19-members-refused")
	if got := ts.caseAsLeader(n)["group"].(map[string]any)["members"].(float64); got != 30 {
		t.Errorf("after a refused import %v members, want 30", got)
	}
}
