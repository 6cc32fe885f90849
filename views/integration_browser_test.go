package views_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserAdminIntegrationPage adds a client on 管理 → 接入与 Webhook in
// a real browser (its token shown once), with a paused webhook and its
// notice on the page, and the delivery log; screenshot at desk and phone.
func TestBrowserAdminIntegrationPage(t *testing.T) {
	ts := newTestServer(t)
	ts.addClient(t, "省矛调平台", "read:all", "events")
	ts.subscribe(t, "http://127.0.0.1:1/unreachable-receiver/events", "*")
	ts.intake(sampleIntake())
	at := time.Now()
	for range 10 {
		if _, _, err := ts.svc.DeliverWebhooks(t.Context(), &http.Client{Timeout: time.Second}, at); err != nil {
			t.Fatal(err)
		}
		at = at.Add(2 * time.Hour)
	}
	cr := ts.chrome(60 * time.Second)
	cr.login("admin")
	if n := cr.text(`.nav a[href="/admin/integration"] .badge`); n != "1" {
		t.Fatalf("the admin's badge reads %q, want 1", n)
	}
	cr.open("/admin/integration")
	cr.run("add a client",
		chromedp.SendKeys("#nc-name", "12345热线", chromedp.ByID),
		chromedp.Click(`input[name="scope_intake"]`, chromedp.ByQuery),
		chromedp.Click(`input[name="scope_read:own"]`, chromedp.ByQuery),
		chromedp.Submit("#nc-name", chromedp.ByID),
		chromedp.WaitVisible("#new-token", chromedp.ByID))
	if tok := cr.text("#new-token code"); !strings.HasPrefix(tok, "ydc_") {
		t.Fatalf("the token shown is %q", tok)
	}
	cr.shoot("60-admin-integration")
	cr.open("/admin/integration/webhooks/1")
	cr.shoot("61-webhook-log")
}
