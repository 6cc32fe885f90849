package views_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"yidi/internal/testdb"
)

// chrome drives one headless chromium for a browser test: steps with their
// own timeouts, screenshots at desk and phone width with the overflow
// check, sign-in and out.
type chrome struct {
	driver
	artifacts string
}

// driver is one browser tab a test steps through, each step within
// timeout; chrome and the citizen test's tabs drive theirs alike.
type driver struct {
	t       *testing.T
	ctx     context.Context
	base    string
	timeout time.Duration
}

func (d *driver) run(step string, actions ...chromedp.Action) {
	d.t.Helper()
	runStep(d.ctx, d.t, d.timeout, step, actions...)
}

func (d *driver) text(sel string) string {
	d.t.Helper()
	var s string
	d.run("read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return strings.TrimSpace(s)
}

func (d *driver) logout() {
	d.t.Helper()
	d.run("logout", signOut())
}

// newChrome starts chromium (skipping the test without it, outside CI) for
// the app at base; everything stops when the test ends.
// skipBrowserOnPostgres keeps the browser stories to the SQLite run: they
// drive the same handlers the API and page tests already run on both
// engines, at ten times the time.
func skipBrowserOnPostgres(t *testing.T) {
	t.Helper()
	testdb.SkipOnPostgres(t, "the browser stories run once, on SQLite")
}

func newChrome(t *testing.T, base string, budget time.Duration) *chrome {
	t.Helper()
	skipBrowserOnPostgres(t)
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium is required under CI: %v", err)
		}
		t.Skip("chromium not installed")
	}
	artifacts := filepath.Join("testdata", "artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(profileDir(t)), chromedp.WindowSize(1366, 768))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancel := context.WithTimeout(ctx, budget)
	t.Cleanup(func() { cancel(); cancelCtx(); cancelAlloc() })
	// Start the browser on the long-lived context: the first Run allocates
	// it, and a step's own timeout must not own it.
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &chrome{driver: driver{t: t, ctx: ctx, base: base, timeout: 20 * time.Second}, artifacts: artifacts}
}

// chrome serves the test server's app on a real port for the life of the
// test and opens a browser on it.
func (ts *testServer) chrome(budget time.Duration) *chrome {
	ts.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.t.Fatal(err)
	}
	go ts.app.Listener(ln)
	ts.t.Cleanup(func() { _ = ts.app.ShutdownWithTimeout(5 * time.Second) })
	t, ok := ts.t.(*testing.T) // the harness also serves fuzz targets (testing.TB)
	if !ok {
		ts.t.Fatal("a browser needs a test, not a fuzz target")
	}
	return newChrome(t, "http://"+ln.Addr().String(), budget)
}

// runStep runs one step's actions within timeout; a failure fails the test
// with where the browser was and what its main showed.
func runStep(ctx context.Context, t *testing.T, timeout time.Duration, step string, actions ...chromedp.Action) {
	t.Helper()
	stepCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := chromedp.Run(stepCtx, actions...); err != nil {
		var loc, html string
		_ = chromedp.Run(ctx, chromedp.Location(&loc), chromedp.OuterHTML("main", &html, chromedp.ByQuery))
		t.Fatalf("%s: %v\nat %s\n%s", step, err, loc, html)
	}
}

// shoot saves the page at 1366×768 and 390×844 and fails if either
// scrolls sideways.
func (c *chrome) shoot(name string) {
	c.t.Helper()
	for _, size := range []struct {
		w, h int64
		tag  string
	}{{1366, 768, "desk"}, {390, 844, "phone"}} {
		var buf []byte
		var overflow bool
		c.run("screenshot "+name,
			chromedp.EmulateViewport(size.w, size.h),
			chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth`, &overflow),
			chromedp.FullScreenshot(&buf, 100)) // 100: PNG
		if overflow {
			c.t.Errorf("%s overflows horizontally at %dpx", name, size.w)
		}
		if err := os.WriteFile(filepath.Join(c.artifacts, fmt.Sprintf("%s-%s.png", name, size.tag)), buf, 0o644); err != nil {
			c.t.Fatal(err)
		}
	}
	c.run("reset viewport", chromedp.EmulateViewport(1366, 768))
}

func (c *chrome) login(user string) {
	c.t.Helper()
	c.run("login "+user,
		chromedp.Navigate(c.base+"/login"),
		chromedp.WaitVisible("#username", chromedp.ByID),
		signIn(user))
}

// signIn fills the open login page with the test password of user and waits
// for the staff menu.
func signIn(user string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.SendKeys("#username", user, chromedp.ByID),
		chromedp.SendKeys("#password", "password-"+user, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible(".nav", chromedp.ByQuery),
	}
}

// signOut presses the menu's logout button and waits for the login page.
func signOut() chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible("#username", chromedp.ByID),
	}
}

// value is what the input sel holds now.
func (c *chrome) value(sel string) string {
	c.t.Helper()
	var v string
	c.run("value of "+sel, chromedp.Value(sel, &v, chromedp.ByQuery))
	return v
}

// open navigates to path and waits for the page's heading.
func (c *chrome) open(path string) {
	c.t.Helper()
	c.run("open "+path, chromedp.Navigate(c.base+path), chromedp.WaitVisible("main h1", chromedp.ByQuery))
}

// profileDir is a fresh chromium profile folder. Not t.TempDir: chromium's
// helper processes may still be writing into it for a moment after the
// browser is stopped, and TempDir fails the test when it cannot remove it.
func profileDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "yidi-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 5 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
	return dir
}

// withAxe loads axe-core, vendored under testdata/axe (MPL-2.0) so the
// check needs no network, into every page the browser opens from now on.
func (c *chrome) withAxe() {
	c.t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		c.t.Fatal(err)
	}
	c.run("load axe-core", chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(string(src)).Do(ctx)
		return err
	}))
}

// axeViolation is one rule axe-core found broken on a page, with where.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// axeCheck runs axe-core on the open page at desk and phone size and fails
// the test on any violation above minor.
func (c *chrome) axeCheck(name string) {
	c.t.Helper()
	for _, size := range []struct{ w, h int64 }{{1366, 768}, {390, 844}} {
		var found []axeViolation
		c.run("axe "+name,
			chromedp.EmulateViewport(size.w, size.h),
			chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]}).then(r =>
				r.violations.filter(v => v.impact !== "minor"))`, &found,
				func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		for _, v := range found {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, fmt.Sprint(n.Target, " ", n.HTML))
			}
			c.t.Errorf("%s at %dpx: axe %s (%s): %s\n\t%s", name, size.w, v.ID, v.Impact, v.Help, strings.Join(where, "\n\t"))
		}
	}
	c.run("reset viewport", chromedp.EmulateViewport(1366, 768))
}
