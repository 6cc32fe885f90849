package views_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"yidi/cases"
)

// centre sets the centre's settings as the admin does.
func (ts *testServer) centre(c cases.CentreSettings) {
	ts.t.Helper()
	if err := ts.svc.SetCentre(context.Background(), ts.actor("admin"), c); err != nil {
		ts.t.Fatal(err)
	}
}

// cookieHeader is cookies as one Cookie header.
func cookieHeader(cookies []*http.Cookie) string {
	parts := make([]string, len(cookies))
	for i, c := range cookies {
		parts[i] = c.Name + "=" + c.Value
	}
	return strings.Join(parts, "; ")
}

// The online application (issue 16, item 10): a privacy notice the
// applicant must tick (stored with the application: which version, when),
// evidence files attached to it within the public limits (a browser's
// empty file part is no file), post/redirect/get to the confirmation, and
// an untitled application named by its category without 纠纷纠纷.
func TestApplyWithConsentAndEvidence(t *testing.T) {
	ts := newTestServer(t)
	ts.centre(cases.CentreSettings{Name: "城关县矛盾纠纷调处化解中心", Address: "城关镇人民路1号", Phone: "0577-88880000"})
	ctx := context.Background()
	token, cookies := ts.formToken("/apply")
	page := ts.page("GET", "/apply", 200)
	for _, want := range []string{"个人信息处理告知", `name="consent" value="` + cases.PrivacyNotice + `" required`,
		`enctype="multipart/form-data"`, `name="files"`, "城关镇人民路1号", "0577-88880000"} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	fields := map[string]string{"_csrf": token, "applicant_name": "王五", "phone": "13711112222",
		"respondent_name": "赵六", "category": "neighbour", "summary": "楼上漏水，多次协商未果。"}
	before, _ := ts.svc.CaseCount(ctx)

	// Not ticked: the form again with the typed text, nothing stored.
	status, out := ts.multipartCall("/apply", fields, []upload{{"欠条.png", pngBytes}}, "Cookie", cookieHeader(cookies))
	if status != 400 || !strings.Contains(out["_raw"].(string), "勾选同意") || !strings.Contains(out["_raw"].(string), "楼上漏水") {
		t.Fatalf("without consent: %d\n%s", status, out["_raw"])
	}
	if n, _ := ts.svc.CaseCount(ctx); n != before || len(ts.storedFiles()) != 0 {
		t.Fatalf("a refused application stored %d cases and files %v", n-before, ts.storedFiles())
	}
	// A file that is not what it says: refused by the upload rules.
	fields["consent"] = cases.PrivacyNotice
	status, out = ts.multipartCall("/apply", fields, []upload{{"x.png", htmlBytes}}, "Cookie", cookieHeader(cookies))
	if status != 400 || !strings.Contains(out["_raw"].(string), "证据材料有误") {
		t.Fatalf("a bad file: %d\n%s", status, out["_raw"])
	}

	// Ticked, one file and the browser's empty file part: one attachment.
	status, out = ts.multipartCall("/apply", fields, []upload{{"欠条.png", pngBytes}, {"", nil}}, "Cookie", cookieHeader(cookies))
	loc, _ := out["_location"].(string)
	if status != 303 || !strings.HasPrefix(loc, "/apply/done?") {
		t.Fatalf("apply: %d %q\n%s", status, loc, out["_raw"])
	}
	q, _ := url.ParseQuery(strings.TrimPrefix(loc, "/apply/done?"))
	number := q.Get("number")
	done := ts.page("GET", loc, 200)
	if !strings.Contains(done, number) || !strings.Contains(done, q.Get("code")) {
		t.Fatalf("the confirmation lacks the number or the code:\n%s", done)
	}
	// The confirmation with a wrong code tells nothing.
	ts.page("GET", "/apply/done?"+url.Values{"number": {number}, "code": {"AAAAA-AAAAA"}}.Encode(), 404)

	c, err := ts.svc.CaseByNumberUnchecked(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "网上申请：邻里纠纷" {
		t.Errorf("an untitled application is named %q", c.Title)
	}
	consent, err := ts.svc.ApplicationConsent(ctx, c.ID)
	if err != nil || consent == nil || consent.Notice != cases.PrivacyNotice || consent.At.IsZero() {
		t.Fatalf("the consent stored: %+v %v", consent, err)
	}
	atts, err := ts.svc.Attachments(ctx, ts.actor("intake"), number)
	if err != nil || len(atts) != 1 || atts[0].OriginalName != "欠条.png" || atts[0].Kind != cases.AttachmentEvidence {
		t.Fatalf("the application's files: %+v %v", atts, err)
	}
	b := ts.signedIn(t, "intake")
	if _, html, _ := b.do("GET", "/cases/"+number, nil); !strings.Contains(html, "欠条.png") ||
		!strings.Contains(html, "个人信息处理告知") {
		t.Errorf("the case page shows neither the evidence nor the consent")
	}

	// A category whose name does not say 纠纷 gets it once.
	fields["category"] = "marriage_family"
	fields["applicant_name"] = "钱七"
	_, out = ts.multipartCall("/apply", fields, nil, "Cookie", cookieHeader(cookies))
	q, _ = url.ParseQuery(strings.TrimPrefix(out["_location"].(string), "/apply/done?"))
	if c, _ := ts.svc.CaseByNumberUnchecked(ctx, q.Get("number")); c == nil || c.Title != "网上申请：婚姻家庭纠纷" {
		t.Errorf("a 婚姻家庭 application is named %+v", c)
	}
}

// The landing page is the citizens': how to reach the centre, and no
// interface description for integrators (issue 16, item 10).
func TestHomePageIsForCitizens(t *testing.T) {
	ts := newTestServer(t)
	ts.centre(cases.CentreSettings{Name: "城关县矛盾纠纷调处化解中心", Address: "城关镇人民路1号", Phone: "0577-88880000", Hours: "工作日 8:30–17:30"})
	html := ts.page("GET", "/", 200)
	if strings.Contains(html, "openapi") || !strings.Contains(html, "城关镇人民路1号") || !strings.Contains(html, "工作日 8:30–17:30") {
		t.Fatalf("the home page:\n%s", html)
	}
	c := ts.intake(nil)
	status := ts.page("GET", "/status?"+url.Values{"number": {c["number"].(string)}, "code": {c["query_code"].(string)}}.Encode(), 200)
	if !strings.Contains(status, `href="tel:057788880000"`) || !strings.Contains(status, "城关镇人民路1号") {
		t.Fatalf("the status page does not say how to reach the centre:\n%s", status)
	}
}
