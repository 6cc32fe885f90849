package views_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"yidi/cases"
)

// TestBrowserMediationStory is a mediator's case in a real browser at
// 1366×768 (and each page again at 390×844, checked for sideways
// scrolling): schedule a session in the admin's room, write its 调解笔录,
// sign a written agreement with two instalments (the third row added by
// the script), open the printable 协议书, record instalment 1 performed and
// a 回访. The service clock moves from day to day between the steps.
func TestBrowserMediationStory(t *testing.T) {
	base, svc := browserApp(t)
	ctx := context.Background()
	apiAs(t, base, "root", "POST", "/api/v1/admin/rooms", map[string]any{"name": "第一调解室"}, 201)

	day0 := time.Now().In(cst).AddDate(0, 0, -40).Truncate(24 * time.Hour)
	at := func(days int, clock string) time.Time {
		d := day0.AddDate(0, 0, days)
		tm, _ := time.ParseInLocation("2006-01-02 15:04", d.Format(time.DateOnly)+" "+clock, cst)
		return tm
	}
	day := func(days int) string { return day0.AddDate(0, 0, days).Format(time.DateOnly) }
	clock := func(tm time.Time) { svc.SetClock(func() time.Time { return tm }) }
	clock(at(0, "09:00"))
	actors, err := addTestUsers(ctx, svc, cases.UserInput{Username: "lixin", Role: cases.RoleIntake, Name: "李受理"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.Intake(ctx, actors[0], cases.IntakeInput{Title: "邻里排水纠纷", Category: "neighbour", Source: "walk_in",
		Summary: "张三与李四系前后邻居，李四翻建房屋后排水沟改道，雨水流入张三院内致墙体受损。", Town: "城关镇", PeopleCount: 2,
		Parties: []cases.PartyInput{{Role: "applicant", Name: "张三", Phone: "13800000001"},
			{Role: "respondent", Name: "李四", Phone: "13800000002"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	n := res.Case.Number
	if _, err := svc.Do(ctx, actors[0], n, cases.ActionRequest{Action: "route", Desk: "mediation"}); err != nil {
		t.Fatal(err)
	}
	med := cases.Actor{Username: "limed", Role: cases.RoleHandler, Desk: "mediation"}
	if _, err := svc.Do(ctx, med, n, cases.ActionRequest{Action: "accept"}); err != nil {
		t.Fatal(err)
	}

	cr := newChrome(t, base, 3*time.Minute)
	run, shoot, text := cr.run, cr.shoot, cr.text
	cr.login("limed")
	cr.open("/cases/" + n)
	// submit sends the form of sel once the last answer's flash is gone,
	// so that waiting for the next one waits for the next page.
	submit := func(step, sel string) {
		t.Helper()
		run(step, chromedp.Evaluate(`document.querySelectorAll(".flash").forEach(e => e.remove())`, nil),
			chromedp.Submit(sel, chromedp.ByQuery))
	}
	// fill unfolds the first form folded in details, types text into its
	// field and sends it.
	fill := func(details, field, text string) {
		t.Helper()
		run("fill "+details, chromedp.Click(details+" summary", chromedp.ByQuery),
			chromedp.SendKeys(details+" "+field, text, chromedp.ByQuery))
		submit("submit "+details, details+" "+field)
	}
	// reads: the element of sel says each of wants.
	reads := func(sel string, wants ...string) {
		t.Helper()
		s := text(sel)
		for _, w := range wants {
			if !strings.Contains(s, w) {
				t.Fatalf("%s reads %q, without %q", sel, s, w)
			}
		}
	}
	// dayAt sets the clock and opens the case page again.
	dayAt := func(days int, hm string) {
		t.Helper()
		clock(at(days, hm))
		cr.open("/cases/" + n)
	}
	flash := func(want string) {
		t.Helper()
		var errs string
		run("wait "+want, chromedp.WaitVisible(".flash, main p.error", chromedp.ByQuery))
		run("errors", chromedp.Evaluate(`Array.from(document.querySelectorAll("p.error")).map(e => e.textContent).join(" | ")`, &errs))
		if errs != "" {
			t.Fatalf("after %s the page shows errors: %s", want, errs)
		}
		reads("main", want)
	}

	// 1. Schedule, by the keyboard: the summary opens with Enter.
	run("schedule",
		chromedp.Focus("#mf-schedule summary", chromedp.ByQuery),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible("#m-schedule-starts_at", chromedp.ByID),
		chromedp.SetValue("#m-schedule-starts_at", day(1)+"T09:30", chromedp.ByID),
		chromedp.SetValue("#m-schedule-room_id", "1", chromedp.ByID),
		chromedp.SendKeys("#m-schedule-outsiders", "王律师 律师", chromedp.ByID),
		chromedp.SendKeys("#m-schedule-bring", "房屋照片、修缮费用单据", chromedp.ByID))
	shoot("med-01-schedule-form")
	submit("submit schedule", "#m-schedule-bring")
	flash("已安排调解会议")
	reads(".med .session", "第一调解室", "王律师（律师）")
	shoot("med-02-scheduled")

	// 2. The session has begun: its 笔录.
	dayAt(1, "11:00")
	fill(`details[id^="mf-record-"]`, `textarea[name="statements"]`, "双方陈述意见。李四同意恢复排水沟，并分两期赔偿张三修缮费用5000.50元。")
	flash("已记录调解笔录")

	// 3. A written agreement, two instalments; the script adds a fourth row.
	run("agreement",
		chromedp.Click("#mf-agree summary", chromedp.ByQuery),
		chromedp.WaitVisible("#add-ob", chromedp.ByID),
		chromedp.Click("#add-ob", chromedp.ByID),
		chromedp.WaitVisible("#m-agree-obligor-3", chromedp.ByID),
		chromedp.SendKeys("#m-agree-facts", "李四翻建房屋后排水沟改道，雨水流入张三院内致墙体受损。", chromedp.ByID),
		chromedp.SendKeys("#m-agree-terms", "一、李四于十日内恢复排水沟原状；二、李四分两期赔偿张三修缮费用共计5000.50元。", chromedp.ByID),
		chromedp.SetValue("#m-agree-obligor-0", "李四", chromedp.ByID), chromedp.SetValue("#m-agree-obligee-0", "张三", chromedp.ByID),
		chromedp.SendKeys("#m-agree-content-0", "第一期赔偿修缮费", chromedp.ByID),
		chromedp.SendKeys("#m-agree-amount-0", "3000", chromedp.ByID),
		chromedp.SetValue("#m-agree-due_on-0", day(10), chromedp.ByID),
		chromedp.SetValue("#m-agree-obligor-1", "李四", chromedp.ByID), chromedp.SetValue("#m-agree-obligee-1", "张三", chromedp.ByID),
		chromedp.SendKeys("#m-agree-content-1", "第二期赔偿修缮费", chromedp.ByID),
		chromedp.SendKeys("#m-agree-amount-1", "两千", chromedp.ByID),
		chromedp.SetValue("#m-agree-due_on-1", day(30), chromedp.ByID))
	shoot("med-03-agreement-form")
	// A amount in words: the form comes back with the message by the field
	// and what was typed, the added row included.
	submit("sign with a bad amount", "#m-agree-facts")
	run("refused", chromedp.WaitVisible(`#m-agree-amount-1[aria-invalid="true"]`, chromedp.ByQuery))
	reads(`#mf-agree`, "金额应为不小于0的数字")
	reads(".med", "提交未成功")
	var kept, rows string
	run("kept", chromedp.Value("#m-agree-content-1", &kept, chromedp.ByID),
		chromedp.Evaluate(`String(document.querySelectorAll("#ob-rows fieldset.obrow").length)`, &rows))
	if kept != "第二期赔偿修缮费" || rows != "4" {
		t.Fatalf("the refused form kept %q in row 2 and %s rows, want the typed text and 4", kept, rows)
	}
	shoot("med-03b-agreement-refused")
	run("fix the amount", chromedp.SetValue("#m-agree-amount-1", "2000.50", chromedp.ByID))
	submit("sign", "#m-agree-facts")
	flash("已登记调解协议")
	reads("table.obligations", "3000.00", "2000.50")
	reads(".med .deadlines", "申请司法确认期限")
	shoot("med-04-agreement")

	// 4. The 协议书.
	var href string
	var ok bool
	run("document link", chromedp.AttributeValue(`a[href*="/dossier/docs/agreement-"]`, "href", &href, &ok, chromedp.ByQuery))
	run("open document", chromedp.Navigate(base+href), chromedp.WaitVisible("h1", chromedp.ByQuery))
	reads("body", "人民调解协议书", "第二期赔偿修缮费")
	// The 协议书 is an A4 print page of the 卷宗 (views/web/print).
	cr.shoot("med-05-document")

	// 5. Instalment 1 paid on its due day.
	dayAt(10, "15:00")
	fill(`details[id^="mf-perform-"]`, `textarea[name="note"]`, "张三确认收到3000元")
	flash("已记录履行情况")
	reads("table.obligations", "已履行", "张三确认收到3000元")

	// 6. A 回访.
	run("follow-up",
		chromedp.Click("#mf-followup summary", chromedp.ByQuery),
		chromedp.SetValue("#m-followup-performance", "partial", chromedp.ByID),
		chromedp.SetValue("#m-followup-satisfaction", "satisfied", chromedp.ByID),
		chromedp.SendKeys("#m-followup-note", "第一期已付清，双方关系缓和。", chromedp.ByID))
	submit("submit follow-up", "#m-followup-note")
	flash("已记录回访")
	reads(".med", "第一期已付清")
	shoot("med-06-followup")
	run("scroll to mediation", chromedp.ScrollIntoView("#mediation", chromedp.ByID))
	shoot("med-07-section")
}
