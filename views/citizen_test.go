package views_test

// The citizen's side through HTTP: messages with files, the rating, online
// applications and their registration or decline, the query code reissued,
// the per-case lookup limit, and the phone-first HTML pages.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"yidi/cases"
	"yidi/views"
)

// Minimal files that are what they say by their first bytes.
var (
	pngBytes  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	pdfBytes  = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	htmlBytes = []byte("<!doctype html><script>alert(1)</script>")
)

type upload struct {
	name string
	data []byte
}

// multipartCall posts fields and files to path and answers status and JSON.
func (ts *testServer) multipartCall(path string, fields map[string]string, files []upload, headers ...string) (int, map[string]any) {
	ts.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for _, f := range files {
		fw, _ := w.CreateFormFile("files", f.name)
		_, _ = fw.Write(f.data)
	}
	w.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ts.app.Test(req, -1)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{"_raw": string(raw)}
	_ = jsonUnmarshal(raw, &out)
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		out["_retry_after"] = ra
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		out["_location"] = loc
	}
	return resp.StatusCode, out
}

// storedFiles lists every file under the attachments folder.
func (ts *testServer) storedFiles() []string {
	var out []string
	_ = filepath.WalkDir(filepath.Join(ts.dir, "attachments"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// A browser sends the empty file input as a part with filename="" and no
// content, which multipart parsing files under values: a text-only message
// must still be taken.
func TestCitizenTextOnlyMessageWithTheBrowsersEmptyFilePart(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	status, out := ts.multipartCall("/api/v1/public/messages", map[string]string{"number": n, "code": code, "body": "周五上午有空"},
		[]upload{{"", nil}})
	if status != 201 {
		t.Fatalf("text-only message with an empty file part: %d %v", status, out)
	}
	if atts, _ := out["attachments"].([]any); len(atts) != 0 {
		t.Fatalf("an empty file part became attachments %v", atts)
	}
	if files := ts.storedFiles(); len(files) != 0 {
		t.Fatalf("stored files %v for a text-only message", files)
	}
}

// sendFiles is the citizen's message with files; it answers the receipt's
// attachments.
func (ts *testServer) sendFiles(n, code, body string, files ...upload) []any {
	ts.t.Helper()
	status, out := ts.multipartCall("/api/v1/public/messages", map[string]string{"number": n, "code": code, "body": body}, files)
	if status != 201 {
		ts.t.Fatalf("message with files: %d %v", status, out)
	}
	return out["attachments"].([]any)
}

func TestCitizenMessageWithFilesReachesTheDesk(t *testing.T) {
	ts := newTestServer(t)
	n, code := ts.mediationCase()
	atts := ts.sendFiles(n, code, "补充欠条照片和工资单", upload{"欠条.png", pngBytes}, upload{"工资单.pdf", pdfBytes})
	if len(atts) != 2 || atts[0].(map[string]any)["mime"] != "image/png" || atts[1].(map[string]any)["mime"] != "application/pdf" {
		t.Fatalf("attachments %v", atts)
	}
	if files := ts.storedFiles(); len(files) != 2 {
		t.Fatalf("stored files %v, want 2", files)
	}
	// A JSON message too; the same PNG again is stored once.
	if status, out := ts.call("POST", "/api/v1/public/messages", "", map[string]any{"number": n, "code": code, "body": "周五上午有空"}); status != 201 {
		t.Fatalf("JSON message: %d %v", status, out)
	}
	ts.multipartCall("/api/v1/public/messages", map[string]string{"number": n, "code": code}, []upload{{"again.png", pngBytes}})
	if files := ts.storedFiles(); len(files) != 2 {
		t.Fatalf("an equal file was stored twice: %v", files)
	}

	kase := ts.caseAsLeader(n)
	if kase["unread_messages"] != float64(3) {
		t.Fatalf("unread_messages %v, want 3", kase["unread_messages"])
	}
	kinds := ts.timelineKinds(n)
	if kinds[len(kinds)-1] != cases.EventCitizenMessage {
		t.Fatalf("timeline %v", kinds)
	}
	_, view := ts.call("GET", "/api/v1/public/status?number="+n+"&code="+code, "", nil)
	if !strings.Contains(jsonString(view), "您的留言：补充欠条照片和工资单（附件2个）") {
		t.Errorf("the public timeline does not show the citizen's own message: %v", view["events"])
	}

	// The desk downloads a file: a download, its type, no sniffing.
	id := int(atts[0].(map[string]any)["id"].(float64))
	resp := ts.raw("GET", "/api/v1/cases/"+n+"/attachments/"+itoa(id), "mediation", nil)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, pngBytes) || resp.Header.Get("Content-Type") != "image/png" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
	}
	for _, who := range []string{"petition", ""} {
		resp := ts.raw("GET", "/api/v1/cases/"+n+"/attachments/"+itoa(id), who, nil)
		resp.Body.Close()
		if resp.StatusCode != 404 && resp.StatusCode != 401 {
			t.Errorf("download by %q: %d", who, resp.StatusCode)
		}
	}

	// Opening the case as the holding desk clears the flag, with no event.
	before := len(ts.timelineKinds(n))
	if err := ts.svc.MarkMessagesRead(context.Background(), ts.actor("leader"), n); err != nil {
		t.Fatal(err)
	}
	if k := ts.caseAsLeader(n); k["unread_messages"] != float64(3) {
		t.Fatalf("a leader reading cleared the desk's flag: %v", k["unread_messages"])
	}
	mediator := ts.actor("mediation")
	if err := ts.svc.MarkMessagesRead(context.Background(), mediator, n); err != nil {
		t.Fatal(err)
	}
	if k := ts.caseAsLeader(n); k["unread_messages"] != float64(0) || k["version"] != kase["version"] {
		t.Fatalf("after MarkMessagesRead: unread %v version %v (was %v)", k["unread_messages"], k["version"], kase["version"])
	}
	if after := len(ts.timelineKinds(n)); after != before {
		t.Fatalf("MarkMessagesRead appended events: %d → %d", before, after)
	}
}

func TestBadAttachmentsAreRefusedAndNothingIsStored(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	events := len(ts.timelineKinds(n))
	big := append(append([]byte{}, pngBytes...), make([]byte, cases.MaxAttachmentSize)...)
	for _, tc := range []struct {
		name  string
		files []upload
		body  string
		code  string
	}{
		{"HTML named .png", []upload{{"photo.png", pngBytes}, {"evil.png", htmlBytes}}, "看附件", "unsupported_file_type"},
		{"over 10 MB", []upload{{"big.png", big}}, "看附件", "file_too_large"},
		{"four files", []upload{{"1.png", pngBytes}, {"2.png", pngBytes}, {"3.png", pngBytes}, {"4.png", pngBytes}}, "", "too_many_files"},
		{"nothing at all", nil, " ", "required"},
	} {
		status, out := ts.multipartCall("/api/v1/public/messages", map[string]string{"number": n, "code": code, "body": tc.body}, tc.files)
		if status != 400 || errorCode(out) != tc.code {
			t.Errorf("%s: %d %v, want 400 %s", tc.name, status, out["_raw"], tc.code)
		}
	}
	if files := ts.storedFiles(); len(files) != 0 {
		t.Errorf("refused uploads left files: %v", files)
	}
	if got := len(ts.timelineKinds(n)); got != events {
		t.Errorf("refused uploads appended events: %d → %d", events, got)
	}
	if k := ts.caseAsLeader(n); k["unread_messages"] != float64(0) {
		t.Errorf("refused uploads marked the case unread: %v", k["unread_messages"])
	}
	// A wrong code with a good file: the one not-found answer, nothing stored.
	status, out := ts.multipartCall("/api/v1/public/messages", map[string]string{"number": n, "code": wrongCode(code), "body": "x"},
		[]upload{{"a.png", pngBytes}})
	if status != 404 || errorCode(out) != "not_found" || len(ts.storedFiles()) != 0 {
		t.Errorf("wrong code: %d %v, files %v", status, out["_raw"], ts.storedFiles())
	}
}

func TestRatingOnceAfterClosingOnly(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	rate := func(score int, want int, wantCode string) {
		t.Helper()
		status, out := ts.call("POST", "/api/v1/public/rating", "", map[string]any{"number": n, "code": code, "score": score, "comment": "调解员很耐心"})
		if status != want || (wantCode != "" && errorCode(out) != wantCode) {
			t.Fatalf("rate %d: %d %v, want %d %s", score, status, out, want, wantCode)
		}
	}
	rate(5, 409, "not_closed")
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", n, "accept", nil, 200)
	ts.act("mediation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 200)
	_, view := ts.call("GET", "/api/v1/public/status?number="+n+"&code="+code, "", nil)
	if view["can_rate"] != true {
		t.Fatalf("closed case cannot be rated: %v", view)
	}
	rate(0, 400, "invalid_score")
	rate(6, 400, "invalid_score")
	rate(4, 201, "")
	rate(5, 409, "already_rated")
	_, view = ts.call("GET", "/api/v1/public/status?number="+n+"&code="+code, "", nil)
	if view["can_rate"] != false || view["rating"].(map[string]any)["score"] != float64(4) ||
		!strings.Contains(jsonString(view), "您的评价：4分，调解员很耐心") {
		t.Fatalf("after rating: %v", view)
	}
	// Staff have no rating action, and a token does not open the public route.
	ts.act("mediation", n, "rating", map[string]any{}, 400)
	status, _ := ts.call("POST", "/api/v1/public/rating", "mediation", map[string]any{"number": n, "code": "AAAAA-AAAAA", "score": 1})
	if status != 404 {
		t.Fatalf("staff token with a wrong code: %d", status)
	}
	if _, view := ts.call("GET", "/api/v1/public/status?number="+n+"&code="+code, "", nil); view["rating"].(map[string]any)["score"] != float64(4) {
		t.Fatalf("the rating changed: %v", view["rating"])
	}
}

// application is a valid online application body.
func application() map[string]any {
	return map[string]any{
		"category": "labor", "town": "城关镇", "phone": "13912345678",
		"summary": "我在工地做木工，老板欠我工资12000元不给。", "claims": "请求支付工资。",
		"parties": []map[string]any{{"role": "applicant", "name": "李四"}, {"role": "respondent", "name": "某某劳务公司"}},
	}
}

func TestOnlineApplicationIsRegisteredThenRouted(t *testing.T) {
	ts := newTestServer(t)
	status, rec := ts.call("POST", "/api/v1/public/applications", "", application())
	if status != 201 || rec["status"] != "submitted" || rec["query_code"] == "" {
		t.Fatalf("application: %d %v", status, rec)
	}
	n, code := rec["number"].(string), rec["query_code"].(string)
	kase := ts.caseAsLeader(n)
	if kase["status"] != "submitted" || kase["source"] != "online" || kase["deadline"] == nil {
		t.Fatalf("submitted case: %v", kase)
	}
	_, view := ts.call("GET", "/api/v1/public/status?number="+n+"&code="+code, "", nil)
	if view["status"] != "submitted" || !strings.Contains(view["status_text"].(string), "等待受理") {
		t.Fatalf("public view of a submission: %v", view)
	}
	ts.act("mediation", n, "register", nil, 404) // a desk does not see the window's inbox
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 409)
	ts.act("intake", n, "register", nil, 200)
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", n, "accept", nil, 200)
	if k := ts.timelineKinds(n); strings.Join(k, ",") != "submitted,register,route,accept" {
		t.Fatalf("timeline %v", k)
	}

	// The applicant hears of each step by text message, in order.
	notes, err := ts.svc.Notifications(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range notes {
		if m.Phone != "13912345678" {
			t.Errorf("message to %s", m.Phone)
		}
		texts = append(texts, m.Body)
	}
	if len(texts) != 4 || !strings.Contains(texts[0], "网上申请已提交") || !strings.Contains(texts[3], "人民调解窗口签收") {
		t.Fatalf("outbox %q", texts)
	}
}

func TestDeclinedApplicationShowsTheReason(t *testing.T) {
	ts := newTestServer(t)
	_, rec := ts.call("POST", "/api/v1/public/applications", "", application())
	n, code := rec["number"].(string), rec["query_code"].(string)
	ts.act("intake", n, "decline", map[string]any{}, 400)
	const reason = "该纠纷已由人民法院立案受理，请关注法院通知。"
	ts.act("intake", n, "decline", map[string]any{"reason": reason}, 200)
	_, view := ts.call("GET", "/api/v1/public/status?number="+n+"&code="+code, "", nil)
	if view["status"] != "declined" || !strings.Contains(view["status_text"].(string), reason) {
		t.Fatalf("declined view: %v", view)
	}
	html := ts.page("GET", "/status?number="+n+"&code="+url.QueryEscape(code), 200)
	if !strings.Contains(html, "不予受理") || !strings.Contains(html, reason) {
		t.Fatalf("the status page does not show the reason:\n%s", html)
	}
	ts.act("intake", n, "register", nil, 409)
}

func TestApplicationSpamIsRefused(t *testing.T) {
	ts := newTestServer(t, views.Options{Applications: 2, ApplicationWindow: time.Hour})
	honey := application()
	honey["website"] = "http://spam.example"
	status, out := ts.call("POST", "/api/v1/public/applications", "", honey)
	if status != 400 || errorCode(out) != "application_refused" {
		t.Fatalf("honeypot: %d %v", status, out)
	}
	if _, out := ts.call("GET", "/api/v1/search", "leader", nil); out["total"] != float64(0) {
		t.Fatalf("honeypot stored a case: %v", out)
	}
	noPhone := application()
	delete(noPhone, "phone")
	if status, out := ts.call("POST", "/api/v1/public/applications", "", noPhone); status != 400 || errorField(out) != "phone" {
		t.Fatalf("no phone: %d %v", status, out)
	}
	if status, out := ts.call("POST", "/api/v1/public/applications", "", application()); status != 201 {
		t.Fatalf("first real application: %d %v", status, out)
	}
	status, out = ts.call("POST", "/api/v1/public/applications", "", application())
	if status != 429 || errorCode(out) != "too_many_applications" {
		t.Fatalf("after the limit: %d %v", status, out)
	}
}

func TestReissuedCodeReplacesTheOldOne(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, old := c["number"].(string), c["query_code"].(string)
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("petition", n, "reissue_code", nil, 404)
	ts.act("mediation", n, "reissue_code", nil, 200) // holding desk, even before accepting
	got := ts.act("leader", n, "reissue_code", nil, 200)
	code, _ := got["query_code"].(string)
	if len(code) != 11 || code == old {
		t.Fatalf("reissue answer %v", got)
	}
	if status, _, _ := ts.publicStatus(n, old); status != 404 {
		t.Fatalf("old code still works: %d", status)
	}
	if status, raw, _ := ts.publicStatus(n, code); status != 200 || strings.Contains(raw, "code_reissued") {
		t.Fatalf("new code: %d %s", status, raw)
	}
	if _, out := ts.call("GET", "/api/v1/cases/"+n, "leader", nil); out["query_code"] != nil {
		t.Fatalf("the case shows a query code: %v", out)
	}
}

func TestPerCaseLimitRefusesGuessingFromManyAddresses(t *testing.T) {
	ts := newTestServer(t, views.Options{PublicFailures: 1000, PublicCaseFailures: 3, PublicWindow: time.Minute})
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	for range 3 {
		ts.publicStatus(n, wrongCode(code))
	}
	status, raw, out := ts.publicStatus(n, code)
	if status != 429 || errorCode(out) != "too_many_attempts" || !strings.Contains(raw, "请1分钟后再试") {
		t.Fatalf("right code after the case's limit: %d %s", status, raw)
	}
	// An unknown number is limited the same way, with the same answer.
	for range 3 {
		ts.publicStatus("YD-2026-99999", code)
	}
	status, raw2, _ := ts.publicStatus("YD-2026-99999", code)
	if status != 429 || raw2 != raw {
		t.Fatalf("unknown number after the limit: %d %s, known number %s", status, raw2, raw)
	}
	// Another case is not touched.
	other := ts.intake(nil)
	if status, raw, _ := ts.publicStatus(other["number"].(string), other["query_code"].(string)); status != 200 {
		t.Fatalf("another case: %d %s", status, raw)
	}
	// The message and rating routes obey the same limit.
	if status, _ := ts.call("POST", "/api/v1/public/messages", "", map[string]any{"number": n, "code": code, "body": "x"}); status != 429 {
		t.Fatalf("message during lockout: %d", status)
	}
}

func TestOutboxRetriesAFailingSenderAndSendsOnce(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n := c["number"].(string)
	ctx := context.Background()
	sender := &flakySender{fails: 2}
	// The transition succeeds whatever the gateway does: delivery comes later.
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	now := time.Now()
	for i := 0; i < 5; i++ {
		if _, _, err := ts.svc.DeliverOutbox(ctx, sender, now); err != nil {
			t.Fatal(err)
		}
		now = now.Add(10 * time.Minute)
	}
	if len(sender.sent) != 1 || sender.calls != 3 || !strings.Contains(sender.sent[0], n) || !strings.Contains(sender.sent[0], "人民调解") {
		t.Fatalf("calls %d, sent %q", sender.calls, sender.sent)
	}
	notes, _ := ts.svc.Notifications(ctx, n)
	if len(notes) != 1 || notes[0].SentAt == nil || notes[0].Attempts != 3 {
		t.Fatalf("outbox row %+v", notes)
	}
	// A refused transition queues nothing: the message shares its transaction.
	ts.act("mediation", n, "accept", map[string]any{"version": 1}, 409)
	if notes, _ := ts.svc.Notifications(ctx, n); len(notes) != 1 {
		t.Fatalf("a refused accept queued a message: %+v", notes)
	}
	// An internal note tells the citizen nothing.
	ts.act("intake", n, "notes", map[string]any{"body": "内部"}, 200)
	if notes, _ := ts.svc.Notifications(ctx, n); len(notes) != 1 {
		t.Fatalf("an internal note queued a message: %+v", notes)
	}
}

type flakySender struct {
	fails int
	calls int
	sent  []string
}

func (f *flakySender) Send(ctx context.Context, phone, text string) error {
	f.calls++
	if f.calls <= f.fails {
		return errors.New("gateway down")
	}
	f.sent = append(f.sent, text)
	return nil
}

// page fetches an HTML page and fails unless it answers want.
func (ts *testServer) page(method, path string, want int) string {
	ts.t.Helper()
	status, raw, hdr, err := ts.send(method, path, "", nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	if status != want || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		ts.t.Fatalf("%s %s: %d %s, want %d HTML", method, path, status, hdr.Get("Content-Type"), want)
	}
	return string(raw)
}

func TestStatusPageShowsProgressButNoInternalNoteOrPhone(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	const internal = "当事人情绪不稳，内部掌握"
	ts.act("intake", n, "route", map[string]any{"desk": "mediation", "note": "路由备注不公开"}, 200)
	ts.act("mediation", n, "accept", nil, 200)
	ts.act("mediation", n, "notes", map[string]any{"body": internal}, 200)
	ts.act("mediation", n, "notes", map[string]any{"body": "周五上午调解", "visibility": "public"}, 200)
	html := ts.page("GET", "/status?number="+n+"&code="+url.QueryEscape(code), 200)
	for _, want := range []string{"已受理，正在由人民调解窗口办理", "周五上午调解", "办理期限", "补充材料", `name="_csrf"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the status page lacks %q", want)
		}
	}
	never := []string{internal, "路由备注不公开", "13800000000", "11010519491231002X", "某某建筑公司"}
	for _, name := range actorNames {
		never = append(never, name)
	}
	for _, never := range never {
		if strings.Contains(html, never) {
			t.Errorf("the status page shows %q", never)
		}
	}
	// Every failure is the same page.
	wrong := ts.page("GET", "/status?number="+n+"&code=AAAAA-AAAAA", 404)
	unknown := ts.page("GET", "/status?number=YD-2026-99999&code=AAAAA-AAAAA", 404)
	if !strings.Contains(wrong, "案号或查询码不正确") || strings.ReplaceAll(wrong, n, "") != strings.ReplaceAll(unknown, "YD-2026-99999", "") {
		t.Errorf("wrong code and unknown number pages differ")
	}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// formToken GETs a citizen page as a browser does and answers the CSRF
// token of its form ("" when it has none) and the cookies that go with it.
func (ts *testServer) formToken(path string) (string, []*http.Cookie) {
	ts.t.Helper()
	resp := ts.raw("GET", path, "", nil)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfField.FindStringSubmatch(string(body)); m != nil {
		return m[1], resp.Cookies()
	}
	return "", resp.Cookies()
}

func TestApplyFormThroughTheBrowserFlow(t *testing.T) {
	ts := newTestServer(t)
	// Without the token and cookie: refused, nothing stored.
	form := url.Values{"applicant_name": {"王五"}, "phone": {"13711112222"}, "respondent_name": {"赵六"},
		"category": {"neighbour"}, "summary": {"楼上漏水，多次协商未果。"}}
	status, _ := ts.postForm("/apply", form, nil)
	if status != 403 {
		t.Fatalf("no CSRF token: %d", status)
	}
	// As a browser: GET the form (cookie + token), POST it back.
	token, cookies := ts.formToken("/apply")
	if token == "" {
		t.Fatal("the form has no CSRF token")
	}
	form.Set("_csrf", token)
	form.Set("consent", cases.PrivacyNotice)
	status, html, loc := ts.postFormTo("/apply", form, cookies)
	if status != 303 || !strings.HasPrefix(loc, "/apply/done?") {
		t.Fatalf("apply: %d %q\n%s", status, loc, html)
	}
	html = ts.page("GET", loc, 200)
	number := regexp.MustCompile(`YD-\d{4}-\d{5}`).FindString(html)
	if !strings.Contains(html, "申请已提交") || number == "" {
		t.Fatalf("the confirmation reads:\n%s", html)
	}
	if k := ts.caseAsLeader(number); k["status"] != "submitted" {
		t.Fatalf("case %s: %v", number, k)
	}
	// A bad phone re-renders the form with the message and the typed values.
	form.Set("phone", "123")
	status, html = ts.postForm("/apply", form, cookies)
	if status != 400 || !strings.Contains(html, "电话号码有误") || !strings.Contains(html, "楼上漏水") {
		t.Fatalf("bad phone: %d\n%s", status, html)
	}
}

func (ts *testServer) postForm(path string, form url.Values, cookies []*http.Cookie) (int, string) {
	ts.t.Helper()
	status, body, _ := ts.postFormTo(path, form, cookies)
	return status, body
}

// postFormTo is postForm that also answers where a redirect leads.
func (ts *testServer) postFormTo(path string, form url.Values, cookies []*http.Cookie) (status int, body, location string) {
	ts.t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := ts.app.Test(req, -1)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), resp.Header.Get("Location")
}

func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func itoa(n int) string { return strconv.Itoa(n) }

// actor signs in as one of the harness's users and answers the actor.
func (ts *testServer) actor(username string) cases.Actor {
	ts.t.Helper()
	a, err := ts.svc.Authenticate(context.Background(), username, "password-"+username)
	if err != nil {
		ts.t.Fatal(err)
	}
	return a
}

func TestMessageAndRatingFormsOnTheStatusPage(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	statusURL := "/status?" + url.Values{"number": {n}, "code": {code}}.Encode()
	token, cookies := ts.formToken(statusURL)
	if token == "" {
		t.Fatal("no CSRF token on the status page")
	}
	cookie := ""
	for _, ck := range cookies {
		cookie += ck.Name + "=" + ck.Value + "; "
	}
	fields := map[string]string{"_csrf": token, "number": n, "code": code, "body": "补充照片"}

	// A file that is not what it says: the page again, the message, nothing stored.
	status, out := ts.multipartCall("/status/message", fields, []upload{{"photo.png", htmlBytes}}, "Cookie", cookie)
	if status != 400 || !strings.Contains(out["_raw"].(string), "不是JPG、PNG图片或PDF文件") || len(ts.storedFiles()) != 0 {
		t.Fatalf("bad file through the page: %d, files %v", status, ts.storedFiles())
	}
	// Accepted: post/redirect/get, to the status page saying so, so that
	// a refresh shows the page instead of sending the message again.
	status, out = ts.multipartCall("/status/message", fields, []upload{{"photo.png", pngBytes}}, "Cookie", cookie)
	loc, _ := out["_location"].(string)
	if status != 303 || !strings.HasPrefix(loc, "/status?") {
		t.Fatalf("message through the page: %d %q\n%s", status, loc, out["_raw"])
	}
	if html := ts.page("GET", loc, 200); !strings.Contains(html, "留言已收到") || !strings.Contains(html, "您的留言：补充照片（附件1个）") {
		t.Fatalf("the page a message leads to:\n%s", html)
	}
	// Without the cookie: refused.
	if status, _ := ts.multipartCall("/status/message", fields, nil); status != 403 {
		t.Fatalf("message without the CSRF cookie: %d", status)
	}

	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", n, "accept", nil, 200)
	ts.act("mediation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 200)
	if html := ts.page("GET", statusURL, 200); !strings.Contains(html, "满意度评价") {
		t.Fatal("a closed case offers no rating form")
	}
	ck := []*http.Cookie{}
	for _, part := range strings.Split(strings.TrimSuffix(cookie, "; "), "; ") {
		k, v, _ := strings.Cut(part, "=")
		ck = append(ck, &http.Cookie{Name: k, Value: v})
	}
	form := url.Values{"_csrf": {token}, "number": {n}, "code": {code}, "score": {"5"}, "comment": {"谢谢！"}}
	if status, html := ts.postForm("/status/rating", form, ck); status != 303 {
		t.Fatalf("rating through the page: %d\n%s", status, html)
	}
	// After rating nothing more is asked, and the thanks read right.
	html := ts.page("GET", statusURL+"&done=rating", 200)
	if !strings.Contains(html, "您已评价：5分，意见：“谢谢！”。感谢您的反馈！") || !strings.Contains(html, "感谢您的评价！") ||
		strings.Contains(html, "请对办理结果作出满意度评价") || strings.Contains(html, "！。") {
		t.Fatalf("the page after rating:\n%s", html)
	}
	if status, html := ts.postForm("/status/rating", form, ck); status != 409 || !strings.Contains(html, "只能评价一次") {
		t.Fatalf("second rating through the page: %d\n%s", status, html)
	}
}

func TestPublicRoutesAnswerTheirDocumentedExamples(t *testing.T) {
	ts := newTestServer(t, views.Options{Applications: 2, PublicCaseFailures: 2})
	doc := loadOpenAPI(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	closed := ts.intake(nil)
	m, mcode := closed["number"].(string), closed["query_code"].(string)
	ts.act("intake", m, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", m, "accept", nil, 200)
	ts.act("mediation", m, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 200)
	const rating, apps = "/api/v1/public/rating", "/api/v1/public/applications"
	ts.checkErrorExamples(doc, "POST", rating, 400, map[string]exampleRequest{
		"invalid_score": {"", rating, map[string]any{"number": m, "code": mcode, "score": 9}},
	})
	ts.callDocumented(doc, "POST", rating, rating, "", dig(t, doc, "paths", rating, "post", "requestBody", "content", "application/json", "example"), 404)
	ts.callDocumented(doc, "POST", rating, rating, "", map[string]any{"number": m, "code": mcode, "score": 4}, 201)
	ts.checkErrorExamples(doc, "POST", rating, 409, map[string]exampleRequest{
		"not_closed":    {"", rating, map[string]any{"number": n, "code": code, "score": 5}},
		"already_rated": {"", rating, map[string]any{"number": m, "code": mcode, "score": 5}},
	})

	honey := application()
	honey["website"] = "x"
	noPhone := application()
	delete(noPhone, "phone")
	ts.checkErrorExamples(doc, "POST", apps, 400, map[string]exampleRequest{
		"required":            {"", apps, noPhone},
		"application_refused": {"", apps, honey},
	})
	ts.callDocumented(doc, "POST", apps, apps, "", application(), 201)
	ts.checkErrorExamples(doc, "POST", apps, 429, map[string]exampleRequest{
		"too_many_applications": {"", apps, application()},
	})
	ts2 := newTestServer(t)
	ts2.callDocumented(doc, "POST", apps, apps, "", dig(t, doc, "paths", apps, "post", "requestBody", "content", "application/json", "example"), 201)

	for range 2 {
		ts.publicStatus(n, "AAAAA-AAAAA")
	}
	ts.checkErrorExamples(doc, "GET", "/api/v1/public/status", 429, map[string]exampleRequest{
		"too_many_attempts": {"", "/api/v1/public/status?number=" + n + "&code=" + code, nil},
	})
}

// A citizen's message read as the intake window's on the staff timeline
// (issue 16, item 8); it came through no desk.
func TestCitizenMessageIsNotTheIntakeWindowsOnTheTimeline(t *testing.T) {
	ts := newTestServer(t)
	n, code := ts.mediationCase()
	if status, out := ts.call("POST", "/api/v1/public/messages", "", map[string]any{"number": n, "code": code, "body": "周五上午有空"}); status != 201 {
		t.Fatalf("message: %d %v", status, out)
	}
	_, out := ts.call("GET", "/api/v1/cases/"+n+"/timeline", "mediation", nil)
	events, _ := out["events"].([]any)
	if len(events) == 0 {
		t.Fatalf("timeline %v", out)
	}
	last := events[len(events)-1].(map[string]any)
	if last["actor_role"] != "citizen" || last["desk_name"] != "群众（网上）" {
		t.Errorf("the citizen's message reads as %v / %v", last["actor_role"], last["desk_name"])
	}
}

// Behind TLS (--secure-cookies) every cookie is Secure: the staff session
// and CSRF cookies, and the citizen pages' CSRF cookie too.
func TestSecureCookiesCoverTheCitizenPages(t *testing.T) {
	for _, secure := range []bool{false, true} {
		ts := newTestServer(t, views.Options{SecureCookies: secure})
		for _, path := range []string{"/status", "/apply", "/login"} {
			_, cookies := ts.formToken(path)
			if len(cookies) == 0 {
				t.Fatalf("%s sets no cookie", path)
			}
			for _, c := range cookies {
				if c.Secure != secure {
					t.Errorf("secure-cookies %v: %s from %s has Secure %v", secure, c.Name, path, c.Secure)
				}
			}
		}
	}
}
