package views_test

import (
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// An ID-card reader types the number and then Enter. On the intake form
// that Enter used to press the form's first submit button, 添加当事人, so
// every scan added an empty party row (issue 16, item 2). With JavaScript
// it now moves to the next field; without, it submits the intake, which
// answers with what is missing and keeps the rows as they were.
func TestBrowserIDReaderEnterAddsNoPartyRow(t *testing.T) {
	ts := newTestServer(t)
	cr := ts.chrome(90 * time.Second)
	cr.login("intake")
	rows := func() int {
		var n int
		cr.run("count party rows", chromedp.Evaluate(`document.querySelectorAll("#intake-form fieldset.party").length`, &n))
		return n
	}
	cr.open("/intake")
	before := rows()
	var focused string
	cr.run("scan an ID number with its Enter",
		chromedp.SendKeys("#party_id_number_0", "330302198001011234\r", chromedp.ByID),
		chromedp.Sleep(200*time.Millisecond),
		chromedp.Evaluate(`document.activeElement.name || document.activeElement.id`, &focused))
	if n := rows(); n != before {
		t.Errorf("with JavaScript, Enter after a scan left %d party rows, want %d", n, before)
	}
	if focused == "party_id_number_0" || focused == "" {
		t.Errorf("Enter after a scan should move to the next field; focus is on %q", focused)
	}

	// Without JavaScript: Enter presses the hidden default button, which
	// submits the intake; the browser stops it at the first required field
	// still empty, and no row is added.
	cr.run("scripts off", emulation.SetScriptExecutionDisabled(true))
	cr.open("/intake")
	var invalid string
	cr.run("scan without scripts",
		chromedp.SendKeys("#party_id_number_0", "330302198001011234\r", chromedp.ByID),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.Evaluate(`(document.querySelector("#intake-form :invalid") || {}).name || ""`, &invalid))
	if invalid == "" {
		t.Errorf("without JavaScript the form should stop at an empty required field")
	}
	if n := rows(); n != before {
		t.Errorf("without JavaScript, Enter after a scan left %d party rows, want %d", n, before)
	}
	var kept string
	cr.run("read the scanned number", chromedp.Value("#party_id_number_0", &kept, chromedp.ByID))
	if kept != "330302198001011234" {
		t.Errorf("the scanned number was not kept: %q", kept)
	}
}

// An empty 办结 used to answer with its error ~1,200 px below the top of
// the page, with nothing in view and no focus (issue 16, item 3): the
// refused form's field (or message) now takes the focus, in view.
func TestBrowserRefusedActionFormIsInViewWithFocus(t *testing.T) {
	ts := newTestServer(t)
	n, _ := ts.mediationCase()
	cr := ts.chrome(90 * time.Second)
	cr.login("mediation")
	cr.open("/cases/" + n)
	var state struct {
		InForm   bool    `json:"inForm"`
		Invalid  bool    `json:"invalid"`
		Top      float64 `json:"top"`
		Viewport float64 `json:"viewport"`
	}
	cr.run("submit an empty 办结",
		chromedp.Evaluate(`document.getElementById("act-close").open = true`, nil),
		chromedp.Click(`#act-close button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#act-close .error`, chromedp.ByQuery),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.Evaluate(`(function () {
			var a = document.activeElement, r = a.getBoundingClientRect();
			return {inForm: !!a.closest("#act-close"), invalid: a.getAttribute("aria-invalid") === "true",
				top: r.top, viewport: window.innerHeight};
		})()`, &state))
	if !state.InForm || !state.Invalid {
		t.Errorf("the refused 办结 form's invalid field should have the focus: %+v", state)
	}
	if state.Top < 0 || state.Top > state.Viewport {
		t.Errorf("the focused field is out of view: top %.0f of %.0f", state.Top, state.Viewport)
	}
	cr.shoot("16-refused-close")
}
