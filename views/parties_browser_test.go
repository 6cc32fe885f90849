package views_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Issue 16's story of parties and corrections in a real browser: an
// organisation and a passport holder registered at the intake form (the
// 证件类型 select shows each row's own extra field), then a 补正 on the
// case page, seen in the staff timeline and, as one plain line, by the
// citizen.
func TestBrowserOrganisationPassportAndCorrection(t *testing.T) {
	ts := newTestServer(t)
	cr := ts.chrome(120 * time.Second)
	cr.login("intake")
	cr.open("/intake")
	visible := func(sel string) bool {
		var v bool
		cr.run("is "+sel+" shown", chromedp.Evaluate(`!!document.querySelector(`+"`"+sel+"`"+`).offsetParent`, &v))
		return v
	}
	// choose picks a 证件类型 as a person does, so app.js hears the change.
	choose := func(row, idType string) chromedp.Tasks {
		sel := "#party_id_type_" + row
		return chromedp.Tasks{chromedp.SetValue(sel, idType, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector("`+sel+`").dispatchEvent(new Event("change", {bubbles: true}))`, nil)}
	}
	if visible("#party_country_0") || visible("#party_legal_representative_1") {
		t.Error("with JavaScript, a 身份证 row should not show the passport's country or the 法定代表人")
	}
	cr.run("a passport holder", choose("0", "passport"),
		chromedp.SendKeys("#party_id_number_0", "M70012345", chromedp.ByID),
		chromedp.SendKeys("#party_name_0", "Anna Lee", chromedp.ByID),
		chromedp.SendKeys("#party_phone_0", "13800000000", chromedp.ByID))
	if !visible("#party_country_0") {
		t.Fatal("choosing 护照 does not show the country field")
	}
	cr.run("an organisation",
		chromedp.SendKeys("#party_country_0", "USA", chromedp.ByID), choose("1", "credit_code"),
		chromedp.SendKeys("#party_id_number_1", orgCode, chromedp.ByID),
		chromedp.SendKeys("#party_name_1", "温州某某贸易有限公司", chromedp.ByID))
	if !visible("#party_legal_representative_1") {
		t.Fatal("choosing 统一社会信用代码 does not show the 法定代表人 field")
	}
	cr.run("the dispute",
		chromedp.SendKeys("#party_legal_representative_1", "王某某", chromedp.ByID),
		chromedp.SendKeys("#title", "货款纠纷", chromedp.ByID),
		chromedp.SetValue("#category", "consumer", chromedp.ByID),
		chromedp.SendKeys("#town", "城关镇", chromedp.ByID),
		chromedp.SendKeys("#summary", "申请人向被申请人订购的货物未按期交付，已付货款未退还。", chromedp.ByID))
	cr.shoot("16-intake-passport-org")
	cr.run("register", chromedp.Submit(`#intake-form`, chromedp.ByQuery), chromedp.WaitVisible("#receipt", chromedp.ByID))
	number, code := cr.text("#case-number"), cr.text("#query-code")

	cr.open("/cases/" + number)
	facts := cr.text(`section[aria-labelledby="h-facts"]`)
	for _, want := range []string{"护照（美国）", "M7*****45", "Anna Lee", "法定代表人：王某某", "统一社会信用代码"} {
		if !strings.Contains(facts, want) {
			t.Errorf("the case page's parties lack %q:\n%s", want, facts)
		}
	}
	// 补正: the applicant's name was misspelt and the title too general.
	cr.run("open the correction form",
		chromedp.Click(`#correction summary`, chromedp.ByQuery),
		chromedp.WaitVisible("#corr-title", chromedp.ByID))
	cr.run("correct",
		chromedp.Evaluate(`document.getElementById("corr-title").value = ""; document.getElementById("corr-name_0").value = ""`, nil),
		chromedp.SendKeys("#corr-title", "网购货款纠纷", chromedp.ByID),
		chromedp.SendKeys("#corr-name_0", "Anna Li", chromedp.ByID),
		chromedp.Click(`#correction button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible("#corr-reason-err", chromedp.ByID))
	var focused string
	// autofocus applies once the page has settled; give it a moment.
	cr.run("focus", chromedp.Poll(`document.activeElement && document.activeElement.id === "corr-reason"`, nil,
		chromedp.WithPollingTimeout(5*time.Second)), chromedp.Evaluate(`document.activeElement.id`, &focused))
	if focused != "corr-reason" {
		t.Errorf("a correction without reason should focus the reason; focus is on %q", focused)
	}
	if kept := cr.value("#corr-name_0"); kept != "Anna Li" {
		t.Errorf("the name typed was lost: %q", kept)
	}
	cr.shoot("16-correction-error")
	cr.run("give the reason",
		chromedp.SendKeys("#corr-reason", "护照姓名登记错误", chromedp.ByID),
		chromedp.Click(`#correction button[type=submit]`, chromedp.ByQuery))
	// A separate step: the post/redirect/get navigates while it is watched.
	cr.run("corrected", chromedp.Sleep(500*time.Millisecond),
		chromedp.Poll(`location.search.includes("done=correction") && !!document.getElementById("timeline")`, nil))
	timeline := cr.text(".timeline")
	for _, want := range []string{"补正登记信息", "补正理由：护照姓名登记错误", "案由/标题：货款纠纷 → 网购货款纠纷",
		"当事人1（申请人）姓名或名称：Anna Lee → Anna Li", "王窗口"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the staff timeline lacks %q:\n%s", want, timeline)
		}
	}
	cr.shoot("16-correction-timeline")

	// The citizen's view: corrected, without the details.
	cr.logout()
	cr.run("citizen status",
		chromedp.Navigate(cr.base+"/status?"+url.Values{"number": {number}, "code": {code}}.Encode()),
		chromedp.WaitVisible("main h1", chromedp.ByQuery))
	page := cr.text("main")
	if !strings.Contains(page, "登记信息已更正") {
		t.Errorf("the citizen's view lacks the correction:\n%s", page)
	}
	for _, secret := range []string{"Anna Lee", "护照姓名登记错误", "→"} {
		if strings.Contains(page, secret) {
			t.Errorf("the citizen's view shows %q", secret)
		}
	}
	cr.shoot("16-correction-citizen")
}
