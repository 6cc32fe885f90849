package views_test

// Parties of every kind and corrections (补正), issue 16, through the API
// against real SQLite.

import (
	"net/url"
	"strings"
	"testing"
)

// partiesOf answers the case's parties as the API sends them.
func partiesOf(t *testing.T, c map[string]any) []map[string]any {
	t.Helper()
	raw, _ := c["parties"].([]any)
	out := make([]map[string]any, len(raw))
	for i, p := range raw {
		out[i] = p.(map[string]any)
	}
	return out
}

func intakeOfParties(parties ...map[string]any) map[string]any {
	body := sampleIntake()
	body["parties"] = parties
	return body
}

// str is a JSON answer's string field, "" when absent.
func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

const (
	orgCode      = "91330300MA2877UG1D" // GB 32100 check character D
	otherOrgCode = "91330302MA2AB1CD2X"
)

func TestPartiesOfEveryKindAreValidatedAndReturned(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(intakeOfParties(
		map[string]any{"role": "applicant", "name": " John  Smith ", "id_type": "passport", "country": "usa", "id_number": "a1234 5678", "phone": "13800000001"},
		map[string]any{"role": "applicant", "name": "陈大文", "id_type": "hk_macao_permit", "id_number": "H1234567801"},
		map[string]any{"role": "applicant", "name": "林美玲", "id_type": "taiwan_permit", "id_number": "0561682001(D)"},
		map[string]any{"role": "respondent", "kind": "org", "name": "温州某某贸易有限公司", "credit_code": orgCode, "legal_representative": "王某某"},
	))
	ps := partiesOf(t, c)
	want := []struct{ name, idType, country, number string }{
		{"John Smith", "passport", "USA", "A1*****78"}, // upper-cased, spaces dropped, masked
		{"陈大文", "hk_macao_permit", "", "H1*****78"},    // the lifelong number: a renewal is the same person
		{"林美玲", "taiwan_permit", "", "05****20"},       // the 8-digit lifelong number
		{"温州某某贸易有限公司", "", "", ""},
	}
	for i, w := range want {
		p := ps[i]
		if id, _ := p["party_id"].(float64); id <= 0 {
			t.Errorf("party %d has no party_id: %v", i, p)
		}
		if str(p, "name") != w.name || str(p, "id_type") != w.idType || str(p, "country") != w.country || str(p, "id_number") != w.number {
			t.Errorf("party %d = %v, want %+v", i, p, w)
		}
	}
	if org := ps[3]; str(org, "kind") != "org" || str(org, "credit_code") != orgCode || str(org, "legal_representative") != "王某某" {
		t.Errorf("organisation = %v", org)
	}
	// GET answers the same.
	_, got := ts.call("GET", "/api/v1/cases/"+c["number"].(string), "leader", nil)
	if p := partiesOf(t, got)[0]; str(p, "id_type") != "passport" || str(p, "country") != "USA" {
		t.Errorf("GET case party = %v", p)
	}

	for _, tc := range []struct {
		name  string
		party map[string]any
		field string
		code  string
	}{
		{"passport without country", map[string]any{"id_type": "passport", "id_number": "A12345678"}, "parties[0].country", "required"},
		{"not an ISO 3166 code", map[string]any{"id_type": "passport", "country": "XYZ", "id_number": "A12345678"}, "parties[0].country", "unknown_country"},
		{"withdrawn code", map[string]any{"id_type": "passport", "country": "YUG", "id_number": "A12345678"}, "parties[0].country", "unknown_country"},
		{"Taiwan passport", map[string]any{"id_type": "passport", "country": "TWN", "id_number": "312345678"}, "parties[0].country", "use_permit"},
		{"Chinese passport's format", map[string]any{"id_type": "passport", "country": "CHN", "id_number": "X12345678"}, "parties[0].id_number", "invalid_id_number"},
		{"passport without number", map[string]any{"id_type": "passport", "country": "JPN"}, "parties[0].id_number", "required"},
		{"HK permit letter", map[string]any{"id_type": "hk_macao_permit", "id_number": "K12345678"}, "parties[0].id_number", "invalid_id_number"},
		{"HK permit length", map[string]any{"id_type": "hk_macao_permit", "id_number": "H123456789"}, "parties[0].id_number", "invalid_id_number"},
		{"Taiwan permit", map[string]any{"id_type": "taiwan_permit", "id_number": "1234567"}, "parties[0].id_number", "invalid_id_number"},
		{"resident ID checksum", map[string]any{"id_type": "resident_id", "id_number": "110105194912310021"}, "parties[0].id_number", "invalid_id_number"},
		{"unknown type", map[string]any{"id_type": "driving_licence", "id_number": "1"}, "parties[0].id_type", "unknown_id_type"},
		{"country on an ID card", map[string]any{"id_type": "resident_id", "country": "USA", "id_number": "11010519491231002X"}, "parties[0].country", "not_for_type"},
		{"legal representative of a person", map[string]any{"legal_representative": "某某"}, "parties[0].legal_representative", "not_for_person"},
		{"id type of an organisation", map[string]any{"kind": "org", "id_type": "passport"}, "parties[0].id_type", "not_for_org"},
		{"credit code checksum", map[string]any{"kind": "org", "credit_code": "91330300MA2877UG1A"}, "parties[0].credit_code", "invalid_credit_code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			party := map[string]any{"role": "applicant", "name": "某人"}
			for k, v := range tc.party {
				party[k] = v
			}
			status, out := ts.call("POST", "/api/v1/cases", "intake", intakeOfParties(party))
			if status != 400 || errorField(out) != tc.field || errorCode(out) != tc.code {
				t.Fatalf("got %d %v, want 400 %s %s", status, out, tc.field, tc.code)
			}
			msg := out["error"].(map[string]any)["message"].(string)
			if !strings.ContainsAny(msg, "证照码国家人单位") {
				t.Errorf("message %q does not say what is wrong in Chinese", msg)
			}
		})
	}
}

func TestDedupGoesByDocumentTypeAndCountry(t *testing.T) {
	ts := newTestServer(t)
	personOf := func(party map[string]any) float64 {
		t.Helper()
		c := ts.intake(intakeOfParties(party, map[string]any{"role": "respondent", "name": "某某物业"}))
		return partiesOf(t, c)[0]["person_id"].(float64)
	}
	passport := func(country, name string) map[string]any {
		return map[string]any{"role": "applicant", "name": name, "id_type": "passport", "country": country, "id_number": "M70012345"}
	}
	us := personOf(passport("USA", "Anna Lee"))
	if again := personOf(passport("USA", "anna lee")); again != us {
		t.Errorf("the same US passport made two persons: %v, %v", us, again)
	}
	if gb := personOf(passport("GBR", "Anna Lee")); gb == us {
		t.Errorf("the same number issued by two countries is one person")
	}
	// The same number as a 港澳通行证 or a 台胞证 is another document.
	hk := personOf(map[string]any{"role": "applicant", "name": "陈大文", "id_type": "hk_macao_permit", "id_number": "H1234567800"})
	if renewed := personOf(map[string]any{"role": "applicant", "name": "陈大文", "id_type": "hk_macao_permit", "id_number": "H12345678"}); renewed != hk {
		t.Errorf("a renewed 港澳通行证 (same first 9) made a new person")
	}
	tw := personOf(map[string]any{"role": "applicant", "name": "林美玲", "id_type": "taiwan_permit", "id_number": "12345678"})
	if tw == hk || tw == us {
		t.Errorf("different documents share a person")
	}
	// Repeat visits follow the person: the second US-passport case is flagged.
	c := ts.intake(intakeOfParties(passport("USA", "Anna Lee"), map[string]any{"role": "respondent", "name": "某某物业"}))
	if w, _ := c["warnings"].([]any); len(w) == 0 {
		t.Errorf("a repeat visitor with a passport was not flagged: %v", c["warnings"])
	}
	// The same passport number with another name is refused, as for 身份证.
	status, out := ts.call("POST", "/api/v1/cases", "intake", intakeOfParties(passport("USA", "Bob Lee")))
	if status != 400 || errorCode(out) != "name_mismatch" {
		t.Errorf("another name on a known passport: %d %v", status, out)
	}
}

// correct posts a correction as user and fails unless the status is want.
func (ts *testServer) correct(user, number string, body map[string]any, want int) map[string]any {
	ts.t.Helper()
	status, out := ts.call("POST", "/api/v1/cases/"+number+"/corrections", user, body)
	if status != want {
		ts.t.Fatalf("correction of %s by %s: got %d %v, want %d", number, user, status, out, want)
	}
	return out
}

func TestCorrectionChangesTheCaseWithOneEvent(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	applicant := partiesOf(t, c)[0]
	pid := applicant["party_id"]

	out := ts.correct("intake", n, map[string]any{"version": 1, "reason": "登记时姓名写错、电话记错",
		"changes": map[string]any{"title": "拖欠木工工资纠纷", "town": "龙港镇", "amount": 12500.5},
		"parties": []map[string]any{{"party_id": pid, "name": "张叁", "phone": "13900000000"}}}, 200)
	if out["title"] != "拖欠木工工资纠纷" || out["town"] != "龙港镇" || out["amount"] != 12500.5 || out["version"] != float64(2) {
		t.Fatalf("corrected case = %v", out)
	}
	if p := partiesOf(t, out)[0]; p["name"] != "张叁" || p["phone"] != "139****0000" || p["party_id"] != pid {
		t.Fatalf("corrected party = %v", p)
	}
	_, tl := ts.call("GET", "/api/v1/cases/"+n+"/timeline", "leader", nil)
	events := tl["events"].([]any)
	last := events[len(events)-1].(map[string]any)
	body := last["body"].(string)
	if last["kind"] != "correction" || last["actor"] != "王窗口" {
		t.Fatalf("last event = %v", last)
	}
	for _, line := range []string{"补正理由：登记时姓名写错、电话记错", "案由/标题：拖欠工资纠纷 → 拖欠木工工资纠纷",
		"乡镇（街道）：城关镇 → 龙港镇", "涉及金额（元）：12000 → 12500.5", "当事人1（申请人）姓名或名称：张三 → 张叁",
		"当事人1（申请人）联系电话：138****0000 → 139****0000"} {
		if !strings.Contains(body, line) {
			t.Errorf("correction event lacks %q:\n%s", line, body)
		}
	}
	if strings.Contains(body, "13900000000") {
		t.Errorf("the event shows a phone unmasked:\n%s", body)
	}
	// The citizen reads that it was corrected, not what.
	_, raw, _ := ts.publicStatus(n, code)
	if !strings.Contains(raw, "登记信息已更正") || strings.Contains(raw, "张叁") || strings.Contains(raw, "补正理由") {
		t.Errorf("public view: %s", raw)
	}
	// Search finds the corrected name once the follower has seen the event.
	ts.catchUp()
	_, found := ts.call("GET", "/api/v1/search?q="+url.QueryEscape("张叁"), "leader", nil)
	if total, _ := found["total"].(float64); total != 1 {
		t.Errorf("search for the corrected name: %v", found)
	}

	// Stale version, no change, no reason, nobody's business.
	stale := ts.correct("intake", n, map[string]any{"version": 1, "reason": "再改", "changes": map[string]any{"town": "鳌江镇"}}, 409)
	if errorCode(stale) != "stale_version" {
		t.Errorf("stale version: %v", stale)
	}
	same := ts.correct("intake", n, map[string]any{"version": 2, "reason": "核对", "changes": map[string]any{"town": "龙港镇"},
		"parties": []map[string]any{{"party_id": pid, "name": "张叁"}}}, 400)
	if errorCode(same) != "no_change" {
		t.Errorf("no change: %v", same)
	}
	if out := ts.correct("intake", n, map[string]any{"version": 2, "changes": map[string]any{"town": "鳌江镇"}}, 400); errorField(out) != "reason" {
		t.Errorf("no reason: %v", out)
	}
	if out := ts.correct("intake", n, map[string]any{"version": 2, "reason": "x", "parties": []map[string]any{{"party_id": 999999, "name": "某"}}}, 400); errorField(out) != "parties[0].party_id" {
		t.Errorf("unknown party: %v", out)
	}
	if out := ts.correct("intake", n, map[string]any{"version": 2, "reason": "x", "parties": []map[string]any{{"party_id": pid, "name": "甲"}, {"party_id": pid, "name": "乙"}}}, 400); errorCode(out) != "duplicate_party" || errorField(out) != "parties[1].party_id" {
		t.Errorf("a party named twice: %v", out)
	}
	if out := ts.correct("intake", n, map[string]any{"version": 2, "reason": "x", "changes": map[string]any{"category": "nope"}}, 400); errorField(out) != "category" {
		t.Errorf("unknown category: %v", out)
	}
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	// Routed: the window no longer holds it; the receiving desk does, not another.
	ts.correct("intake", n, map[string]any{"version": 3, "reason": "x", "changes": map[string]any{"town": "鳌江镇"}}, 403)
	ts.correct("petition", n, map[string]any{"version": 3, "reason": "x", "changes": map[string]any{"town": "鳌江镇"}}, 404)
	ts.correct("mediation", n, map[string]any{"version": 3, "reason": "申请人补充", "changes": map[string]any{"town": "鳌江镇"}}, 200)
	ts.correct("leader", n, map[string]any{"version": 4, "reason": "核实", "changes": map[string]any{"category": "neighbour"}}, 200)
}

func TestCorrectedIdentityLinksToTheKnownPerson(t *testing.T) {
	ts := newTestServer(t)
	first := ts.intake(intakeOfParties(
		map[string]any{"role": "applicant", "name": "Anna Lee", "id_type": "passport", "country": "USA", "id_number": "M70012345"},
		map[string]any{"role": "respondent", "name": "某某物业"}))
	known := partiesOf(t, first)[0]["person_id"]
	// Registered by mistake with a 身份证 field left empty: a new person.
	second := ts.intake(intakeOfParties(
		map[string]any{"role": "applicant", "name": "Anna Lee", "phone": "13800000009"},
		map[string]any{"role": "respondent", "kind": "org", "name": "某某贸易公司"}))
	n := second["number"].(string)
	ps := partiesOf(t, second)
	if ps[0]["person_id"] == known {
		t.Fatal("a person without a document was linked")
	}
	out := ts.correct("intake", n, map[string]any{"version": 1, "reason": "补录护照",
		"parties": []map[string]any{
			{"party_id": ps[0]["party_id"], "id_type": "passport", "country": "USA", "id_number": "M70012345"},
			{"party_id": ps[1]["party_id"], "credit_code": otherOrgCode, "legal_representative": "李某"},
		}}, 200)
	got := partiesOf(t, out)
	if got[0]["person_id"] != known || got[0]["id_type"] != "passport" || got[0]["country"] != "USA" {
		t.Fatalf("corrected passport holder = %v, want person %v", got[0], known)
	}
	if got[1]["credit_code"] != otherOrgCode || got[1]["legal_representative"] != "李某" {
		t.Errorf("corrected organisation = %v", got[1])
	}
	// The two cases are now the same person's.
	_, rel := ts.call("GET", "/api/v1/cases/"+n+"/related", "leader", nil)
	if !strings.Contains(strings.Join(relatedNumbers(rel), ","), first["number"].(string)) {
		t.Errorf("related cases after the correction: %v", rel)
	}
	_, tl := ts.call("GET", "/api/v1/cases/"+n+"/timeline", "leader", nil)
	events := tl["events"].([]any)
	body := events[len(events)-1].(map[string]any)["body"].(string)
	if !strings.Contains(body, "证件：（空） → 护照（美国） M7*****45") {
		t.Errorf("identity line:\n%s", body)
	}
	// An organisation without its code is known by its name: renamed to a
	// known one, the party is that organisation.
	third0 := ts.intake(intakeOfParties(map[string]any{"role": "applicant", "name": "李四"}, map[string]any{"role": "respondent", "name": "某某物业服务中心"}))
	org := partiesOf(t, third0)[1]
	out = ts.correct("intake", third0["number"].(string), map[string]any{"version": 1, "reason": "单位名称写错",
		"parties": []map[string]any{{"party_id": org["party_id"], "name": "某某物业"}}}, 200)
	if got := partiesOf(t, out)[1]; got["person_id"] != partiesOf(t, first)[1]["person_id"] {
		t.Errorf("the renamed organisation %v is not the known 某某物业 %v", got, partiesOf(t, first)[1])
	}
	// A correction to another known person's document with another name is refused.
	third := ts.intake(intakeOfParties(map[string]any{"role": "applicant", "name": "Bob Lee"}))
	p3 := partiesOf(t, third)[0]["party_id"]
	if out := ts.correct("intake", third["number"].(string), map[string]any{"version": 1, "reason": "x",
		"parties": []map[string]any{{"party_id": p3, "id_type": "passport", "country": "USA", "id_number": "M70012345"}}}, 400); errorCode(out) != "name_mismatch" {
		t.Errorf("someone else's passport: %v", out)
	}
}

// A corrected name is the person's in every case: the search index finds
// it in the person's other cases too, though only one got the event.
func TestCorrectedNameIsSearchableInThePersonsOtherCases(t *testing.T) {
	ts := newTestServer(t)
	anna := map[string]any{"role": "applicant", "name": "Anna Lee", "id_type": "passport", "country": "USA", "id_number": "M70012345"}
	first := ts.intake(intakeOfParties(anna, map[string]any{"role": "respondent", "name": "某某物业"}))
	second := ts.intake(intakeOfParties(anna, map[string]any{"role": "respondent", "name": "某某超市"}))
	ts.catchUp()
	ts.correct("intake", second["number"].(string), map[string]any{"version": 1, "reason": "护照姓名拼写",
		"parties": []map[string]any{{"party_id": partiesOf(t, second)[0]["party_id"], "name": "Anna Leigh"}}}, 200)
	ts.catchUp()
	_, found := ts.call("GET", "/api/v1/search?q="+url.QueryEscape("Leigh"), "leader", nil)
	var numbers []string
	hits, _ := found["hits"].([]any)
	for _, h := range hits {
		numbers = append(numbers, str(h.(map[string]any), "number"))
	}
	if !strings.Contains(strings.Join(numbers, ","), first["number"].(string)) || len(numbers) != 2 {
		t.Errorf("search for the corrected name found %v, want both cases of the person", numbers)
	}
}

func relatedNumbers(rel map[string]any) []string {
	var out []string
	list, _ := rel["same_person"].([]any)
	{
		for _, r := range list {
			if m, ok := r.(map[string]any); ok {
				out = append(out, str(m, "number"))
			}
		}
	}
	return out
}

func TestCorrectionAnswersConformToTheDocument(t *testing.T) {
	ts := newTestServer(t)
	doc := loadOpenAPI(t)
	const path = "/api/v1/cases/{number}/corrections"
	c := ts.intake(intakeOfParties(
		map[string]any{"role": "applicant", "name": "Anna Lee", "id_type": "passport", "country": "USA", "id_number": "M70012345"},
		map[string]any{"role": "respondent", "kind": "org", "name": "温州某某贸易有限公司", "credit_code": orgCode, "legal_representative": "王某某"}))
	n := c["number"].(string)
	ex := dig(t, doc, "paths", path, "post", "requestBody", "content", "application/json", "example").(map[string]any)
	ex["version"] = 1
	ex["parties"].([]any)[0].(map[string]any)["party_id"] = partiesOf(t, c)[0]["party_id"]
	ex["parties"].([]any)[0].(map[string]any)["phone"] = "13900000000"
	ts.callDocumented(doc, "POST", path, "/api/v1/cases/"+n+"/corrections", "intake", ex, 200)
	ts.callDocumented(doc, "POST", path, "/api/v1/cases/"+n+"/corrections", "intake", ex, 409)
	ex["version"] = 2
	ts.callDocumented(doc, "POST", path, "/api/v1/cases/"+n+"/corrections", "intake", ex, 400)
	ts.callDocumented(doc, "POST", path, "/api/v1/cases/"+n+"/corrections", "admin", ex, 404)
	ts.callDocumented(doc, "GET", "/api/v1/cases/{number}", "/api/v1/cases/"+n, "leader", nil, 200)
}
