package views_test

// The citizen's side end to end in a real browser: the citizen at phone
// size (375×667) on /status and /apply, the staff at desk size (1366×768)
// in a second tab (the staff session cookie is of no use to the public
// pages, which have none).  Every state is
// screenshot into testdata/artifacts/ and checked for sideways scrolling.

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// tab is one browser tab driven by the test, at a fixed viewport.
type tab struct {
	driver
	w, h int64
}

func (b *tab) open(path, waitFor string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(waitFor, chromedp.ByQuery))
}

func (b *tab) count(sel string) int {
	b.t.Helper()
	var n int
	b.run("count "+sel, chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n))
	return n
}

// look saves the whole page as name-WxH.png and fails if it is wider than
// the viewport.
func (b *tab) look(name string) {
	b.t.Helper()
	var png []byte
	var wide bool
	b.run("screenshot "+name,
		// Two tabs share the browser: a tab in the background may never
		// paint the frame a screenshot waits for.
		page.BringToFront(),
		chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth`, &wide),
		chromedp.FullScreenshot(&png, 100))
	if wide {
		b.t.Errorf("%s scrolls sideways at %d px", name, b.w)
	}
	dir := filepath.Join("testdata", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%dx%d.png", name, b.w, b.h)), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *tab) login(user string) {
	b.t.Helper()
	b.open("/login", "#username")
	b.run("login "+user, signIn(user))
}

// fetch answers status and content type of a GET from the page, with its cookies.
func (b *tab) fetch(href string) string {
	b.t.Helper()
	var got string
	b.run("fetch "+href, chromedp.Evaluate(fmt.Sprintf(
		`fetch(%q).then(r => r.status + " " + r.headers.get("content-type"))`, href), &got,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	return got
}

func TestCitizenSideInTheBrowser(t *testing.T) {
	ts := newTestServer(t)
	base := ts.listen()
	ctx := phoneBrowser(t)
	// Each tab starts on its long-lived context: a step's own timeout must
	// not own the browser.
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	phone := &tab{driver: driver{t: t, ctx: ctx, base: base, timeout: 15 * time.Second}, w: 375, h: 667}
	phone.run("phone viewport", chromedp.EmulateViewport(375, 667, chromedp.EmulateMobile))
	deskCtx, cancelDesk := chromedp.NewContext(ctx)
	defer cancelDesk()
	if err := chromedp.Run(deskCtx); err != nil {
		t.Fatalf("open a second tab: %v", err)
	}
	desk := &tab{driver: driver{t: t, ctx: deskCtx, base: base, timeout: 15 * time.Second}, w: 1366, h: 768}
	desk.run("desk viewport", chromedp.EmulateViewport(1366, 768))

	n, code := ts.mediationCase()
	const internal = "内部：申请人情绪激动，注意安全"
	ts.act("mediation", n, "notes", map[string]any{"body": internal}, 200)
	statusPath := "/status?" + url.Values{"number": {n}, "code": {code}}.Encode()

	// (a) A message with a photo, through the page's form.
	dir := t.TempDir()
	photo := filepath.Join(dir, "欠条.png")
	if err := os.WriteFile(photo, pngBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	phone.open(statusPath, "#body")
	phone.run("type a message",
		chromedp.SendKeys("#body", "补充欠条照片，请查收", chromedp.ByID),
		chromedp.SetUploadFiles("#files", []string{photo}, chromedp.ByID))
	// Let the file input repaint with the chosen name before the shot.
	phone.run("settle", chromedp.Blur("#body", chromedp.ByID), chromedp.Sleep(150*time.Millisecond))
	phone.look("citizen-message-form")
	phone.run("send", chromedp.Submit("#body", chromedp.ByID), chromedp.WaitVisible(".alert-ok", chromedp.ByQuery))
	if got := phone.text(".timeline"); !strings.Contains(got, "您的留言：补充欠条照片，请查收（附件1个）") {
		t.Fatalf("the timeline does not show the citizen's message:\n%s", got)
	}
	phone.look("citizen-message-sent")
	var html string
	phone.run("page source", chromedp.OuterHTML("html", &html, chromedp.ByQuery))
	for _, never := range []string{internal, "13800000000", "11010519491231002X"} {
		if strings.Contains(html, never) {
			t.Errorf("the citizen's page contains %q", never)
		}
	}

	// (c) Text alone: the browser still sends the empty file part.
	phone.open(statusPath, "#body")
	phone.run("text-only message",
		chromedp.SendKeys("#body", "周五上午有空，可以来中心", chromedp.ByID),
		chromedp.Submit("#body", chromedp.ByID),
		chromedp.WaitVisible(".alert-ok", chromedp.ByQuery))
	if got := phone.text(".timeline"); !strings.Contains(got, "您的留言：周五上午有空，可以来中心") {
		t.Fatalf("a text-only message is not on the timeline:\n%s", got)
	}

	// (d) An HTML page named .png: the clear message, nothing stored.
	fake := filepath.Join(dir, "照片.png")
	if err := os.WriteFile(fake, htmlBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	stored, events := len(ts.storedFiles()), len(ts.timelineKinds(n))
	phone.run("bad file",
		chromedp.SendKeys("#body", "再补一张", chromedp.ByID),
		chromedp.SetUploadFiles("#files", []string{fake}, chromedp.ByID),
		chromedp.Submit("#body", chromedp.ByID),
		chromedp.WaitVisible(".alert-error", chromedp.ByQuery))
	if got := phone.text(".alert-error"); got != "第1个附件不是JPG、PNG图片或PDF文件" {
		t.Fatalf("a bad file says %q", got)
	}
	var kept string
	phone.run("typed text kept", chromedp.Value("#body", &kept, chromedp.ByID))
	if kept != "再补一张" {
		t.Errorf("the typed message is lost: %q", kept)
	}
	phone.look("citizen-message-bad-file")
	if len(ts.storedFiles()) != stored || len(ts.timelineKinds(n)) != events {
		t.Fatalf("a refused file was stored")
	}

	// The mediator: the badge in the queue, the file on the case page.
	desk.login("mediation")
	desk.open("/desk?queue=in_progress", "table.cases")
	if got := desk.text("table.cases .tag.new"); got != "新留言 2" {
		t.Fatalf("the queue's badge says %q", got)
	}
	desk.look("staff-desk-unread")
	desk.run("open the case", chromedp.Click(`table.cases a[href="/cases/`+n+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible("ul.files", chromedp.ByQuery))
	if got := desk.text("ul.files"); !strings.Contains(got, "欠条.png") || !strings.Contains(got, "PNG图片") {
		t.Fatalf("the attachment is listed as %q", got)
	}
	var href string
	desk.run("link", chromedp.AttributeValue("ul.files a", "href", &href, nil, chromedp.ByQuery))
	if got := desk.fetch(href); got != "200 image/png" {
		t.Fatalf("the download answers %q", got)
	}
	desk.look("staff-case-attachment")
	desk.open("/desk?queue=in_progress", "table.cases")
	if n := desk.count("table.cases .tag.new"); n != 0 {
		t.Fatalf("%d unread badges after opening the case", n)
	}

	// (b) Closed: the citizen rates once.
	ts.act("mediation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 200)
	phone.open(statusPath, `form[action="/status/rating"]`)
	phone.look("citizen-rating-form")
	phone.run("rate 4",
		chromedp.Click(`input[name="score"][value="4"]`, chromedp.ByQuery),
		chromedp.SendKeys("#comment", "调解员很耐心", chromedp.ByID),
		chromedp.Submit("#comment", chromedp.ByID),
		chromedp.WaitVisible(".alert-ok", chromedp.ByQuery))
	if got := phone.text("main"); !strings.Contains(got, "您已评价：4分，意见：“调解员很耐心”") || strings.Contains(got, "请对办理结果作出满意度评价") {
		t.Fatalf("after rating:\n%s", got)
	}
	// Post/redirect/get: a refresh shows the page again, it does not rate again.
	var loc string
	phone.run("refresh", chromedp.Reload(), chromedp.WaitVisible(".timeline", chromedp.ByQuery), chromedp.Location(&loc))
	if n := phone.count(".alert-error"); n != 0 || !strings.Contains(loc, "/status?") {
		t.Fatalf("a refresh after rating shows %d errors at %s", n, loc)
	}
	if n := phone.count(`form[action="/status/rating"]`); n != 0 {
		t.Fatalf("the rating form is still offered")
	}
	phone.look("citizen-rated")
	// A second rating posted anyway (an old tab): the clear message.
	phone.run("rate again", chromedp.Evaluate(`(() => {
		const f = document.createElement("form");
		f.method = "post"; f.action = "/status/rating";
		for (const [k, v] of [["_csrf", document.querySelector("input[name=_csrf]").value],
			["number", document.querySelector("input[name=number]").value],
			["code", document.querySelector("input[name=code]").value], ["score", "5"]]) {
			const i = document.createElement("input"); i.type = "hidden"; i.name = k; i.value = v; f.appendChild(i);
		}
		document.body.appendChild(f); f.submit(); return true;
	})()`, nil), chromedp.WaitVisible(".alert-error", chromedp.ByQuery))
	if got := phone.text(".alert-error"); got != "您已评价过本案，每件案件只能评价一次" {
		t.Fatalf("a second rating says %q", got)
	}
	phone.look("citizen-rated-twice")

	// (c) Online applications: one registered, one declined.
	apply := func(name, evidence string) (string, string) {
		t.Helper()
		phone.open("/apply", "#summary")
		phone.run("fill the application",
			chromedp.SendKeys("#applicant_name", name, chromedp.ByID),
			chromedp.SendKeys("#phone", "13912345678", chromedp.ByID),
			chromedp.SendKeys("#respondent_name", "某某劳务公司", chromedp.ByID),
			chromedp.SetValue("#category", "labor", chromedp.ByID),
			chromedp.SendKeys("#town", "城关镇", chromedp.ByID),
			chromedp.SendKeys("#summary", "我在工地做木工，老板欠我工资12000元不给。", chromedp.ByID))
		if evidence != "" {
			phone.run("choose the evidence", chromedp.SetUploadFiles("#files", []string{evidence}, chromedp.ByID),
				chromedp.Click(`input[name="consent"]`, chromedp.ByQuery))
			phone.look("citizen-apply-form")
			phone.run("untick", chromedp.Click(`input[name="consent"]`, chromedp.ByQuery))
		}
		phone.run("consent and submit",
			chromedp.Click(`input[name="consent"]`, chromedp.ByQuery),
			chromedp.Submit("#summary", chromedp.ByID),
			chromedp.WaitVisible("p.big", chromedp.ByQuery))
		var got []string
		phone.run("read the receipt", chromedp.Evaluate(
			`[...document.querySelectorAll("p.big strong")].map(e => e.textContent)`, &got))
		if len(got) != 2 || !strings.HasPrefix(got[0], "YD-") || len(got[1]) != 11 {
			t.Fatalf("the confirmation shows %v", got)
		}
		return got[0], got[1]
	}
	an, acode := apply("李四", photo)
	phone.look("citizen-applied")
	dn, dcode := apply("王五", "")

	desk.logout()
	desk.login("intake")
	if got := desk.text(`.nav a[href="/desk?queue=submitted"]`); got != "待受理 2" {
		t.Fatalf("the navigation says %q", got)
	}
	desk.open("/desk?queue=submitted", "table.cases")
	if got := desk.text("table.cases"); !strings.Contains(got, an) || !strings.Contains(got, "李四") ||
		!strings.Contains(got, "劳动争议") || !strings.Contains(got, "城关镇") {
		t.Fatalf("the 待受理 list shows:\n%s", got)
	}
	desk.look("staff-submitted-queue")
	desk.open("/cases/"+an, "#act-register")
	if got := desk.text("main"); !strings.Contains(got, "欠条.png") || !strings.Contains(got, "申请人已同意个人信息处理告知") {
		t.Fatalf("the submitted case shows neither the evidence nor the consent:\n%s", got)
	}
	desk.look("staff-submitted-case")
	desk.run("register", chromedp.Click("#act-register summary", chromedp.ByQuery),
		chromedp.Click("#act-register button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery))
	phone.open("/status?"+url.Values{"number": {an}, "code": {acode}}.Encode(), ".timeline")
	if got := phone.text("#now"); !strings.Contains(got, "已受理") {
		t.Fatalf("after registering, the citizen reads %q", got)
	}
	phone.look("citizen-application-registered")

	// The applicant lost the code: the window reissues it from the case page.
	desk.open("/cases/"+an, "#act-reissue_code")
	desk.run("reissue", chromedp.Click("#act-reissue_code summary", chromedp.ByQuery),
		chromedp.Click(`#act-reissue_code input[name="confirm"]`, chromedp.ByQuery),
		chromedp.Click("#act-reissue_code button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible("#query-code", chromedp.ByID))
	newCode := desk.text("#query-code")
	if newCode == acode || len(newCode) != 11 || !strings.Contains(desk.text("main"), "原查询码已失效") {
		t.Fatalf("the reissued receipt shows %q (old %q)", newCode, acode)
	}
	desk.look("staff-reissued-receipt")
	phone.open("/status?"+url.Values{"number": {an}, "code": {acode}}.Encode(), ".alert-error")
	phone.open("/status?"+url.Values{"number": {an}, "code": {newCode}}.Encode(), ".timeline")

	desk.open("/cases/"+dn, "#act-decline")
	desk.run("decline without a reason", chromedp.Click("#act-decline summary", chromedp.ByQuery),
		chromedp.Click("#act-decline button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible("#act-decline .error", chromedp.ByQuery))
	if got := desk.text("#act-decline .error"); got != "请填写不予受理的理由" {
		t.Fatalf("decline without a reason says %q", got)
	}
	desk.look("staff-decline-no-reason")
	const reason = "该纠纷已由人民法院立案受理，请关注法院通知。"
	desk.run("decline", chromedp.SendKeys("#decline-reason", reason, chromedp.ByID),
		chromedp.Click("#act-decline button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery))
	phone.open("/status?"+url.Values{"number": {dn}, "code": {dcode}}.Encode(), ".timeline")
	if got := phone.text("main"); !strings.Contains(got, "不予受理") || !strings.Contains(got, reason) {
		t.Fatalf("the declined citizen reads:\n%s", got)
	}
	phone.look("citizen-application-declined")
}
