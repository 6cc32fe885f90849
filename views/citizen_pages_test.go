package views_test

// The citizen's side on the staff pages, through HTTP with a session: the
// 待受理 queue and its register/decline forms, the unread-message badge,
// attachments downloaded from the case page, and the query code reissued
// onto a printable receipt.

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var (
	versionInput = regexp.MustCompile(`name="version" value="(\d+)"`)
	receiptCode  = regexp.MustCompile(`id="query-code">([^<]+)<`)
	attachLink   = regexp.MustCompile(`href="(/cases/[^"]+/attachments/\d+)"`)
)

// caseVersion opens the case page and answers the version its forms carry.
func (b *browser) caseVersion(n string) string {
	b.t.Helper()
	status, body, _ := b.do("GET", "/cases/"+n, nil)
	m := versionInput.FindStringSubmatch(body)
	if status != 200 || m == nil {
		b.t.Fatalf("case page %s: %d, no version in the forms", n, status)
	}
	return m[1]
}

func TestSubmittedQueueRegisterAndDeclineForms(t *testing.T) {
	ts := newTestServer(t)
	_, rec := ts.call("POST", "/api/v1/public/applications", "", application())
	n, code := rec["number"].(string), rec["query_code"].(string)
	_, rec2 := ts.call("POST", "/api/v1/public/applications", "", application())
	n2, code2 := rec2["number"].(string), rec2["query_code"].(string)

	b := ts.signedIn(t, "intake")
	status, body, _ := b.do("GET", "/desk?queue=submitted", nil)
	if status != 200 {
		t.Fatalf("待受理 queue: %d", status)
	}
	for _, want := range []string{"待受理", n, n2, "李四", "劳动争议", "城关镇", "提交时间"} {
		if !strings.Contains(body, want) {
			t.Errorf("the 待受理 queue does not show %q", want)
		}
	}
	if !regexp.MustCompile(`href="/desk\?queue=submitted"[^>]*>[^<]*待受理\s*<span class="badge on">2</span>`).MatchString(body) {
		t.Errorf("the navigation does not count 2 applications under 待受理")
	}

	// Both forms come from the transitions table.
	status, body, _ = b.do("GET", "/cases/"+n, nil)
	for _, want := range []string{`action="/cases/` + n + `/act/register"`, `action="/cases/` + n + `/act/decline"`, `id="decline-reason"`} {
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("case page of a submission lacks %s", want)
		}
	}

	// Decline without a reason: the page again, 400, the message, nothing stored.
	v := b.caseVersion(n2)
	before := ts.timelineKinds(n2)
	status, body = b.post("/cases/"+n2+"/act/decline", url.Values{"version": {v}, "reason": {"  "}})
	if status != 400 || !strings.Contains(body, "请填写不予受理的理由") || !strings.Contains(body, `<details open id="act-decline">`) {
		t.Fatalf("decline without a reason: %d\n%s", status, body)
	}
	if k := ts.caseAsLeader(n2); k["status"] != "submitted" || len(ts.timelineKinds(n2)) != len(before) {
		t.Fatalf("a refused decline changed the case: %v", k["status"])
	}

	const reason = "该纠纷已由人民法院立案受理，请关注法院通知。"
	status, _ = b.post("/cases/"+n2+"/act/decline", url.Values{"version": {v}, "reason": {reason}})
	if status != 303 {
		t.Fatalf("decline: %d", status)
	}
	page := ts.page("GET", "/status?number="+n2+"&code="+url.QueryEscape(code2), 200)
	if !strings.Contains(page, reason) {
		t.Fatalf("the citizen does not see the reason")
	}

	status, _ = b.post("/cases/"+n+"/act/register", url.Values{"version": {b.caseVersion(n)}})
	if status != 303 {
		t.Fatalf("register: %d", status)
	}
	if _, view := ts.call("GET", "/api/v1/public/status?number="+n+"&code="+code, "", nil); view["status"] != "registered" {
		t.Fatalf("after registering, the citizen sees %v", view["status"])
	}
	_, body, _ = b.do("GET", "/desk?queue=submitted", nil)
	if strings.Contains(body, n) || strings.Contains(body, n2) || !strings.Contains(body, "暂无待受理的网上申请") {
		t.Errorf("handled applications are still in 待受理")
	}
}

func TestUnreadBadgeAttachmentsAndTheirReadRule(t *testing.T) {
	ts := newTestServer(t)
	n, code := ts.mediationCase()
	ts.sendFiles(n, code, "补充欠条照片", upload{"欠条.png", pngBytes})

	// A leader opening the case leaves the badge for the desk.
	leader := ts.signedIn(t, "leader")
	leader.do("GET", "/cases/"+n, nil)

	m := ts.signedIn(t, "mediation")
	_, body, _ := m.do("GET", "/desk?queue=in_progress", nil)
	if !strings.Contains(body, `<span class="tag new">新留言 1</span>`) {
		t.Fatalf("no unread badge in the desk's queue:\n%s", body)
	}
	_, body, _ = m.do("GET", "/desk?queue=unread", nil)
	if !strings.Contains(body, n) {
		t.Errorf("the 新留言 queue does not list the case")
	}

	status, body, _ := m.do("GET", "/cases/"+n, nil)
	link := attachLink.FindStringSubmatch(body)
	if status != 200 || link == nil || !strings.Contains(body, "欠条.png") || !strings.Contains(body, "PNG图片") ||
		!strings.Contains(body, "群众发来 1 条新留言") {
		t.Fatalf("the case page does not list the attachment or the new message: %d\n%s", status, body)
	}
	status, file, h := m.do("GET", link[1], nil)
	if status != 200 || !bytes.Equal([]byte(file), pngBytes) || h.Get("Content-Type") != "image/png" ||
		h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download from the case page: %d %v", status, h)
	}
	_, body, _ = m.do("GET", "/desk?queue=in_progress", nil)
	if strings.Contains(body, "新留言 1") {
		t.Errorf("the badge stays after the desk opened the case")
	}

	// A desk that cannot see the case: the 404 page, no file.
	p := ts.signedIn(t, "petition")
	status, body, h = p.do("GET", link[1], nil)
	if status != 404 || h.Get("Content-Type") == "image/png" || !strings.Contains(body, "案件不存在，或您无权查看该案件") {
		t.Fatalf("download by another desk: %d %s", status, h.Get("Content-Type"))
	}
	status, _, _ = m.do("GET", "/cases/"+n+"/attachments/999", nil)
	if status != 404 {
		t.Fatalf("a missing attachment: %d", status)
	}
}

func TestReissueFromTheCasePage(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, old := c["number"].(string), c["query_code"].(string)

	b := ts.signedIn(t, "intake")
	// Unconfirmed (the browser requires the box; a form without it): the
	// case page says so and the code stands.
	status, body := b.post("/cases/"+n+"/act/reissue_code", url.Values{"version": {b.caseVersion(n)}})
	if status != 400 || !strings.Contains(body, "请勾选确认") || receiptCode.MatchString(body) {
		t.Fatalf("unconfirmed reissue: %d", status)
	}
	if status, _, _ := ts.publicStatus(n, old); status != 200 {
		t.Fatalf("an unconfirmed reissue changed the code: %d", status)
	}
	status, body = b.post("/cases/"+n+"/act/reissue_code", url.Values{"version": {b.caseVersion(n)}, "confirm": {"yes"}})
	m := receiptCode.FindStringSubmatch(body)
	if status != 200 || m == nil || m[1] == old || !strings.Contains(body, "原查询码已失效") || !strings.Contains(body, `id="qr"`) {
		t.Fatalf("reissue: %d\n%s", status, body)
	}
	if status, _, _ := ts.publicStatus(n, old); status != 404 {
		t.Fatalf("the old code still works: %d", status)
	}
	if status, _, _ := ts.publicStatus(n, m[1]); status != 200 {
		t.Fatalf("the new code does not work: %d", status)
	}
	if k := ts.timelineKinds(n); k[len(k)-1] != "code_reissued" {
		t.Fatalf("the reissue is not logged: %v", k)
	}

	// A stale form: the case page again with the message, no new code.
	status, body = b.post("/cases/"+n+"/act/reissue_code", url.Values{"version": {"1"}, "confirm": {"yes"}})
	if status != 409 || !strings.Contains(body, "已被他人处理") || receiptCode.MatchString(body) {
		t.Fatalf("stale reissue: %d", status)
	}

	// A desk that handled the case before sees it but may not reissue: 403.
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", n, "return", map[string]any{"reason": "不属于本窗口受理范围"}, 200)
	md := ts.signedIn(t, "mediation")
	status, body = md.post("/cases/"+n+"/act/reissue_code", url.Values{"version": {md.caseVersion(n)}, "confirm": {"yes"}})
	if status != 403 || receiptCode.MatchString(body) {
		t.Fatalf("reissue by a former desk: %d", status)
	}
	// An admin sees no case at all (the permission matrix): the 404 page.
	admin := ts.signedIn(t, "admin")
	admin.do("GET", "/admin/users", nil)
	status, body = admin.post("/cases/"+n+"/act/reissue_code", url.Values{"confirm": {"yes"}})
	if status != 404 || receiptCode.MatchString(body) {
		t.Fatalf("reissue by an admin: %d", status)
	}
	if status, _, _ := ts.publicStatus(n, m[1]); status != 200 {
		t.Fatalf("refused reissues changed the code: %d", status)
	}
}

// A browser fetches /favicon.ico (a staff-side path) by itself, and staff
// look at /status too: neither side's CSRF cookie may spoil the other's
// next form.
func TestPublicAndStaffCSRFCookiesDoNotClash(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)

	b := ts.signedIn(t, "intake")
	staffToken := b.csrf
	if status, _, _ := b.do("GET", "/status?"+url.Values{"number": {n}, "code": {code}}.Encode(), nil); status != 200 {
		t.Fatalf("status page: %d", status)
	}
	publicToken := b.csrf
	b.do("GET", "/favicon.ico", nil)
	// The page's form is multipart (it carries files).
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"_csrf": publicToken, "number": n, "code": code, "body": "周五上午有空"} {
		_ = w.WriteField(k, v)
	}
	w.Close()
	req := httptest.NewRequest("POST", "/status/message", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := ts.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	status, body := resp.StatusCode, string(raw)
	if status != 303 || !strings.Contains(resp.Header.Get("Location"), "done=message") {
		t.Fatalf("the citizen's form after a staff-side request: %d\n%s", status, body)
	}
	status, _, _ = b.do("POST", "/cases/"+n+"/act/notes", url.Values{"_csrf": {staffToken}, "body": {"已电话联系申请人"}})
	if status != 303 {
		t.Fatalf("the staff form after the public pages: %d", status)
	}
}
