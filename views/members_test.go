package views_test

// Group cases (issue 19 item 1) through the API against real SQLite: a
// member sheet imported all or nothing, representatives' warnings, the
// counterparty chain, a group agreement paid member by member.

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"yidi/cases"
)

var workerNames = []string{"张三", "李建国", "王小军", "刘德发", "陈永强", "杨志明", "赵铁柱", "黄金水", "周福生", "吴有才",
	"徐长江", "孙大海", "胡国庆", "朱春生", "高红兵", "林水根", "何建华", "郭秋生", "马文斌", "罗家旺",
	"梁开富", "宋立新", "郑明亮", "谢天佑", "韩东升", "唐志刚", "冯卫国", "于海洋", "董建军", "萧宏伟"}

// workerID is the i-th worker's 身份证号 (张三's is sampleIntake's).
func workerID(i int) string {
	if i == 0 {
		return "11010519491231002X"
	}
	return cases.CompleteIDNumber(fmt.Sprintf("33032719%02d0101%03d", 70+i%25, 100+i))
}

// wageSheet is thirty workers' sheet: each claims 8000 + 100·i yuan for
// 2025-03至2025-11; workers 0–2 are representatives. bad spoils rows
// (as Excel numbers them) by column index.
func wageSheet(bad map[int][2]string) [][]string {
	rows := [][]string{{"姓名", "身份证号", "电话", "诉求金额", "是否代表", "诉求期间"}}
	for i, name := range workerNames {
		rep := "否"
		if i < 3 {
			rep = "是"
		}
		rows = append(rows, []string{name, workerID(i), fmt.Sprintf("139%08d", 10000+i), fmt.Sprintf("%d.50", 8000+100*i), rep, "2025-03至2025-11"})
	}
	for row, spoil := range bad {
		col := map[string]int{"id_number": 1, "phone": 2, "claim_amount": 3, "representative": 4}[spoil[0]]
		rows[row-1][col] = spoil[1]
	}
	return rows
}

// badCheckDigit spoils an ID number's check character, as a typo does.
func badCheckDigit(id string) string {
	if id[17] == '0' {
		return id[:17] + "1"
	}
	return id[:17] + "0"
}

func csvOf(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\r\n")
	}
	return b.String()
}

func xlsxOf(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// importCSV posts a CSV body; importFile uploads a file in "file".
func (ts *testServer) importCSV(user, number, body string) (int, map[string]any) {
	ts.t.Helper()
	return ts.call("POST", "/api/v1/cases/"+number+"/members", user, body, "Content-Type", "text/csv")
}

func (ts *testServer) importFile(user, number, name string, data []byte) (int, map[string]any) {
	ts.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	part, _ := w.CreateFormFile("file", name)
	part.Write(data)
	w.Close()
	return ts.call("POST", "/api/v1/cases/"+number+"/members", user, b.String(), "Content-Type", w.FormDataContentType())
}

func rowErrors(res map[string]any) []string {
	var out []string
	for _, e := range res["errors"].([]any) {
		m := e.(map[string]any)
		out = append(out, fmt.Sprintf("%v:%v", m["row"], m["field"]))
	}
	return out
}

func TestMemberSheetImportsThirtyWorkersAllOrNothing(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n := c["number"].(string)
	ts.act("intake", n, "route", map[string]any{"desk": "litigation"}, 200)
	ts.act("litigation", n, "accept", nil, 200)

	// Two bad rows (row 5: a wrong check digit; row 12: a negative
	// claim): 200 naming them, nothing stored, by CSV and by XLSX.
	bad := wageSheet(map[int][2]string{5: {"id_number", badCheckDigit(workerID(3))}, 12: {"claim_amount", "-300"}})
	for name, send := range map[string]func() (int, map[string]any){
		"csv":  func() (int, map[string]any) { return ts.importCSV("litigation", n, "\ufeff"+csvOf(bad)) },
		"xlsx": func() (int, map[string]any) { return ts.importFile("litigation", n, "工资表.xlsx", xlsxOf(t, bad)) },
	} {
		status, res := send()
		if status != 200 || res["imported"].(float64) != 0 || !slices.Equal(rowErrors(res), []string{"5:id_number", "12:claim_amount"}) {
			t.Fatalf("%s: bad sheet answered %d %v", name, status, res)
		}
		if e := res["errors"].([]any)[0].(map[string]any); e["column"] != "身份证号" || !strings.Contains(e["message"].(string), "身份证") {
			t.Errorf("%s: row error %v", name, e)
		}
	}
	after := ts.caseAsLeader(n)
	if len(partiesOf(t, after)) != 2 || after["people_count"].(float64) != 1 || after["group"] != nil {
		t.Fatalf("a rejected sheet left something: %v", after)
	}
	if k := ts.timelineKinds(n); countOf(k, "members_imported") != 0 {
		t.Fatalf("a rejected sheet left an event: %v", k)
	}

	// Fixed: thirty imported, 张三 (already the applicant) updated, one event.
	status, res := ts.importFile("litigation", n, "工资表.xlsx", xlsxOf(t, wageSheet(nil)))
	if status != 200 || res["imported"].(float64) != 30 || res["added"].(float64) != 29 || res["updated"].(float64) != 1 || len(res["errors"].([]any)) != 0 {
		t.Fatalf("fixed sheet: %d %v", status, res)
	}
	var claimed int64
	for i := range workerNames {
		claimed += int64(800050 + 10000*i)
	}
	after = ts.caseAsLeader(n)
	g := after["group"].(map[string]any)
	if g["members"].(float64) != 30 || g["representatives"].(float64) != 3 || int64(g["claimed_fen"].(float64)) != claimed {
		t.Fatalf("group %v, want 30 members, 3 representatives, %d fen", g, claimed)
	}
	if after["people_count"].(float64) != 30 || int64(after["amount"].(float64)*100+0.5) != claimed {
		t.Fatalf("people_count %v amount %v, want 30 and %d fen", after["people_count"], after["amount"], claimed)
	}
	ps := partiesOf(t, after)
	if len(ps) != 31 {
		t.Fatalf("%d parties, want 31", len(ps))
	}
	zhang := ps[0]
	if zhang["claim_amount"] != 8000.5 || zhang["claim_period"] != "2025-03至2025-11" || zhang["representative"] != true {
		t.Errorf("the applicant as a member %v", zhang)
	}
	last := ps[30]
	if last["name"] != "萧宏伟" || last["id_number"] != cases.MaskIDNumber(workerID(29)) || last["phone"] != "139****0029" || last["representative"] != nil {
		t.Errorf("the last member %v", last)
	}
	if k := ts.timelineKinds(n); countOf(k, "members_imported") != 1 {
		t.Fatalf("events %v, want one members_imported", k)
	}
	// 30 members and 3 representatives at 诉讼服务: within 2–5, no warning.
	if w := res["warnings"].([]any); len(w) != 0 {
		t.Errorf("warnings %v", w)
	}

	// The same sheet again (the GBK CSV Excel saves): nobody twice.
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(csvOf(wageSheet(nil)))
	if err != nil {
		t.Fatal(err)
	}
	status, res = ts.importCSV("litigation", n, gbk)
	if status != 200 || res["imported"].(float64) != 30 || res["updated"].(float64) != 30 {
		t.Fatalf("GBK re-import: %d %v", status, res)
	}
	if ps := partiesOf(t, ts.caseAsLeader(n)); len(ps) != 31 || ps[2]["name"] != "李建国" {
		t.Fatalf("after re-import %d parties, third %v", len(ps), ps[2])
	}
}

func TestMemberSheetRowRules(t *testing.T) {
	ts := newTestServer(t)
	n := ts.intake(nil)["number"].(string)
	head := "姓名,身份证号,电话,诉求金额,是否代表\n"
	for _, tc := range []struct {
		name, sheet string
		want        []string
	}{
		{"same person twice", head + "李四," + workerID(1) + ",,100,否\n王五," + workerID(1) + ",,200,否\n", []string{"3:id_number"}},
		{"name differs from the registered one", head + "张四,11010519491231002X,,100,否\n", []string{"2:name"}},
		{"three decimals, bad phone, bad mark", head + "李四," + workerID(1) + ",12345,1.005,也许\n", []string{"2:phone", "2:claim_amount", "2:representative"}},
		{"an ID number Excel turned into a number", head + "李四,3.30327E+17,,,\n", []string{"2:id_number"}},
		{"no name", head + "," + workerID(1) + ",,,\n", []string{"2:name"}},
	} {
		status, res := ts.importCSV("intake", n, tc.sheet)
		if status != 200 || !slices.Equal(rowErrors(res), tc.want) || res["imported"].(float64) != 0 {
			t.Errorf("%s: %d %v, want errors %v", tc.name, status, res, tc.want)
		}
	}
	// The respondent cannot be a member too.
	c := ts.intake(intakeOfParties(
		map[string]any{"role": "applicant", "name": "李四", "id_number": workerID(1)},
		map[string]any{"role": "respondent", "name": "王包工", "id_number": workerID(2)}))
	if _, res := ts.importCSV("intake", c["number"].(string), head+"王包工,"+workerID(2)+",,,\n"); !slices.Equal(rowErrors(res), []string{"2:id_number"}) {
		t.Errorf("a respondent as member: %v", res)
	}
	// A sheet laid out otherwise is refused whole: 400 naming the header.
	for _, tc := range []struct{ body, ct, code, field string }{
		{"姓名,电话\n李四,13900000000\n", "text/csv", "invalid_header", "header"},
		{head, "text/csv", "no_members", "file"},
		{"", "text/csv", "empty_sheet", "file"},
		{head, "application/json", "invalid_format", "file"},
		{"PK\x03\x04garbage", "text/csv", "invalid_xlsx", "file"},
	} {
		status, res := ts.call("POST", "/api/v1/cases/"+n+"/members", "intake", tc.body, "Content-Type", tc.ct)
		if status != 400 || errorCode(res) != tc.code || errorField(res) != tc.field {
			t.Errorf("%q: %d %v, want 400 %s %s", tc.body, status, res, tc.code, tc.field)
		}
	}
	// Once a desk holds the case, the window may no longer (nor may
	// another desk, which does not see it).
	ts.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", n, "accept", nil, 200)
	if status, res := ts.importCSV("intake", n, head+"李四,"+workerID(1)+",,,\n"); status != 403 || errorCode(res) != "forbidden" {
		t.Errorf("the window after the desk accepted: %d %v", status, res)
	}
	if status, _ := ts.importCSV("petition", n, head+"李四,"+workerID(1)+",,,\n"); status != 404 {
		t.Errorf("another desk: %d", status)
	}
}

// representatives marks the first reps of members as representatives.
func representatives(members, reps int) string {
	var b strings.Builder
	b.WriteString("姓名,身份证号,电话,诉求金额,是否代表\n")
	for i := 1; i <= members; i++ {
		mark := "N"
		if i <= reps {
			mark = "Y"
		}
		fmt.Fprintf(&b, "%s,%s,,,%s\n", workerNames[i], workerID(i), mark)
	}
	return b.String()
}

func TestRepresentativeWarnings(t *testing.T) {
	ts := newTestServer(t)
	caseAt := func(desk string) string {
		n := ts.intake(nil)["number"].(string)
		ts.act("intake", n, "route", map[string]any{"desk": desk}, 200)
		ts.act(desk, n, "accept", nil, 200)
		return n
	}
	for _, tc := range []struct {
		desk          string
		members, reps int
		want          string
	}{
		{"petition", 10, 6, "too_many_representatives"},
		{"petition", 10, 5, ""},
		{"litigation", 10, 1, "representatives_out_of_range"},
		{"litigation", 10, 6, "representatives_out_of_range"},
		{"litigation", 10, 2, ""},
		{"mediation", 10, 8, ""},
	} {
		n := caseAt(tc.desk)
		status, res := ts.importCSV(tc.desk, n, representatives(tc.members, tc.reps))
		if status != 200 || res["imported"].(float64) != float64(tc.members) {
			t.Fatalf("%+v: %d %v", tc, status, res)
		}
		var codes []string
		for _, w := range res["warnings"].([]any) {
			codes = append(codes, w.(map[string]any)["code"].(string))
		}
		got := strings.Join(codes, ",")
		if got != tc.want {
			t.Errorf("%s with %d representatives: warnings %q, want %q", tc.desk, tc.reps, got, tc.want)
		}
		// The case says the same.
		g := ts.caseAsLeader(n)["group"].(map[string]any)
		if len(g["warnings"].([]any)) != len(codes) || g["representatives"].(float64) != float64(tc.reps) {
			t.Errorf("%s: case group %v", tc.desk, g)
		}
	}
}

func TestCounterpartyChainAndMemberCorrections(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(intakeOfParties(
		map[string]any{"role": "applicant", "name": "李四", "id_number": workerID(1)},
		map[string]any{"role": "respondent", "name": "王包工", "chain_role": "labour_subcontractor"},
		map[string]any{"role": "respondent", "name": "温州某某建设有限公司", "chain_role": "general_contractor"},
		map[string]any{"role": "respondent", "name": "某某置业有限公司"}))
	n := c["number"].(string)
	ps := partiesOf(t, c)
	if ps[1]["chain_role"] != "labour_subcontractor" || ps[2]["chain_role"] != "general_contractor" || ps[3]["chain_role"] != nil {
		t.Fatalf("chain roles at intake %v", ps)
	}
	for _, tc := range []struct {
		party map[string]any
		field string
		code  string
	}{
		{map[string]any{"role": "applicant", "name": "李四", "chain_role": "subcontractor"}, "parties[0].chain_role", "not_for_role"},
		{map[string]any{"role": "respondent", "name": "王包工", "chain_role": "boss"}, "parties[0].chain_role", "unknown_chain_role"},
	} {
		if status, res := ts.call("POST", "/api/v1/cases", "intake", intakeOfParties(tc.party)); status != 400 || errorCode(res) != tc.code || errorField(res) != tc.field {
			t.Errorf("intake %v: %d %v", tc.party, status, res)
		}
	}
	// Corrected: the developer placed as 发包方, the applicant's claim and mark.
	status, got := ts.call("POST", "/api/v1/cases/"+n+"/corrections", "intake", map[string]any{
		"version": c["version"], "reason": "补充责任链条和诉求",
		"parties": []map[string]any{
			{"party_id": ps[3]["party_id"], "chain_role": "project_owner"},
			{"party_id": ps[0]["party_id"], "claim_amount": 9000.5, "claim_period": "2025-05至2025-10", "representative": true},
		}})
	if status != 200 {
		t.Fatalf("correction: %d %v", status, got)
	}
	ps = partiesOf(t, got)
	if ps[3]["chain_role"] != "project_owner" || ps[0]["claim_amount"] != 9000.5 || ps[0]["representative"] != true {
		t.Fatalf("corrected %v", ps)
	}
	status, res := ts.call("POST", "/api/v1/cases/"+n+"/corrections", "intake", map[string]any{
		"version": got["version"], "reason": "x", "parties": []map[string]any{{"party_id": ps[1]["party_id"], "claim_amount": 10}}})
	if status != 400 || errorCode(res) != "not_for_role" {
		t.Errorf("a respondent's claim: %d %v", status, res)
	}
	// The case page lists the chain in order: 发包方, 总承包, 劳务分包.
	b := newBrowser(t, ts.app)
	b.login("intake")
	_, page, _ := b.do("GET", "/cases/"+n, nil)
	i, j, k := strings.Index(page, "某某置业有限公司（发包方）"), strings.Index(page, "温州某某建设有限公司（总承包）"), strings.Index(page, "王包工（劳务分包）")
	if i < 0 || j < i || k < j {
		t.Errorf("chain on the page at %d, %d, %d", i, j, k)
	}
	// The page's 补正 form places a respondent too.
	if !strings.Contains(page, `name="party_chain_role_3"`) || strings.Contains(page, `name="party_chain_role_0"`) {
		t.Fatal("the correction form offers chain roles to respondents only")
	}
	cur := ts.caseAsLeader(n)
	form := url.Values{"version": {fmt.Sprint(cur["version"])}, "title": {cur["title"].(string)}, "category": {"labor"}, "town": {"城关镇"},
		"amount": {fmt.Sprint(cur["amount"])}, "summary": {cur["summary"].(string)}, "claims": {cur["claims"].(string)}, "reason": {"王包工实为分包"}}
	for i, p := range partiesOf(t, cur) {
		form.Set(fmt.Sprintf("party_name_%d", i), p["name"].(string))
		form.Set(fmt.Sprintf("party_id_type_%d", i), str(p, "id_type"))
		form.Set(fmt.Sprintf("party_chain_role_%d", i), str(p, "chain_role"))
	}
	form.Set("party_chain_role_1", "subcontractor")
	if status, body := b.post("/cases/"+n+"/correction", form); status != 303 {
		t.Fatalf("the page's correction: %d %.300s", status, body)
	}
	if _, page, _ = b.do("GET", "/cases/"+n, nil); !strings.Contains(page, "王包工（分包）") {
		t.Error("the chain does not show the corrected role")
	}
}

func TestGroupAgreementPaysMemberByMember(t *testing.T) {
	ts := newTestServer(t)
	ts.at("2026-03-02", "10:00")
	n, code := ts.mediationCase()
	if status, res := ts.importCSV("mediation", n, csvOf(wageSheet(nil)[:6])); status != 200 || res["imported"].(float64) != 5 {
		t.Fatalf("import: %d %v", status, res)
	}
	c := ts.caseAsLeader(n)
	members := partiesOf(t, c)
	var obs []map[string]any
	for _, p := range members {
		if p["role"] != "applicant" {
			continue
		}
		obs = append(obs, map[string]any{"obligor": "某某建筑公司", "obligee_party_id": p["party_id"],
			"content": "支付拖欠工资", "amount": p["claim_amount"], "due_on": "2026-12-31"})
	}
	body := map[string]any{"form": "written", "facts": "某某建筑公司拖欠五名工人工资。", "terms": "某某建筑公司按附表向每名工人支付工资。",
		"signed_on": "2026-03-02", "obligations": obs}
	// A respondent is not a member the agreement can pay.
	bad := map[string]any{}
	for k, v := range body {
		bad[k] = v
	}
	bad["obligations"] = []map[string]any{{"obligor": "张三", "obligee_party_id": members[1]["party_id"], "content": "x", "due_on": "2026-12-31"}}
	ts.refuseUnchanged("mediation", n, "agreements", bad, 400, "not_a_member", "obligations[0].obligee_party_id")

	ag := ts.post("mediation", "/api/v1/cases/"+n+"/agreements", body, 201)
	got := ag["obligations"].([]any)
	if len(got) != 5 {
		t.Fatalf("obligations %v", got)
	}
	second := got[1].(map[string]any)
	if second["obligee"] != "李建国" || second["obligee_party_id"] != members[2]["party_id"] || second["amount"] != "8100.50" {
		t.Fatalf("李建国's obligation %v", second)
	}
	// 李建国 paid in full, 张三 in part: each member's line says so.
	paid := ts.post("mediation", fmt.Sprintf("/api/v1/cases/%s/obligations/%v/performance", n, second["id"]),
		map[string]any{"status": "performed", "amount": 8100.5, "on": "2026-03-02", "note": "李建国签收"}, 201)
	part := ts.post("mediation", fmt.Sprintf("/api/v1/cases/%s/obligations/%v/performance", n, got[0].(map[string]any)["id"]),
		map[string]any{"status": "partial", "amount": 4000, "on": "2026-03-02"}, 201)
	if paid["status"] != "performed" || paid["obligee_party_id"] != members[2]["party_id"] ||
		part["status"] != "partial" || part["performed_fen"].(float64) != 400000 || part["obligee"] != "张三" {
		t.Fatalf("per-member performance: %v / %v", paid, part)
	}
	// The citizen's page, opened by any member with the case's code,
	// lists the schedule but no member's ID number or phone.
	status, view := ts.call("GET", "/api/v1/public/status?number="+n+"&code="+code, "", nil)
	raw := fmt.Sprint(view)
	if status != 200 || !strings.Contains(raw, "李建国") {
		t.Fatalf("public status: %d %v", status, view)
	}
	for i := range 5 {
		if id, phone := workerID(i), fmt.Sprintf("139%08d", 10000+i); strings.Contains(raw, id) || strings.Contains(raw, phone) || strings.Contains(raw, id[14:]) {
			t.Errorf("the public status shows member %d's ID number or phone", i)
		}
	}
}

func TestMemberTemplateDownloadsAndImports(t *testing.T) {
	ts := newTestServer(t)
	n := ts.intake(nil)["number"].(string)
	resp := ts.raw("GET", "/api/v1/members/template.xlsx", "intake", nil)
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "xlsx") {
		t.Fatalf("template.xlsx: %d %v", resp.StatusCode, resp.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	if strings.Join(rows[0], ",") != "姓名,身份证号,电话,诉求金额,是否代表,诉求期间" {
		t.Errorf("template header %v", rows[0])
	}
	// The template as downloaded imports: its example is a valid member.
	if status, res := ts.importFile("intake", n, "模板.xlsx", data); status != 200 || res["imported"].(float64) != 1 {
		t.Errorf("the template itself: %d %v", status, res)
	}
	resp = ts.raw("GET", "/api/v1/members/template.csv", "intake", nil)
	csvData, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.HasPrefix(csvData, []byte("\ufeff姓名,身份证号,电话,诉求金额,是否代表,诉求期间")) {
		t.Errorf("template.csv: %d %q", resp.StatusCode, csvData)
	}
	if status, res := ts.call("GET", "/api/v1/members/template.pdf", "intake", nil); status != 400 || errorCode(res) != "invalid_format" {
		t.Errorf("template.pdf: %d %v", status, res)
	}
	// The case page's links serve the same.
	b := newBrowser(t, ts.app)
	b.login("intake")
	if status, body, hdr := b.do("GET", "/cases/members-template.csv", nil); status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || !strings.Contains(body, "是否代表") {
		t.Errorf("the page's CSV template: %d %s", status, hdr.Get("Content-Type"))
	}
}

// On the page a group's agreement form comes with one row per member (the
// claim as the amount, the one respondent as who pays); the schedule the
// mediator completes pays each member, tracked member by member.
func TestGroupAgreementFormListsEveryMember(t *testing.T) {
	ts := newTestServer(t)
	ts.at("2026-03-02", "10:00")
	n, _ := ts.mediationCase()
	if status, res := ts.importCSV("mediation", n, csvOf(wageSheet(nil)[:5])); status != 200 || res["imported"].(float64) != 4 {
		t.Fatalf("import: %d %v", status, res)
	}
	members := map[string]any{}
	for _, p := range partiesOf(t, ts.caseAsLeader(n)) {
		if p["role"] == "applicant" {
			members[p["name"].(string)] = p["party_id"]
		}
	}
	b := ts.medBrowser("mediation", n)
	_, page, _ := b.do("GET", "/cases/"+n, nil)
	for i, name := range workerNames[:4] {
		amount := fmt.Sprintf(`value="%d.50"`, 8000+100*i)
		if !strings.Contains(page, amount) || !strings.Contains(page, name) {
			t.Fatalf("the agreement form lacks %s's row (%s)", name, amount)
		}
	}
	form := url.Values{"form": {"written"}, "signed_on": {"2026-03-02"},
		"facts": {"某某建筑公司拖欠四名工人工资。"}, "terms": {"某某建筑公司按附表向每名工人支付工资。"}}
	for i, name := range workerNames[:4] {
		form["ob_obligor"] = append(form["ob_obligor"], "某某建筑公司")
		form["ob_obligee"] = append(form["ob_obligee"], name)
		form["ob_content"] = append(form["ob_content"], "支付拖欠工资")
		form["ob_amount"] = append(form["ob_amount"], fmt.Sprintf("%d.50", 8000+100*i))
		form["ob_due_on"] = append(form["ob_due_on"], "2026-03-31")
		form["ob_manner"] = append(form["ob_manner"], "")
	}
	page = ts.medDone(b, n, "agree", form, "已登记调解协议")
	ids := regexp.MustCompile(`/mediation/perform/(\d+)"`).FindAllStringSubmatch(page, -1)
	if len(ids) != 4 {
		t.Fatalf("perform forms: %v", ids)
	}
	for i, id := range ids {
		p := ts.post("mediation", fmt.Sprintf("/api/v1/cases/%s/obligations/%s/performance", n, id[1]),
			map[string]any{"status": "performed", "amount": 8000.5 + 100*float64(i), "on": "2026-03-02"}, 201)
		if want := members[p["obligee"].(string)]; want == nil || p["obligee_party_id"] != want {
			t.Errorf("obligation %s pays %v (party %v), want that member's party %v", id[1], p["obligee"], p["obligee_party_id"], want)
		}
	}
}
