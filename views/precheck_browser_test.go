package views_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The pre-check lists a case once: a case of the same person that also
// reads alike is among the same person's, not again among the similar
// (issue 16, item 11). The API's pre-check answers the same.
func TestPrecheckListsACaseOnce(t *testing.T) {
	ts := newTestServer(t)
	first := ts.intake(nil)["number"].(string)
	ts.catchUp()
	draft := sampleIntake()
	status, out := ts.call("POST", "/api/v1/cases/check", "intake", draft)
	if status != 200 {
		t.Fatalf("check: %d %v", status, out)
	}
	same, _ := out["same_person"].([]any)
	if len(same) != 1 || same[0].(map[string]any)["number"] != first {
		t.Fatalf("same person: %v", same)
	}
	for _, h := range out["similar"].([]any) {
		if h.(map[string]any)["number"] == first {
			t.Fatalf("%s is listed twice: %v", first, out)
		}
	}
	// Without the ID number the same case is a similar one again.
	parties := draft["parties"].([]map[string]any)
	parties[0]["id_number"], parties[0]["phone"] = "", ""
	_, out = ts.call("POST", "/api/v1/cases/check", "intake", draft)
	if sim, _ := out["similar"].([]any); len(sim) == 0 || sim[0].(map[string]any)["number"] != first {
		t.Fatalf("the similar list without the same person: %v", out)
	}
}

// At the counter: the form opens with the focus on the first ID number (no
// 16 Tabs); a known person's number fills the name and offers the phone on
// file, masked, which a blank phone keeps; the pre-check lists the earlier
// case once.
func TestBrowserIntakeOffersTheKnownPhone(t *testing.T) {
	ts := newTestServer(t)
	first := ts.intake(nil)["number"].(string)
	ts.catchUp()
	cr := ts.chrome(90 * time.Second)
	cr.login("intake")
	cr.open("/intake")
	var focused string
	cr.run("focus", chromedp.Evaluate(`document.activeElement.id`, &focused))
	if focused != "party_id_number_0" {
		t.Errorf("the intake form opens with the focus on %q, want the first ID number", focused)
	}
	var placeholder string
	cr.run("scan a known ID",
		chromedp.SendKeys("#party_id_number_0", "11010519491231002X", chromedp.ByID),
		chromedp.SendKeys("#title", "拖欠工资纠纷", chromedp.ByID),
		chromedp.SendKeys("#summary", "申请人于2026年3月至8月在被申请人承建的城关镇安置房工地从事木工，工资共计12000元至今未付。", chromedp.ByID),
		chromedp.WaitVisible(`#party_hint_0:not(:empty)`, chromedp.ByQuery),
		chromedp.AttributeValue("#party_phone_0", "placeholder", &placeholder, nil, chromedp.ByID),
		chromedp.WaitVisible("#precheck .warnbox", chromedp.ByQuery))
	if hint := cr.text("#party_hint_0"); !strings.Contains(hint, "138****0000") || !strings.Contains(hint, "留空即沿用") {
		t.Errorf("the known person's hint reads %q", hint)
	}
	if placeholder != "留空即沿用 138****0000" {
		t.Errorf("the phone field offers %q", placeholder)
	}
	var name string
	cr.run("name filled", chromedp.Value("#party_name_0", &name, chromedp.ByID))
	if name != "张三" {
		t.Errorf("the known name was not filled in: %q", name)
	}
	var listed int
	cr.run("count the earlier case", chromedp.Evaluate(`document.querySelectorAll('#precheck a[href="/cases/`+first+`"]').length`, &listed))
	if listed != 1 {
		t.Errorf("the pre-check lists %s %d times", first, listed)
	}
	cr.shoot("16-intake-known-person")
	cr.run("register with the phone left blank",
		chromedp.SetValue("#category", "labor", chromedp.ByID),
		chromedp.Submit("#intake-form", chromedp.ByQuery),
		chromedp.WaitVisible("#receipt", chromedp.ByID))
	second := cr.text("#case-number")
	c, err := ts.svc.CaseByNumberUnchecked(context.Background(), second)
	if err != nil {
		t.Fatal(err)
	}
	if c.Parties[0].Phone != "13800000000" {
		t.Errorf("a blank phone did not keep the one on file: %q", c.Parties[0].Phone)
	}
}
