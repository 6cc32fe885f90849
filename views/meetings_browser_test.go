package views_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"yidi/cases"
)

// TestBrowserMeetingAndTasks: the leader signs in at a 会商 and records its
// minutes with two decision rows (a date in the past refused first, the
// row named); the governance desk reports its task done on 我的交办; the
// mediation desk's task runs overdue and shows so. The meeting and tasks
// pages are shot at desk and phone size, and the 会商纪要 and a 交办单 are
// printed with print emulation: A4, nothing wider than the page.
func TestBrowserMeetingAndTasks(t *testing.T) {
	ts := newTestServer(t)
	ts.centre(cases.CentreSettings{Name: "城关县矛盾纠纷调处化解中心", Address: "城关镇人民路1号"})
	n, id := ts.wageMeeting()
	ts.at("2026-03-03", "09:40")
	cr := ts.chrome(180 * time.Second)
	meeting := fmt.Sprintf("/meetings/%d", id)

	cr.login("leader")
	cr.open("/cases/" + n)
	if !strings.Contains(cr.text("main"), "发起会商") {
		t.Fatal("the case page offers the leader no 发起会商 link")
	}
	cr.open(meeting)
	cr.run("sign in", chromedp.Click("#sign-in", chromedp.ByID), chromedp.WaitVisible(".flash", chromedp.ByQuery))
	row := func(i int, desk, content, due string) chromedp.Tasks {
		sel := fmt.Sprintf("#minutes-form tbody tr:nth-child(%d) ", i)
		return chromedp.Tasks{
			chromedp.SetValue(sel+"select", desk, chromedp.ByQuery),
			chromedp.SetValue(sel+`input[name="content"]`, content, chromedp.ByQuery),
			chromedp.SetValue(sel+`input[name="due_on"]`, due, chromedp.ByQuery),
		}
	}
	cr.run("minutes with a past date",
		chromedp.SetValue("#mn-text", "经会商：住建部门核实工程款拨付情况；调解窗口组织劳资双方再次调解，明确垫付方案。", chromedp.ByID),
		row(1, "governance", "协调住建部门核实工程款拨付情况", "2026-03-10"),
		row(2, "mediation", "组织劳资双方再次调解，明确垫付方案", "2026-03-01"),
		chromedp.Submit("#mn-text", chromedp.ByID), chromedp.WaitVisible("#form-error", chromedp.ByID))
	if msg := cr.text("#form-error"); !strings.Contains(msg, "第2项") || !strings.Contains(msg, "办结期限不能早于今天") {
		t.Fatalf("the refusal says %q", msg)
	}
	cr.shoot("meeting-minutes-refused")
	cr.run("minutes fixed", row(2, "mediation", "组织劳资双方再次调解，明确垫付方案", "2026-03-06"),
		chromedp.Submit("#mn-text", chromedp.ByID), chromedp.WaitVisible("#task-table", chromedp.ByID))
	if tasks := cr.text("#task-table"); !strings.Contains(tasks, "综治") || !strings.Contains(tasks, "2026-03-06") {
		t.Fatalf("the meeting's tasks: %q", tasks)
	}
	cr.shoot("meeting")
	cr.logout()

	// The governance desk reports its task done on 我的交办.
	ts.at("2026-03-05", "16:00")
	cr.login("governance")
	cr.open("/tasks")
	cr.run("report done",
		chromedp.SetValue("#tasks textarea", "已核实：工程款已拨付至总包单位，总包单位承诺三日内发放。", chromedp.ByQuery),
		chromedp.Submit("#tasks textarea", chromedp.ByQuery), chromedp.WaitVisible(".flash", chromedp.ByQuery))
	if got := cr.text("#tasks"); !strings.Contains(got, "已办结") {
		t.Fatalf("after the report the done tab shows %q", got)
	}
	cr.logout()

	// The mediation desk's task runs past its day: overdue, supervised.
	if _, err := ts.svc.SweepWarnings(context.Background(), time.Date(2026, 3, 7, 8, 0, 0, 0, cst)); err != nil {
		t.Fatal(err)
	}
	ts.at("2026-03-07", "09:00")
	cr.login("mediation")
	cr.open("/tasks?tab=overdue")
	if got := cr.text("main"); !strings.Contains(got, "已超期·督办中") || !strings.Contains(got, "组织劳资双方再次调解") {
		t.Fatalf("the overdue tab shows %q", got)
	}
	cr.shoot("tasks")
	cr.logout()

	// Printing: the minutes and the overdue task's 交办单, as printed.
	cr.login("leader")
	_, out := ts.call("GET", "/api/v1/tasks?overdue=true", "leader", nil)
	task := int64(out["tasks"].([]any)[0].(map[string]any)["id"].(float64))
	for _, doc := range []struct{ name, path, want string }{
		{"meeting-minutes", meeting + "/print", "会商纪要"},
		{"task-order", fmt.Sprintf("/tasks/%d/print", task), "交办单"},
	} {
		var pdf, shot []byte
		var body string
		var overflow bool
		cr.run("print "+doc.name,
			chromedp.EmulateViewport(1366, 768),
			chromedp.Navigate(cr.base+doc.path),
			chromedp.WaitVisible(".sheet", chromedp.ByQuery),
			emulation.SetEmulatedMedia().WithMedia("print"),
			chromedp.Text("body", &body, chromedp.ByQuery),
			chromedp.Evaluate(`[...document.querySelectorAll('.sheet *')].some(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible') || document.documentElement.scrollWidth > window.innerWidth`, &overflow),
			chromedp.FullScreenshot(&shot, 100),
			chromedp.ActionFunc(func(ctx context.Context) error {
				var err error
				pdf, _, err = page.PrintToPDF().WithPreferCSSPageSize(true).Do(ctx)
				return err
			}),
			emulation.SetEmulatedMedia().WithMedia(""))
		if !strings.Contains(body, doc.want) || !strings.Contains(body, n) || !strings.Contains(body, "陈主任") || strings.Contains(body, "返回会商") {
			t.Errorf("%s as printed: %q", doc.name, body)
		}
		if overflow {
			t.Errorf("%s: something is cut off in print", doc.name)
		}
		boxes := mediaBox.FindAllSubmatch(pdf, -1)
		if len(boxes) == 0 {
			t.Fatalf("%s: the PDF has no page size", doc.name)
		}
		for _, b := range boxes {
			w, _ := strconv.ParseFloat(string(b[1]), 64)
			h, _ := strconv.ParseFloat(string(b[2]), 64)
			if w < 594 || w > 596 || h < 841 || h > 843 {
				t.Errorf("%s: a page of %.1f × %.1f pt, not A4", doc.name, w, h)
			}
		}
		_ = os.WriteFile(filepath.Join(cr.artifacts, doc.name+"-print.png"), shot, 0o644)
		_ = os.WriteFile(filepath.Join(cr.artifacts, doc.name+".pdf"), pdf, 0o644)
	}
}
