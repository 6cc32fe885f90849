package views_test

// The intake form's 证件类型, /apply's, and the case page's 补正登记信息
// form, through the pages (JavaScript off) against real SQLite.

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

func TestIntakeFormRegistersOrganisationsAndPassports(t *testing.T) {
	ts := newTestServer(t)
	b := ts.signedIn(t, "intake")
	_, page, _ := b.do("GET", "/intake", nil)
	for _, want := range []string{`name="party_id_type_0"`, `<option value="passport">护照</option>`,
		`value="credit_code">统一社会信用代码（单位）`, `name="party_country_0"`, `<option value="USA">美国</option>`,
		`name="party_legal_representative_1"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the intake form lacks %s", want)
		}
	}
	form := validIntakeForm()
	form.Set("party_id_type_0", "passport")
	form.Set("party_id_number_0", "M70012345")
	form.Set("party_name_0", "Anna Lee")
	// Left in the wrong row without JavaScript: ignored, not an error.
	form.Set("party_legal_representative_0", "不相干")
	form.Set("party_id_type_1", "credit_code")
	form.Set("party_id_number_1", orgCode)
	form.Set("party_name_1", "温州某某贸易有限公司")
	form.Set("party_legal_representative_1", "王某某")
	form.Set("party_country_1", "USA")

	// A passport without its country is sent back with everything typed.
	status, body := b.post("/intake", form)
	if status != 400 || !strings.Contains(body, "持护照的当事人请选择护照签发国家") || !strings.Contains(body, `href="#party_country_0"`) ||
		!strings.Contains(body, "M70012345") || !strings.Contains(body, `<option value="passport" selected>`) ||
		!strings.Contains(body, `<option value="credit_code" selected>`) || !strings.Contains(body, "王某某") {
		t.Fatalf("passport without country: %d %.500s", status, body)
	}
	form.Set("party_country_0", "usa")
	status, body = b.post("/intake", form)
	if status != 200 || !strings.Contains(body, `id="query-code"`) {
		t.Fatalf("intake: %d %.300s", status, body)
	}
	number := caseNumberIn.FindString(body)
	_, c := ts.call("GET", "/api/v1/cases/"+number, "leader", nil)
	ps := partiesOf(t, c)
	if str(ps[0], "id_type") != "passport" || str(ps[0], "country") != "USA" || str(ps[0], "legal_representative") != "" ||
		str(ps[1], "kind") != "org" || str(ps[1], "credit_code") != orgCode || str(ps[1], "legal_representative") != "王某某" {
		t.Fatalf("registered parties: %v", ps)
	}
	// The case page says which document each is.
	_, page, _ = b.do("GET", "/cases/"+number, nil)
	for _, want := range []string{"护照（美国）", "M7*****45", "法定代表人：王某某", "统一社会信用代码"} {
		if !strings.Contains(page, want) {
			t.Errorf("the case page lacks %s", want)
		}
	}
}

var caseNumberIn = regexp.MustCompile(`YD-\d{4}-\d{5}`)

func TestCorrectionFormOnTheCasePage(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	number := c["number"].(string)
	b := ts.signedIn(t, "intake")
	_, page, _ := b.do("GET", "/cases/"+number, nil)
	if !strings.Contains(page, `action="/cases/`+number+`/correction"`) || !strings.Contains(page, "现 138****0000，不改请留空") {
		t.Fatalf("no correction form with the masked phone: %.300s", page)
	}
	form := func() url.Values {
		return url.Values{"version": {"1"}, "title": {"拖欠木工工资纠纷"}, "category": {"labor"}, "town": {"城关镇"},
			"amount": {"12000"}, "summary": {sampleIntake()["summary"].(string)}, "claims": {sampleIntake()["claims"].(string)},
			"party_name_0": {"张叁"}, "party_phone_0": {""}, "party_id_type_0": {"resident_id"}, "party_id_number_0": {""},
			"party_country_0": {""}, "party_name_1": {"某某建筑公司"}, "party_credit_code_1": {""}, "party_legal_representative_1": {""},
			"reason": {"姓名登记错误"}}
	}
	// A bad phone: the message beside the phone, which takes the focus; the rest as typed.
	f := form()
	f.Set("party_phone_0", "12345")
	status, body := b.post("/cases/"+number+"/correction", f)
	if status != 400 || !strings.Contains(body, `id="corr-phone_0-err">电话号码有误`) ||
		!regexp.MustCompile(`id="corr-phone_0" name="party_phone_0" value="12345"[^>]*aria-invalid="true"[^>]*autofocus`).MatchString(body) ||
		!strings.Contains(body, `value="拖欠木工工资纠纷"`) || !strings.Contains(body, "<details open>") {
		t.Fatalf("bad phone: %d %.500s", status, body)
	}
	// No reason: beside the reason.
	f = form()
	f.Set("reason", "")
	if status, body = b.post("/cases/"+number+"/correction", f); status != 400 || !strings.Contains(body, `id="corr-reason-err">请填写补正理由`) {
		t.Fatalf("no reason: %d", status)
	}
	// Nothing changed: said at the top of the form.
	f = form()
	f.Set("title", "拖欠工资纠纷")
	f.Set("party_name_0", "张三")
	if status, body = b.post("/cases/"+number+"/correction", f); status != 400 || !strings.Contains(body, "没有需要更正的内容") {
		t.Fatalf("no change: %d", status)
	}
	// Success: post/redirect/get, the flash, and the lines on the timeline.
	status, _, h := b.do("POST", "/cases/"+number+"/correction", withCSRF(b, form()))
	if status != fiber.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "?done=correction#timeline") {
		t.Fatalf("correction: %d %s", status, h.Get("Location"))
	}
	_, page, _ = b.do("GET", "/cases/"+number+"?done=correction", nil)
	for _, want := range []string{"已补正登记信息。", "· 补正登记信息 ·", "案由/标题：拖欠工资纠纷 → 拖欠木工工资纠纷",
		"当事人1（申请人）姓名或名称：张三 → 张叁", "补正理由：姓名登记错误"} {
		if !strings.Contains(page, want) {
			t.Errorf("the case page after the correction lacks %q", want)
		}
	}
	// A stale form is refused and keeps what was typed.
	f = form()
	f.Set("town", "龙港镇")
	if status, body = b.post("/cases/"+number+"/correction", f); status != 409 || !strings.Contains(body, "已被他人处理") || !strings.Contains(body, `value="龙港镇"`) {
		t.Fatalf("stale: %d", status)
	}
	// Routed to a desk, the window no longer offers the form; the desk does.
	ts.act("intake", number, "route", map[string]any{"desk": "mediation"}, 200)
	if _, page, _ = b.do("GET", "/cases/"+number, nil); strings.Contains(page, "/correction\"") {
		t.Error("the window still offers the correction form after routing")
	}
	f.Set("version", "3")
	if status, body = b.post("/cases/"+number+"/correction", f); status != 403 || !strings.Contains(body, "补正") {
		t.Fatalf("correction after routing by the window: %d", status)
	}
	m := ts.signedIn(t, "mediation")
	if _, page, _ = m.do("GET", "/cases/"+number, nil); !strings.Contains(page, `action="/cases/`+number+`/correction"`) {
		t.Error("the holding desk is not offered the correction form")
	}
}

func withCSRF(b *browser, f url.Values) url.Values {
	f.Set("_csrf", b.csrf)
	return f
}

func TestApplyFormTakesAPassport(t *testing.T) {
	ts := newTestServer(t)
	b := newBrowser(t, ts.app)
	_, page, _ := b.do("GET", "/apply", nil)
	if !strings.Contains(page, `name="applicant_id_type"`) || !strings.Contains(page, `<option value="JPN">日本</option>`) {
		t.Fatalf("the apply form has no 证件类型 or countries")
	}
	form := url.Values{"applicant_name": {"Taro Yamada"}, "applicant_id_type": {"passport"}, "applicant_id_number": {"TK1234567"},
		"applicant_country": {"XYZ"}, "phone": {"13800000000"}, "respondent_name": {"某某物业"}, "category": {"property_mgmt"},
		"summary": {"楼上漏水，物业不处理。"}, "consent": {cases.PrivacyNotice}}
	status, body := b.post("/apply", form)
	if status != 400 || !strings.Contains(body, "申请人信息有误") || !strings.Contains(body, "ISO 3166") || !strings.Contains(body, `value="TK1234567"`) {
		t.Fatalf("unknown country: %d %.300s", status, body)
	}
	form.Set("applicant_country", "JPN")
	form.Set("_csrf", b.csrf)
	status, _, h := b.do("POST", "/apply", form)
	if status != fiber.StatusSeeOther {
		t.Fatalf("apply: %d", status)
	}
	_, body, _ = b.do("GET", h.Get("Location"), nil)
	number := caseNumberIn.FindString(body)
	_, c := ts.call("GET", "/api/v1/cases/"+number, "leader", nil)
	if p := partiesOf(t, c)[0]; str(p, "id_type") != "passport" || str(p, "country") != "JPN" {
		t.Fatalf("applicant: %v", p)
	}
	// The window corrects the application while registering it.
	ts.correct("intake", number, map[string]any{"version": c["version"], "reason": "核对护照",
		"parties": []map[string]any{{"party_id": partiesOf(t, c)[0]["party_id"], "name": "Taro YAMADA"}}}, 200)
}
