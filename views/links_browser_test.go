package views_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A repeat visit merged at the counter, in a real browser: the intake
// officer merges the second case into the first through the confirmation
// step; the survivor's timeline shows both cases' events; the merged
// number's page lands on the survivor; and the citizen's code of the
// merged case shows the survivor's progress with the merge told in words.
func TestBrowserMergeSeenInBothTimelinesAndByTheCitizen(t *testing.T) {
	ts := newTestServer(t)
	a, _ := ts.mediationCase()
	in := ts.intake(repeatIntake())
	b, codeB := in["number"].(string), in["query_code"].(string)
	c := ts.chrome(90 * time.Second)
	c.login("intake")

	c.open("/cases/" + b)
	c.run("merge step one",
		chromedp.Click("#merge-form summary", chromedp.ByQuery),
		chromedp.SendKeys("#merge-into", a, chromedp.ByID),
		chromedp.SendKeys("#merge-reason", "同一欠薪纠纷再次来访", chromedp.ByID),
		chromedp.Click(`#merge-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".confirmbox", chromedp.ByQuery))
	if got := c.text(".confirmbox"); !strings.Contains(got, "将本案 "+b+" 并入 "+a) || !strings.Contains(got, "不可撤销") {
		t.Errorf("the confirmation says %q", got)
	}
	c.shoot("merge-confirm")
	var loc string
	c.run("merge confirmed",
		chromedp.Click(".confirmbox button.primary", chromedp.ByQuery),
		chromedp.WaitVisible(`[role="status"], .flash`, chromedp.ByQuery),
		chromedp.Location(&loc))
	if !strings.Contains(loc, "/cases/"+a) {
		t.Fatalf("after the merge the browser is at %s, want the survivor %s", loc, a)
	}
	timeline := c.text("ol.timeline")
	for _, want := range []string{"并案（他案并入）", "并案（并入他案）", "原案件 " + b, "受理登记"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the survivor's timeline lacks %q", want)
		}
	}
	if got := c.text("#links-section"); !strings.Contains(got, "已并入本案："+b) {
		t.Errorf("the 关联/并案 section says %q", got)
	}
	c.shoot("merge-survivor")

	c.run("open the merged number", chromedp.Navigate(c.base+"/cases/"+b), chromedp.WaitVisible("main h1", chromedp.ByQuery), chromedp.Location(&loc))
	if !strings.HasSuffix(loc, "/cases/"+a) {
		t.Errorf("/cases/%s lands at %s", b, loc)
	}
	c.logout()

	c.open("/status?number=" + b + "&code=" + url.QueryEscape(codeB))
	page := c.text("main")
	for _, want := range []string{"您查询的案件 " + b, "案件编号 " + a, "合并办理，今后的办理进展在此一并告知"} {
		if !strings.Contains(page, want) {
			t.Errorf("the citizen's page with %s's code lacks %q", b, want)
		}
	}
	c.shoot("merge-citizen")
}
