package views_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"yidi/cases"
)

// The deadline engine on the staff pages: the case page's 时限 section, the
// warning filter of the queues, the leader's warnings and 督办 list, the
// notification inbox, and the admin pages for rules and the calendar.

// overdueAt brings a case in_progress at desk a month and a half ago and
// sweeps at the real now, so it is red and its desk notified.
func (ts *testServer) overdueAt(desk string) string {
	ts.t.Helper()
	day := time.Now().In(cst).AddDate(0, 0, -75).Format(time.DateOnly)
	n := ts.atDesk(desk, day)
	ts.svc.SetClock(time.Now)
	if _, err := ts.svc.SweepWarnings(context.Background(), time.Now()); err != nil {
		ts.t.Fatal(err)
	}
	return n
}

var navUnread = regexp.MustCompile(`提醒 <span class="badge[^"]*">(\d+)</span>`)

func unreadBadge(t *testing.T, body string) string {
	t.Helper()
	m := navUnread.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no 提醒 badge in the navigation")
	}
	return m[1]
}

func TestCasePageShowsDeadlinesWithRuleBasisAndState(t *testing.T) {
	ts := newTestServer(t)
	n := ts.overdueAt("mediation")
	tomorrow := time.Now().In(cst).AddDate(0, 0, 3).Format(time.DateOnly)
	ts.act("leader", n, "escalate", map[string]any{"level": "yellow", "respond_by": tomorrow}, 200)
	b := ts.signedIn(t, "mediation")
	status, body, _ := b.do("GET", "/cases/"+n, nil)
	if status != 200 {
		t.Fatalf("case page: %d", status)
	}
	for _, want := range []string{"时限", "一般在一个月内调结", "《人民调解工作若干规定》", "24:00 前", "按自然日计",
		`<span class="tag bad">红色超期</span>`, "黄牌督办：要求按期答复", "答复期限", `<span class="tag sup">黄牌督办</span>`,
		"时限预警", "督办"} {
		if !strings.Contains(body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	// The queue shows the badge and filters by it; links keep the sort.
	_, body, _ = b.do("GET", "/desk?queue=in_progress&sort=deadline&warning=red", nil)
	if !strings.Contains(body, n) || !strings.Contains(body, "红色超期") {
		t.Fatalf("red filter lost the case")
	}
	if !strings.Contains(body, `href="/desk?queue=in_progress&amp;sort=age&amp;warning=red"`) {
		t.Errorf("the sort link drops the warning filter")
	}
	_, body, _ = b.do("GET", "/desk?queue=in_progress&sort=deadline&warning=yellow", nil)
	if strings.Contains(body, n) {
		t.Fatalf("yellow filter shows a red case")
	}
	// The leader sees the desk's red count linking to the list, and the 督办 case.
	l := ts.signedIn(t, "leader")
	_, body, _ = l.do("GET", "/leader", nil)
	link := `href="/cases?warning=red&amp;desk=mediation">1</a>`
	if !strings.Contains(body, link) || !strings.Contains(body, "督办待答复（1 件）") {
		t.Fatalf("leader view lacks the warnings link or the 督办 list")
	}
	status, body, _ = l.do("GET", "/cases?warning=red&desk=mediation", nil)
	if status != 200 || !strings.Contains(body, `<strong id="total">1</strong>`) || !strings.Contains(body, n) {
		t.Fatalf("drill-down list: %d", status)
	}
	status, body, _ = l.do("GET", "/cases?on_time=maybe", nil)
	if status != 400 || !strings.Contains(body, "只能是 true 或 false") {
		t.Fatalf("bad warning filter: %d", status)
	}
}

func TestNotificationsAreReadPerDesk(t *testing.T) {
	ts := newTestServer(t)
	med := ts.overdueAt("mediation")
	ts.overdueAt("petition")
	ctx := context.Background()
	unread := func(user string) int {
		t.Helper()
		a := cases.Actor{Role: cases.RoleHandler, Desk: user}
		if user == "leader" {
			a = cases.Actor{Role: cases.RoleLeader}
		}
		n, err := ts.svc.UnreadNotifications(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if unread("mediation") != 1 || unread("petition") != 1 || unread("leader") != 2 {
		t.Fatalf("unread: %d %d %d", unread("mediation"), unread("petition"), unread("leader"))
	}
	b := ts.signedIn(t, "mediation")
	_, body, _ := b.do("GET", "/notifications", nil)
	if unreadBadge(t, body) != "1" || !strings.Contains(body, `href="/cases/`+med+`#deadlines"`) || !strings.Contains(body, "已超期") {
		t.Fatalf("notifications page lacks the warning")
	}
	// Someone else's notification id marks nothing.
	list, _ := ts.svc.DeskNotifications(ctx, cases.Actor{Role: cases.RoleHandler, Desk: "petition"})
	if n, err := ts.svc.MarkNotificationsRead(ctx, cases.Actor{Role: cases.RoleHandler, Desk: "mediation"}, []int64{list[0].ID}); err != nil || n != 0 {
		t.Fatalf("mediation marked petition's notification: %d %v", n, err)
	}
	// Without the CSRF token the form is refused.
	status, _, _ := b.do("POST", "/notifications/read", url.Values{})
	if status != 403 || unread("mediation") != 1 {
		t.Fatalf("mark read without CSRF: %d", status)
	}
	status, _ = b.post("/notifications/read", url.Values{})
	if status != 303 {
		t.Fatalf("mark all read: %d", status)
	}
	_, body, _ = b.do("GET", "/notifications?marked=1", nil)
	if unreadBadge(t, body) != "0" || unread("mediation") != 0 || unread("petition") != 1 {
		t.Fatalf("after marking: badge %s, mediation %d, petition %d", unreadBadge(t, body), unread("mediation"), unread("petition"))
	}
	// The leader reads every desk's; marking marks all.
	if n, err := ts.svc.MarkNotificationsRead(ctx, cases.Actor{Role: cases.RoleLeader}, nil); err != nil || n != 1 || unread("leader") != 0 {
		t.Fatalf("leader marked %d (%v), %d left", n, err, unread("leader"))
	}
	// Admins mark only their own notices (issue 17: a paused webhook), none of a desk's.
	if n, err := ts.svc.MarkNotificationsRead(ctx, cases.Actor{Role: cases.RoleAdmin}, nil); err != nil || n != 0 {
		t.Fatalf("admin marking notifications: %d %v", n, err)
	}
	client := cases.Actor{Role: cases.RoleIntake, Scopes: []string{cases.ScopeReadAll}}
	if _, err := ts.svc.MarkNotificationsRead(ctx, client, nil); cases.ErrorOf(err) == nil || cases.ErrorOf(err).Kind != cases.KindForbidden {
		t.Fatalf("a machine client marking notifications: %v", err)
	}
}

func ruleForm(code string, changes map[string]string) url.Values {
	f := url.Values{"code": {code}, "desk": {"mediation"}, "stage": {"in_progress"}, "length": {"1"}, "unit": {"month"},
		"days_kind": {"calendar"}, "max_extension_days": {"30"}, "basis": {"依据：《人民调解工作若干规定》（2002）第三十三条"},
		"label": {"一般在一个月内调结"}, "active": {"1"}}
	for k, v := range changes {
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
	}
	return f
}

func TestAdminDeadlineRulesForm(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	admin := cases.Actor{Role: cases.RoleAdmin}
	mediationRule := func() cases.DeadlineRule {
		rules, err := ts.svc.DeadlineRules(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rules {
			if r.Code == "mediation_handling" {
				return r
			}
		}
		t.Fatal("no mediation_handling rule")
		return cases.DeadlineRule{}
	}
	before := mediationRule()
	b := ts.signedIn(t, "admin")
	status, body, _ := b.do("GET", "/admin/deadline-rules", nil)
	if status != 200 || !strings.Contains(body, "一般在一个月内调结") || !strings.Contains(body, "《信访工作条例》") || !strings.Contains(body, "停用") {
		t.Fatalf("rules page: %d", status)
	}
	// The online applications' rule keeps its own stage in its edit form:
	// saving it must not quietly move it to another stage.
	if !regexp.MustCompile(`<option value="submitted" selected>`).MatchString(body) {
		t.Error("no rule form offers the submitted stage as selected")
	}
	for _, c := range []struct {
		change map[string]string
		status int
		msg    string
	}{
		{map[string]string{"length": "abc"}, 400, "时限长度应为整数"},
		{map[string]string{"length": "0"}, 400, "时限长度应为1-3650日或1-120个月"},
		{map[string]string{"days_kind": "working"}, 400, "按月计算的时限只能按自然日计"},
		{map[string]string{"basis": " "}, 400, "依据"},
		{map[string]string{"max_extension_days": "-1"}, 400, "最长延期天数应为0-365"},
		{map[string]string{"stage": "closed"}, 400, "环节只能是"},
	} {
		status, body := b.post("/admin/deadline-rules", ruleForm("mediation_handling", c.change))
		if status != c.status || !strings.Contains(body, c.msg) || !strings.Contains(body, `<details id="rule-mediation_handling" open>`) {
			t.Errorf("%v: %d, message %q shown: %v", c.change, status, c.msg, strings.Contains(body, c.msg))
		}
	}
	// A second active rule for the same desk and stage is a conflict.
	status, body = b.post("/admin/deadline-rules", ruleForm("mediation_quick", map[string]string{"label": "十日调结"}))
	if status != 409 || !strings.Contains(body, "已有生效的规则") || !strings.Contains(body, `value="mediation_quick"`) {
		t.Fatalf("conflicting rule: %d", status)
	}
	if after := mediationRule(); after != before {
		t.Fatalf("refused forms changed the rule: %+v", after)
	}
	ruleSaved := ruleForm("mediation_handling", map[string]string{"length": "2"})
	ruleSaved.Set("_csrf", b.csrf)
	status, _, h := b.do("POST", "/admin/deadline-rules", ruleSaved)
	if status != 303 || mediationRule().Length != 2 {
		t.Fatalf("good edit: %d, length %d", status, mediationRule().Length)
	}
	// The page it leads back to says so.
	if _, page, _ := b.do("GET", h.Get("Location"), nil); !strings.Contains(page, `class="flash" role="status">已保存时限规则“`) {
		t.Errorf("a saved rule is not confirmed on the page")
	}
	// Others get a 403 page.
	for _, user := range []string{"leader", "mediation"} {
		o := ts.signedIn(t, user)
		if status, _, _ := o.do("GET", "/admin/deadline-rules", nil); status != 403 {
			t.Errorf("%s on rules page: %d", user, status)
		}
		if status, _ := o.post("/admin/deadline-rules", ruleForm("mediation_handling", map[string]string{"length": "9"})); status != 403 {
			t.Errorf("%s posting a rule: %d", user, status)
		}
		if status, _, _ := o.do("GET", "/admin/calendar", nil); status != 403 {
			t.Errorf("%s on calendar page: %d", user, status)
		}
	}
	if mediationRule().Length != 2 {
		t.Fatal("a non-admin changed a rule")
	}
}

func TestAdminCalendarForm(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	admin := cases.Actor{Role: cases.RoleAdmin}
	days2030 := func() []cases.CalendarDay {
		d, err := ts.svc.CalendarDays(ctx, admin, 2030)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	b := ts.signedIn(t, "admin")
	status, body, _ := b.do("GET", "/admin/calendar?year=2026", nil)
	if status != 200 || !strings.Contains(body, "国庆节") || !strings.Contains(body, ">班</span>") {
		t.Fatalf("calendar page: %d", status)
	}
	for _, c := range []struct {
		form url.Values
		msg  string
	}{
		{url.Values{"op": {"add"}, "date": {"2030-13-01"}, "name": {"坏日子"}}, "应为YYYY-MM-DD格式"},
		{url.Values{"op": {"add"}, "date": {"2030-10-01"}, "name": {strings.Repeat("长", 31)}}, ""},
		{url.Values{"op": {"import"}, "lines": {"2030-10-01,休,国庆节\n2030-10-08,上,调休"}}, "第2行第二栏应为“休”或“班”"},
		{url.Values{"op": {"import"}, "lines": {"# nothing"}}, "文件中没有日期"},
		{url.Values{"op": {"wipe"}}, "未知的操作"},
	} {
		status, body := b.post("/admin/calendar", c.form)
		if status != 400 || !strings.Contains(body, c.msg) || !strings.Contains(body, `class="error"`) {
			t.Errorf("%v: %d", c.form, status)
		}
	}
	if d := days2030(); len(d) != 0 {
		t.Fatalf("refused forms stored %v", d)
	}
	status, _ = b.post("/admin/calendar", url.Values{"op": {"import"}, "lines": {"2030-10-01,休,国庆节\n2030-10-12,班,国庆节调休上班"}})
	if status != 303 || len(days2030()) != 2 {
		t.Fatalf("import: %d %v", status, days2030())
	}
	_, body, _ = b.do("GET", "/admin/calendar?year=2030&done=import&n=2", nil)
	if !strings.Contains(body, "已导入 2 天") || !strings.Contains(body, "国庆节调休上班") {
		t.Fatalf("calendar after import lacks the flash or the day")
	}
	status, _ = b.post("/admin/calendar", url.Values{"op": {"delete"}, "date": {"2030-10-12"}, "year": {"2030"}})
	if d := days2030(); status != 303 || len(d) != 1 || d[0].Date != "2030-10-01" {
		t.Fatalf("delete: %d %v", status, d)
	}
	status, _ = b.post("/admin/calendar", url.Values{"op": {"add"}, "date": {"2030-10-12"}, "working": {"1"}, "name": {"调休"}})
	if d := days2030(); status != 303 || len(d) != 2 || !d[1].Working {
		t.Fatalf("add: %d %v", status, d)
	}
}
