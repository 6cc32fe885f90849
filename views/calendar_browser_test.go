package views_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserWeekCalendarAndCitizenStatus looks at the week calendar of the
// mediation desk at desk size and the citizen's status page of the same
// case at phone size, after a session was held and an agreement signed:
// Chinese renders, the blocks sit in their day's column, and neither page
// scrolls sideways (chrome.shoot checks 1366×768 and 390×844).
func TestBrowserWeekCalendarAndCitizenStatus(t *testing.T) {
	f := newWeekFixture(t)
	ts := f.ts
	ts.at("2026-03-04", "11:00")
	ts.post("mediation", fmt.Sprintf("/api/v1/cases/%s/sessions/%d/record", f.med, f.wed), map[string]any{
		"attended": []string{"mediation", "张三", "李四"}, "minutes_text": "双方同意分期赔偿。", "result": "agreement"}, 200)
	ts.post("mediation", "/api/v1/cases/"+f.med+"/agreements", map[string]any{"form": "written", "facts": "排水沟改道致墙体受损。",
		"terms": "李四分两期赔偿张三修缮费用5000.50元。", "signed_on": "2026-03-04",
		"obligations": []map[string]any{
			{"obligor": "李四", "obligee": "张三", "content": "第一期赔偿修缮费", "amount": 3000, "due_on": "2026-03-20"},
			{"obligor": "李四", "obligee": "张三", "content": "恢复排水沟原状并清理院内积水淤泥", "due_on": "2026-04-20"},
		}}, 201)

	cr := ts.chrome(90 * time.Second)

	cr.login("mediation")
	cr.open("/calendar") // this week: the clock stands on Wednesday 2026-03-04
	if got := cr.text("#week-range"); got != "2026-03-02 至 2026-03-08" {
		t.Fatalf("week %q", got)
	}
	var wed, fri string
	cr.run("read the columns",
		chromedp.Text(`#week td[data-date="2026-03-04"] .sess.held`, &wed, chromedp.ByQuery),
		chromedp.Text(`#week td[data-date="2026-03-06"] .sess`, &fri, chromedp.ByQuery))
	if !strings.Contains(wed, f.med) || !strings.Contains(wed, "09:30–11:00") || !strings.Contains(wed, "已举行") {
		t.Errorf("Wednesday's block reads %q", wed)
	}
	if !strings.Contains(fri, "19:30–20:30") || !strings.Contains(fri, "视频会议") {
		t.Errorf("Friday's block reads %q", fri)
	}
	cr.shoot("40-week-calendar")
	cr.run("switch to the room", chromedp.SetValue("#w-of", "room:1", chromedp.ByID),
		chromedp.Submit("#w-of", chromedp.ByID), chromedp.WaitVisible(`#week td[data-date="2026-03-05"] .sess.busy`, chromedp.ByQuery))
	cr.shoot("41-room-calendar")
	cr.run("next week", chromedp.Click(`a[rel="next"]`, chromedp.ByQuery), chromedp.WaitVisible("#week", chromedp.ByID))
	if got := cr.text("#week-range"); got != "2026-03-09 至 2026-03-15" {
		t.Errorf("next week %q", got)
	}
	cr.logout()

	cr.open("/status?number=" + f.med + "&code=" + url.QueryEscape(f.medCode))
	if got := cr.text("#next"); got != "下一次联合调处会议" {
		t.Errorf("next session heading %q", got)
	}
	if got := cr.text("#confirmation"); !strings.Contains(got, "前共同向人民法院申请司法确认") {
		t.Errorf("confirmation reads %q", got)
	}
	cr.shoot("42-citizen-status")
}
