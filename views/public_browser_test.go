package views_test

// The citizen's status page in a real browser at phone size (375×667):
// it renders, the lookup form works without JavaScript, and a screenshot
// is kept under testdata/artifacts/ for a person to look at.

import (
	"context"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// phoneBrowser starts headless chromium, or skips when it is absent, except
// under CI=true, where a missing browser fails the test.
func phoneBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but no browser at %s", chromiumPath)
		}
		t.Skipf("no browser at %s", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(profileDir(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(375, 667),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return ctx
}

// listen serves the test app on a real port and answers its base URL.
func (ts *testServer) listen() string {
	ts.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.t.Fatal(err)
	}
	go func() { _ = ts.app.Listener(ln) }()
	ts.t.Cleanup(func() { _ = ts.app.Shutdown() })
	return "http://" + ln.Addr().String()
}

// screenshot keeps what the phone's screen shows (name.png) and the
// whole page (name-full.png).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var png, full []byte
	if err := chromedp.Run(ctx, chromedp.CaptureScreenshot(&png), chromedp.FullScreenshot(&full, 100)); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+"-full.png"), full, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestStatusPageOnAPhone(t *testing.T) {
	ts := newTestServer(t)
	// Served before the browser starts, so the browser closes first and
	// the server's shutdown does not wait on its keep-alive connection.
	base := ts.listen()
	ctx := phoneBrowser(t)
	n, code := ts.mediationCase()
	ts.act("mediation", n, "notes", map[string]any{"body": "内部：对方资金紧张"}, 200)
	ts.act("mediation", n, "notes", map[string]any{"body": "已约双方本周五上午到调解室面谈", "visibility": "public"}, 200)

	// The form, typed in as a citizen would, submitted without JavaScript.
	if err := chromedp.Run(ctx,
		chromedp.EmulateViewport(375, 667, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/status"),
		chromedp.WaitVisible("#number", chromedp.ByQuery),
		chromedp.SendKeys("#number", strings.ToLower(n), chromedp.ByQuery),
		chromedp.SendKeys("#code", code, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "status-form-375x667")
	if err := chromedp.Run(ctx,
		chromedp.Submit("#code", chromedp.ByQuery),
		chromedp.WaitVisible(".timeline", chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	var text string
	if err := chromedp.Run(ctx, chromedp.Text("main", &text, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "status-375x667")
	for _, want := range []string{"已受理，正在由人民调解窗口办理", "已约双方本周五上午到调解室面谈", n} {
		if !strings.Contains(text, want) {
			t.Errorf("the page does not show %q:\n%s", want, text)
		}
	}
	for _, never := range []string{"内部：对方资金紧张", "13800000000"} {
		if strings.Contains(text, never) {
			t.Errorf("the page shows %q", never)
		}
	}
	// Nothing wider than the phone: no sideways scrolling.
	var scrollWidth int
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth`, &scrollWidth)); err != nil {
		t.Fatal(err)
	}
	if scrollWidth > 375 {
		t.Errorf("the page is %d px wide on a 375 px phone", scrollWidth)
	}

	// A wrong code: the one message.
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/status?"+url.Values{"number": {n}, "code": {"AAAAA-AAAAA"}}.Encode())); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, chromedp.Text(".alert-error", &text, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if text != "案号或查询码不正确" {
		t.Errorf("wrong code says %q", text)
	}

	// The application form at phone size.
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/apply"), chromedp.WaitVisible("#summary", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "apply-375x667")
}
