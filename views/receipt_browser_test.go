package views_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"yidi/cases"
)

// codeBox is how the query code lies on the page: its line boxes, its
// height against its font size, and whether it stays inside the receipt.
type codeBox struct {
	Rects  int     `json:"rects"`
	Height float64 `json:"height"`
	Font   float64 `json:"font"`
	Inside bool    `json:"inside"`
}

const measureCode = `(() => {
  const el = document.getElementById("query-code"), box = document.getElementById("receipt").getBoundingClientRect();
  const r = el.getBoundingClientRect();
  return {rects: el.getClientRects().length, height: r.height, font: parseFloat(getComputedStyle(el).fontSize),
    inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5};
})()`

// The 受理回执 in a real browser: the counter ticks the materials handed
// in (the checklist follows the category), the receipt names applicant,
// 受理人, the next step and the centre, carries a seal area and the
// 一次性告知书 of what is missing; on A4 and on the 80 mm slip, on screen
// and in print, the query code stays on one line inside the receipt. Then
// the case page ticks a material brought later.
func TestBrowserReceiptAtBothWidths(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	if err := ts.svc.AddTown(ctx, cases.SystemActor, "硖石街道"); err != nil {
		t.Fatal(err)
	}
	cr := ts.chrome(150 * time.Second)
	// The admin names the centre and adds a town on 中心设置.
	cr.login("admin")
	cr.open("/admin/settings")
	cr.run("name the centre",
		chromedp.SendKeys("#centre-name", "海宁市社会矛盾纠纷调处化解中心", chromedp.ByID),
		chromedp.SendKeys("#centre-address", "海宁市硖石街道文苑南路100号", chromedp.ByID),
		chromedp.SendKeys("#centre-phone", "0573-87012345", chromedp.ByID),
		chromedp.SendKeys("#centre-hours", "工作日 8:30-12:00，13:30-17:30", chromedp.ByID),
		chromedp.Submit("#centre-form", chromedp.ByID),
		chromedp.WaitVisible(".flash", chromedp.ByQuery))
	if got := cr.text(".flash"); got != "已保存中心信息。" {
		t.Errorf("after saving the centre the page says %q", got)
	}
	cr.run("add a town", chromedp.SendKeys("#new-town", "长安镇", chromedp.ByID),
		chromedp.Submit("#new-town", chromedp.ByID),
		// The page before had a flash too: wait for the list with the new town.
		chromedp.WaitVisible("#town-list li:nth-child(2)", chromedp.ByQuery))
	if got := cr.text(".flash"); got != "已保存：乡镇（街道）已加入列表。" {
		t.Errorf("after adding a town the page says %q", got)
	}
	if got := cr.text("#town-list"); !strings.Contains(got, "硖石街道") || !strings.Contains(got, "长安镇") {
		t.Errorf("the town list reads %q", got)
	}
	cr.shoot("settings-01-centre")
	cr.open("/admin/materials?category=labor")
	cr.shoot("settings-02-materials")
	cr.logout()
	cr.login("intake")
	cr.open("/intake")
	visibleGroups := func() string {
		var cats string
		cr.run("visible material groups", chromedp.Evaluate(
			`Array.from(document.querySelectorAll(".matgroup")).filter(g => !g.hidden).map(g => g.dataset.category).join(",")`, &cats))
		return cats
	}
	if got := visibleGroups(); got != "" {
		t.Errorf("before a category is chosen the checklist shows %q", got)
	}
	cr.run("fill the intake",
		chromedp.SendKeys("#party_name_0", "张三", chromedp.ByID),
		chromedp.SendKeys("#party_phone_0", "13800000000", chromedp.ByID),
		chromedp.SendKeys("#party_name_1", "海宁某某皮革有限公司", chromedp.ByID),
		chromedp.SendKeys("#title", "拖欠工资纠纷", chromedp.ByID),
		chromedp.SetValue("#category", "labor", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("category").dispatchEvent(new Event("change", {bubbles: true}))`, nil),
		chromedp.SendKeys("#town", "长安镇", chromedp.ByID),
		chromedp.SendKeys("#summary", "申请人在被申请人处做皮革裁剪工，2026年3月至8月工资共12000元未付。", chromedp.ByID))
	if got := visibleGroups(); got != "labor" {
		t.Fatalf("with 劳动争议 chosen the checklist shows %q", got)
	}
	cr.run("tick what was handed in",
		chromedp.Click(`input[name="material_labor"][value="id_proof"]`, chromedp.ByQuery),
		chromedp.Click(`input[name="material_labor"][value="employment_proof"]`, chromedp.ByQuery))
	cr.shoot("receipt-00-intake-materials")
	cr.run("submit", chromedp.Submit("#intake-form", chromedp.ByQuery), chromedp.WaitVisible("#receipt", chromedp.ByID))

	receipt := cr.text("#receipt")
	for _, want := range []string{"申请人\n张三", "受理人\n王窗口", "分流时限", "受理登记后1个工作日内分流", "海宁市社会矛盾纠纷调处化解中心",
		"地址：海宁市硖石街道文苑南路100号", "0573-87012345", "盖章处"} {
		if !strings.Contains(receipt, want) {
			t.Errorf("the receipt lacks %q:\n%s", want, receipt)
		}
	}
	notice := cr.text("#missing")
	if !strings.Contains(notice, "工资欠条或考勤记录") || !strings.Contains(notice, "用人单位名称、地址") || strings.Contains(notice, "身份证明") {
		t.Errorf("the 一次性告知书 lists %q", notice)
	}
	number := cr.text("#case-number")

	check := func(what string) {
		t.Helper()
		var b codeBox
		cr.run("measure the code "+what, chromedp.Evaluate(measureCode, &b))
		if b.Rects != 1 || b.Height > 1.8*b.Font || !b.Inside {
			t.Errorf("%s: the query code lies in %d boxes, %.1fpx high at %.1fpx font, inside the receipt %v",
				what, b.Rects, b.Height, b.Font, b.Inside)
		}
	}
	// 80 mm is 302 CSS pixels: the slip as the receipt printer's page.
	for _, l := range []struct {
		name  string
		slip  bool
		width int64
	}{{"a4", false, 794}, {"slip", true, 302}} {
		cr.run("layout "+l.name, chromedp.Evaluate(fmt.Sprintf(`document.body.classList.toggle("slip", %v)`, l.slip), nil),
			chromedp.EmulateViewport(l.width, 1100))
		check(l.name + " on screen")
		var png []byte
		cr.run("print "+l.name, emulation.SetEmulatedMedia().WithMedia("print"), chromedp.FullScreenshot(&png, 100))
		check(l.name + " in print")
		if err := os.WriteFile(filepath.Join(cr.artifacts, "receipt-print-"+l.name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		cr.run("screen again", emulation.SetEmulatedMedia().WithMedia(""))
	}
	cr.run("back to A4", chromedp.Evaluate(`document.body.classList.remove("slip")`, nil), chromedp.EmulateViewport(1366, 768))
	cr.shoot("receipt-01-materials")

	// The wage records arrive later: ticked on the case page.
	cr.open("/cases/" + number)
	cr.run("tick the wage records",
		chromedp.Click("#act-materials summary", chromedp.ByQuery),
		chromedp.Click(`#act-materials input[value="wage_proof"]`, chromedp.ByQuery),
		chromedp.Submit(`#act-materials form`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery))
	if got := cr.text("#checklist"); !strings.Contains(got, "已收 工资欠条或考勤记录") {
		t.Errorf("the checklist after ticking: %q", got)
	}
	if got := cr.text(".timeline"); !strings.Contains(got, "收到材料：工资欠条或考勤记录") {
		t.Errorf("the timeline does not tell of the material: %q", got)
	}
	cr.shoot("receipt-02-case-checklist")
}
