package views_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// checkedIDNumber completes 17 digits with the GB 11643 check character.
func checkedIDNumber(first17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(first17[i]-'0') * w
	}
	return first17 + string("10X98765432"[sum%11])
}

// checkedCreditCode completes 17 characters with the GB 32100 check character.
func checkedCreditCode(first17 string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	weights := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i, w := range weights {
		sum += strings.IndexByte(alphabet, first17[i]) * w
	}
	return first17 + string(alphabet[(31-sum%31)%31])
}

// wrongCheck swaps the last character of a checked code for another valid-looking one.
func wrongCheck(s string) string {
	last := s[len(s)-1]
	repl := byte('1')
	if last == '1' {
		repl = '2'
	}
	return s[:len(s)-1] + string(repl)
}

// intakeWith is sampleIntake changed by edit.
func intakeWith(edit func(b map[string]any)) map[string]any {
	b := sampleIntake()
	edit(b)
	return b
}

// partyOf returns party i of an intake body built by sampleIntake, to edit.
func partyOf(b map[string]any, i int) map[string]any {
	return b["parties"].([]map[string]any)[i]
}

// validIntakeJSON is sampleIntake as raw JSON, for bodies built by hand.
const validIntakeJSON = `{"title":"拖欠工资纠纷","category":"labor","summary":"工资未付","parties":[{"role":"applicant","name":"张三"}]}`

type badRequest struct {
	name    string
	method  string // POST unless set
	path    string // /api/v1/cases unless set
	user    string // intake unless set; "-" for no token
	body    any    // a string is sent as is
	headers []string
	status  int
	code    string
	field   string
}

// checkErrorShape asserts docs/api.md's error body: {"error":{"code","message","field"?}} and nothing else.
func checkErrorShape(t *testing.T, out map[string]any) {
	t.Helper()
	if len(out) != 1 {
		t.Fatalf("error answer has keys besides \"error\": %v", out)
	}
	e, ok := out["error"].(map[string]any)
	if !ok {
		t.Fatalf("answer is not an error body: %v", out)
	}
	for k, v := range e {
		s, isString := v.(string)
		if !isString || (k != "code" && k != "message" && k != "field") || s == "" {
			t.Fatalf("error body has an unexpected entry %q: %v", k, out)
		}
	}
	if e["code"] == nil || e["message"] == nil {
		t.Fatalf("error body lacks code or message: %v", out)
	}
}

func (ts *testServer) checkRefused(t *testing.T, r badRequest) {
	t.Helper()
	ts.t = t
	method, path, user := r.method, r.path, r.user
	if method == "" {
		method = "POST"
	}
	if path == "" {
		path = "/api/v1/cases"
	}
	switch user {
	case "":
		user = "intake"
	case "-":
		user = ""
	}
	status, out := ts.call(method, path, user, r.body, r.headers...)
	if status != r.status || errorCode(out) != r.code || errorField(out) != r.field {
		t.Fatalf("got %d %s field %q (%v), want %d %s field %q",
			status, errorCode(out), errorField(out), out, r.status, r.code, r.field)
	}
	checkErrorShape(t, out)
}

func badIntakes() []badRequest {
	idOK := "11010519491231002X" // GB 11643's own example; sampleIntake's applicant
	long := func(n int) string { return strings.Repeat("纠", n) }
	return []badRequest{
		// The body is not one JSON object.
		{name: "broken JSON", body: `{"title":"拖欠工资`, status: 400, code: "invalid_json"},
		{name: "not JSON at all", body: `title=拖欠工资`, status: 400, code: "invalid_json"},
		{name: "a JSON array", body: "[" + validIntakeJSON + "]", status: 400, code: "invalid_json"},
		{name: "a JSON string", body: `"拖欠工资"`, status: 400, code: "invalid_json"},
		{name: "trailing garbage", body: validIntakeJSON + `xyz`, status: 400, code: "invalid_json"},
		{name: "two objects", body: validIntakeJSON + validIntakeJSON, status: 400, code: "invalid_json"},
		{name: "bare NaN", body: `{"title":"拖欠工资纠纷","amount":NaN}`, status: 400, code: "invalid_json"},
		// Wrong JSON types, each named.
		{name: "title is a number", body: intakeWith(func(b map[string]any) { b["title"] = 123 }), status: 400, code: "invalid_json", field: "title"},
		{name: "category is a list", body: intakeWith(func(b map[string]any) { b["category"] = []string{"labor"} }), status: 400, code: "invalid_json", field: "category"},
		{name: "summary is an object", body: intakeWith(func(b map[string]any) { b["summary"] = map[string]any{} }), status: 400, code: "invalid_json", field: "summary"},
		{name: "amount is a word", body: intakeWith(func(b map[string]any) { b["amount"] = "many" }), status: 400, code: "invalid_json", field: "amount"},
		{name: "amount is the string NaN", body: intakeWith(func(b map[string]any) { b["amount"] = "NaN" }), status: 400, code: "invalid_json", field: "amount"},
		{name: "amount overflows float64", body: strings.Replace(validIntakeJSON, `{`, `{"amount":1e400,`, 1), status: 400, code: "invalid_json", field: "amount"},
		{name: "amount is true", body: intakeWith(func(b map[string]any) { b["amount"] = true }), status: 400, code: "invalid_json", field: "amount"},
		{name: "people_count is a string", body: intakeWith(func(b map[string]any) { b["people_count"] = "3" }), status: 400, code: "invalid_json", field: "people_count"},
		{name: "people_count is a fraction", body: intakeWith(func(b map[string]any) { b["people_count"] = 1.5 }), status: 400, code: "invalid_json", field: "people_count"},
		{name: "parties is an object", body: intakeWith(func(b map[string]any) { b["parties"] = map[string]any{} }), status: 400, code: "invalid_json", field: "parties"},
		{name: "parties is a string", body: intakeWith(func(b map[string]any) { b["parties"] = "张三" }), status: 400, code: "invalid_json", field: "parties"},
		{name: "a party is a number", body: intakeWith(func(b map[string]any) { b["parties"] = []any{1} }), status: 400, code: "invalid_json", field: "parties"},
		// A nested field is named with its party's index, as validation names it.
		{name: "an ID number is a number", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["id_number"] = 110105194912310020 }), status: 400, code: "invalid_json", field: "parties[0].id_number"},
		{name: "a party name is a list", body: intakeWith(func(b map[string]any) { partyOf(b, 1)["name"] = []string{"某某"} }), status: 400, code: "invalid_json", field: "parties[1].name"},
		// Fields the API does not have.
		{name: "unknown field", body: intakeWith(func(b map[string]any) { b["priority"] = "urgent" }), status: 400, code: "unknown_field", field: "priority"},
		{name: "misspelt field", body: intakeWith(func(b map[string]any) { b["titel"] = b["title"] }), status: 400, code: "unknown_field", field: "titel"},
		{name: "unknown party field", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["nickname"] = "小张" }), status: 400, code: "unknown_field", field: "parties[0].nickname"},
		{name: "query_code cannot be chosen", body: intakeWith(func(b map[string]any) { b["query_code"] = "AAAAA-AAAAA" }), status: 400, code: "unknown_field", field: "query_code"},
		// Unknown codes.
		{name: "unknown category", body: intakeWith(func(b map[string]any) { b["category"] = "alien_abduction" }), status: 400, code: "unknown_category", field: "category"},
		{name: "category in Chinese", body: intakeWith(func(b map[string]any) { b["category"] = "劳动争议" }), status: 400, code: "unknown_category", field: "category"},
		{name: "unknown source", body: intakeWith(func(b map[string]any) { b["source"] = "carrier_pigeon" }), status: 400, code: "unknown_source", field: "source"},
		{name: "unknown party role", body: intakeWith(func(b map[string]any) { partyOf(b, 1)["role"] = "witness" }), status: 400, code: "unknown_role", field: "parties[1].role"},
		{name: "unknown party kind", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["kind"] = "robot" }), status: 400, code: "unknown_kind", field: "parties[0].kind"},
		// Missing required fields.
		{name: "no title", body: intakeWith(func(b map[string]any) { delete(b, "title") }), status: 400, code: "required", field: "title"},
		{name: "blank title", body: intakeWith(func(b map[string]any) { b["title"] = "  \t " }), status: 400, code: "required", field: "title"},
		{name: "null title", body: intakeWith(func(b map[string]any) { b["title"] = nil }), status: 400, code: "required", field: "title"},
		{name: "no category", body: intakeWith(func(b map[string]any) { delete(b, "category") }), status: 400, code: "required", field: "category"},
		{name: "no summary", body: intakeWith(func(b map[string]any) { b["summary"] = "" }), status: 400, code: "required", field: "summary"},
		{name: "no parties", body: intakeWith(func(b map[string]any) { delete(b, "parties") }), status: 400, code: "required", field: "parties"},
		{name: "empty parties", body: intakeWith(func(b map[string]any) { b["parties"] = []any{} }), status: 400, code: "required", field: "parties"},
		{name: "no applicant", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["role"] = "third_party" }), status: 400, code: "no_applicant", field: "parties"},
		{name: "party without name", body: intakeWith(func(b map[string]any) { delete(partyOf(b, 1), "name") }), status: 400, code: "required", field: "parties[1].name"},
		{name: "party without role", body: intakeWith(func(b map[string]any) { delete(partyOf(b, 1), "role") }), status: 400, code: "required", field: "parties[1].role"},
		{name: "an empty body", body: "", status: 400, code: "required", field: "title"},
		{name: "an empty object", body: "{}", status: 400, code: "required", field: "title"},
		// 身份证号 and 统一社会信用代码.
		{name: "ID number with a wrong check digit", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["id_number"] = wrongCheck(idOK) }), status: 400, code: "invalid_id_number", field: "parties[0].id_number"},
		{name: "ID number of 17 characters", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["id_number"] = idOK[:17] }), status: 400, code: "invalid_id_number", field: "parties[0].id_number"},
		{name: "ID number of 19 characters", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["id_number"] = idOK + "1" }), status: 400, code: "invalid_id_number", field: "parties[0].id_number"},
		{name: "old 15-digit ID number", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["id_number"] = "110105491231002" }), status: 400, code: "invalid_id_number", field: "parties[0].id_number"},
		{name: "ID number born 30 February", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["id_number"] = checkedIDNumber("11010519990230123") }), status: 400, code: "invalid_id_number", field: "parties[0].id_number"},
		{name: "ID number born in month 13", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["id_number"] = checkedIDNumber("11010519901301123") }), status: 400, code: "invalid_id_number", field: "parties[0].id_number"},
		{name: "ID number born in the future", body: intakeWith(func(b map[string]any) {
			partyOf(b, 0)["id_number"] = checkedIDNumber(fmt.Sprintf("110105%d0101123", time.Now().Year()+1))
		}), status: 400, code: "invalid_id_number", field: "parties[0].id_number"},
		{name: "ID number with a letter inside", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["id_number"] = "1101051949A231002X" }), status: 400, code: "invalid_id_number", field: "parties[0].id_number"},
		{name: "bad ID number of the second party", body: intakeWith(func(b map[string]any) {
			b["parties"] = append(b["parties"].([]map[string]any), map[string]any{"role": "third_party", "name": "李四", "id_number": wrongCheck(checkedIDNumber("33010219900101123"))})
		}), status: 400, code: "invalid_id_number", field: "parties[2].id_number"},
		{name: "ID number for an organisation", body: intakeWith(func(b map[string]any) {
			partyOf(b, 1)["kind"] = "org"
			partyOf(b, 1)["id_number"] = idOK
		}), status: 400, code: "not_for_org", field: "parties[1].id_number"},
		{name: "credit code for a person", body: intakeWith(func(b map[string]any) {
			partyOf(b, 0)["kind"] = "person"
			partyOf(b, 0)["credit_code"] = checkedCreditCode("91330481MA2C8K3L5")
		}), status: 400, code: "not_for_person", field: "parties[0].credit_code"},
		{name: "credit code with a wrong check character", body: intakeWith(func(b map[string]any) {
			partyOf(b, 1)["credit_code"] = wrongCheck(checkedCreditCode("91330481MA2C8K3L5"))
		}), status: 400, code: "invalid_credit_code", field: "parties[1].credit_code"},
		{name: "credit code too short", body: intakeWith(func(b map[string]any) { partyOf(b, 1)["credit_code"] = "91330481MA2C8K3L" }), status: 400, code: "invalid_credit_code", field: "parties[1].credit_code"},
		{name: "credit code with a forbidden letter", body: intakeWith(func(b map[string]any) { partyOf(b, 1)["credit_code"] = "91330481MA2C8K3LO5" }), status: 400, code: "invalid_credit_code", field: "parties[1].credit_code"},
		// Phones.
		{name: "phone too short", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["phone"] = "12345" }), status: 400, code: "invalid_phone", field: "parties[0].phone"},
		{name: "mobile starting 12", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["phone"] = "12800000000" }), status: 400, code: "invalid_phone", field: "parties[0].phone"},
		{name: "phone with a letter", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["phone"] = "1380000000O" }), status: 400, code: "invalid_phone", field: "parties[0].phone"},
		{name: "landline without area code", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["phone"] = "88886666" }), status: 400, code: "invalid_phone", field: "parties[0].phone"},
		// Over-long texts: one character past each limit.
		{name: "title of 101 characters", body: intakeWith(func(b map[string]any) { b["title"] = long(101) }), status: 400, code: "too_long", field: "title"},
		{name: "summary of 5001 characters", body: intakeWith(func(b map[string]any) { b["summary"] = long(5001) }), status: 400, code: "too_long", field: "summary"},
		{name: "claims of 2001 characters", body: intakeWith(func(b map[string]any) { b["claims"] = long(2001) }), status: 400, code: "too_long", field: "claims"},
		{name: "town of 51 characters", body: intakeWith(func(b map[string]any) { b["town"] = long(51) }), status: 400, code: "too_long", field: "town"},
		{name: "party name of 101 characters", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["name"] = long(101) }), status: 400, code: "too_long", field: "parties[0].name"},
		{name: "31 parties", body: intakeWith(func(b map[string]any) {
			ps := b["parties"].([]map[string]any)
			for i := len(ps); i < 31; i++ {
				ps = append(ps, map[string]any{"role": "third_party", "name": fmt.Sprintf("第三人%d", i)})
			}
			b["parties"] = ps
		}), status: 400, code: "too_many", field: "parties"},
		// Numbers out of range.
		{name: "negative amount", body: intakeWith(func(b map[string]any) { b["amount"] = -1 }), status: 400, code: "invalid_amount", field: "amount"},
		{name: "tiny negative amount", body: intakeWith(func(b map[string]any) { b["amount"] = -0.01 }), status: 400, code: "invalid_amount", field: "amount"},
		{name: "absurd amount", body: intakeWith(func(b map[string]any) { b["amount"] = 1e13 }), status: 400, code: "invalid_amount", field: "amount"},
		{name: "negative people_count", body: intakeWith(func(b map[string]any) { b["people_count"] = -3 }), status: 400, code: "invalid_people_count", field: "people_count"},
		{name: "people_count over 100000", body: intakeWith(func(b map[string]any) { b["people_count"] = 100001 }), status: 400, code: "invalid_people_count", field: "people_count"},
		// Headers. (Oversized bodies: TestOversizedBodyIsRefusedWith413, over a real listener.)
		{name: "Idempotency-Key over 200 characters", body: sampleIntake(), headers: []string{"Idempotency-Key", strings.Repeat("k", 201)}, status: 400, code: "too_long", field: "Idempotency-Key"},
		// Who is asking.
		{name: "no bearer token", user: "-", body: sampleIntake(), status: 401, code: "unauthorized"},
		{name: "garbage bearer token", user: "-", body: sampleIntake(), headers: []string{"Authorization", "Bearer yd_notarealtoken"}, status: 401, code: "unauthorized"},
		{name: "empty bearer token", user: "-", body: sampleIntake(), headers: []string{"Authorization", "Bearer "}, status: 401, code: "unauthorized"},
		{name: "basic auth instead of a token", user: "-", body: sampleIntake(), headers: []string{"Authorization", "Basic aW50YWtlOnBhc3N3b3JkLWludGFrZQ=="}, status: 401, code: "unauthorized"},
		{name: "admin may not register", user: "admin", body: sampleIntake(), status: 403, code: "forbidden"},
		{name: "a control character in a name", body: intakeWith(func(b map[string]any) { partyOf(b, 0)["name"] = "张\u0000三" }), status: 400, code: "invalid_text", field: "parties[0].name"},
		{name: "a bell in the summary", body: intakeWith(func(b map[string]any) { b["summary"] = "欠薪\a" }), status: 400, code: "invalid_text", field: "summary"},
		{name: "the same company twice", body: intakeWith(func(b map[string]any) {
			b["parties"] = append(b["parties"].([]map[string]any), map[string]any{"role": "third_party", "name": "某某建筑公司"})
		}), status: 400, code: "duplicate_party", field: "parties[2]"},
	}
}

// chinaYear is the year in the case number: the centre counts in Beijing time.
func chinaYear() int {
	return time.Now().In(time.FixedZone("CST", 8*3600)).Year()
}

func TestBadIntakesAreRefusedNamingTheFieldAndStoreNothing(t *testing.T) {
	ts := newTestServer(t)
	for _, r := range badIntakes() {
		t.Run(r.name, func(t *testing.T) { ts.checkRefused(t, r) })
	}
	ts.t = t

	// Nothing was stored: the first good intake is number 1, and the ID
	// number every bad row carried for 张三 belongs to nobody yet.
	good := intakeWith(func(b map[string]any) { partyOf(b, 0)["name"] = "李四" })
	status, out := ts.call("POST", "/api/v1/cases", "intake", good)
	if status != 201 {
		t.Fatalf("first good intake after the bad ones: %d %v (a failed intake left a person behind?)", status, out)
	}
	if want := fmt.Sprintf("YD-%d-00001", chinaYear()); out["number"] != want {
		t.Fatalf("first good intake got %v, want %s: a refused intake used a number", out["number"], want)
	}
	if w, _ := out["warnings"].([]any); len(w) != 0 {
		t.Fatalf("first case warns of earlier cases: %v", w)
	}

	// The limits themselves are allowed.
	atLimit := intakeWith(func(b map[string]any) {
		b["title"] = strings.Repeat("纠", 100)
		b["summary"] = strings.Repeat("纠", 5000)
		b["amount"] = 0
		b["people_count"] = 100000
		partyOf(b, 0)["name"] = "李四"
	})
	status, out = ts.call("POST", "/api/v1/cases", "intake", atLimit)
	if status != 201 {
		t.Fatalf("intake at every limit: %d %v", status, out)
	}
}

func TestSameIDNumberWithAnotherNameIsRefusedAndLeavesNoHalfWrittenPerson(t *testing.T) {
	ts := newTestServer(t)
	first := ts.intake(nil) // 张三, 11010519491231002X
	year := chinaYear()

	status, out := ts.call("POST", "/api/v1/cases", "intake", intakeWith(func(b map[string]any) { partyOf(b, 0)["name"] = "张四" }))
	if status != 400 || errorCode(out) != "name_mismatch" || errorField(out) != "parties[0].name" {
		t.Fatalf("same ID number, other name: %d %v, want 400 name_mismatch parties[0].name", status, out)
	}
	checkErrorShape(t, out)
	if msg := out["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "张三") {
		t.Fatalf("the message should name who the number belongs to: %q", msg)
	}

	// A new person first, then the mismatch: the new person must not survive
	// the failed transaction.
	newcomer := checkedIDNumber("33010219900101123")
	mixed := intakeWith(func(b map[string]any) {
		b["parties"] = []map[string]any{
			{"role": "applicant", "name": "王五", "id_number": newcomer, "phone": "13900000001"},
			{"role": "respondent", "name": "张三丰", "id_number": "11010519491231002X"},
		}
	})
	status, out = ts.call("POST", "/api/v1/cases", "intake", mixed)
	if status != 400 || errorCode(out) != "name_mismatch" || errorField(out) != "parties[1].name" {
		t.Fatalf("mismatch in the second party: %d %v, want 400 name_mismatch parties[1].name", status, out)
	}

	again := intakeWith(func(b map[string]any) {
		b["parties"] = []map[string]any{{"role": "applicant", "name": "赵六", "id_number": newcomer}}
	})
	status, out = ts.call("POST", "/api/v1/cases", "intake", again)
	if status != 201 {
		t.Fatalf("the refused intake left 王五 behind: %d %v", status, out)
	}
	if want := fmt.Sprintf("YD-%d-00002", year); out["number"] != want {
		t.Fatalf("got %v, want %s: the refused intake used a number", out["number"], want)
	}
	if w, _ := out["warnings"].([]any); len(w) != 0 {
		t.Fatalf("赵六 is warned of earlier cases, so the refused intake stored something: %v", w)
	}

	// A lower-case x and stray spaces are the same person, not a new one.
	status, out = ts.call("POST", "/api/v1/cases", "intake", intakeWith(func(b map[string]any) {
		partyOf(b, 0)["id_number"] = " 11010519491231002x "
		partyOf(b, 0)["phone"] = "+86 138 0000 0000"
	}))
	if status != 201 {
		t.Fatalf("lower-case x: %d %v", status, out)
	}
	p := out["parties"].([]any)[0].(map[string]any)
	if p["id_number"] != "1101**********002X" || p["phone"] != "138****0000" {
		t.Fatalf("party as answered: %v, want masked, normalised ID number and phone", p)
	}
	w, _ := out["warnings"].([]any)
	if len(w) != 1 || !hasString(w[0].(map[string]any)["cases"], first["number"].(string)) {
		t.Fatalf("the same person again should warn of %v: %v", first["number"], w)
	}
}

func TestBadActionsAndRequestsAreRefusedInTheErrorShape(t *testing.T) {
	ts := newTestServer(t)
	numbers := map[string]string{}
	for _, st := range []string{"registered", "routed", "in_progress", "closed"} {
		numbers[st] = ts.caseHeldByMediation(st)
	}
	before := map[string]any{}
	for st, n := range numbers {
		before[st] = ts.caseAsLeader(n)["version"]
	}
	on := func(status, action string) string { return "/api/v1/cases/" + numbers[status] + "/" + action }
	long := strings.Repeat("记", 5001)
	rows := []badRequest{
		// Bodies of actions.
		{name: "route: broken JSON", path: on("registered", "route"), body: `{"desk":`, status: 400, code: "invalid_json"},
		{name: "route: a JSON array", path: on("registered", "route"), body: `[{"desk":"mediation"}]`, status: 400, code: "invalid_json"},
		{name: "route: trailing garbage", path: on("registered", "route"), body: `{"desk":"mediation"} ok`, status: 400, code: "invalid_json"},
		{name: "route: desk is a number", path: on("registered", "route"), body: map[string]any{"desk": 3}, status: 400, code: "invalid_json", field: "desk"},
		{name: "route: no desk", path: on("registered", "route"), body: map[string]any{"note": "请分流"}, status: 400, code: "required", field: "desk"},
		{name: "route: empty body", path: on("registered", "route"), body: "", status: 400, code: "required", field: "desk"},
		{name: "route: unknown desk", path: on("registered", "route"), body: map[string]any{"desk": "moon"}, status: 400, code: "unknown_desk", field: "desk"},
		{name: "route: desk by its Chinese name", path: on("registered", "route"), body: map[string]any{"desk": "人民调解"}, status: 400, code: "unknown_desk", field: "desk"},
		{name: "route: note of 5001 characters", path: on("registered", "route"), body: map[string]any{"desk": "mediation", "note": long}, status: 400, code: "too_long", field: "note"},
		{name: "route: unknown field", path: on("registered", "route"), body: map[string]any{"desk": "mediation", "priority": "high"}, status: 400, code: "unknown_field", field: "priority"},
		{name: "route: version is a string", path: on("registered", "route"), body: map[string]any{"desk": "mediation", "version": "1"}, status: 400, code: "invalid_json", field: "version"},
		{name: "route: stale version", path: on("registered", "route"), body: map[string]any{"desk": "mediation", "version": 1}, status: 409, code: "stale_version"},
		{name: "return: no reason", user: "mediation", path: on("routed", "return"), body: map[string]any{}, status: 400, code: "required", field: "reason"},
		{name: "return: blank reason", user: "mediation", path: on("routed", "return"), body: map[string]any{"reason": "   "}, status: 400, code: "required", field: "reason"},
		{name: "return: reason of 1001 characters", user: "mediation", path: on("routed", "return"), body: map[string]any{"reason": strings.Repeat("因", 1001)}, status: 400, code: "too_long", field: "reason"},
		{name: "transfer: no reason", user: "mediation", path: on("in_progress", "transfer"), body: map[string]any{"desk": "litigation"}, status: 400, code: "required", field: "reason"},
		{name: "transfer: to its own desk", user: "mediation", path: on("in_progress", "transfer"), body: map[string]any{"desk": "mediation", "reason": "转给自己"}, status: 400, code: "same_desk", field: "desk"},
		{name: "transfer: unknown desk", user: "mediation", path: on("in_progress", "transfer"), body: map[string]any{"desk": "moon", "reason": "转走"}, status: 400, code: "unknown_desk", field: "desk"},
		{name: "transfer: reason is a list", user: "mediation", path: on("in_progress", "transfer"), body: map[string]any{"desk": "litigation", "reason": []string{"a"}}, status: 400, code: "invalid_json", field: "reason"},
		{name: "invite: a desk already co-handling", user: "mediation", path: on("in_progress", "invite"), body: map[string]any{"desk": "petition"}, status: 400, code: "already_handling", field: "desk"},
		{name: "invite: the holding desk itself", user: "mediation", path: on("in_progress", "invite"), body: map[string]any{"desk": "mediation"}, status: 400, code: "already_handling", field: "desk"},
		{name: "invite: no desk", user: "mediation", path: on("in_progress", "invite"), body: map[string]any{"note": "请协助"}, status: 400, code: "required", field: "desk"},
		{name: "notes: no body", user: "mediation", path: on("in_progress", "notes"), body: map[string]any{"visibility": "public"}, status: 400, code: "required", field: "body"},
		{name: "notes: body of 5001 characters", user: "mediation", path: on("in_progress", "notes"), body: map[string]any{"body": long}, status: 400, code: "too_long", field: "body"},
		{name: "notes: bad visibility", user: "mediation", path: on("in_progress", "notes"), body: map[string]any{"body": "已联系", "visibility": "everyone"}, status: 400, code: "invalid_visibility", field: "visibility"},
		{name: "notes: visibility in capitals", user: "mediation", path: on("in_progress", "notes"), body: map[string]any{"body": "已联系", "visibility": "PUBLIC"}, status: 400, code: "invalid_visibility", field: "visibility"},
		{name: "notes: body is a number", user: "mediation", path: on("in_progress", "notes"), body: map[string]any{"body": 42}, status: 400, code: "invalid_json", field: "body"},
		{name: "visits: note of 5001 characters", path: on("in_progress", "visits"), body: map[string]any{"note": long}, status: 400, code: "too_long", field: "note"},
		{name: "close: no outcome", user: "mediation", path: on("in_progress", "close"), body: map[string]any{"summary": "已处理"}, status: 400, code: "required", field: "outcome"},
		{name: "close: summary of 5001 characters", user: "mediation", path: on("in_progress", "close"), body: map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕", "summary": long}, status: 400, code: "too_long", field: "summary"},
		// Unknown actions and cases.
		{name: "unknown action", path: on("registered", "explode"), body: map[string]any{}, status: 400, code: "unknown_action", field: "action"},
		{name: "action spelt in capitals", path: on("registered", "ROUTE"), body: map[string]any{"desk": "mediation"}, status: 400, code: "unknown_action", field: "action"},
		{name: "unknown case number", path: "/api/v1/cases/YD-1999-99999/route", body: map[string]any{"desk": "mediation"}, status: 404, code: "case_not_found"},
		{name: "garbage case number", path: "/api/v1/cases/%27%3B%20DROP%20TABLE%20cases/route", body: map[string]any{"desk": "mediation"}, status: 404, code: "case_not_found"},
		{name: "GET unknown case", method: "GET", path: "/api/v1/cases/YD-1999-99999", status: 404, code: "case_not_found"},
		{name: "timeline of unknown case", method: "GET", path: "/api/v1/cases/YD-1999-99999/timeline", status: 404, code: "case_not_found"},
		// Wrong status for the action: the role may act, the case may not.
		{name: "accept a case in progress", user: "mediation", path: on("in_progress", "accept"), body: map[string]any{}, status: 409, code: "invalid_transition"},
		{name: "accept a closed case", user: "mediation", path: on("closed", "accept"), body: map[string]any{}, status: 409, code: "invalid_transition"},
		{name: "route a routed case", path: on("routed", "route"), body: map[string]any{"desk": "litigation"}, status: 409, code: "invalid_transition"},
		{name: "return a case in progress", user: "mediation", path: on("in_progress", "return"), body: map[string]any{"reason": "退回"}, status: 409, code: "invalid_transition"},
		{name: "invite on a routed case", user: "mediation", path: on("routed", "invite"), body: map[string]any{"desk": "litigation"}, status: 409, code: "invalid_transition"},
		{name: "close a routed case", user: "mediation", path: on("routed", "close"), body: map[string]any{"outcome": "调解成功"}, status: 409, code: "invalid_transition"},
		{name: "close a closed case", user: "mediation", path: on("closed", "close"), body: map[string]any{"outcome": "调解成功"}, status: 409, code: "invalid_transition"},
		{name: "transfer a closed case", user: "mediation", path: on("closed", "transfer"), body: map[string]any{"desk": "litigation", "reason": "再移交"}, status: 409, code: "invalid_transition"},
		// Routes and tokens.
		{name: "unknown API route", method: "GET", path: "/api/v1/nothing-here", status: 404, code: "route_not_found"},
		{name: "DELETE a case", method: "DELETE", path: "/api/v1/cases/" + numbers["registered"], status: 405, code: "method_not_allowed"},
		{name: "GET case without a token", method: "GET", path: "/api/v1/cases/" + numbers["registered"], user: "-", status: 401, code: "unauthorized"},
		{name: "action with a garbage token", path: on("registered", "route"), user: "-", headers: []string{"Authorization", "Bearer " + strings.Repeat("x", 43)}, body: map[string]any{"desk": "mediation"}, status: 401, code: "unauthorized"},
		{name: "login: broken JSON", path: "/api/v1/auth/token", user: "-", body: `{"username":"intake"`, status: 400, code: "invalid_json"},
		{name: "login: password is a number", path: "/api/v1/auth/token", user: "-", body: `{"username":"intake","password":12345678}`, status: 400, code: "invalid_json", field: "password"},
		{name: "login: wrong password", path: "/api/v1/auth/token", user: "-", body: map[string]any{"username": "intake", "password": "wrong-password"}, status: 401, code: "bad_credentials"},
		{name: "users: unknown role", path: "/api/v1/users", user: "admin", body: map[string]any{"username": "zhou", "password": "password-zhou", "role": "king"}, status: 400, code: "unknown_role", field: "role"},
		{name: "users: handler without desk", path: "/api/v1/users", user: "admin", body: map[string]any{"username": "zhou", "password": "password-zhou", "role": "handler"}, status: 400, code: "required", field: "desk"},
		{name: "users: short password", path: "/api/v1/users", user: "admin", body: map[string]any{"username": "zhou", "password": "123", "role": "intake"}, status: 400, code: "weak_password", field: "password"},
		{name: "users: taken username", path: "/api/v1/users", user: "admin", body: map[string]any{"username": "intake", "password": "password-zhou", "role": "intake"}, status: 409, code: "username_taken", field: "username"},
		{name: "desks: bad code", path: "/api/v1/desks", user: "admin", body: map[string]any{"code": "Labor Arbitration", "name": "劳动仲裁"}, status: 400, code: "invalid_code", field: "code"},
		{name: "desks: no name", path: "/api/v1/desks", user: "admin", body: map[string]any{"code": "arbitration"}, status: 400, code: "required", field: "name"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) { ts.checkRefused(t, r) })
	}
	ts.t = t
	for st, n := range numbers {
		if after := ts.caseAsLeader(n)["version"]; after != before[st] {
			t.Errorf("refused requests changed the %s case %s: version %v → %v", st, n, before[st], after)
		}
	}
}

// TestOversizedBodyIsRefusedWith413 runs over a real listener: fiber's
// app.Test hands fasthttp's "body too large" back to the caller instead of
// the answer the server writes.
func TestOversizedBodyIsRefusedWith413(t *testing.T) {
	ts := newTestServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = ts.app.Listener(ln) }()
	t.Cleanup(func() { _ = ts.app.Shutdown() })
	n := ts.caseHeldByMediation("in_progress")
	version := ts.caseAsLeader(n)["version"]

	// post sends the request on a raw connection; of a body over the limit
	// it writes only the first 64 KiB: the server must answer from
	// Content-Length alone. (Sending all of it races the server's close.)
	post := func(path, user string, body map[string]any) (int, map[string]any) {
		t.Helper()
		buf, _ := json.Marshal(body)
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: yidi\r\nContent-Type: application/json\r\n"+
			"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", path, ts.tokens[user], len(buf))
		if len(buf) > 1<<20 {
			buf = buf[:64<<10]
		}
		conn.Write(buf)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var out map[string]any
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("POST %s: %d answer is not JSON: %.200s", path, resp.StatusCode, raw)
		}
		return resp.StatusCode, out
	}
	for _, r := range []struct {
		name, path, user string
		body             map[string]any
		status           int
		code, field      string
	}{
		{"intake over 1 MiB", "/api/v1/cases", "intake",
			intakeWith(func(b map[string]any) { b["summary"] = strings.Repeat("a", 1<<20) }), 413, "too_large", ""},
		{"note over 1 MiB", "/api/v1/cases/" + n + "/notes", "mediation",
			map[string]any{"body": strings.Repeat("记", 1<<19)}, 413, "too_large", ""},
		{"intake just under 1 MiB is read, then judged too long", "/api/v1/cases", "intake",
			intakeWith(func(b map[string]any) { b["summary"] = strings.Repeat("a", 1<<20-2000) }), 400, "too_long", "summary"},
	} {
		t.Run(r.name, func(t *testing.T) {
			status, out := post(r.path, r.user, r.body)
			if status != r.status || errorCode(out) != r.code || errorField(out) != r.field {
				t.Fatalf("got %d %s field %q, want %d %s field %q (%v)", status, errorCode(out), errorField(out), r.status, r.code, r.field, out)
			}
			checkErrorShape(t, out)
		})
	}
	if v := ts.caseAsLeader(n)["version"]; v != version {
		t.Fatalf("the refused note changed the case: version %v → %v", version, v)
	}
}
