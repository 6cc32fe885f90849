package views_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"yidi/cases"
)

// linkNumbers lists the numbers of a case answer's links, with titles ("" when hidden).
func linkNumbers(c map[string]any) map[string]string {
	out := map[string]string{}
	for _, l := range c["links"].([]any) {
		m := l.(map[string]any)
		title, _ := m["title"].(string)
		out[m["number"].(string)] = m["relation"].(string) + ":" + title
	}
	return out
}

// repeatIntake registers the same applicant about the same unpaid wages
// again, naming a second respondent.
func repeatIntake() map[string]any {
	in := sampleIntake()
	in["title"] = "再次反映拖欠工资"
	in["parties"] = []map[string]any{
		{"role": "applicant", "name": "张三", "id_number": "11010519491231002X", "phone": "13800000000"},
		{"role": "respondent", "name": "某某劳务分包队"},
	}
	return in
}

func TestLinkAndUnlinkRecordOneEventOnEachSide(t *testing.T) {
	ts := newTestServer(t)
	doc := loadOpenAPI(t)
	a, _ := ts.mediationCase()
	b := ts.intake(repeatIntake())["number"].(string)

	out := ts.callDocumented(doc, "POST", "/api/v1/cases/{number}/links", "/api/v1/cases/"+b+"/links", "intake",
		map[string]any{"number": a, "relation": "same_dispute"}, 200)
	if got := linkNumbers(out); got[a] != "same_dispute:拖欠工资纠纷" {
		t.Fatalf("links of %s after linking: %v", b, got)
	}
	// Shown on both cases, and the petition desk (which sees neither) gets 404.
	_, ca := ts.call("GET", "/api/v1/cases/"+a, "mediation", nil)
	if got := linkNumbers(ca); got[b] != "same_dispute:" {
		t.Errorf("the mediation desk sees the link to %s it may not read in full as %v, want number and relation only", b, got)
	}
	_, ca = ts.call("GET", "/api/v1/cases/"+a, "leader", nil)
	if got := linkNumbers(ca); got[b] != "same_dispute:再次反映拖欠工资" {
		t.Errorf("the leader sees links %v", got)
	}
	for _, n := range []string{a, b} {
		if ks := ts.timelineKinds(n); ks[len(ks)-1] != cases.EventLink {
			t.Errorf("%s timeline ends %v, want a link event", n, ks)
		}
	}
	ts.checkErrorExamples(doc, "POST", "/api/v1/cases/{number}/links", 400, map[string]exampleRequest{
		"invalid_relation": {"intake", "/api/v1/cases/" + b + "/links", map[string]any{"number": a, "relation": "cousin"}},
		"same_case":        {"intake", "/api/v1/cases/" + b + "/links", map[string]any{"number": b, "relation": "related"}},
		"unknown_case":     {"intake", "/api/v1/cases/" + b + "/links", map[string]any{"number": "YD-2026-09999", "relation": "related"}},
	})
	ts.checkErrorExamples(doc, "POST", "/api/v1/cases/{number}/links", 409, map[string]exampleRequest{
		"already_linked": {"intake", "/api/v1/cases/" + a + "/links", map[string]any{"number": b, "relation": "related"}},
		"stale_version":  {"intake", "/api/v1/cases/" + a + "/links", map[string]any{"number": b, "relation": "related", "version": 1}},
	})
	// The mediation desk holds a and may read x, which it passed on, but not act on x.
	x := passedOn(ts)
	ts.checkErrorExamples(doc, "POST", "/api/v1/cases/{number}/links", 403, map[string]exampleRequest{
		"forbidden": {"mediation", "/api/v1/cases/" + a + "/links", map[string]any{"number": x, "relation": "related"}},
	})
	ts.callDocumented(doc, "POST", "/api/v1/cases/{number}/links", "/api/v1/cases/"+b+"/links", "petition",
		map[string]any{"number": a, "relation": "related"}, 404)

	out = ts.callDocumented(doc, "DELETE", "/api/v1/cases/{number}/links/{other}", "/api/v1/cases/"+a+"/links/"+b, "leader", nil, 200)
	if len(out["links"].([]any)) != 0 {
		t.Errorf("links after unlinking: %v", out["links"])
	}
	for _, n := range []string{a, b} {
		if ks := ts.timelineKinds(n); ks[len(ks)-1] != cases.EventUnlink {
			t.Errorf("%s timeline ends %v, want an unlink event", n, ks)
		}
	}
	ts.checkErrorExamples(doc, "DELETE", "/api/v1/cases/{number}/links/{other}", 404, map[string]exampleRequest{
		"not_linked":     {"leader", "/api/v1/cases/" + a + "/links/" + b, nil},
		"case_not_found": {"leader", "/api/v1/cases/YD-2026-09999/links/" + b, nil},
	})
	ts.checkErrorExamples(doc, "DELETE", "/api/v1/cases/{number}/links/{other}", 400, map[string]exampleRequest{
		"same_case": {"leader", "/api/v1/cases/" + a + "/links/" + a, nil},
	})
	ts.call("POST", "/api/v1/cases/"+a+"/links", "leader", map[string]any{"number": x, "relation": "related"})
	ts.checkErrorExamples(doc, "DELETE", "/api/v1/cases/{number}/links/{other}", 403, map[string]exampleRequest{
		"forbidden": {"mediation", "/api/v1/cases/" + a + "/links/" + x, nil},
	})
}

func TestMergeJoinsTheSurvivorAndTheMergedNumberAndCodeAnswerIt(t *testing.T) {
	ts := newTestServer(t)
	doc := loadOpenAPI(t)
	a, codeA := ts.mediationCase()
	x := passedOn(ts)
	in := ts.intake(repeatIntake())
	b, codeB := in["number"].(string), in["query_code"].(string)
	// The citizen of b wrote before the merge, with a photo.
	att := ts.sendFiles(b, codeB, "补充：工头电话已停机", upload{"欠条.png", pngBytes})[0].(map[string]any)
	attPath := func(n string) string { return "/api/v1/cases/" + n + "/attachments/" + fmt.Sprint(att["id"]) }
	today := time.Now().In(cases.ChinaZone).Format("2006-01-02")
	stats := func() float64 {
		_, st := ts.call("GET", "/api/v1/stats?from="+today+"&to="+today, "leader", nil)
		return st["received"].(float64)
	}
	if got := stats(); got != 3 {
		t.Fatalf("received before the merge = %v, want 3", got)
	}

	// Only someone who may act on both: the mediation desk holds a, not x.
	ts.checkErrorExamples(doc, "POST", "/api/v1/cases/{number}/merge", 403, map[string]exampleRequest{
		"forbidden": {"mediation", "/api/v1/cases/" + x + "/merge", map[string]any{"into": a}},
	})
	ts.checkErrorExamples(doc, "POST", "/api/v1/cases/{number}/merge", 400, map[string]exampleRequest{
		"required":     {"intake", "/api/v1/cases/" + b + "/merge", map[string]any{"into": " "}},
		"same_case":    {"intake", "/api/v1/cases/" + b + "/merge", map[string]any{"into": b}},
		"unknown_case": {"intake", "/api/v1/cases/" + b + "/merge", map[string]any{"into": "YD-2026-09999"}},
	})
	out := ts.callDocumented(doc, "POST", "/api/v1/cases/{number}/merge", "/api/v1/cases/"+b+"/merge", "intake",
		map[string]any{"into": a, "reason": "同一欠薪纠纷重复登记", "version": 1}, 200)
	if out["number"] != a || !slices.Equal(out["merged_from"].([]any), []any{b}) {
		t.Fatalf("merge answers %v merged_from %v, want %s from %s", out["number"], out["merged_from"], a, b)
	}
	var names []string
	for _, p := range out["parties"].([]any) {
		names = append(names, p.(map[string]any)["name"].(string))
	}
	if !slices.Equal(names, []string{"张三", "某某建筑公司", "某某劳务分包队"}) {
		t.Errorf("survivor's parties %v: b's respondent should join once, the same applicant not twice", names)
	}

	// b's number answers a, its timeline too; a's timeline reads b's events.
	got := ts.callDocumented(doc, "GET", "/api/v1/cases/{number}", "/api/v1/cases/"+b, "leader", nil, 200)
	if got["number"] != a {
		t.Errorf("GET %s answers %v, want the survivor %s", b, got["number"], a)
	}
	_, tl := ts.call("GET", "/api/v1/cases/"+b+"/timeline", "leader", nil)
	var fromB, kinds []string
	for _, e := range tl["events"].([]any) {
		m := e.(map[string]any)
		kinds = append(kinds, m["kind"].(string))
		if m["case_number"] == b {
			fromB = append(fromB, m["kind"].(string))
		}
	}
	if !slices.Equal(fromB, []string{"intake", "citizen_message", "merged_into"}) || kinds[len(kinds)-1] != cases.EventMergedFrom {
		t.Errorf("the survivor's timeline: b's events %v, all %v", fromB, kinds)
	}

	// b's citizen is told by SMS.
	notes, err := ts.svc.Notifications(context.Background(), b)
	if err != nil || len(notes) == 0 || !strings.Contains(notes[len(notes)-1].Body, "已与同一纠纷的案件"+a+"合并办理") {
		t.Errorf("b's text messages: %+v %v", notes, err)
	}

	// b's files are a's files now.
	if resp := ts.raw("GET", attPath(a), "leader", nil); resp.StatusCode != 200 {
		t.Errorf("b's photo through the survivor %s: %d", a, resp.StatusCode)
	}
	if resp := ts.raw("GET", attPath(x), "leader", nil); resp.StatusCode != 404 {
		t.Errorf("b's photo through an unrelated case: %d, want 404", resp.StatusCode)
	}

	// Out of the queues and the clock: b's routing limit (one working day)
	// would be long red ten days on, but ended with the merge.
	if _, err := ts.svc.SweepWarnings(context.Background(), time.Now().AddDate(0, 0, 10)); err != nil {
		t.Fatal(err)
	}
	_, tl = ts.call("GET", "/api/v1/cases/"+a+"/timeline", "leader", nil)
	for _, e := range tl["events"].([]any) {
		if m := e.(map[string]any); m["kind"] == cases.EventWarning && m["case_number"] == b {
			t.Errorf("the sweep warned the merged case: %v", m)
		}
	}
	_, list := ts.call("GET", "/api/v1/cases?status=registered", "leader", nil)
	if listHas(list["cases"], b) {
		t.Errorf("the merged case is still in the 待分流 queue")
	}
	_, list = ts.call("GET", "/api/v1/cases?status=merged", "leader", nil)
	if !listHas(list["cases"], b) {
		t.Errorf("the merged case is not listed as merged")
	}

	// Out of the figures: one dispute received.
	if got := stats(); got != 2 {
		t.Errorf("received after the merge = %v, want 2 (the merged case is the same dispute as a)", got)
	}
	_, list = ts.call("GET", "/api/v1/cases?received=true&from="+today+"&to="+today, "leader", nil)
	if list["total"] != float64(2) || listHas(list["cases"], b) {
		t.Errorf("the received list holds %v cases (b listed: %v), want a and x", list["total"], listHas(list["cases"], b))
	}

	// The citizen's code of b shows a, without the survivor's own words.
	q := url.Values{"number": {b}, "code": {codeB}}
	_, pv := ts.call("GET", "/api/v1/public/status?"+q.Encode(), "", nil)
	if pv["number"] != a || pv["merged_from"] != b {
		t.Fatalf("public status with %s's code: %v merged_from %v", b, pv["number"], pv["merged_from"])
	}
	texts := publicTexts(pv)
	if !strings.Contains(texts, "合并办理") || !strings.Contains(texts, "工头电话已停机") {
		t.Errorf("b's citizen reads %q", texts)
	}
	// a's citizen sees the merge, not b's citizen's message.
	q = url.Values{"number": {a}, "code": {codeA}}
	_, pv = ts.call("GET", "/api/v1/public/status?"+q.Encode(), "", nil)
	if texts := publicTexts(pv); !strings.Contains(texts, "已并入本案") || strings.Contains(texts, "工头电话") {
		t.Errorf("a's citizen reads %q", texts)
	}
	// b's code still takes messages; a's desk sees them unread.
	if st, out := ts.call("POST", "/api/v1/public/messages", "", map[string]any{"number": b, "code": codeB, "body": "再补充一句"}); st != 201 {
		t.Fatalf("message to merged %s: %d %v", b, st, out)
	}
	_, ca := ts.call("GET", "/api/v1/cases/"+a, "leader", nil)
	if ca["unread_messages"] != float64(1) {
		t.Errorf("a's unread messages = %v, want 1", ca["unread_messages"])
	}

	ts.catchUp()
	_, res := ts.call("GET", "/api/v1/search?q="+url.QueryEscape(b), "leader", nil)
	// Search shows b as merged, and finds the survivor by its merged_from entry.
	found := map[any]any{}
	for _, h := range res["hits"].([]any) {
		found[h.(map[string]any)["number"]] = h.(map[string]any)["status"]
	}
	if found[b] != string(cases.StatusMerged) || found[a] != string(cases.StatusInProgress) {
		t.Errorf("searching %s finds %v, want it as merged and %s in progress", b, found, a)
	}

	// What cannot be merged.
	c := ts.intake(nil)["number"].(string)
	ts.checkErrorExamples(doc, "POST", "/api/v1/cases/{number}/merge", 409, map[string]exampleRequest{
		"invalid_transition": {"intake", "/api/v1/cases/" + closedCase(ts) + "/merge", map[string]any{"into": a}},
		"stale_version":      {"intake", "/api/v1/cases/" + c + "/merge", map[string]any{"into": a, "version": 9}},
	})
	if st, out := ts.call("POST", "/api/v1/cases/"+b+"/notes", "intake", map[string]any{"body": "记录"}); st != 409 || errorCode(out) != "case_merged" {
		t.Errorf("a note on the merged case: %d %v, want 409 case_merged", st, out)
	}
	for _, r := range []struct{ from, into, code string }{
		{b, a, "case_merged"},                  // merged already (b's number is refused, not followed, for a change)
		{c, b, "target_merged"},                // into a merged case
		{c, closedCase(ts), "target_not_open"}, // into a closed case
	} {
		st, out := ts.call("POST", "/api/v1/cases/"+r.from+"/merge", "intake", map[string]any{"into": r.into})
		if st != 409 || errorCode(out) != r.code {
			t.Errorf("merge %s into %s: %d %v, want 409 %s", r.from, r.into, st, out, r.code)
		}
	}
}

// passedOn is a case the mediation desk accepted and transferred to the
// petition desk: mediation may read it, not act on it.
func passedOn(ts *testServer) string {
	n, _ := ts.mediationCase()
	ts.act("mediation", n, "transfer", map[string]any{"desk": "petition", "reason": "属信访事项"}, 200)
	return n
}

// closedCase is a case the mediation desk has closed.
func closedCase(ts *testServer) string {
	n, _ := ts.mediationCase()
	ts.act("mediation", n, "close", map[string]any{"outcome": "已调解", "closure_type": "procedural"}, 200)
	return n
}

// publicTexts is every event text of a public view, one a line.
func publicTexts(pv map[string]any) string {
	var b strings.Builder
	for _, e := range pv["events"].([]any) {
		b.WriteString(e.(map[string]any)["text"].(string) + "\n")
	}
	return b.String()
}
