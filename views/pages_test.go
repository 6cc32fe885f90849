package views_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/reports"
	"yidi/views"
)

// browser is a cookie-keeping client of the staff pages, through app.Test.
type browser struct {
	t       testing.TB
	app     *fiber.App
	cookies map[string]string
	csrf    string
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func newBrowser(t testing.TB, app *fiber.App) *browser {
	return &browser{t: t, app: app, cookies: map[string]string{}}
}

func (b *browser) do(method, path string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := b.app.Test(req, -1)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	raw, _ := io.ReadAll(resp.Body)
	if m := csrfInput.FindSubmatch(raw); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(raw), resp.Header
}

// post sends a form with the page's CSRF token.
func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	form.Set("_csrf", b.csrf)
	status, body, _ := b.do("POST", path, form)
	return status, body
}

func (b *browser) login(user string) {
	b.t.Helper()
	b.do("GET", "/login", nil)
	form := url.Values{"username": {user}, "password": {"password-" + user}, "_csrf": {b.csrf}}
	status, body, h := b.do("POST", "/login", form)
	if status != fiber.StatusSeeOther {
		b.t.Fatalf("login %s: %d %s", user, status, body)
	}
	b.do("GET", h.Get("Location"), nil) // picks up a CSRF token for the next form
}

func TestPagesSendStrangersToLogin(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{"/intake", "/desk", "/cases/YD-2026-00001", "/search?q=x", "/leader", "/admin/users"} {
		status, _, h := newBrowser(t, ts.app).do("GET", path, nil)
		if status != fiber.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login?next=") {
			t.Errorf("GET %s without a session: %d → %q, want 303 to /login", path, status, h.Get("Location"))
		}
	}
}

// next after sign-in stays on this site whatever a browser would make of it:
// browsers drop TAB and newlines from URLs and read a backslash as a slash.
func TestLoginNextStaysOnThisSite(t *testing.T) {
	ts := newTestServer(t)
	for next, want := range map[string]string{
		"/desk?queue=routed":    "/desk?queue=routed",
		"/\t/evil.example":      "/desk",
		"/%09/evil.example":     "/desk",
		"/\n/evil.example":      "/desk",
		"//evil.example":        "/desk",
		"/\\evil.example":       "/desk",
		"https://evil.example/": "/desk",
		"/x/../\\evil":          "/desk",
		"javascript:alert(1)":   "/desk",
	} {
		b := newBrowser(t, ts.app)
		b.do("GET", "/login?next="+url.QueryEscape(next), nil)
		form := url.Values{"username": {"mediation"}, "password": {"password-mediation"}, "_csrf": {b.csrf}, "next": {next}}
		status, _, h := b.do("POST", "/login", form)
		if status != fiber.StatusSeeOther || h.Get("Location") != want {
			t.Errorf("next %q: %d → %q, want %q", next, status, h.Get("Location"), want)
		}
	}
}

func TestLoginWrongPasswordSaysSoThenThrottles(t *testing.T) {
	ts := newTestServer(t, views.Options{LoginFailures: 2})
	b := newBrowser(t, ts.app)
	b.do("GET", "/login", nil)
	for i, want := range []struct {
		status int
		msg    string
	}{{401, "用户名或密码错误"}, {401, "用户名或密码错误"}, {429, "登录失败次数过多"}} {
		status, body := b.post("/login", url.Values{"username": {"intake"}, "password": {"wrong-password"}})
		if status != want.status || !strings.Contains(body, want.msg) {
			t.Fatalf("attempt %d: %d, want %d with %q", i+1, status, want.status, want.msg)
		}
		if !strings.Contains(body, `value="intake"`) {
			t.Errorf("attempt %d: the username typed is lost", i+1)
		}
	}
}

func TestSignedInSessionSurvivesARestartAndLogoutEndsIt(t *testing.T) {
	ts := newTestServer(t)
	b := ts.signedIn(t, "mediation")
	if cookie := b.cookies["yidi_session"]; cookie == "" {
		t.Fatal("no session cookie")
	}
	// A second app over the same database: the session is in SQLite.
	b.app = views.New(ts.svc, views.Options{Index: ts.index})
	if status, body, _ := b.do("GET", "/desk", nil); status != 200 || !strings.Contains(body, "李调解") {
		t.Fatalf("after restart /desk: %d", status)
	}
	if status, _ := b.post("/logout", url.Values{}); status != fiber.StatusSeeOther {
		t.Fatalf("logout: %d", status)
	}
	if status, _, _ := b.do("GET", "/desk", nil); status != fiber.StatusSeeOther {
		t.Fatalf("after logout /desk: %d, want 303", status)
	}
}

func TestFormWithoutCSRFTokenIsRefused(t *testing.T) {
	ts := newTestServer(t)
	b := ts.signedIn(t, "intake")
	status, body, _ := b.do("POST", "/intake", url.Values{"title": {"x"}})
	if status != fiber.StatusForbidden || !strings.Contains(body, "CSRF") || !strings.Contains(body, "<html") {
		t.Fatalf("POST without token: %d %.200s", status, body)
	}
	n, _ := ts.svc.CaseCount(context.Background())
	if n != 0 {
		t.Fatalf("a case was stored: %d", n)
	}
}

func validIntakeForm() url.Values {
	return url.Values{
		"title": {"拖欠工资纠纷"}, "category": {"labor"}, "source": {"walk_in"}, "town": {"城关镇"},
		"summary": {"申请人在工地从事木工，工资12000元至今未付。"}, "amount": {"12000"},
		"party_count":  {"2"},
		"party_role_0": {"applicant"}, "party_name_0": {"张三"}, "party_id_number_0": {"11010519491231002X"},
		"party_phone_0": {"13800000000"},
		"party_role_1":  {"respondent"}, "party_name_1": {"某某建筑公司"},
	}
}

func TestIntakeFormBadInputIsRetypedNotStored(t *testing.T) {
	ts := newTestServer(t)
	b := ts.signedIn(t, "intake")
	rows := []struct {
		name, field, value, msg string
	}{
		{"no title", "title", "", "请填写案由/标题"},
		{"no category", "category", "", "请选择纠纷类别"},
		{"unknown category", "category", "astrology", "没有代码为“astrology”的纠纷类别"},
		{"amount not a number", "amount", "一万二", "涉及金额应为数字"},
		{"negative amount", "amount", "-5", "涉及金额应为0至1万亿元之间的数字"},
		{"people not a number", "people_count", "many", "涉及人数应为整数"},
		{"no summary", "summary", "", "请填写事实与理由"},
		{"no parties", "party_name_0", "", "请至少登记一名申请人"},
		{"bad ID number", "party_id_number_0", "123", ""},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			form := validIntakeForm()
			form.Set(r.field, r.value)
			if r.name == "no parties" {
				for _, k := range []string{"party_id_number_0", "party_phone_0", "party_name_1"} {
					form.Set(k, "")
				}
			}
			status, body := b.post("/intake", form)
			if status != 400 {
				t.Fatalf("status %d, want 400: %.300s", status, body)
			}
			if !strings.Contains(body, `id="form-error"`) || (r.msg != "" && !strings.Contains(body, r.msg)) {
				t.Fatalf("the page does not say %q", r.msg)
			}
			if r.field != "summary" && !strings.Contains(body, "申请人在工地从事木工") {
				t.Error("the summary typed was lost")
			}
		})
	}
	if n, _ := ts.svc.CaseCount(context.Background()); n != 0 {
		t.Fatalf("bad input stored %d cases", n)
	}
	// And the good form registers one case and shows the receipt with its code.
	status, body := b.post("/intake", validIntakeForm())
	if status != 200 || !strings.Contains(body, `id="query-code"`) || !strings.Contains(body, `src="data:image/png;base64,`) {
		t.Fatalf("good intake: %d %.300s", status, body)
	}
	src := regexp.MustCompile(`id="qr" src="([^"]+)"`).FindStringSubmatch(body)
	shown := regexp.MustCompile(`id="status-url">([^<]+)<`).FindStringSubmatch(body)
	if src == nil || shown == nil {
		t.Fatal("the receipt has no QR code or no status URL")
	}
	if got, want := decodeQR(t, html.UnescapeString(src[1])), html.UnescapeString(shown[1]); got != want || !strings.Contains(want, "/status?number=YD-") {
		t.Fatalf("QR decodes to %q, the receipt prints %q", got, want)
	}
}

func TestCaseActionFormErrorsKeepWhatWasTyped(t *testing.T) {
	ts := newTestServer(t)
	number := ts.intake(nil)["number"].(string)
	ts.act("intake", number, "route", map[string]any{"desk": "mediation"}, 200)
	b := ts.signedIn(t, "mediation")
	b.do("GET", "/cases/"+number, nil)
	version := func() string {
		_, out := ts.call("GET", "/api/v1/cases/"+number, "leader", nil)
		return fmt.Sprint(int64(out["version"].(float64)))
	}
	v := version()

	status, body := b.post("/cases/"+number+"/act/return", url.Values{"reason": {"   "}, "version": {v}})
	if status != 400 || !strings.Contains(body, "请填写退回理由") {
		t.Fatalf("return without reason: %d", status)
	}
	status, body = b.post("/cases/"+number+"/act/transfer", url.Values{"desk": {"mediation"}, "reason": {"我们自己的窗口"}, "version": {v}})
	if status != 400 || !strings.Contains(body, "不能移交给自己") || !strings.Contains(body, "我们自己的窗口") {
		t.Fatalf("transfer to self: %d, or the reason typed is lost", status)
	}
	status, body = b.post("/cases/"+number+"/act/accept", url.Values{"version": {"999"}})
	if status != 409 || !strings.Contains(body, "已被他人处理，请刷新") {
		t.Fatalf("stale version: %d", status)
	}
	status, _ = b.post("/cases/"+number+"/act/transfer", url.Values{"desk": {"litigation"}, "reason": {"x"}, "version": {"abc"}})
	if status != 400 {
		t.Fatalf("garbage version: %d", status)
	}
	if version() != v {
		t.Fatal("refused forms changed the case")
	}
	// An action of another desk's case is a 404 page, not a 500.
	status, body = b.post("/cases/YD-2099-99999/act/accept", url.Values{})
	if status != 404 || !strings.Contains(body, "案件不存在") {
		t.Fatalf("unknown case: %d", status)
	}
	// Success: POST-redirect-GET.
	status, _ = b.post("/cases/"+number+"/act/accept", url.Values{"version": {v}})
	if status != fiber.StatusSeeOther {
		t.Fatalf("accept: %d", status)
	}
}

func TestRevealIsLoggedInTheTimeline(t *testing.T) {
	ts := newTestServer(t)
	number := ts.intake(nil)["number"].(string)
	b := ts.signedIn(t, "intake")
	_, body, _ := b.do("GET", "/cases/"+number, nil)
	if strings.Contains(body, "11010519491231002X") {
		t.Fatal("the case page shows the full ID number before asking")
	}
	status, body := b.post("/cases/"+number+"/reveal", url.Values{})
	if status != 200 || !strings.Contains(body, "11010519491231002X") || !strings.Contains(body, "13800000000") {
		t.Fatalf("reveal: %d", status)
	}
	_, out := ts.call("GET", "/api/v1/cases/"+number+"/timeline", "leader", nil)
	events := out["events"].([]any)
	last := events[len(events)-1].(map[string]any)
	if last["kind"] != "reveal" || last["visibility"] != "internal" || last["actor"] != "王窗口" {
		t.Fatalf("last event %v, want an internal reveal by 王窗口", last)
	}
}

func TestAdminFormsBadInput(t *testing.T) {
	ts := newTestServer(t)
	b := ts.signedIn(t, "admin")
	status, body := b.post("/admin/users", url.Values{"username": {"zhou"}, "name": {"周"}, "password": {"password-zhou"}, "role": {"handler"}})
	if status != 400 || !strings.Contains(body, "必须指定所属窗口") || !strings.Contains(body, `value="zhou"`) {
		t.Fatalf("handler without desk: %d", status)
	}
	status, body = b.post("/admin/desks", url.Values{"op": {"create"}, "code": {"Labor Arbitration"}, "name": {"劳动仲裁"}})
	if status != 400 || !strings.Contains(body, "窗口代码应为") {
		t.Fatalf("bad desk code: %d", status)
	}
	status, body = b.post("/admin/categories", url.Values{"op": {"create"}, "code": {"fishing"}, "name": {""}})
	if status != 400 || !strings.Contains(body, "请填写类别名称") {
		t.Fatalf("category without name: %d", status)
	}
	status, body = b.post("/admin/users/2", url.Values{"op": {"role"}, "role": {"handler"}, "desk": {""}})
	if status != 400 || !strings.Contains(body, "必须指定所属窗口") {
		t.Fatalf("role change to handler without desk: %d", status)
	}
	status, body = b.post("/admin/users/2", url.Values{"op": {"password"}, "password": {"short"}})
	if status != 400 || !strings.Contains(body, "密码至少8位") {
		t.Fatalf("short password reset: %d", status)
	}
	status, body = b.post("/admin/desks", url.Values{"code": {"mediation"}, "name": {" "}, "active": {"1"}})
	if status != 400 || !strings.Contains(body, "请填写窗口名称") {
		t.Fatalf("desk renamed to nothing: %d", status)
	}
	desks, _ := ts.svc.Desks(context.Background())
	for _, d := range desks {
		if d.Code == "mediation" && (d.Name != "人民调解" || !d.Active) {
			t.Fatalf("a refused form changed the desk: %+v", d)
		}
	}
	// A non-admin gets a 403 page.
	other := ts.signedIn(t, "intake")
	status, _, _ = other.do("GET", "/admin/users", nil)
	if status != 403 {
		t.Fatalf("intake on /admin/users: %d", status)
	}
}

func TestSearchPageBadInputAndLogoutNeedsToken(t *testing.T) {
	ts := newTestServer(t)
	b := ts.signedIn(t, "intake")
	status, body, _ := b.do("GET", "/search?q="+url.QueryEscape(strings.Repeat("工资", 150)), nil)
	if status != 400 || !strings.Contains(body, "搜索内容过长") {
		t.Fatalf("overlong search: %d", status)
	}
	status, _, _ = b.do("POST", "/logout", url.Values{})
	if status != 403 {
		t.Fatalf("logout without a CSRF token: %d, want 403", status)
	}
	if status, _, _ := b.do("GET", "/intake", nil); status != 200 {
		t.Fatalf("still signed in after the refused logout? %d", status)
	}
}

// The person lookup at intake counts only the cases the asker may see: a
// handler learns nothing of cases at other desks (issue 15).
func TestIntakePersonCountsOnlyVisibleCases(t *testing.T) {
	ts := newTestServer(t)
	for _, desk := range []string{"mediation", "petition"} {
		n := ts.intake(nil)["number"].(string)
		ts.act("intake", n, "route", map[string]any{"desk": desk}, 200)
	}
	lookup := func(user string) float64 {
		b := ts.signedIn(t, user)
		status, body, _ := b.do("GET", "/intake/person?id_number=11010519491231002X", nil)
		var p struct {
			Cases float64 `json:"cases"`
		}
		if status != 200 || jsonUnmarshal([]byte(body), &p) != nil {
			t.Fatalf("%s: lookup %d %s", user, status, body)
		}
		return p.Cases
	}
	if got := lookup("intake"); got != 2 {
		t.Errorf("intake sees %v cases of the person, want 2", got)
	}
	if got := lookup("mediation"); got != 1 {
		t.Errorf("the mediation desk is told of %v cases, want the 1 it holds", got)
	}
	if got := lookup("governance"); got != 0 {
		t.Errorf("the governance desk is told of %v cases, want 0", got)
	}
}

// The desks' and the categories' pages share one form handler: a row is
// added, renamed and retired, a code in use is refused on the page, and
// each success goes back to its own list.
func TestAdminNamedListsAddRenameAndRetire(t *testing.T) {
	ts := newTestServer(t)
	b := ts.signedIn(t, "admin")
	for _, l := range []struct{ path, code, name, renamed, taken string }{
		{"/admin/desks", "labor_arbitration", "劳动仲裁", "劳动人事争议仲裁", "该窗口代码已存在"},
		{"/admin/categories", "fishing", "渔业纠纷", "渔业养殖纠纷", "该类别代码已存在"},
	} {
		b.do("GET", l.path, nil)
		status, body, h := b.do("POST", l.path, url.Values{"_csrf": {b.csrf}, "op": {"create"}, "code": {l.code}, "name": {l.name}})
		if status != fiber.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), l.path+"?done=") {
			t.Fatalf("%s create: %d %s\n%s", l.path, status, h.Get("Location"), body)
		}
		if _, page, _ := b.do("GET", l.path, nil); !strings.Contains(page, l.name) {
			t.Fatalf("%s does not list %s", l.path, l.name)
		}
		if status, body := b.post(l.path, url.Values{"op": {"create"}, "code": {l.code}, "name": {"再来"}}); status != 409 || !strings.Contains(body, l.taken) {
			t.Fatalf("%s create twice: %d", l.path, status)
		}
		b.do("GET", l.path, nil)
		if status, body := b.post(l.path, url.Values{"code": {l.code}, "name": {l.renamed}}); status != fiber.StatusSeeOther {
			t.Fatalf("%s rename and retire: %d\n%s", l.path, status, body)
		}
	}
	desks, _ := ts.svc.Desks(context.Background())
	cats, _ := ts.svc.Categories(context.Background())
	if i := slices.IndexFunc(desks, func(d cases.Desk) bool { return d.Code == "labor_arbitration" }); i < 0 || desks[i].Name != "劳动人事争议仲裁" || desks[i].Active {
		t.Errorf("desks after the forms: %+v", desks)
	}
	if i := slices.IndexFunc(cats, func(c cases.Category) bool { return c.Code == "fishing" }); i < 0 || cats[i].Name != "渔业养殖纠纷" || cats[i].Active {
		t.Errorf("categories after the forms: %+v", cats)
	}
}

// 督办答复 was offered on a case no leader had escalated (issue 16, item 8).
func TestRespondIsOfferedOnlyUnderSupervision(t *testing.T) {
	ts := newTestServer(t)
	n, _ := ts.mediationCase()
	b := ts.signedIn(t, "mediation")
	if _, page, _ := b.do("GET", "/cases/"+n, nil); strings.Contains(page, "/act/respond") {
		t.Error("督办答复 is offered on a case without 督办")
	}
	ts.act("leader", n, "escalate", map[string]any{"level": "yellow", "respond_by": time.Now().AddDate(0, 0, 10).Format(time.DateOnly), "note": "请尽快化解"}, 200)
	if _, page, _ := b.do("GET", "/cases/"+n, nil); !strings.Contains(page, "/act/respond") {
		t.Error("督办答复 is not offered on a case under 督办")
	}
}

// The case page hid the closure type and the number of people involved
// (issue 16, item 8).
func TestCasePageShowsClosureTypeAndPeople(t *testing.T) {
	ts := newTestServer(t)
	n, _ := ts.mediationCase()
	ts.act("mediation", n, "close", map[string]any{"outcome": "引导当事人申请劳动仲裁", "closure_type": "legal_procedure", "summary": "已告知仲裁途径"}, 200)
	b := ts.signedIn(t, "mediation")
	_, page, _ := b.do("GET", "/cases/"+n, nil)
	for _, want := range []string{"<dt>办结类型</dt><dd>" + reports.ClosureTypeLabel("legal_procedure") + "</dd>", "<dt>涉及人数</dt>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the closed case's page lacks %q", want)
		}
	}
}

// The mediator's 已退回 queue wore a red badge though what the desk
// returned waits at the intake window, not on the mediator (issue 16,
// item 8); 办理中 still does.
func TestReturnedQueueBadgeIsNoAlarm(t *testing.T) {
	ts := newTestServer(t)
	n := ts.intake(nil)["number"].(string)
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", n, "return", map[string]any{"reason": "不属于本窗口受理范围"}, 200)
	ts.mediationCase()
	b := ts.signedIn(t, "mediation")
	_, page, _ := b.do("GET", "/desk", nil)
	badge := regexp.MustCompile(`已退回 <span class="badge( on)?">1</span>`).FindStringSubmatch(page)
	if badge == nil || badge[1] != "" {
		t.Errorf("the 已退回 badge: %q", badge)
	}
	if !strings.Contains(page, `办理中 <span class="badge on">1</span>`) {
		t.Error("the 办理中 badge should still be red")
	}
}

// An admin page's error named a command-line flag (issue 16, item 9).
func TestAdminUserErrorNamesNoFlag(t *testing.T) {
	ts := newTestServer(t)
	b := ts.signedIn(t, "admin")
	status, body := b.post("/admin/users", url.Values{"username": {"zhou"}, "password": {"password-zhou"}, "role": {"handler"}, "desk": {""}, "name": {"周"}})
	if status != 400 || !strings.Contains(body, "必须指定所属窗口") || strings.Contains(body, "--desk") {
		t.Errorf("adding a handler without a desk: %d, flag named: %v", status, strings.Contains(body, "--desk"))
	}
}

// 停用 took one click (issue 16, item 9): the box must be ticked.
func TestDisablingAUserAsksForConfirmation(t *testing.T) {
	ts := newTestServer(t)
	b := ts.signedIn(t, "admin")
	_, page, _ := b.do("GET", "/admin/users", nil)
	all := regexp.MustCompile(`action="/admin/users/(\d+)"`).FindAllStringSubmatch(page, -1)
	if len(all) == 0 {
		t.Fatal("no user form on the users page")
	}
	m := all[len(all)-1] // not the admin's own row
	if !strings.Contains(page, `name="confirm" value="yes" required`) {
		t.Error("the 停用 form has no required confirmation box")
	}
	status, body := b.post("/admin/users/"+m[1], url.Values{"op": {"disable"}})
	if status != 400 || !strings.Contains(body, "确认停用") {
		t.Errorf("an unconfirmed 停用: %d", status)
	}
	if status, _ := b.post("/admin/users/"+m[1], url.Values{"op": {"disable"}, "confirm": {"yes"}}); status != 303 {
		t.Errorf("a confirmed 停用: %d", status)
	}
}
