package views_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/png"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/crypto/bcrypt"

	"yidi/cases"
	"yidi/search"
	"yidi/views"
)

const chromiumPath = "/usr/bin/chromium"

// browserApp is the real app on a random localhost port over a real SQLite
// file and index, with the search follower running as in `yidi serve`.
func browserApp(t *testing.T) (base string, svc *cases.Service) {
	t.Helper()
	skipBrowserOnPostgres(t)
	cases.PasswordCost = bcrypt.MinCost
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	store, err := cases.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	svc = cases.NewService(store)
	index, err := search.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	if err := index.LoadSynonyms(ctx, svc); err != nil {
		t.Fatal(err)
	}
	follower := index.Follow(ctx, svc)
	svc.OnCommit(follower.Wake)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base = "http://" + ln.Addr().String()
	app := views.New(svc, views.Options{Index: index, PublicURL: base})
	go app.Listener(ln)
	t.Cleanup(func() {
		_ = app.ShutdownWithTimeout(5 * time.Second)
		cancel()
		<-follower.Done()
		index.Close()
		store.Close()
	})
	if _, err := addTestUsers(ctx, svc,
		cases.UserInput{Username: "xiaowang", Role: cases.RoleIntake, Name: "王窗口"},
		cases.UserInput{Username: "limed", Role: cases.RoleHandler, Desk: "mediation", Name: "李调解"},
		cases.UserInput{Username: "chen", Role: cases.RoleLeader, Name: "陈主任"},
		cases.UserInput{Username: "root", Role: cases.RoleAdmin, Name: "管理员"},
	); err != nil {
		t.Fatal(err)
	}
	return base, svc
}

// addTestUsers creates the users with the password the tests sign in with,
// "password-" and the username.
func addTestUsers(ctx context.Context, svc *cases.Service, users ...cases.UserInput) ([]cases.Actor, error) {
	var out []cases.Actor
	for _, u := range users {
		u.Password = "password-" + u.Username
		a, err := svc.CreateUser(ctx, cases.SystemActor, u)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}

// TestBrowserIntakeToClosing walks the counter's day in a real browser: a
// new intake officer registers a case with two parties, sees the
// repeat-visitor warning on a second intake, prints the receipt (the QR
// decodes to the status URL); a mediator signs, notes, invites the
// litigation desk, transfers one case and closes the other; a search for
// the note's phrase lands on the case. Every page is screenshot at desk
// and phone width and checked for horizontal overflow.
func TestBrowserIntakeToClosing(t *testing.T) {
	base, _ := browserApp(t)
	cr := newChrome(t, base, 90*time.Second)
	run, shoot, login, logout, text := cr.run, cr.shoot, cr.login, cr.logout, cr.text
	artifacts := cr.artifacts

	// Sign-in, with a wrong password first.
	run("login page", chromedp.Navigate(base+"/login"), chromedp.WaitVisible("#username", chromedp.ByID))
	shoot("01-login")
	run("wrong password",
		chromedp.SendKeys("#username", "xiaowang", chromedp.ByID),
		chromedp.SendKeys("#password", "not-the-password", chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible("#login-error", chromedp.ByID))
	if msg := text("#login-error"); !strings.Contains(msg, "用户名或密码错误") {
		t.Fatalf("wrong password says %q", msg)
	}
	login("xiaowang")
	var loc string
	run("landing", chromedp.Location(&loc))
	if !strings.HasSuffix(loc, "/intake") {
		t.Fatalf("intake officer landed on %s, want /intake", loc)
	}
	shoot("02-intake")

	// First intake: two parties, routed to mediation.
	fillIntake := func(title, summary string, known bool) {
		run("type ID number", chromedp.SendKeys("#party_id_number_0", "11010519491231002X", chromedp.ByID),
			chromedp.SendKeys("#party_phone_0", "13800000000", chromedp.ByID))
		if known {
			// The person lookup fills in the known name.
			run("person lookup", chromedp.WaitVisible("#party_hint_0", chromedp.ByID),
				chromedp.Poll(`document.getElementById("party_hint_0").textContent.includes("已登记人员")`, nil))
			var name string
			run("read name", chromedp.Value("#party_name_0", &name, chromedp.ByID))
			if name != "张三" {
				t.Fatalf("the lookup filled the name with %q, want 张三", name)
			}
		} else {
			run("type name", chromedp.SendKeys("#party_name_0", "张三", chromedp.ByID))
		}
		run("fill intake",
			chromedp.SendKeys("#party_name_1", "某某建筑公司", chromedp.ByID),
			chromedp.SendKeys("#title", title, chromedp.ByID),
			chromedp.SetValue("#category", "labor", chromedp.ByID),
			chromedp.SendKeys("#town", "城关镇", chromedp.ByID),
			chromedp.SendKeys("#amount", "12000", chromedp.ByID),
			chromedp.SendKeys("#summary", summary, chromedp.ByID),
			chromedp.SetValue("#route_to", "mediation", chromedp.ByID))
	}
	fillIntake("拖欠工资纠纷", "申请人在被申请人承建的城关镇安置房工地从事木工，工资12000元至今未付。", false)
	run("submit intake", chromedp.Submit(`#intake-form`, chromedp.ByQuery),
		chromedp.WaitVisible("#receipt", chromedp.ByID))
	first := text("#case-number")
	statusURL := text("#status-url")
	code := text("#query-code")
	if !strings.HasPrefix(first, "YD-") || code == "" {
		t.Fatalf("receipt shows number %q code %q", first, code)
	}
	if want := base + "/status?number=" + first + "&code=" + code; statusURL != want {
		t.Fatalf("status URL %q, want %q", statusURL, want)
	}
	var src string
	var ok bool
	run("qr", chromedp.AttributeValue("#qr", "src", &src, &ok, chromedp.ByID))
	if got := decodeQR(t, src); got != statusURL {
		t.Fatalf("QR decodes to %q, want %q", got, statusURL)
	}
	shoot("03-receipt")
	// Printing: A4 and an 80 mm receipt printer both give a PDF.
	for _, p := range []struct {
		name string
		w, h float64
		slip bool
	}{{"a4", 8.27, 11.69, false}, {"slip", 3.15, 8, true}} {
		var pdf []byte
		run("print "+p.name,
			chromedp.Evaluate(fmt.Sprintf(`document.body.classList.toggle("slip", %v)`, p.slip), nil),
			chromedp.ActionFunc(func(ctx context.Context) error {
				var err error
				pdf, _, err = page.PrintToPDF().WithPaperWidth(p.w).WithPaperHeight(p.h).Do(ctx)
				return err
			}))
		if !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Fatalf("printing the receipt (%s) gave no PDF", p.name)
		}
		_ = os.WriteFile(filepath.Join(artifacts, "receipt-"+p.name+".pdf"), pdf, 0o644)
	}

	// Second intake of the same person: the pre-check warns while typing,
	// the receipt warns again.
	run("intake again", chromedp.Navigate(base+"/intake"), chromedp.WaitVisible("#party_id_number_0", chromedp.ByID))
	fillIntake("工资纠纷再次来访", "申请人再次来访，反映被申请人仍未支付木工工资。", true)
	run("pre-check warns", chromedp.WaitVisible("#precheck .warnbox", chromedp.ByQuery))
	if warn := text("#precheck .warnbox"); !strings.Contains(warn, "重复来访") {
		t.Fatalf("pre-check says %q", warn)
	}
	shoot("04-intake-precheck")
	run("submit second intake", chromedp.Submit(`#intake-form`, chromedp.ByQuery),
		chromedp.WaitVisible("#receipt", chromedp.ByID))
	second := text("#case-number")
	if warn := text(".warnbox"); !strings.Contains(warn, "重复来访") || !strings.Contains(warn, first) {
		t.Fatalf("second receipt warns %q", warn)
	}
	logout()

	// The mediator: the desk queue, sign, note, invite, close; transfer the other.
	login("limed")
	run("desk", chromedp.Location(&loc))
	if !strings.HasSuffix(loc, "/desk") {
		t.Fatalf("mediator landed on %s", loc)
	}
	if n := text(`.nav a[href="/desk?queue=routed"] .badge`); n != "2" {
		t.Fatalf("routed count in the nav = %q, want 2", n)
	}
	shoot("05-desk")
	act := func(number, action string, fill ...chromedp.Action) {
		t.Helper()
		steps := []chromedp.Action{
			chromedp.Navigate(base + "/cases/" + number),
			chromedp.WaitVisible("#act-"+action+" summary", chromedp.ByQuery),
			chromedp.Click("#act-"+action+" summary", chromedp.ByQuery),
		}
		steps = append(steps, fill...)
		// Submit, not Click: a click lands where the button was when the
		// layout was measured, and the page may still be settling.
		steps = append(steps, chromedp.Submit("#act-"+action+" form", chromedp.ByQuery),
			chromedp.WaitVisible(".flash", chromedp.ByQuery))
		run(action+" "+number, steps...)
	}
	act(first, "accept")
	act(first, "notes", chromedp.SendKeys("#notes-body", "调解员电话联系项目经理，约定周五现场对账", chromedp.ByID))
	act(first, "invite", chromedp.SetValue("#invite-desk", "litigation", chromedp.ByID),
		chromedp.SendKeys("#invite-note", "可能需要司法确认", chromedp.ByID))
	shoot("06-case")
	// A stale form: the case moved on since the page was loaded.
	act(first, "close", chromedp.SendKeys("#close-outcome", "调解成功", chromedp.ByID),
		chromedp.SetValue("#close-closure_type", "resolved", chromedp.ByID),
		chromedp.SendKeys("#close-summary", "双方达成协议，当场支付。", chromedp.ByID),
		chromedp.SendKeys("#close-no_agreement_reason", "当场履行完毕", chromedp.ByID))
	if st := text(".facts dd strong"); st != "已办结" {
		t.Fatalf("after closing the status reads %q", st)
	}
	act(second, "accept")
	act(second, "transfer", chromedp.SetValue("#transfer-desk", "petition", chromedp.ByID),
		chromedp.SendKeys("#transfer-reason", "涉及信访事项，移交信访窗口", chromedp.ByID))
	if d := text(".facts dd:nth-of-type(2)"); !strings.Contains(d, "信访") {
		t.Fatalf("after transfer the desk reads %q", d)
	}
	// The timeline keeps every desk's entries.
	run("timeline", chromedp.Navigate(base+"/cases/"+first), chromedp.WaitVisible("#timeline", chromedp.ByID))
	tl := text(".timeline")
	for _, want := range []string{"受理登记", "分流", "签收", "约定周五现场对账", "邀请联合调处", "办结"} {
		if !strings.Contains(tl, want) {
			t.Errorf("timeline lacks %q:\n%s", want, tl)
		}
	}

	// Search for the note's phrase (the index follows commits); land on the case.
	deadline := time.Now().Add(10 * time.Second)
	for {
		run("search", chromedp.Navigate(base+"/search?q="+"现场对账"), chromedp.WaitVisible("main h1", chromedp.ByQuery))
		var n int
		run("hits", chromedp.Evaluate(`document.querySelectorAll(".hits li").length`, &n))
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the note's phrase is never found")
		}
		time.Sleep(200 * time.Millisecond)
	}
	shoot("07-search")
	run("open hit", chromedp.Click(".hits li a", chromedp.ByQuery), chromedp.WaitVisible("#timeline", chromedp.ByID))
	if got := text("main h1"); !strings.HasPrefix(got, first) {
		t.Fatalf("search hit opened %q, want %s", got, first)
	}
	// Enter on a case number in the header box opens the case.
	run("number search", chromedp.SendKeys("#hq", strings.ToLower(second)+"\n", chromedp.ByID))
	for i := 0; ; i++ {
		run("where", chromedp.Location(&loc))
		if strings.HasSuffix(loc, "/cases/"+second) {
			break
		}
		if i > 50 {
			t.Fatalf("Enter on %s led to %s", second, loc)
		}
		time.Sleep(100 * time.Millisecond)
	}
	run("case page", chromedp.WaitVisible("#timeline", chromedp.ByID))
	if got := text("main h1"); !strings.HasPrefix(got, second) {
		t.Fatalf("case number search opened %q, want %s", got, second)
	}
	logout()

	login("chen")
	shoot("08-leader")
	logout()
	login("root")
	shoot("09-admin-users")
	run("desks", chromedp.Navigate(base+"/admin/desks"), chromedp.WaitVisible("main h1", chromedp.ByQuery))
	shoot("10-admin-desks")
}

func decodeQR(t *testing.T, src string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/png;base64,"))
	if err != nil {
		t.Fatalf("QR image is not base64 PNG: %v", err)
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("QR does not decode: %v", err)
	}
	return res.GetText()
}
