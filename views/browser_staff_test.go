package views_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"yidi/cases"
)

// seedStaffCases fills the browser app with a few months of work through
// the service, its clock set back: closed cases of different closure types,
// an overdue case at mediation (red, its desk notified) under a leader's
// 督办. It answers the overdue case's number.
func seedStaffCases(t *testing.T, svc *cases.Service) string {
	t.Helper()
	ctx := context.Background()
	mk := func(u cases.UserInput) cases.Actor {
		a, err := addTestUsers(ctx, svc, u)
		if err != nil {
			t.Fatal(err)
		}
		return a[0]
	}
	in := mk(cases.UserInput{Username: "seedin", Role: cases.RoleIntake, Name: "种子窗口"})
	med := mk(cases.UserInput{Username: "seedmed", Role: cases.RoleHandler, Desk: "mediation", Name: "种子调解"})
	lead := mk(cases.UserInput{Username: "seedlead", Role: cases.RoleLeader, Name: "种子领导"})
	do := func(a cases.Actor, n string, r cases.ActionRequest) {
		t.Helper()
		if _, err := svc.Do(ctx, a, n, r); err != nil {
			t.Fatalf("%s %s: %v", r.Action, n, err)
		}
	}
	now := time.Now()
	newCase := func(i int, at time.Time) string {
		t.Helper()
		svc.SetClock(func() time.Time { return at })
		res, err := svc.Intake(ctx, in, cases.IntakeInput{Title: fmt.Sprintf("邻里纠纷%d", i), Category: "neighbour", Source: "walk_in",
			Summary: "申请人与邻居因宅基地边界发生争执，多次协商未果，请求中心调解。", Town: "城关镇", PeopleCount: 1,
			Parties: []cases.PartyInput{{Role: "applicant", Name: fmt.Sprintf("当事人%d", i), Phone: fmt.Sprintf("1390000%04d", i)}}}, "")
		if err != nil {
			t.Fatal(err)
		}
		n := res.Case.Number
		do(in, n, cases.ActionRequest{Action: "route", Desk: "mediation"})
		do(med, n, cases.ActionRequest{Action: "accept"})
		return n
	}
	types := []string{"resolved", "resolved", "resolved", "procedural", "resolved", "withdrawn", "resolved", "legal_procedure"}
	for i, ct := range types {
		at := now.AddDate(0, 0, -60+i*5)
		n := newCase(i, at)
		svc.SetClock(func() time.Time { return at.Add(time.Duration(2+i) * 24 * time.Hour) })
		close := cases.ActionRequest{Action: "close", Outcome: "调解结束", Summary: "双方达成协议。", ClosureType: ct}
		if ct == cases.ClosureResolved {
			close.NoAgreementReason = "当场履行完毕"
		}
		do(med, n, close)
	}
	overdue := newCase(90, now.AddDate(0, 0, -50))
	svc.SetClock(time.Now)
	if _, err := svc.SweepWarnings(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	do(lead, overdue, cases.ActionRequest{Action: "escalate", Level: "red",
		RespondBy: time.Now().In(cst).AddDate(0, 0, 3).Format(time.DateOnly), Note: "群众反映强烈，请三日内答复"})
	return overdue
}

// TestBrowserDeadlinesAndAdminPages looks at the deadline engine's pages in
// a real browser: the case page's 时限 section, the notifications with the
// badge and mark-all-read, the leader's warnings drill-down, and the admin
// pages for rules and the calendar (a bad edit shows its message). Each is
// screenshot at desk and phone width without sideways scrolling.
func TestBrowserDeadlinesAndAdminPages(t *testing.T) {
	base, svc := browserApp(t)
	overdue := seedStaffCases(t, svc)
	cr := newChrome(t, base, 60*time.Second)

	cr.login("limed")
	if n := cr.text(`.nav a[href="/notifications"] .badge`); n != "1" {
		t.Fatalf("unread badge %q, want 1", n)
	}
	cr.open("/cases/" + overdue)
	if s := cr.text("#deadlines"); !strings.Contains(s, "红色超期") || !strings.Contains(s, "一般在一个月内调结") ||
		!strings.Contains(s, "24:00 前") || !strings.Contains(s, "红牌督办") {
		t.Fatalf("时限 section reads %q", s)
	}
	cr.shoot("20-case-deadlines")
	cr.open("/desk?queue=in_progress&warning=red")
	cr.shoot("21-desk-red")
	cr.open("/notifications")
	cr.shoot("22-notifications")
	cr.run("mark read", chromedp.Submit(`form[action="/notifications/read"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery))
	if n := cr.text(`.nav a[href="/notifications"] .badge`); n != "0" {
		t.Fatalf("unread badge after marking %q, want 0", n)
	}
	cr.logout()

	cr.login("chen")
	cr.open("/leader")
	cr.shoot("23-leader")
	cr.run("drill down", chromedp.Click(`#h-warn ~ .tablewrap a[href*="warning=red"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#total", chromedp.ByID))
	if n := cr.text("#total"); n != "1" {
		t.Fatalf("red drill-down lists %s cases, want 1", n)
	}
	cr.shoot("24-cases")

	// Statistics for this year: 化解率 shows 5/8; its numerator opens the
	// list of those five cases.
	year := time.Now().In(cst).Format("2006")
	cr.open("/leader/stats?kind=year&year=" + year)
	row := `#figures tr:nth-child(3)`
	if got := cr.text(row + " td"); got != "62.5%（5/8）" {
		t.Fatalf("化解率 reads %q, want 62.5%%（5/8）", got)
	}
	cr.shoot("27-stats")
	cr.run("numerator", chromedp.Click(row+" a", chromedp.ByQuery), chromedp.WaitVisible("#total", chromedp.ByID))
	var rows int
	cr.run("count rows", chromedp.Evaluate(`document.querySelectorAll("#case-list tbody tr").length`, &rows))
	if n := cr.text("#total"); n != "5" || rows != 5 {
		t.Fatalf("the numerator's list says %s and has %d rows, want 5", n, rows)
	}
	cr.shoot("28-cases-resolved")
	cr.logout()

	cr.login("root")
	cr.open("/admin/deadline-rules")
	cr.shoot("25-admin-rules")
	cr.run("bad rule edit",
		chromedp.Click(`#rule-mediation_handling summary`, chromedp.ByQuery),
		chromedp.SetValue(`#mediation_handling-length`, "0", chromedp.ByQuery),
		chromedp.Submit(`#rule-mediation_handling form`, chromedp.ByQuery),
		chromedp.WaitVisible(`#rule-mediation_handling .error`, chromedp.ByQuery))
	if msg := cr.text(`#rule-mediation_handling .error`); !strings.Contains(msg, "时限长度") {
		t.Fatalf("bad rule edit says %q", msg)
	}
	cr.open("/admin/calendar?year=2026")
	cr.shoot("26-admin-calendar")
	if _, err := svc.SaveTermProposals(t.Context(), []cases.TermPair{{Term: "漏水", Related: "天花板", Support: 12, Score: 0.61},
		{Term: "彩礼", Related: "订婚", Support: 9, Score: 0.55}, {Term: "欠薪", Related: "包工头", Support: 7, Score: 0.48}}); err != nil {
		t.Fatal(err)
	}
	cr.open("/admin/vocab")
	cr.shoot("29-admin-vocab")
}
