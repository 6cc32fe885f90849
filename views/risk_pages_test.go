package views_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"
)

// The risk section of the case page, by form: the suggestion with its
// reasons, a refused assessment (no reason) with the message by the field,
// the assessment and the 包案 leader by post/redirect/get; the badge on
// the case list and its filter; the leader's board; the admin's rules.
func TestRiskPages(t *testing.T) {
	ts := newTestServer(t)
	n := ts.intake(groupWageIntake("30名工人扬言堵路。"))["number"].(string)
	other := ts.intake(nil)["number"].(string)
	br := newBrowser(t, ts.app)
	br.login("leader")
	_, page, _ := br.do("GET", "/cases/"+n, nil)
	for _, want := range []string{`id="risk-section"`, "系统建议", "橙色风险", "涉及人数30人以上（30人）", "扬言聚集堵路（“堵路”）", "评定风险等级"} {
		if !strings.Contains(page, want) {
			t.Errorf("the case page lacks %q", want)
		}
	}
	status, page := br.post("/cases/"+n+"/risk", url.Values{"level": {"red"}, "reason": {""}, "version": {br.caseVersion(n)}})
	if status != fiber.StatusBadRequest || !strings.Contains(page, `id="risk-error" role="alert">请填写评定理由`) {
		t.Fatalf("no reason: %d\n%s", status, errorsOf(page))
	}
	status, _, h := br.do("POST", "/cases/"+n+"/risk", url.Values{"level": {"red"}, "reason": {"扬言堵路，临近春节"},
		"version": {br.caseVersion(n)}, "_csrf": {br.csrf}})
	if status != fiber.StatusSeeOther {
		t.Fatalf("assess: %d", status)
	}
	_, page, _ = br.do("GET", h.Get("Location"), nil)
	if !strings.Contains(page, "风险等级已评定") || !strings.Contains(page, "缺少符合等级要求的包案领导") || !strings.Contains(page, `id="lead-form"`) {
		t.Fatalf("after assessing:\n%s", errorsOf(page))
	}
	status, _, h = br.do("POST", "/cases/"+n+"/lead", url.Values{"username": {"leader"}, "version": {br.caseVersion(n)}, "_csrf": {br.csrf}})
	if _, page, _ = br.do("GET", h.Get("Location"), nil); status != fiber.StatusSeeOther || !strings.Contains(page, "陈主任（leader）") {
		t.Fatalf("lead: %d", status)
	}
	_, page, _ = br.do("GET", "/cases?risk=red", nil)
	if !strings.Contains(page, n) || strings.Contains(page, other) || !strings.Contains(page, `<span class="tag risk-red">红色风险</span>`) {
		t.Errorf("/cases?risk=red lists the wrong cases or no badge")
	}
	_, page, _ = br.do("GET", "/leader", nil)
	if !strings.Contains(page, "红色、橙色风险在办案件（1 件）") || !strings.Contains(page, "450000.00 元") || !strings.Contains(page, "缺少包案领导（0 件）") {
		t.Errorf("the leader's board:\n%s", page)
	}
	_, page, _ = br.do("GET", "/leader/stats", nil)
	if !strings.Contains(page, "群体性纠纷（5人以上）") || !strings.Contains(page, "转绿率") {
		t.Errorf("the statistics lack the risk figures")
	}

	// A handler sees the level but no form.
	hb := newBrowser(t, ts.app)
	hb.login("intake")
	if _, page, _ = hb.do("GET", "/cases/"+n, nil); !strings.Contains(page, "红色风险") || strings.Contains(page, `id="risk-form"`) {
		t.Errorf("the intake window's case page: badge or form wrong")
	}
	if status, _ = hb.post("/cases/"+n+"/risk", url.Values{"level": {"green"}, "reason": {"x"}}); status != fiber.StatusForbidden {
		t.Errorf("intake posting a level: %d", status)
	}

	ab := newBrowser(t, ts.app)
	ab.login("admin")
	status, page = ab.post("/admin/risk-rules", url.Values{"kind": {"people"}, "label": {"人数"}, "threshold": {"-1"}, "level": {"red"}})
	if status != fiber.StatusBadRequest || !strings.Contains(page, "门槛应为正数") {
		t.Fatalf("a bad rule: %d\n%s", status, errorsOf(page))
	}
	status, _, _ = ab.do("POST", "/admin/risk-rules", url.Values{"kind": {"words"}, "label": {"讨薪"}, "words": {"讨薪"}, "level": {"yellow"},
		"active": {"1"}, "_csrf": {ab.csrf}})
	if _, page, _ = ab.do("GET", "/admin/risk-rules", nil); status != fiber.StatusSeeOther || !strings.Contains(page, "含：讨薪") {
		t.Errorf("adding a rule: %d", status)
	}
}

// The risk section and the leader's board in a real browser at desk and
// phone size: a leader confirms red and names the 包案 leader.
func TestBrowserRiskSectionAndLeaderView(t *testing.T) {
	ts := newTestServer(t)
	n := ts.intake(groupWageIntake("30名木工工资未付，工人代表称拿不到钱就去堵路、拉横幅。"))["number"].(string)
	small := sampleIntake()
	small["people_count"] = 8
	m := ts.intake(small)["number"].(string)
	if status, out := ts.call("POST", "/api/v1/cases/"+m+"/risk", "leader", map[string]any{"level": "orange", "reason": "8名工人多次来访"}); status != 200 {
		t.Fatalf("assess: %d %v", status, out)
	}
	c := ts.chrome(90 * time.Second)
	c.login("leader")
	c.open("/cases/" + n)
	c.run("assess red",
		chromedp.Click("#risk-form summary", chromedp.ByQuery),
		chromedp.Click(`#risk-form input[value="red"]`, chromedp.ByQuery),
		chromedp.SendKeys("#risk-reason", "工人扬言堵路、拉横幅，春节前须化解", chromedp.ByID),
		chromedp.Click(`#risk-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#lead-form", chromedp.ByQuery))
	c.run("name the lead",
		chromedp.Click("#lead-form summary", chromedp.ByQuery),
		chromedp.Click(`#lead-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.Sleep(time.Second))
	c.run("named", chromedp.Poll(`document.body.innerText.includes("已指定包案领导")`, nil))
	if got := c.text("#risk-section"); !strings.Contains(got, "红色风险") || !strings.Contains(got, "包案领导\n陈主任（leader）") || !strings.Contains(got, "扬言聚集堵路") {
		t.Errorf("the risk section says %q", got)
	}
	c.run("to the section", chromedp.ScrollIntoView("#risk-section", chromedp.ByQuery))
	c.shoot("19-case-risk")
	c.open("/leader")
	if got := c.text("main"); !strings.Contains(got, "红色、橙色风险在办案件（2 件）") || !strings.Contains(got, "缺少包案领导（1 件）") {
		t.Errorf("the leader's view says %q", got)
	}
	c.shoot("19-leader-risk")
}
