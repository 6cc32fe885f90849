package views_test

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// The leader's statistics page and the case list it opens: figures with
// numerator and denominator, numerators linking to lists of exactly that
// many cases, bad input re-rendered with 400, and who may see it.

var firstRate = regexp.MustCompile(`化解率（实质化解 ÷ 办结）</th><td><strong>([^<]+)</strong>（<a href="([^"]+)"[^>]*>(\d+)</a>/(\d+)）`)

func TestStatsPageFiguresLinkToTheirCases(t *testing.T) {
	ts := newTestServer(t)
	day := time.Now().In(cst).AddDate(0, 0, -20).Format(time.DateOnly)
	closeAs := func(ct string) {
		n := ts.atDesk("mediation", day)
		body := map[string]any{"outcome": "调解成功", "summary": "达成协议", "closure_type": ct}
		if ct == "resolved" {
			body["no_agreement_reason"] = "当场履行完毕"
		}
		ts.act("mediation", n, "close", body, 200)
	}
	closeAs("resolved")
	closeAs("resolved")
	closeAs("procedural")
	ts.svc.SetClock(time.Now)
	b := ts.signedIn(t, "leader")
	year := time.Now().In(cst).Format("2006")
	status, body, _ := b.do("GET", "/leader/stats?kind=year&year="+year, nil)
	if status != 200 {
		t.Fatalf("stats page: %d", status)
	}
	m := firstRate.FindStringSubmatch(body)
	if m == nil || m[1] != "66.7%" || m[3] != "2" || m[4] != "3" {
		t.Fatalf("resolution rate shown as %v", m)
	}
	if !strings.Contains(body, "<svg") || !strings.Contains(body, `/leader/stats/export.xlsx?period=`+year) {
		t.Fatalf("stats page lacks the charts or the download links: %s", body[strings.Index(body, "下载统计表"):][:400])
	}
	href := strings.ReplaceAll(m[2], "&amp;", "&")
	status, body, _ = b.do("GET", href, nil)
	if status != 200 || !strings.Contains(body, `<strong id="total">2</strong>`) || strings.Count(body, `<td class="nw"><a href="/cases/`) != 2 {
		t.Fatalf("the numerator's list %s: %d", href, status)
	}
	// Its downloads are exactly that list.
	status, csv, h := b.do("GET", "/cases/export.csv?"+strings.TrimPrefix(href, "/cases?"), nil)
	if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || strings.Count(csv, "\n") != 3 {
		t.Fatalf("CSV of the list: %d %q", status, csv)
	}
	status, _, h = b.do("GET", "/leader/stats/export.xlsx?period="+year, nil)
	if status != 200 || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("XLSX of the stats: %d %s", status, h.Get("Content-Type"))
	}
	// Bad input: the form again with the message, 400.
	for path, msg := range map[string]string{
		"/leader/stats?kind=custom&from=2026-11-30&to=2026-11-01": "截止日期不能早于起始日期",
		"/leader/stats?kind=month&month=2026-13":                  "统计期间应为",
		"/leader/stats?kind=decade":                               "请选择按月",
		"/cases?closed_from=yesterday":                            "日期格式应为",
	} {
		status, body, _ := b.do("GET", path, nil)
		if status != 400 || !strings.Contains(body, msg) || !strings.Contains(body, `class="error"`) {
			t.Errorf("%s: %d, message %q shown: %v", path, status, msg, strings.Contains(body, msg))
		}
	}
	// Only leaders see statistics.
	for _, user := range []string{"mediation", "intake", "admin"} {
		o := ts.signedIn(t, user)
		for _, path := range []string{"/leader/stats", "/leader/stats/export.csv"} {
			if status, _, _ := o.do("GET", path, nil); status != 403 {
				t.Errorf("%s on %s: %d", user, path, status)
			}
		}
	}
	// A handler's list keeps to the read rule: petition sees none of mediation's cases.
	p := ts.signedIn(t, "petition")
	if _, body, _ := p.do("GET", href, nil); !strings.Contains(body, `<strong id="total">0</strong>`) {
		t.Errorf("petition's list of mediation's cases is not empty")
	}
}
