package views_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserOutcomesAndReferralIntake looks at the statistics page's 调解成效
// on the hand-computed fixture, and at the intake page with the source
// 法院委派调解 chosen: the 委派调解函 fields appear. Both at desk and phone
// width, without sideways scrolling.
func TestBrowserOutcomesAndReferralIntake(t *testing.T) {
	ts := newTestServer(t)
	ts.outcomeFixture()
	cr := ts.chrome(60 * time.Second)

	cr.login("leader")
	cr.open("/leader/stats?kind=month&month=2026-03&desk=mediation")
	if got := cr.text("#outcomes tr:nth-child(3) td"); !strings.HasPrefix(got, "60%（3/5）") {
		t.Errorf("履行率（按件数） reads %q", got)
	}
	if got := cr.text("#outcomes tr:nth-child(4) td"); !strings.HasPrefix(got, "62.1%（4100.00 元/6600.00 元）") {
		t.Errorf("履行率（按金额） reads %q", got)
	}
	cr.shoot("29-stats-outcomes")
	cr.logout()

	cr.login("intake")
	cr.open("/intake")
	var shown bool
	cr.run("referral fields hidden",
		chromedp.Evaluate(`getComputedStyle(document.querySelector(".referral-fields")).display !== "none"`, &shown))
	if shown {
		t.Error("the 委派调解函 fields show for a walk-in")
	}
	cr.run("choose court referral", chromedp.SetValue("#source", "court_referral", chromedp.ByID),
		chromedp.WaitVisible("#referral_no", chromedp.ByID))
	cr.shoot("30-intake-referral")
}
