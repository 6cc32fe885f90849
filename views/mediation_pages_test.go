package views_test

import (
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// The mediation section of the staff case page: each form's success
// (POST-redirect-GET, the step on the page) and a bad input (the Chinese
// message by the field, the typed values kept, nothing stored).

// medBrowser is user's page browser on the case page of n.
func (ts *testServer) medBrowser(user, n string) *browser {
	ts.t.Helper()
	b := newBrowser(ts.t, ts.app)
	b.login(user)
	b.do("GET", "/cases/"+n, nil)
	return b
}

// medPost posts a mediation form of the case page at the version shown
// and answers the status and the page (after the redirect on success).
func (ts *testServer) medPost(b *browser, n, step string, form url.Values) (int, string) {
	ts.t.Helper()
	form.Set("version", fmt.Sprint(int64(ts.caseAsLeader(n)["version"].(float64))))
	form.Set("_csrf", b.csrf)
	status, body, h := b.do("POST", "/cases/"+n+"/mediation/"+step, form)
	if status == fiber.StatusSeeOther {
		_, page, _ := b.do("GET", h.Get("Location"), nil)
		return status, page
	}
	return status, body
}

// medDone posts a form that must succeed and answers the page after it.
func (ts *testServer) medDone(b *browser, n, step string, form url.Values, flash string) string {
	ts.t.Helper()
	status, page := ts.medPost(b, n, step, form)
	if status != fiber.StatusSeeOther || !strings.Contains(page, flash) {
		ts.t.Fatalf("%s: %d, or the page lacks %q\n%s", step, status, flash, errorsOf(page))
	}
	return page
}

// medRefused posts a form that must be refused with status and msg by a
// marked field, keeping each of keep, and storing nothing.
func (ts *testServer) medRefused(b *browser, n, step string, form url.Values, status int, msg string, keep ...string) {
	ts.t.Helper()
	before := ts.caseAsLeader(n)["version"]
	events := len(ts.timelineKinds(n))
	got, page := ts.medPost(b, n, step, form)
	if got != status || !strings.Contains(page, msg) {
		ts.t.Fatalf("%s %v: got %d, want %d with %q\n%s", step, form, got, status, msg, errorsOf(page))
	}
	inForm := false
	for _, e := range errorLines.FindAllString(page, -1) {
		inForm = inForm || (strings.Contains(e, msg) && !strings.Contains(e, "提交未成功"))
	}
	if !inForm || !strings.Contains(page, "提交未成功") {
		ts.t.Errorf("%s: %q is not shown in its form, or not summed up at the section's top", step, msg)
	}
	for _, k := range keep {
		if !strings.Contains(page, k) {
			ts.t.Errorf("%s: the typed %q is lost", step, k)
		}
	}
	if ts.caseAsLeader(n)["version"] != before || len(ts.timelineKinds(n)) != events {
		ts.t.Fatalf("%s refused but stored something", step)
	}
}

var errorLines = regexp.MustCompile(`<p class="error"[^>]*>[^<]*`)

// errorsOf is the error messages of a page, for a failure's report.
func errorsOf(page string) string { return strings.Join(errorLines.FindAllString(page, -1), "\n") }

// sessionID is the id of the n-th session on the page (1-based).
func sessionID(t *testing.T, page string, nth int) string {
	t.Helper()
	ms := regexp.MustCompile(`id="session-(\d+)"`).FindAllStringSubmatch(page, -1)
	if len(ms) < nth {
		t.Fatalf("the page shows %d sessions, want %d", len(ms), nth)
	}
	return ms[nth-1][1]
}

func scheduleForm(start string) url.Values {
	return url.Values{"kind": {"mediation"}, "starts_at": {start}, "minutes": {"90"}, "room_id": {"1"},
		"presiding": {"mediation"}, "mediators": {""}, "summoned": {"张三", "李四"}, "bring": {"房屋照片"},
		"invited_desks": {"governance"}, "outsiders": {"王律师 律师"}}
}

func TestMediationPageSessions(t *testing.T) {
	ts := newTestServer(t)
	n := ts.neighbourCase("2026-03-02")
	ts.post("admin", "/api/v1/admin/rooms", map[string]any{"name": "第一调解室"}, 201)
	ts.at("2026-03-02", "11:00")
	b := ts.medBrowser("mediation", n)

	// Bad input: a minutes that is no number, a start in the past.
	bad := scheduleForm("2026-03-04T09:30")
	bad.Set("minutes", "九十")
	ts.medRefused(b, n, "schedule", bad, 400, "时长（分钟）应为整数", "九十", "房屋照片", "王律师 律师")
	ts.medRefused(b, n, "schedule", scheduleForm("2026-03-01T09:30"), 400, "开始时间不能早于现在", "2026-03-01T09:30")
	page := ts.medDone(b, n, "schedule", scheduleForm("2026-03-04T09:30"), "已安排调解会议")
	for _, want := range []string{"第一调解室", "2026-03-04 09:30", "王律师（律师）", "综治", "房屋照片", "李调解（mediation）"} {
		if !strings.Contains(page, want) {
			t.Errorf("the scheduled session lacks %q", want)
		}
	}
	sid := sessionID(t, page, 1)
	// A second one at the same hour and room is refused; then cancelled.
	ts.medRefused(b, n, "schedule", scheduleForm("2026-03-04T10:00"), 409, "调解室", "2026-03-04T10:00")
	two := scheduleForm("2026-03-05T14:00")
	two.Del("room_id")
	two.Set("video_url", "https://meeting.example.cn/123")
	page = ts.medDone(b, n, "schedule", two, "已安排调解会议")
	sid2 := sessionID(t, page, 2)
	ts.medRefused(b, n, "cancel/"+sid2, url.Values{"reason": {"  "}}, 400, "请填写")
	ts.medDone(b, n, "cancel/"+sid2, url.Values{"reason": {"当事人李四出差"}}, "已取消调解会议")

	// Reschedule: bad then good.
	re := scheduleForm("2026-03-04T08:00")
	re.Set("minutes", "abc")
	ts.medRefused(b, n, "reschedule/"+sid, re, 400, "时长（分钟）应为整数", "abc")
	ts.medDone(b, n, "reschedule/"+sid, scheduleForm("2026-03-04T09:00"), "已改期")

	// Not begun: no 笔录 form; begun: bad then good.
	if strings.Contains(page, "/mediation/record/"+sid) {
		t.Error("a session not yet begun offers its 笔录")
	}
	ts.at("2026-03-04", "11:00")
	b.do("GET", "/cases/"+n, nil)
	rec := url.Values{"attended_staff": {"mediation"}, "attended_parties": {"张三", "李四"}, "statements": {" "}, "result": {"agreement"}}
	ts.medRefused(b, n, "record/"+sid, rec, 400, "请填写")
	rec.Set("statements", "双方陈述意见，李四同意恢复排水沟并分两期赔偿。")
	rec.Set("recusal.requested_by", "李四")
	rec.Set("recusal.against", "mediation")
	rec.Set("recusal.reason", "认为调解员与张三相识")
	ts.medRefused(b, n, "record/"+sid, rec, 400, "请选择回避申请的决定", "认为调解员与张三相识")
	rec.Set("recusal.decision", "refused")
	page = ts.medDone(b, n, "record/"+sid, rec, "已记录调解笔录")
	for _, want := range []string{"达成协议", "李四同意恢复排水沟", "驳回回避申请"} {
		if !strings.Contains(page, want) {
			t.Errorf("the record lacks %q", want)
		}
	}

	// Only the holding desk gets the forms; a leader sees, without them.
	_, lp, _ := ts.medBrowser("leader", n).do("GET", "/cases/"+n, nil)
	if !strings.Contains(lp, "李四同意恢复排水沟") || strings.Contains(lp, "/mediation/schedule") {
		t.Error("the leader's page shows no record, or offers the holding desk's forms")
	}
	// A form of another desk's case: the error page, not a 500.
	status, _ := ts.medBrowser("petition", n).post("/cases/"+n+"/mediation/schedule", scheduleForm("2026-03-06T09:00"))
	if status != 404 && status != 403 {
		t.Errorf("another desk's schedule: %d", status)
	}
	for _, path := range []string{"nothing", "record/abc", "record/999", "schedule/1"} {
		if status, _ := b.post("/cases/"+n+"/mediation/"+path, url.Values{}); status != 404 {
			t.Errorf("%s: %d, want the 404 page", path, status)
		}
	}
	// Without the CSRF token: refused, nothing stored.
	if status, _, _ := b.do("POST", "/cases/"+n+"/mediation/schedule", scheduleForm("2026-03-06T09:00")); status != 403 {
		t.Errorf("a form without its CSRF token: %d", status)
	}
}

// agreementForm is a written agreement with two instalments and a blank row.
func agreementForm(day string) url.Values {
	return url.Values{"form": {"written"}, "signed_on": {day},
		"facts": {"李四翻建房屋后排水沟改道，雨水流入张三院内。"}, "terms": {"李四分两期赔偿张三修缮费用5000.50元。"},
		"ob_obligor": {"李四", "李四", ""}, "ob_obligee": {"张三", "张三", ""}, "ob_content": {"第一期赔偿", "第二期赔偿", ""},
		"ob_amount": {"3000", "2000.50", ""}, "ob_due_on": {"2026-03-20", "2026-04-20", ""}, "ob_manner": {"", "", ""}}
}

func TestMediationPageAgreementAndConfirmation(t *testing.T) {
	ts := newTestServer(t)
	n := ts.neighbourCase("2026-03-02")
	ts.at("2026-03-04", "11:00")
	b := ts.medBrowser("mediation", n)

	bad := agreementForm("2026-03-04")
	bad["ob_amount"][1] = "-5"
	ts.medRefused(b, n, "agree", bad, 400, "金额应为不小于0的数字", "第二期赔偿", "李四翻建房屋后排水沟改道")
	// The message sits by the second row's amount.
	_, page := ts.medPost(b, n, "agree", bad)
	if !regexp.MustCompile(`id="m-agree-amount-1"[^>]*value="-5" aria-invalid="true">\s*<p class="error">金额`).MatchString(page) {
		t.Error("the amount's message is not by the second row")
	}
	if !strings.Contains(page, `<a href="#m-agree-amount-1">`) {
		t.Error("the summary does not link to the second row's amount")
	}
	page = ts.medDone(b, n, "agree", agreementForm("2026-03-04"), "已登记调解协议")
	doc := regexp.MustCompile(`href="(/cases/[^"]+/dossier/docs/agreement-\d+)"`).FindStringSubmatch(page)
	if doc == nil || !strings.Contains(page, "3000.00") || !strings.Contains(page, "2000.50") || !strings.Contains(page, "申请司法确认期限") {
		t.Fatalf("the agreement is not on the page: %v", doc)
	}
	status, body, _ := b.do("GET", doc[1], nil)
	if status != 200 || !strings.Contains(body, "人民调解协议书") || !strings.Contains(body, "第二期赔偿") {
		t.Fatalf("the 协议书: %d", status)
	}

	// The window to apply turns yellow in its last days, red after.
	due := regexp.MustCompile(`期限至 <strong>(\d{4}-\d\d-\d\d)</strong>`).FindStringSubmatch(page)
	if due == nil || !strings.Contains(page, `tag pub">剩余`) {
		t.Fatalf("the 司法确认 window is not shown in green")
	}
	dueDay, _ := time.Parse(time.DateOnly, due[1])
	ts.at(dueDay.AddDate(0, 0, -3).Format(time.DateOnly), "10:00")
	if _, p, _ := b.do("GET", "/cases/"+n, nil); !strings.Contains(p, `tag warn">剩余3天`) {
		t.Error("three days before its end the window is not yellow")
	}
	ts.at(dueDay.AddDate(0, 0, 1).Format(time.DateOnly), "10:00")
	if _, p, _ := b.do("GET", "/cases/"+n, nil); !strings.Contains(p, `tag bad">申请期限已过`) {
		t.Error("after its end the window is not red")
	}
	ts.at("2026-03-04", "11:00")

	// 司法确认: the mediation desk applies; the court accepts, extends, rules.
	ts.medRefused(b, n, "apply", url.Values{"applicants": {"张三"}, "applied_on": {"2026-03-04"}}, 400, "共同申请")
	page = ts.medDone(b, n, "apply", url.Values{"applicants": {"张三", "李四"}, "applied_on": {"2026-03-04"}}, "已登记司法确认申请")
	if strings.Contains(page, "/mediation/accept") {
		t.Error("the mediation desk is offered the court's acceptance")
	}
	court := ts.medBrowser("litigation", n)
	if _, p, _ := court.do("GET", "/cases/"+n, nil); !strings.Contains(p, "/mediation/accept") || strings.Contains(p, "/mediation/schedule") || strings.Contains(p, "/mediation/agree") {
		t.Error("the court desk is not offered its acceptance, or is offered the holding desk's steps")
	}
	ts.medRefused(court, n, "accept", url.Values{"court_number": {""}, "accepted_on": {"2026-03-04"}}, 400, "请填写")
	ts.medDone(court, n, "accept", url.Values{"court_number": {"（2026）浙0000民特12号"}, "accepted_on": {"2026-03-04"}}, "已受理司法确认申请")
	ts.medRefused(court, n, "extend", url.Values{"days": {"十"}, "approved_by": {"王院长"}, "reason": {"案情复杂"}}, 400, "延长天数应为整数", "王院长", "案情复杂")
	ts.medDone(court, n, "extend", url.Values{"days": {"10"}, "approved_by": {"王院长"}, "reason": {"案情复杂"}}, "已延长司法确认审查期限")
	ts.medRefused(court, n, "rule", url.Values{"ruling": {""}, "note": {"文号（2026）浙0000民特12号"}}, 400, "请选择", "文号（2026）浙0000民特12号")
	page = ts.medDone(court, n, "rule", url.Values{"ruling": {"confirmed"}, "ruled_on": {"2026-03-04"}}, "已登记司法确认裁定")
	if !strings.Contains(page, "人民法院裁定调解协议有效") {
		t.Error("the ruling is not shown")
	}
	// A stale version: 409 with the refresh message, nothing stored.
	status, body = b.post("/cases/"+n+"/mediation/agree", url.Values{"version": {"1"}})
	if status != 409 || !strings.Contains(body, "已被他人处理") {
		t.Errorf("stale agree: %d", status)
	}
}

func TestMediationPagePerformanceAndFollowUp(t *testing.T) {
	ts := newTestServer(t)
	n := ts.neighbourCase("2026-03-02")
	ts.at("2026-03-04", "11:00")
	b := ts.medBrowser("mediation", n)
	page := ts.medDone(b, n, "agree", agreementForm("2026-03-04"), "已登记调解协议")
	ids := regexp.MustCompile(`/mediation/perform/(\d+)"`).FindAllStringSubmatch(page, -1)
	if len(ids) != 2 {
		t.Fatalf("perform forms: %v", ids)
	}
	first := ids[0][1]
	ts.at("2026-03-20", "10:00")
	ts.medRefused(b, n, "perform/"+first, url.Values{"status": {"partial"}, "amount": {"三千"}, "date": {"2026-03-20"}}, 400, "金额应为", "三千")
	page = ts.medDone(b, n, "perform/"+first, url.Values{"status": {"performed"}, "amount": {""}, "date": {"2026-03-20"}, "note": {"张三确认收到"}}, "已记录履行情况")
	if !strings.Contains(page, "张三确认收到") || strings.Contains(page, "/mediation/perform/"+first+`"`) {
		t.Error("the performance is not shown, or instalment 1 still offers its form")
	}
	second := ids[1][1]
	ts.medRefused(b, n, "urge/"+second, url.Values{"method": {""}, "note": {"电话提醒"}}, 400, "请选择催履方式", "电话提醒")
	page = ts.medDone(b, n, "urge/"+second, url.Values{"method": {"phone"}, "note": {"电话提醒李四按期支付第二期"}}, "已记录催履")
	// What follows non-performance is offered once the instalment is overdue.
	if strings.Contains(page, "/mediation/remedy/"+second+`"`) {
		t.Error("a remedy is offered before the instalment is overdue")
	}
	ts.at("2026-04-21", "10:00")
	ts.medRefused(b, n, "remedy/"+second, url.Values{"remedy": {""}, "note": {"李四逾期未付"}}, 400, "请选择处置方式", "李四逾期未付")
	page = ts.medDone(b, n, "remedy/"+second, url.Values{"remedy": {"lawsuit"}, "note": {"协议未经司法确认，已告知张三可向人民法院起诉"}}, "已记录未履行的处置")
	if !strings.Contains(page, "处置：告知向人民法院起诉") {
		t.Error("the remedy is not listed")
	}

	fu := url.Values{"task_id": {""}, "method": {"phone"}, "performance": {"partial"}, "satisfaction": {""}, "note": {"第一期已付"}}
	ts.medRefused(b, n, "followup", fu, 400, "请选择满意度", "第一期已付")
	fu.Set("satisfaction", "satisfied")
	page = ts.medDone(b, n, "followup", fu, "已记录回访")
	if !strings.Contains(page, "电话回访") || !strings.Contains(page, "第一期已付") {
		t.Error("the 回访 is not listed")
	}
	// No JS: three blank rows are there, and a posted fourth row comes back.
	four := agreementForm("2026-03-20")
	for k := range four {
		if strings.HasPrefix(k, "ob_") {
			four[k] = append(four[k], "")
		}
	}
	four["ob_content"][3] = "第四行"
	ts.medRefused(b, n, "agree", four, 400, "请填写", "第四行")
	// A new version supersedes the one in force; both keep their 协议书.
	page = ts.medDone(b, n, "agree", agreementForm("2026-03-20"), "已登记调解协议")
	if !strings.Contains(page, "已被取代的协议版本（1）") || strings.Count(page, "/dossier/docs/agreement-") != 2 || !strings.Contains(page, "第2版") {
		t.Error("the superseded version is not listed with its 协议书")
	}
	resp := ts.raw("GET", "/static/app.js", "", nil)
	js, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(js), "add-ob") {
		t.Error("app.js does not add obligation rows")
	}
}
