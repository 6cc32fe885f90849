package views_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// The 会商 pages without a browser: the leader's form from the case page's
// link, a refusal in Chinese with what was typed kept, a desk that may not
// convene, and a task report refused then accepted on 我的交办.
func TestMeetingPagesConveneAndReport(t *testing.T) {
	ts := newTestServer(t)
	ts.at("2026-03-02", "09:00")
	n, _ := ts.mediationCase()
	br := newBrowser(t, ts.app)
	br.login("leader")
	_, page, _ := br.do("GET", "/meetings?case="+n, nil)
	if !strings.Contains(page, `name="cases" value="`+n+`"`) {
		t.Fatalf("the form is not prefilled with %s", n)
	}
	form := url.Values{"cases": {n}, "starts_at": {"2026-03-01T09:30"}, "duration_minutes": {"60"}, "place": {"会商室"},
		"invited_desks": {"governance", "petition"}, "agenda": {"研究垫付方案"}}
	status, page := br.post("/meetings", form)
	if status != fiber.StatusBadRequest || !strings.Contains(page, "会商时间不能早于现在") || !strings.Contains(page, `value="研究垫付方案"`) && !strings.Contains(page, "研究垫付方案</textarea>") {
		t.Fatalf("a meeting in the past: %d\n%s", status, errorsOf(page))
	}
	if !strings.Contains(page, `value="petition" checked`) {
		t.Errorf("the invited desks were not kept")
	}
	form.Set("starts_at", "2026-03-03T09:30")
	status, _, h := br.do("POST", "/meetings", withCSRF(br, form))
	if status != fiber.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/meetings/") {
		t.Fatalf("convene: %d %s", status, h.Get("Location"))
	}
	meeting := strings.TrimSuffix(h.Get("Location"), "?done=convened")
	_, page, _ = br.do("GET", h.Get("Location"), nil)
	if !strings.Contains(page, "会商已召集") || !strings.Contains(page, "记录会商纪要") {
		t.Fatalf("the meeting page after convening\n%s", errorsOf(page))
	}
	ts.at("2026-03-03", "10:00")
	status, _, _ = br.do("POST", meeting+"/minutes", withCSRF(br, url.Values{"text": {"纪要"},
		"owner_desk": {"governance", ""}, "content": {"核实工程款拨付", ""}, "due_on": {"2026-03-10", ""}}))
	if status != fiber.StatusSeeOther {
		t.Fatalf("minutes: %d", status)
	}

	// A desk neither convenes nor records; it reports its own task.
	gov := newBrowser(t, ts.app)
	gov.login("governance")
	if status, _ := gov.post("/meetings", form); status != fiber.StatusForbidden {
		t.Errorf("a desk convenes: %d", status)
	}
	_, out := ts.call("GET", "/api/v1/tasks", "governance", nil)
	task := fmt.Sprint(out["tasks"].([]any)[0].(map[string]any)["id"])
	status, page = gov.post("/tasks/"+task+"/done", url.Values{"report": {" "}})
	if status != fiber.StatusBadRequest || !strings.Contains(page, "请填写办结情况") {
		t.Fatalf("an empty report: %d\n%s", status, errorsOf(page))
	}
	status, _, h = gov.do("POST", "/tasks/"+task+"/done", withCSRF(gov, url.Values{"report": {"已核实"}}))
	if _, page, _ = gov.do("GET", h.Get("Location"), nil); status != fiber.StatusSeeOther || !strings.Contains(page, "已报告办结") {
		t.Fatalf("report: %d\n%s", status, errorsOf(page))
	}
	if status, _, _ := gov.do("GET", "/tasks/"+task+"/print", nil); status != 200 {
		t.Errorf("the owner desk prints its 交办单: %d", status)
	}
	if status, _, _ := gov.do("GET", meeting+"/print", nil); status != 200 {
		t.Errorf("the invited desk prints the 纪要: %d", status)
	}
	lit := newBrowser(t, ts.app)
	lit.login("mediation")
	if status, _, _ := lit.do("GET", "/tasks/"+task+"/print", nil); status != fiber.StatusNotFound {
		t.Errorf("another desk prints the 交办单: %d", status)
	}
}
