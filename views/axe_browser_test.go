package views_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"yidi/cases"
)

// TestBrowserAxeEveryPage runs axe-core over every page of every audience
// — the citizen's, the intake window's, a desk's, the leader's and the
// admin's — at desk and phone size, with data on them: no violation above
// minor (none moderate, serious or critical).
func TestBrowserAxeEveryPage(t *testing.T) {
	ts := newTestServer(t)
	ts.centre(cases.CentreSettings{Name: "城关县矛盾纠纷调处化解中心", Address: "城关镇人民路1号", Phone: "0577-88880000", Hours: "工作日 8:30–17:30"})
	seedStaffCases(t, ts.svc)
	n, code := ts.mediationCase()
	// A group case: the members section and its import form (issue 19).
	if status, res := ts.importCSV("mediation", n, csvOf(wageSheet(nil))); status != 200 || res["imported"].(float64) != 30 {
		t.Fatalf("members: %d %v", status, res)
	}
	closed := ts.mediatedClosedCase()
	// A closed case the citizen may rate, and an online application.
	rate := ts.intake(nil)
	rn, rcode := rate["number"].(string), rate["query_code"].(string)
	ts.act("intake", rn, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", rn, "accept", nil, 200)
	ts.act("mediation", rn, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 200)
	applied, err := ts.svc.Apply(context.Background(), cases.ApplicationInput{Phone: "13912345678",
		IntakeInput: cases.IntakeInput{Category: "labor", Summary: "老板欠我工资12000元不给。", Parties: []cases.PartyInput{
			{Role: cases.PartyApplicant, Kind: cases.PersonIndividual, Name: "李四"}, {Role: cases.PartyRespondent, Name: "某某劳务公司"}}}})
	if err != nil {
		t.Fatal(err)
	}
	// A 会商 on the open case, with its minutes form still to fill.
	mt := ts.post("leader", "/api/v1/meetings", map[string]any{"cases": []string{n}, "place": "中心三楼会商室",
		"starts_at":     time.Now().Add(48 * time.Hour).In(cases.ChinaZone).Format("2006-01-02T15:04"),
		"invited_desks": []string{"mediation"}, "agenda": "研究垫付方案"}, 201)
	meeting := fmt.Sprintf("/meetings/%v", mt["id"])
	ts.catchUp()
	cr := ts.chrome(300 * time.Second) // the 会商 and 交办 pages added five
	cr.withAxe()
	check := func(path string) {
		t.Helper()
		cr.run("open "+path, chromedp.Navigate(cr.base+path), chromedp.WaitVisible("main", chromedp.ByQuery))
		cr.axeCheck(path)
	}

	for _, p := range []string{"/", "/login", "/status", "/apply",
		"/status?" + url.Values{"number": {n}, "code": {code}}.Encode(),
		"/status?" + url.Values{"number": {rn}, "code": {rcode}}.Encode(),
		"/status?" + url.Values{"number": {closed}, "code": {"WRONG-CODE1"}}.Encode(),
		"/apply/done?" + url.Values{"number": {applied.Number}, "code": {applied.QueryCode}}.Encode()} {
		check(p)
	}
	cr.shoot("16-applied")
	cr.open("/")
	cr.shoot("16-home")
	cr.open("/apply")
	cr.shoot("16-apply")
	// A refused application: the form again with its message.
	cr.run("apply without consent", chromedp.Evaluate(`document.querySelector('input[name="consent"]').required = false`, nil),
		chromedp.SendKeys("#applicant_name", "王五", chromedp.ByID), chromedp.SendKeys("#phone", "13711112222", chromedp.ByID),
		chromedp.SendKeys("#respondent_name", "赵六", chromedp.ByID), chromedp.SetValue("#category", "neighbour", chromedp.ByID),
		chromedp.SendKeys("#summary", "楼上漏水，多次协商未果。", chromedp.ByID),
		chromedp.Submit("#summary", chromedp.ByID), chromedp.WaitVisible(".alert-error", chromedp.ByQuery))
	if got := cr.text(".alert-error"); !strings.Contains(got, "勾选同意") {
		t.Errorf("an application without consent says %q", got)
	}
	cr.axeCheck("/apply refused")
	cr.shoot("16-apply-refused")
	cr.login("intake")
	for _, p := range []string{"/intake", "/desk", "/desk?queue=submitted", "/cases/" + applied.Number, "/cases", "/cases/" + n, "/cases/" + n + "/receipt",
		"/search", "/search?q=" + url.QueryEscape("工资"), "/notifications", "/calendar"} {
		check(p)
	}
	cr.logout()
	cr.login("mediation")
	for _, p := range []string{"/desk", "/cases/" + n, "/cases/" + closed, "/cases/" + closed + "/dossier", "/tasks", meeting} {
		check(p)
	}
	cr.logout()
	// A red case without its 包案 leader: the badges, the risk section's
	// forms and the leader's risk board have something to show.
	if status, out := ts.call("POST", "/api/v1/cases/"+n+"/risk", "leader", map[string]any{"level": "red", "reason": "扬言堵路"}); status != 200 {
		t.Fatalf("assess: %d %v", status, out)
	}
	cr.login("leader")
	for _, p := range []string{"/leader", "/leader/stats", "/cases?warning=red", "/cases/" + n, "/cases?risk=red,orange", "/meetings", meeting, "/tasks"} {
		check(p)
	}
	cr.logout()
	cr.login("admin")
	for _, p := range []string{"/admin/users", "/admin/desks", "/admin/categories", "/admin/deadline-rules", "/admin/risk-rules", "/admin/calendar"} {
		check(p)
	}
}
