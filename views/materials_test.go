package views_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// 一次性告知 materials, the centre's settings and towns, through the API
// and the pages against real SQLite.

// materialsOf answers a case's checklist as code → received.
func materialsOf(t *testing.T, kase map[string]any) map[string]bool {
	t.Helper()
	list, ok := kase["materials"].([]any)
	if !ok {
		t.Fatalf("the case has no materials list: %v", kase["materials"])
	}
	out := map[string]bool{}
	for _, m := range list {
		m := m.(map[string]any)
		out[m["code"].(string)] = m["received"].(bool)
	}
	return out
}

func TestMetaListsEachCategorysMaterialsTheTownsAndTheCentre(t *testing.T) {
	ts := newTestServer(t)
	_, meta := ts.call("GET", "/api/v1/meta", "", nil)
	var labor map[string]any
	for _, c := range meta["categories"].([]any) {
		if c := c.(map[string]any); c["code"] == "labor" {
			labor = c
		}
	}
	if labor == nil {
		t.Fatal("meta has no labor category")
	}
	want := map[string]bool{"id_proof": true, "employment_proof": true, "wage_proof": true, "employer_info": false}
	got := map[string]bool{}
	for _, m := range labor["materials"].([]any) {
		m := m.(map[string]any)
		got[m["code"].(string)] = m["required"].(bool)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("labor materials = %v, want %v", got, want)
	}
	if towns := meta["towns"].([]any); len(towns) != 0 {
		t.Fatalf("a new centre has towns %v", towns)
	}
	b := ts.signedIn(t, "admin")
	for _, town := range []string{"城关镇", "长安镇"} {
		if status, body := b.post("/admin/settings", url.Values{"op": {"add_town"}, "town": {town}}); status != 303 {
			t.Fatalf("adding %s: %d %.300s", town, status, body)
		}
	}
	if status, _ := b.post("/admin/settings", url.Values{"op": {"centre"}, "name": {"某县矛调中心"},
		"address": {"某县人民路1号"}, "phone": {"0573-87654321"}, "hours": {"工作日 8:30-17:30"}}); status != 303 {
		t.Fatalf("saving the centre: %d", status)
	}
	_, meta = ts.call("GET", "/api/v1/meta", "", nil)
	if fmt.Sprint(meta["towns"]) != "[城关镇 长安镇]" {
		t.Errorf("meta towns = %v", meta["towns"])
	}
	if c := meta["centre"].(map[string]any); c["name"] != "某县矛调中心" || c["phone"] != "0573-87654321" {
		t.Errorf("meta centre = %v", c)
	}
}

func TestIntakeTicksMaterialsAndALaterOneIsOneEventInBothTimelines(t *testing.T) {
	ts := newTestServer(t)
	body := sampleIntake()
	body["materials_received"] = []string{"deed"}
	status, out := ts.call("POST", "/api/v1/cases", "intake", body)
	if status != 400 || errorCode(out) != "unknown_material" || errorField(out) != "materials_received" {
		t.Fatalf("an unknown material: %d %v", status, out)
	}
	body["materials_received"] = []string{"id_proof", "employment_proof", "id_proof"}
	kase := ts.intake(body)
	number, code := kase["number"].(string), kase["query_code"].(string)
	if got := materialsOf(t, kase); fmt.Sprint(got) != "map[employer_info:false employment_proof:true id_proof:true wage_proof:false]" {
		t.Fatalf("the intake's checklist = %v", got)
	}

	// Later, at the counter: the window ticks the wage records.
	path := "/api/v1/cases/" + number + "/materials"
	for _, bad := range []struct {
		body        map[string]any
		code, field string
	}{
		{map[string]any{"received": []string{}}, "required", "received"},
		{map[string]any{"received": []string{"deed"}}, "unknown_material", "received"},
		{map[string]any{"received": []string{"id_proof"}}, "already_received", "received"},
		{map[string]any{"received": []string{"wage_proof"}, "attachment_id": 999}, "unknown_attachment", "attachment_id"},
	} {
		if status, out := ts.call("POST", path, "intake", bad.body); status != 400 || errorCode(out) != bad.code || errorField(out) != bad.field {
			t.Errorf("%v: %d %v, want 400 %s on %s", bad.body, status, out, bad.code, bad.field)
		}
	}
	if status, out := ts.call("POST", path, "intake", map[string]any{"version": 99, "received": []string{"wage_proof"}}); status != 409 || errorCode(out) != "stale_version" {
		t.Errorf("a stale version: %d %v", status, out)
	}
	// A desk that does not hold the case does not see it.
	if status, _ := ts.call("POST", path, "petition", map[string]any{"received": []string{"wage_proof"}}); status != 404 {
		t.Errorf("another desk ticked a material: %d", status)
	}
	_, before := ts.call("GET", "/api/v1/cases/"+number, "intake", nil)
	status, after := ts.call("POST", path, "intake", map[string]any{"version": before["version"], "received": []string{"wage_proof"}})
	if status != 200 || !materialsOf(t, after)["wage_proof"] || after["version"].(float64) != before["version"].(float64)+1 {
		t.Fatalf("ticking wage_proof: %d %v", status, after)
	}

	// One event, in plain Chinese in both timelines.
	_, tl := ts.call("GET", "/api/v1/cases/"+number+"/timeline", "intake", nil)
	n := 0
	for _, e := range tl["events"].([]any) {
		if e := e.(map[string]any); e["kind"] == "materials_received" {
			n++
			if e["body"] != "收到材料：工资欠条或考勤记录" {
				t.Errorf("the staff timeline says %q", e["body"])
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d materials_received events, want 1", n)
	}
	_, view := ts.call("GET", "/api/v1/public/status?number="+number+"&code="+url.QueryEscape(code), "", nil)
	said := false
	for _, e := range view["events"].([]any) {
		if e.(map[string]any)["text"] == "已收到您补交的材料：工资欠条或考勤记录" {
			said = true
		}
	}
	if !said {
		t.Errorf("the citizen's timeline does not tell of the material: %v", view["events"])
	}

	// The holding desk may tick too; once closed nobody may.
	ts.act("intake", number, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", number, "accept", nil, 200)
	if status, out := ts.call("POST", path, "mediation", map[string]any{"received": []string{"employer_info"}}); status != 200 {
		t.Fatalf("the holding desk ticking: %d %v", status, out)
	}
	ts.act("mediation", number, "close", map[string]any{"outcome": "达成协议", "closure_type": "resolved",
		"no_agreement_reason": "当场履行"}, 200)
	if status, out := ts.call("POST", path, "leader", map[string]any{"received": []string{"id_proof"}}); status != 409 {
		t.Errorf("ticking on a closed case: %d %v", status, out)
	}
}

func TestTownsFromTheListWhenThereIsOne(t *testing.T) {
	ts := newTestServer(t)
	// No list yet: any town as typed.
	ts.intake(nil)
	admin := ts.signedIn(t, "admin")
	status, body := admin.post("/admin/settings", url.Values{"op": {"add_town"}, "town": {"长安镇"}})
	if status != 303 {
		t.Fatalf("adding a town: %d %.300s", status, body)
	}
	_, page, _ := admin.do("GET", "/admin/settings?done=town_added", nil)
	if !strings.Contains(page, "已保存") || !strings.Contains(page, "长安镇") {
		t.Fatalf("the settings page after adding shows no flash or no town: %.500s", page)
	}
	if status, body := admin.post("/admin/settings", url.Values{"op": {"add_town"}, "town": {"长安镇"}}); status != 400 || !strings.Contains(body, "已在列表中") {
		t.Errorf("a town twice: %d", status)
	}

	status, out := ts.call("POST", "/api/v1/cases", "intake", sampleIntake())
	if status != 400 || errorCode(out) != "unknown_town" || errorField(out) != "town" {
		t.Fatalf("a town off the list: %d %v", status, out)
	}
	body2 := sampleIntake()
	body2["town"] = "长安镇"
	ts.intake(body2)
	body2["town"] = ""
	ts.intake(body2) // the town may be left out

	// The form offers the list and says what is wrong in Chinese.
	b := ts.signedIn(t, "intake")
	_, form, _ := b.do("GET", "/intake", nil)
	if !strings.Contains(form, `list="town-options"`) || !strings.Contains(form, `<option value="长安镇">`) {
		t.Error("the intake form does not offer the towns")
	}
	form2 := validIntakeForm()
	form2.Set("material_labor", "employment_proof")
	status, page = b.post("/intake", form2)
	if status != 400 || !strings.Contains(page, "不在本中心的乡镇列表中") || !strings.Contains(page, `href="#town"`) {
		t.Errorf("a town off the list on the form: %d", status)
	}
	if !strings.Contains(page, `value="employment_proof" checked`) || strings.Contains(page, `value="id_proof" checked`) {
		t.Error("the refused form lost or invented the materials ticked")
	}

	// Removing the last town frees the field again.
	if status, _ := admin.post("/admin/settings", url.Values{"op": {"remove_town"}, "town": {"长安镇"}}); status != 303 {
		t.Fatalf("removing a town: %d", status)
	}
	ts.intake(nil)
}

func TestCentreSettingsPageSavesAndRefuses(t *testing.T) {
	ts := newTestServer(t)
	b := ts.signedIn(t, "admin")
	status, body := b.post("/admin/settings", url.Values{"op": {"centre"}, "name": {"某县矛调中心"}, "phone": {"12345"}, "address": {"人民路1号"}})
	if status != 400 || !strings.Contains(body, "电话号码有误") || !strings.Contains(body, `value="人民路1号"`) {
		t.Fatalf("a bad phone: %d, the page should say so and keep the address", status)
	}
	if status, body := b.post("/admin/settings", url.Values{"op": {"centre"}, "name": {""}}); status != 400 || !strings.Contains(body, "请填写中心名称") {
		t.Errorf("no name: %d", status)
	}
	status, _, h := b.do("POST", "/admin/settings", url.Values{"_csrf": {b.csrf}, "op": {"centre"}, "name": {"某县矛调中心"}, "phone": {"0573-87654321"}})
	if status != 303 || h.Get("Location") != "/admin/settings?done=centre" {
		t.Fatalf("saving: %d → %q", status, h.Get("Location"))
	}
	_, page, _ := b.do("GET", h.Get("Location"), nil)
	if !strings.Contains(page, "已保存中心信息") || !strings.Contains(page, `value="0573-87654321"`) {
		t.Error("the page after saving shows no flash or not the saved phone")
	}
	// Only admins.
	staff := ts.signedIn(t, "intake")
	if status, _, _ := staff.do("GET", "/admin/settings", nil); status != 403 {
		t.Errorf("the window opened the settings: %d", status)
	}
	if status, _ := staff.post("/admin/settings", url.Values{"op": {"centre"}, "name": {"x"}}); status != 403 {
		t.Errorf("the window saved the settings: %d", status)
	}
}

func TestMaterialsAdminAddsEditsAndRetires(t *testing.T) {
	ts := newTestServer(t)
	b := ts.signedIn(t, "admin")
	_, page, _ := b.do("GET", "/admin/materials?category=traffic", nil)
	if !strings.Contains(page, "交通事故认定书") {
		t.Fatal("the traffic materials are not listed")
	}
	add := url.Values{"op": {"create"}, "category": {"traffic"}, "code": {"insurance"}, "name": {"保险单"}, "active": {"1"}}
	if status, body := b.post("/admin/materials", add); status != 303 {
		t.Fatalf("adding: %d %.300s", status, body)
	}
	if status, body := b.post("/admin/materials", add); status != 400 || !strings.Contains(body, "已有代码为“insurance”的材料") {
		t.Errorf("adding twice: %d", status)
	}
	if status, body := b.post("/admin/materials", url.Values{"op": {"create"}, "category": {"traffic"}, "code": {"X!"}, "name": {"x"}}); status != 400 || !strings.Contains(body, "材料代码") {
		t.Errorf("a bad code: %d", status)
	}
	metaHas := func(code string) (found, required bool) {
		_, meta := ts.call("GET", "/api/v1/meta", "", nil)
		for _, c := range meta["categories"].([]any) {
			if c := c.(map[string]any); c["code"] == "traffic" {
				for _, m := range c["materials"].([]any) {
					if m := m.(map[string]any); m["code"] == code {
						return true, m["required"].(bool)
					}
				}
			}
		}
		return false, false
	}
	if found, required := metaHas("insurance"); !found || required {
		t.Fatalf("meta after adding an optional material: found %v required %v", found, required)
	}
	// Retire it: gone from meta, so an intake naming it is refused.
	status, _, h := b.do("POST", "/admin/materials", url.Values{"_csrf": {b.csrf}, "category": {"traffic"}, "code": {"insurance"}, "name": {"保险单"}})
	if status != 303 || !strings.Contains(h.Get("Location"), "done=saved") {
		t.Fatalf("retiring: %d %q", status, h.Get("Location"))
	}
	if _, page, _ := b.do("GET", h.Get("Location"), nil); !strings.Contains(page, "已保存") {
		t.Error("no flash after saving")
	}
	if found, _ := metaHas("insurance"); found {
		t.Error("a retired material is still in meta")
	}
	body := sampleIntake()
	body["category"], body["materials_received"] = "traffic", []string{"insurance"}
	if status, out := ts.call("POST", "/api/v1/cases", "intake", body); status != 400 || errorCode(out) != "unknown_material" {
		t.Errorf("an intake naming a retired material: %d %v", status, out)
	}
}

func TestReceiptNamesApplicantRegistrarStepsCentreAndWhatIsMissing(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.signedIn(t, "admin")
	admin.post("/admin/settings", url.Values{"op": {"centre"}, "name": {"某县矛调中心"}, "address": {"某县人民路1号"}, "phone": {"0573-87654321"}})
	b := ts.signedIn(t, "intake")
	form := validIntakeForm()
	form.Add("material_labor", "id_proof")
	form.Add("material_labor", "employment_proof")
	form.Add("material_traffic", "accident_report") // another category's box: ignored
	status, page := b.post("/intake", form)
	if status != 200 {
		t.Fatalf("intake: %d %.300s", status, page)
	}
	for _, want := range []string{`id="applicants">张三<`, `id="registrar">王窗口<`, "<dt>分流时限</dt>", "受理登记后1个工作日内分流",
		"依据：中心“最多跑一地”服务承诺", "某县矛调中心", "地址：某县人民路1号", "0573-87654321", "盖章处",
		"一次性告知书", "工资欠条或考勤记录"} {
		if !strings.Contains(page, want) {
			t.Errorf("the receipt lacks %q", want)
		}
	}
	missing := page[strings.Index(page, `id="missing"`):]
	missing = missing[:strings.Index(missing, "</ol>")]
	if strings.Contains(missing, "身份证明") || strings.Contains(missing, "劳动合同") || !strings.Contains(missing, "用人单位名称") {
		t.Errorf("the 一次性告知书 lists %q", missing)
	}
	if strings.Contains(page, "办理期限") {
		t.Error("the receipt still says 办理期限")
	}

	// Routed at intake: the desk signs for it, then its own handling limit.
	form = validIntakeForm()
	form.Set("route_to", "mediation")
	for _, code := range []string{"id_proof", "employment_proof", "wage_proof", "employer_info"} {
		form.Add("material_labor", code)
	}
	_, page = b.post("/intake", form)
	for _, want := range []string{"<dt>签收时限</dt>", "分流后2个工作日内签收", "<dt>办理时限</dt>", "一般在一个月内调结", "《人民调解工作若干规定》"} {
		if !strings.Contains(page, want) {
			t.Errorf("the routed receipt lacks %q", want)
		}
	}
	if strings.Contains(page, "一次性告知书") {
		t.Error("a receipt with every material handed in carries a 一次性告知书")
	}
}

func TestCasePageChecklistTicksALaterMaterial(t *testing.T) {
	ts := newTestServer(t)
	body := sampleIntake()
	body["materials_received"] = []string{"id_proof"}
	number := ts.intake(body)["number"].(string)
	b := ts.signedIn(t, "intake")
	_, page, _ := b.do("GET", "/cases/"+number, nil)
	if !strings.Contains(page, `id="checklist"`) || !strings.Contains(page, "登记补交材料") || !strings.Contains(page, "劳动合同或工作证明") {
		t.Fatal("the case page has no checklist or no form to tick")
	}
	if status, page := b.post("/cases/"+number+"/materials", url.Values{}); status != 400 || !strings.Contains(page, "请勾选收到的材料") {
		t.Errorf("ticking nothing: %d", status)
	}
	status, _, h := b.do("POST", "/cases/"+number+"/materials", url.Values{"_csrf": {b.csrf}, "material": {"employment_proof", "wage_proof"}})
	if status != 303 {
		t.Fatalf("ticking: %d", status)
	}
	_, page, _ = b.do("GET", h.Get("Location"), nil)
	if !strings.Contains(page, "已登记收到材料") || !strings.Contains(page, "收到材料：劳动合同或工作证明、工资欠条或考勤记录") {
		t.Error("the page after ticking shows no flash or no timeline entry")
	}
	// A leader reads the checklist; another desk does not see the case.
	other := ts.signedIn(t, "petition")
	if status, _ := other.post("/cases/"+number+"/materials", url.Values{"material": {"employer_info"}}); status != 404 {
		t.Errorf("another desk ticking: %d", status)
	}
}

func TestACitizensUploadMarkedAsAMaterial(t *testing.T) {
	ts := newTestServer(t)
	number, code := ts.mediationCase()
	atts := ts.sendFiles(number, code, "补交工资欠条", upload{"欠条.png", pngBytes})
	id := int64(atts[0].(map[string]any)["id"].(float64))
	// The holding desk sees the upload offered on the case page and marks it.
	b := ts.signedIn(t, "mediation")
	_, page, _ := b.do("GET", "/cases/"+number, nil)
	if !strings.Contains(page, fmt.Sprintf(`<option value="%d">欠条.png`, id)) {
		t.Fatal("the case page does not offer the citizen's upload as a material")
	}
	status, _, _ := b.do("POST", "/cases/"+number+"/materials", url.Values{"_csrf": {b.csrf},
		"material": {"wage_proof"}, "attachment_id": {fmt.Sprint(id)}})
	if status != 303 {
		t.Fatalf("marking the upload: %d", status)
	}
	_, tl := ts.call("GET", "/api/v1/cases/"+number+"/timeline", "leader", nil)
	var data map[string]any
	for _, e := range tl["events"].([]any) {
		if e := e.(map[string]any); e["kind"] == "materials_received" {
			data = e["data"].(map[string]any)
		}
	}
	if data["attachment_id"] != fmt.Sprint(id) || data["codes"] != "wage_proof" {
		t.Fatalf("the event's data = %v", data)
	}
	if status, _ := b.post("/cases/"+number+"/materials", url.Values{"material": {"employer_info"}, "attachment_id": {"x"}}); status != 400 {
		t.Errorf("a bad attachment id: %d", status)
	}
}
