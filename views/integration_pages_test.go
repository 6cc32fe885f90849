package views_test

// 管理 → 接入与 Webhook: clients and subscriptions from the admin pages.

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestAdminIntegrationPageMakesClientsAndWebhooks(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.signedIn(t, "admin")
	status, body := admin.post("/admin/integration", url.Values{"op": {"client_add"}, "name": {"12345热线"},
		"scope_intake": {"1"}, "scope_read:own": {"1"}, "expires": {"2099-12-31"}})
	token := regexp.MustCompile(`ydc_[A-Za-z0-9_-]{43}`).FindString(body)
	if status != 200 || token == "" || !strings.Contains(body, "只显示这一次") {
		t.Fatalf("adding a client: %d, token %q\n%s", status, token, body)
	}
	ts.tokens["hotline"] = token
	if status, ans := ts.call("POST", "/api/v1/cases", "hotline", sampleIntake()); status != 201 {
		t.Fatalf("the page's token: %d %v", status, ans)
	}
	_, page, _ := admin.do("GET", "/admin/integration", nil)
	if strings.Contains(page, token) || !strings.Contains(page, "12345热线") || !strings.Contains(page, "intake、read:own") ||
		!strings.Contains(page, "2100-01-01") || strings.Contains(page, "从未使用") {
		t.Fatalf("the list shows the token, or not the client, its expiry and use:\n%s", page)
	}
	// The client's own account is not a staff account.
	if _, users, _ := admin.do("GET", "/admin/users", nil); strings.Contains(users, "client-") {
		t.Fatal("the users page lists a client's account")
	}
	if status, body := admin.post("/admin/integration", url.Values{"op": {"client_add"}, "name": {"x"}}); status != 400 || !strings.Contains(body, "请至少选择一项权限") {
		t.Fatalf("a client without scopes: %d", status)
	}
	if status, _ := admin.post("/admin/integration", url.Values{"op": {"client_revoke"}, "id": {"1"}}); status != 400 {
		t.Fatalf("revoking without confirming: %d", status)
	}
	if status, _ := admin.post("/admin/integration", url.Values{"op": {"client_revoke"}, "id": {"1"}, "confirm": {"yes"}}); status != 303 {
		t.Fatalf("revoking: %d", status)
	}
	if status, _ := ts.call("GET", "/api/v1/cases", "hotline", nil); status != 401 {
		t.Fatalf("a revoked client's token: %d", status)
	}

	// A webhook that keeps failing: paused, the admin's badge and notice, the log.
	rcv := newReceiver(t)
	for range 10 {
		rcv.fail = append(rcv.fail, 502)
	}
	if status, body := admin.post("/admin/integration", url.Values{"op": {"webhook_add"}, "url": {rcv.URL},
		"events": {"intake，route"}, "secret": {hookSecret}}); status != 303 {
		t.Fatalf("adding a webhook: %d %s", status, body)
	}
	ts.intake(sampleIntake())
	at := time.Now()
	for range 10 {
		ts.deliver(t, at)
		at = at.Add(2 * time.Hour)
	}
	_, page, _ = admin.do("GET", "/admin/integration", nil)
	if !strings.Contains(page, "已暂停") || !strings.Contains(page, "连续10次投递失败") || !strings.Contains(page, "intake、route") {
		t.Fatalf("the page does not show the pause:\n%s", page)
	}
	_, log, _ := admin.do("GET", fmt.Sprintf("/admin/integration/webhooks/%d", 1), nil)
	if !strings.Contains(log, "失败：the receiver answered 502") || !strings.Contains(log, "受理登记") {
		t.Fatalf("the delivery log:\n%s", log)
	}
	rcv.fail = nil
	if status, _ := admin.post("/admin/integration", url.Values{"op": {"webhook_resume"}, "id": {"1"}}); status != 303 {
		t.Fatalf("resume: %d", status)
	}
	if sent, _ := ts.deliver(t, at); sent != 1 {
		t.Fatalf("after resuming from the page %d were sent", sent)
	}
	if status, _ := admin.post("/admin/integration", url.Values{"op": {"notices_read"}}); status != 303 {
		t.Fatalf("marking notices read: %d", status)
	}
	if status, _ := admin.post("/admin/integration", url.Values{"op": {"webhook_add"}, "url": {"nope"}, "events": {"*"}, "secret": {hookSecret}}); status != 400 {
		t.Fatalf("a bad URL: %d", status)
	}
	leader := ts.signedIn(t, "leader")
	if status, _, _ := leader.do("GET", "/admin/integration", nil); status != 403 {
		t.Fatalf("a leader opened the page: %d", status)
	}
}
