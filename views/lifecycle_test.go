package views_test

// Stories of a case's life told through the HTTP API as a client would tell
// them: all four desks, return and transfer, joint handling, races on one
// version, idempotent and repeated intake, and the timeline that records it.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"yidi/cases"
)

// deskNames are the seeded desks as the counter reads them; "" is the window
// (intake and leaders act for the centre, not for a desk).
var deskNames = map[string]string{
	"":           "受理窗口",
	"petition":   "信访",
	"mediation":  "人民调解",
	"litigation": "诉讼服务",
	"governance": "综治",
}

// actorNames are the display names newTestServer gives its users.
var actorNames = map[string]string{
	"intake":     "王窗口",
	"leader":     "陈主任",
	"mediation":  "李调解",
	"petition":   "赵信访",
	"litigation": "孙法官",
	"governance": "周综治",
}

// idNumber builds a valid 居民身份证号码 (GB 11643 check character) for a
// person born on birth (YYYYMMDD) with a three-digit sequence.
func idNumber(birth string, seq int) string {
	base := fmt.Sprintf("110105%s%03d", birth, seq)
	return cases.CompleteIDNumber(base)
}

// intakeFor is sampleIntake with its applicant replaced; an empty id or
// phone leaves that field out.
func intakeFor(name, id, phone string) map[string]any {
	body := sampleIntake()
	applicant := map[string]any{"role": "applicant", "name": name}
	if id != "" {
		applicant["id_number"] = id
	}
	if phone != "" {
		applicant["phone"] = phone
	}
	body["parties"] = []map[string]any{applicant, {"role": "respondent", "name": "某某建筑公司"}}
	return body
}

// send is a request that is safe to make from any goroutine: it never calls
// t.Fatal and hands back the raw answer.
func (ts *testServer) send(method, path, user string, body any, headers ...string) (int, []byte, http.Header, error) {
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return 0, nil, nil, err
		}
		rd = bytes.NewReader(buf)
	}
	resp, err := ts.app.Test(ts.request(method, path, user, rd, headers...), -1)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, resp.Header, err
}

// watch wraps the test server and checks every staff answer for the full ID
// numbers and phones typed at intake: staff see them masked, always.
type watch struct {
	*testServer
	t       *testing.T // the (sub)test this watch reports to
	secrets []string
}

func watching(t *testing.T, ts *testServer, secrets ...string) *watch {
	t.Helper()
	return &watch{testServer: ts, t: t, secrets: secrets}
}

func (w *watch) call(method, path, user string, body any, headers ...string) (int, map[string]any) {
	w.t.Helper()
	status, out, _ := w.callRaw(method, path, user, body, headers...)
	return status, out
}

func (w *watch) callRaw(method, path, user string, body any, headers ...string) (int, map[string]any, http.Header) {
	w.t.Helper()
	status, raw, hdr, err := w.send(method, path, user, body, headers...)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, path, err)
	}
	for _, s := range w.secrets {
		if bytes.Contains(raw, []byte(s)) {
			w.t.Fatalf("%s %s by %s: answer shows %q unmasked: %s", method, path, user, s, raw)
		}
	}
	return status, decodeAnswer(w.t, method, path, raw), hdr
}

// routedCase registers a case for the applicant name with a valid id and
// phone, routes it to desk and hands back a watch over both.
func routedCase(t *testing.T, ts *testServer, name, id, phone, desk string) (*watch, string) {
	t.Helper()
	w := watching(t, ts, id, phone)
	n := w.intake(intakeFor(name, id, phone))["number"].(string)
	w.act("intake", n, "route", map[string]any{"desk": desk}, 200)
	return w, n
}

// acceptedCase registers sampleIntake, routes it to desk and has desk
// accept it.
func (w *watch) acceptedCase(desk string) string {
	w.t.Helper()
	n := w.intake(nil)["number"].(string)
	w.act("intake", n, "route", map[string]any{"desk": desk}, 200)
	w.act(desk, n, "accept", nil, 200)
	return n
}

func (w *watch) intake(body map[string]any) map[string]any {
	w.t.Helper()
	return intakeVia(w.t, w, body)
}

func (w *watch) act(user, number, action string, body map[string]any, want int) map[string]any {
	w.t.Helper()
	return actVia(w.t, w, user, number, action, body, want)
}

// refuse posts an action that must fail with want and the error code.
func (w *watch) refuse(user, number, action string, body map[string]any, want int, code string) map[string]any {
	w.t.Helper()
	out := w.act(user, number, action, body, want)
	if code != "" && errorCode(out) != code {
		w.t.Fatalf("%s %s by %s: error code %q, want %q (%v)", action, number, user, errorCode(out), code, out)
	}
	return out
}

func (w *watch) get(user, number string) map[string]any {
	w.t.Helper()
	status, out := w.call("GET", "/api/v1/cases/"+number, user, nil)
	if status != 200 {
		w.t.Fatalf("GET %s by %s: %d %v", number, user, status, out)
	}
	return out
}

func (w *watch) timeline(user, number string) []map[string]any {
	w.t.Helper()
	status, out := w.call("GET", "/api/v1/cases/"+number+"/timeline", user, nil)
	if status != 200 {
		w.t.Fatalf("timeline %s by %s: %d %v", number, user, status, out)
	}
	raw, _ := out["events"].([]any)
	events := make([]map[string]any, len(raw))
	for i, e := range raw {
		events[i] = e.(map[string]any)
	}
	return events
}

// expectState checks what every desk reads on a case: status, desk, version
// and whether the current stage has a time limit.
func expectState(t *testing.T, c map[string]any, status, desk string, version int) {
	t.Helper()
	if c["status"] != status || c["desk"] != desk || num(c["version"]) != version {
		t.Fatalf("%v: status %v desk %q version %v, want %s %q %d",
			c["number"], c["status"], c["desk"], c["version"], status, desk, version)
	}
	dl, _ := c["deadline"].(map[string]any)
	if status == "closed" {
		if c["deadline"] != nil {
			t.Fatalf("%v: closed case still has deadline %v", c["number"], c["deadline"])
		}
		return
	}
	if dl == nil || dl["rule"] == "" {
		t.Fatalf("%v: %s stage has no deadline: %v", c["number"], status, c["deadline"])
	}
	due, err := time.Parse(time.RFC3339, dl["due"].(string))
	if err != nil || !due.After(time.Now()) {
		t.Fatalf("%v: deadline due %v is not in the future (%v)", c["number"], dl["due"], err)
	}
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func strs(v any) []string {
	raw, _ := v.([]any)
	out := make([]string, len(raw))
	for i, x := range raw {
		out[i], _ = x.(string)
	}
	return out
}

func caseSeq(t *testing.T, number string) int {
	t.Helper()
	i := strings.LastIndexByte(number, '-')
	n, err := strconv.Atoi(number[i+1:])
	if i < 0 || err != nil {
		t.Fatalf("case number %q has no sequence", number)
	}
	return n
}

func kinds(events []map[string]any) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i], _ = e["kind"].(string)
	}
	return out
}

func TestEveryDeskTakesACaseFromIntakeToClose(t *testing.T) {
	ts := newTestServer(t)
	for i, desk := range []string{"petition", "mediation", "litigation", "governance"} {
		t.Run(desk, func(t *testing.T) {
			id := idNumber("19800101", 11+i*2)
			phone := fmt.Sprintf("1390000000%d", i)
			w := watching(t, ts, id, phone)

			c := w.intake(intakeFor("申请人"+desk, id, phone))
			n := c["number"].(string)
			if !strings.HasPrefix(n, "YD-") || c["query_code"] == "" {
				t.Fatalf("intake answer lacks number or query code: %v", c)
			}
			expectState(t, c, "registered", "", 1)
			applicant := c["parties"].([]any)[0].(map[string]any)
			if applicant["id_number"] != id[:4]+"**********"+id[14:] || applicant["phone"] != phone[:3]+"****"+phone[7:] {
				t.Fatalf("applicant not masked as expected: %v", applicant)
			}

			expectState(t, w.act("intake", n, "route", map[string]any{"desk": desk, "note": "按职能分流"}, 200), "routed", desk, 2)
			expectState(t, w.get(desk, n), "routed", desk, 2)
			expectState(t, w.act(desk, n, "accept", nil, 200), "in_progress", desk, 3)
			expectState(t, w.act(desk, n, "notes", map[string]any{"body": "已电话联系双方", "visibility": "internal"}, 200), "in_progress", desk, 4)
			closed := w.act(desk, n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕", "summary": "双方达成协议并当场履行"}, 200)
			expectState(t, closed, "closed", desk, 5)
			if closed["outcome"] != "调解成功" || closed["closed_at"] == nil {
				t.Fatalf("closed case lacks outcome or closed_at: %v", closed)
			}

			// Everyone who may read the case reads the same closed state.
			for _, user := range []string{"intake", "leader", desk} {
				expectState(t, w.get(user, n), "closed", desk, 5)
			}
			events := w.timeline("leader", n)
			if got, want := kinds(events), []string{"intake", "route", "accept", "note", "close"}; !slices.Equal(got, want) {
				t.Fatalf("timeline kinds %v, want %v", got, want)
			}
			w.timeline(desk, n)
			// A closed case takes no more handling.
			w.refuse(desk, n, "accept", nil, 409, "invalid_transition")
			w.refuse(desk, n, "close", map[string]any{"outcome": "再次办结", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 409, "invalid_transition")
		})
	}
}

func TestReturnSendsTheCaseBackToTheWindowForRerouting(t *testing.T) {
	w, n := routedCase(t, newTestServer(t), "刘退回", idNumber("19750606", 21), "13911112222", "petition")

	out := w.refuse("petition", n, "return", map[string]any{"reason": "  "}, 400, "required")
	if errorField(out) != "reason" {
		t.Fatalf("return without reason: field %q, want reason", errorField(out))
	}
	w.refuse("intake", n, "return", map[string]any{"reason": "窗口自行退回"}, 403, "forbidden")
	w.refuse("mediation", n, "return", map[string]any{"reason": "不是本窗口"}, 404, "case_not_found")

	back := w.act("petition", n, "return", map[string]any{"reason": "属于劳动争议，不属信访事项"}, 200)
	expectState(t, back, "registered", "", 3)
	// The desk that returned it held it once and can still read it.
	expectState(t, w.get("petition", n), "registered", "", 3)
	w.refuse("petition", n, "accept", nil, 403, "forbidden")

	expectState(t, w.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200), "routed", "mediation", 4)
	w.refuse("petition", n, "accept", nil, 403, "forbidden")
	expectState(t, w.act("mediation", n, "accept", nil, 200), "in_progress", "mediation", 5)

	events := w.timeline("intake", n)
	if got, want := kinds(events), []string{"intake", "route", "return", "route", "accept"}; !slices.Equal(got, want) {
		t.Fatalf("timeline kinds %v, want %v", got, want)
	}
	if events[2]["desk"] != "petition" || events[2]["body"] != "属于劳动争议，不属信访事项" {
		t.Fatalf("return event: %v", events[2])
	}
}

func TestTransferFromMediationToLitigationMovesTheCase(t *testing.T) {
	w, n := routedCase(t, newTestServer(t), "陈移交", idNumber("19820315", 33), "13922223333", "mediation")
	w.act("mediation", n, "accept", nil, 200)

	out := w.refuse("mediation", n, "transfer", map[string]any{"desk": "mediation", "reason": "自己移交给自己"}, 400, "")
	if errorField(out) != "desk" {
		t.Fatalf("transfer to the same desk: %v, want field desk", out)
	}
	out = w.refuse("mediation", n, "transfer", map[string]any{"desk": "court", "reason": "没有这个窗口"}, 400, "unknown_desk")
	if errorField(out) != "desk" {
		t.Fatalf("transfer to an unknown desk: %v, want field desk", out)
	}
	w.refuse("litigation", n, "transfer", map[string]any{"desk": "litigation", "reason": "抢案"}, 404, "case_not_found")

	moved := w.act("mediation", n, "transfer", map[string]any{"desk": "litigation", "reason": "调解不成，转诉前调解"}, 200)
	expectState(t, moved, "routed", "litigation", 4)

	// The old desk still reads the case it held, but no longer handles it.
	expectState(t, w.get("mediation", n), "routed", "litigation", 4)
	w.timeline("mediation", n)
	w.refuse("mediation", n, "accept", nil, 403, "forbidden")
	w.refuse("mediation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 403, "forbidden")
	w.refuse("mediation", n, "transfer", map[string]any{"desk": "petition", "reason": "再转"}, 403, "forbidden")

	expectState(t, w.act("litigation", n, "accept", nil, 200), "in_progress", "litigation", 5)
	w.refuse("mediation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 403, "forbidden")
	expectState(t, w.act("litigation", n, "close", map[string]any{"outcome": "司法确认", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕", "summary": "出具司法确认裁定"}, 200), "closed", "litigation", 6)

	events := w.timeline("litigation", n)
	if got, want := kinds(events), []string{"intake", "route", "accept", "transfer", "accept", "close"}; !slices.Equal(got, want) {
		t.Fatalf("timeline kinds %v, want %v", got, want)
	}
	if events[3]["desk"] != "mediation" || events[4]["desk"] != "litigation" {
		t.Fatalf("transfer by %v, accept by %v; want mediation then litigation", events[3]["desk"], events[4]["desk"])
	}
}

func TestJointHandlingLetsTheCoDeskNoteButOnlyTheHolderCloses(t *testing.T) {
	w, n := routedCase(t, newTestServer(t), "黄联调", idNumber("19900909", 45), "13933334444", "mediation")
	w.refuse("mediation", n, "invite", map[string]any{"desk": "litigation"}, 409, "invalid_transition")
	w.act("mediation", n, "accept", nil, 200)

	invited := w.act("mediation", n, "invite", map[string]any{"desk": "litigation", "note": "涉及工程款诉讼，请法院共同调处"}, 200)
	if got := strs(invited["co_desks"]); !slices.Equal(got, []string{"litigation"}) {
		t.Fatalf("co_desks %v, want [litigation]", got)
	}
	expectState(t, invited, "in_progress", "mediation", 4)
	for _, d := range []string{"litigation", "mediation"} {
		out := w.refuse("mediation", n, "invite", map[string]any{"desk": d}, 400, "")
		if errorField(out) != "desk" {
			t.Fatalf("invite %s again: %v, want field desk", d, out)
		}
	}

	// The co-desk reads and writes notes, but does not decide the case.
	if got := strs(w.get("litigation", n)["co_desks"]); !slices.Equal(got, []string{"litigation"}) {
		t.Fatalf("co-desk reads co_desks %v", got)
	}
	w.timeline("litigation", n)
	noted := w.act("litigation", n, "notes", map[string]any{"body": "已审查施工合同，建议按实际工作量结算", "visibility": "internal"}, 200)
	expectState(t, noted, "in_progress", "mediation", 5)
	w.refuse("litigation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 403, "forbidden")
	w.refuse("litigation", n, "transfer", map[string]any{"desk": "petition", "reason": "转信访"}, 403, "forbidden")
	w.refuse("litigation", n, "invite", map[string]any{"desk": "governance"}, 403, "forbidden")

	// A desk with no part in the case does not learn that it exists.
	for _, uninvolved := range []string{"governance", "petition"} {
		if status, out := w.call("GET", "/api/v1/cases/"+n, uninvolved, nil); status != 404 || errorCode(out) != "case_not_found" {
			t.Fatalf("GET by %s: %d %v, want 404 case_not_found", uninvolved, status, out)
		}
		if status, _ := w.call("GET", "/api/v1/cases/"+n+"/timeline", uninvolved, nil); status != 404 {
			t.Fatalf("timeline by %s: %d, want 404", uninvolved, status)
		}
		w.refuse(uninvolved, n, "notes", map[string]any{"body": "路过看看"}, 404, "case_not_found")
	}
	if status, _ := w.call("GET", "/api/v1/cases/"+n, "admin", nil); status != 404 {
		t.Fatalf("admin reads a case: %d, want 404", status)
	}

	closed := w.act("mediation", n, "close", map[string]any{"outcome": "联合调处成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕", "summary": "双方签订调解协议"}, 200)
	expectState(t, closed, "closed", "mediation", 6)

	events := w.timeline("mediation", n)
	if got, want := kinds(events), []string{"intake", "route", "accept", "invite", "note", "close"}; !slices.Equal(got, want) {
		t.Fatalf("timeline kinds %v, want %v", got, want)
	}
	if events[4]["desk"] != "litigation" || events[4]["actor"] != actorNames["litigation"] {
		t.Fatalf("co-desk note recorded as %v/%v, want litigation/%s", events[4]["desk"], events[4]["actor"], actorNames["litigation"])
	}
}

func TestTransferToTheCoDeskMakesItTheHolder(t *testing.T) {
	ts := newTestServer(t)
	w := watching(t, ts)
	n := w.acceptedCase("mediation")
	w.act("mediation", n, "invite", map[string]any{"desk": "litigation"}, 200)
	w.act("mediation", n, "invite", map[string]any{"desk": "governance"}, 200)
	moved := w.act("mediation", n, "transfer", map[string]any{"desk": "litigation", "reason": "转由法院主办"}, 200)
	expectState(t, moved, "routed", "litigation", 6)
	if got := strs(moved["co_desks"]); !slices.Equal(got, []string{"governance"}) {
		t.Fatalf("co_desks after transfer to a co-desk: %v, want [governance]", got)
	}
	w.act("litigation", n, "accept", nil, 200)
	w.refuse("governance", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 403, "forbidden")
	expectState(t, w.act("litigation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 200), "closed", "litigation", 8)
}

// race sends two actions with the same version at once and answers their
// statuses and error codes.
func race(t *testing.T, ts *testServer, number string, a, b raceAction) ([2]int, [2]string) {
	t.Helper()
	var statuses [2]int
	var codes [2]string
	var errs [2]error
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, act := range []raceAction{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			status, raw, _, err := ts.send("POST", "/api/v1/cases/"+number+"/"+act.action, act.user, act.body)
			statuses[i], errs[i] = status, err
			var out map[string]any
			_ = json.Unmarshal(raw, &out)
			codes[i] = errorCode(out)
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return statuses, codes
}

type raceAction struct {
	user, action string
	body         map[string]any
}

// oneWins fails unless exactly one of the two answers is 200 and the other
// 409 stale_version; it answers which one won.
func oneWins(t *testing.T, round int, statuses [2]int, codes [2]string) int {
	t.Helper()
	switch {
	case statuses[0] == 200 && statuses[1] == 409 && codes[1] == "stale_version":
		return 0
	case statuses[1] == 200 && statuses[0] == 409 && codes[0] == "stale_version":
		return 1
	}
	t.Fatalf("round %d: answers %v %v, want one 200 and one 409 stale_version", round, statuses, codes)
	return -1
}

func TestTwoNotesOnOneVersionOnlyOneLands(t *testing.T) {
	ts := newTestServer(t)
	w := watching(t, ts)
	n := w.acceptedCase("mediation")
	const rounds = 20
	for round := range rounds {
		version := num(w.get("mediation", n)["version"])
		statuses, codes := race(t, ts, n,
			raceAction{"mediation", "notes", map[string]any{"version": version, "body": fmt.Sprintf("第%d轮：调解员记录", round)}},
			raceAction{"intake", "notes", map[string]any{"version": version, "body": fmt.Sprintf("第%d轮：窗口记录", round)}})
		oneWins(t, round, statuses, codes)
		if got := num(w.get("leader", n)["version"]); got != version+1 {
			t.Fatalf("round %d: version %d after the race, want %d", round, got, version+1)
		}
	}
	events := w.timeline("leader", n)
	if len(events) != 3+rounds {
		t.Fatalf("timeline has %d events, want %d: one per winning note", len(events), 3+rounds)
	}
}

func TestAcceptRacingReturnOnOneVersionOnlyOneLands(t *testing.T) {
	ts := newTestServer(t)
	w := watching(t, ts)
	wins := [2]int{}
	for round := range 20 {
		n := w.intake(nil)["number"].(string)
		routed := w.act("intake", n, "route", map[string]any{"desk": "governance"}, 200)
		version := num(routed["version"])
		statuses, codes := race(t, ts, n,
			raceAction{"governance", "accept", map[string]any{"version": version}},
			raceAction{"governance", "return", map[string]any{"version": version, "reason": "不属本窗口职能"}})
		winner := oneWins(t, round, statuses, codes)
		wins[winner]++
		c := w.get("leader", n)
		want := []string{"in_progress", "registered"}[winner]
		if c["status"] != want || num(c["version"]) != version+1 {
			t.Fatalf("round %d: %v at version %v, want %s at %d", round, c["status"], c["version"], want, version+1)
		}
		if got := len(w.timeline("leader", n)); got != 3 {
			t.Fatalf("round %d: %d events, want 3 (intake, route, the winner)", round, got)
		}
	}
	t.Logf("accept won %d rounds, return won %d", wins[0], wins[1])
}

func TestStaleVersionIsRefusedAndLeavesNoTrace(t *testing.T) {
	ts := newTestServer(t)
	w := watching(t, ts)
	n := w.intake(nil)["number"].(string)
	w.act("intake", n, "route", map[string]any{"desk": "petition", "version": 1}, 200)
	w.refuse("intake", n, "notes", map[string]any{"body": "按旧版本记录", "version": 1}, 409, "stale_version")
	w.refuse("petition", n, "accept", map[string]any{"version": 1}, 409, "stale_version")
	expectState(t, w.get("leader", n), "routed", "petition", 2)
	if got := len(w.timeline("leader", n)); got != 2 {
		t.Fatalf("%d events after refused actions, want 2", got)
	}
	expectState(t, w.act("petition", n, "accept", map[string]any{"version": 2}, 200), "in_progress", "petition", 3)
}

func TestIdempotentIntakeReturnsTheFirstCase(t *testing.T) {
	ts := newTestServer(t)
	w := watching(t, ts, "11010519491231002X", "13800000000")
	body := sampleIntake()

	status, first, hdr := w.callRaw("POST", "/api/v1/cases", "intake", body, "Idempotency-Key", "receipt-0001")
	if status != 201 || hdr.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first intake: %d %v replayed=%q", status, first, hdr.Get("Idempotent-Replayed"))
	}
	status, again, hdr := w.callRaw("POST", "/api/v1/cases", "intake", body, "Idempotency-Key", "receipt-0001")
	if status != 201 || hdr.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retried intake: %d replayed=%q, want 201 true", status, hdr.Get("Idempotent-Replayed"))
	}
	if again["number"] != first["number"] || again["query_code"] != first["query_code"] || first["query_code"] == "" {
		t.Fatalf("retry answered %v/%v, first was %v/%v", again["number"], again["query_code"], first["number"], first["query_code"])
	}
	n := first["number"].(string)

	// Only one case was made: the next intake gets the very next number.
	next := w.intake(sampleIntake())["number"].(string)
	if caseSeq(t, next) != caseSeq(t, n)+1 {
		t.Fatalf("intake after a replay got %s, want the number after %s", next, n)
	}
	if got := kinds(w.timeline("leader", n)); !slices.Equal(got, []string{"intake"}) {
		t.Fatalf("replayed case timeline %v, want one intake", got)
	}

	changed := sampleIntake()
	changed["title"] = "拖欠工资纠纷（补充）"
	status, out := w.call("POST", "/api/v1/cases", "intake", changed, "Idempotency-Key", "receipt-0001")
	if status != 409 || errorCode(out) != "idempotency_key_reused" {
		t.Fatalf("same key, other body: %d %v, want 409 idempotency_key_reused", status, out)
	}

	// Keys belong to the user who sent them.
	status, other, hdr := w.callRaw("POST", "/api/v1/cases", "petition", body, "Idempotency-Key", "receipt-0001")
	if status != 201 || hdr.Get("Idempotent-Replayed") != "" {
		t.Fatalf("another user's intake with the same key: %d %v replayed=%q", status, other, hdr.Get("Idempotent-Replayed"))
	}
	if other["number"] == n || other["query_code"] == first["query_code"] {
		t.Fatalf("another user's key replayed the first case: %v", other)
	}
	if caseSeq(t, other["number"].(string)) != caseSeq(t, next)+1 {
		t.Fatalf("another user's intake got %v, want the number after %s", other["number"], next)
	}

	// A double click sends the same request twice at once: still one case.
	var numbers [2]string
	var codes [2]int
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, raw, _, err := ts.send("POST", "/api/v1/cases", "intake", body, "Idempotency-Key", "receipt-0002")
			var out map[string]any
			if err == nil {
				_ = json.Unmarshal(raw, &out)
			}
			codes[i], numbers[i], _ = status, fmt.Sprint(out["number"]), err
		}()
	}
	wg.Wait()
	if codes != [2]int{201, 201} || numbers[0] != numbers[1] {
		t.Fatalf("two intakes with one key at once: %v %v, want 201 twice with one number", codes, numbers)
	}
	if caseSeq(t, numbers[0]) != caseSeq(t, other["number"].(string))+1 {
		t.Fatalf("double click made %s, want the number after %v", numbers[0], other["number"])
	}

	// The replayed code is the real one: the citizen's receipt works.
	if status, _, _, _ := ts.send("GET", "/api/v1/public/status?number="+n+"&code="+again["query_code"].(string), "", nil); status != 200 {
		t.Fatalf("public status with the replayed code: %d", status)
	}
}

func warningCases(t *testing.T, answer map[string]any) []string {
	t.Helper()
	ws, ok := answer["warnings"].([]any)
	if !ok {
		t.Fatalf("intake answer has no warnings list: %v", answer)
	}
	if len(ws) == 0 {
		return nil
	}
	if len(ws) != 1 {
		t.Fatalf("warnings %v, want at most one", ws)
	}
	w := ws[0].(map[string]any)
	if w["code"] != "repeat_visitor" || w["message"] == "" {
		t.Fatalf("warning %v, want code repeat_visitor with a message", w)
	}
	return strs(w["cases"])
}

func expectRepeat(t *testing.T, answer map[string]any, repeat bool, cases ...string) {
	t.Helper()
	if got := warningCases(t, answer); !slices.Equal(got, cases) {
		t.Fatalf("%v warns about %v, want %v", answer["number"], got, cases)
	}
	if answer["repeat_visit"] != repeat {
		t.Fatalf("%v repeat_visit %v, want %v", answer["number"], answer["repeat_visit"], repeat)
	}
}

func TestRepeatVisitorIsWarnedWhileAnEarlierCaseIsOpen(t *testing.T) {
	ts := newTestServer(t)
	id := idNumber("19660412", 57)
	w := watching(t, ts, id, "13944445555")
	closeCase := func(n string) {
		t.Helper()
		w.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)
		w.act("mediation", n, "accept", nil, 200)
		w.act("mediation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕"}, 200)
	}

	first := w.intake(intakeFor("吴重访", id, "13944445555"))
	expectRepeat(t, first, false)
	a := first["number"].(string)

	// Same person by ID number, typed with a new phone: still the same visitor.
	second := w.intake(intakeFor("吴重访", id, "13944446666"))
	expectRepeat(t, second, true, a)
	b := second["number"].(string)
	if got := w.get("intake", b); got["repeat_visit"] != true {
		t.Fatalf("stored case %s repeat_visit %v, want true", b, got["repeat_visit"])
	}

	closeCase(a)
	third := w.intake(intakeFor("吴重访", id, ""))
	expectRepeat(t, third, true, b)

	closeCase(b)
	closeCase(third["number"].(string))
	fourth := w.intake(intakeFor("吴重访", id, ""))
	expectRepeat(t, fourth, false)

	// Without an ID number the phone still recognises the visitor.
	byPhone := w.intake(intakeFor("郑来电", "", "13955556666"))
	expectRepeat(t, byPhone, false)
	again := w.intake(intakeFor("郑来电", "", "139 5555 6666"))
	expectRepeat(t, again, true, byPhone["number"].(string))
}

// A person named as the other side of an open case has never come to the
// window; applying for the first time is no repeat visit, and counting it as
// one would inflate the repeat-visit rate the centre is judged on.
func TestRespondentApplyingForTheFirstTimeIsNoRepeatVisitor(t *testing.T) {
	ts := newTestServer(t)
	respondentID := idNumber("19700707", 61)
	w := watching(t, ts, respondentID, "13977778888")
	named := intakeFor("钱甲", "", "13966667777")
	named["parties"] = []map[string]any{
		{"role": "applicant", "name": "钱甲", "phone": "13966667777"},
		{"role": "respondent", "name": "孙乙", "id_number": respondentID, "phone": "13977778888"},
	}
	w.intake(named)
	expectRepeat(t, w.intake(intakeFor("孙乙", respondentID, "13977778888")), false)
}

func TestVisitsAreCountedAndOnTheTimeline(t *testing.T) {
	ts := newTestServer(t)
	w := watching(t, ts, "11010519491231002X", "13800000000")
	n := w.intake(nil)["number"].(string)
	w.act("intake", n, "route", map[string]any{"desk": "mediation"}, 200)

	v := w.act("intake", n, "visits", map[string]any{"note": "申请人再次来窗口询问进度"}, 200)
	if num(v["visits"]) != 1 || v["repeat_visit"] != true {
		t.Fatalf("after one visit: visits %v repeat_visit %v", v["visits"], v["repeat_visit"])
	}
	expectState(t, v, "routed", "mediation", 3)
	v = w.act("mediation", n, "visits", map[string]any{"note": "申请人到调解室反映被申请人仍未联系"}, 200)
	if num(v["visits"]) != 2 {
		t.Fatalf("after two visits: visits %v", v["visits"])
	}
	w.refuse("leader", n, "visits", map[string]any{"note": "主任接访"}, 403, "forbidden")
	w.refuse("petition", n, "visits", nil, 404, "case_not_found")
	if got := num(w.get("leader", n)["visits"]); got != 2 {
		t.Fatalf("stored visits %d, want 2", got)
	}

	events := w.timeline("intake", n)
	if got, want := kinds(events), []string{"intake", "route", "visit", "visit"}; !slices.Equal(got, want) {
		t.Fatalf("timeline kinds %v, want %v", got, want)
	}
	if events[2]["body"] != "申请人再次来窗口询问进度" || events[2]["actor"] != actorNames["intake"] ||
		events[3]["desk"] != "mediation" || events[3]["actor"] != actorNames["mediation"] {
		t.Fatalf("visit events: %v / %v", events[2], events[3])
	}
}

func TestTimelineTellsEveryStepWithItsDeskAndActor(t *testing.T) {
	ts := newTestServer(t)
	w := watching(t, ts, "11010519491231002X", "13800000000")
	n := w.intake(nil)["number"].(string)

	type step struct {
		user, action string
		body         map[string]any
		kind         string
		desk         string // the desk the event is recorded for
		visibility   string
		text         string // the event's body
	}
	steps := []step{
		{"leader", "route", map[string]any{"desk": "petition", "note": "主任批示先由信访受理"}, "route", "", "public", "主任批示先由信访受理"},
		{"petition", "return", map[string]any{"reason": "属劳动争议"}, "return", "petition", "public", "属劳动争议"},
		{"intake", "route", map[string]any{"desk": "mediation"}, "route", "", "public", ""},
		{"mediation", "accept", nil, "accept", "mediation", "public", ""},
		{"mediation", "invite", map[string]any{"desk": "litigation", "note": "请法院共同调处"}, "invite", "mediation", "public", "请法院共同调处"},
		{"litigation", "notes", map[string]any{"body": "合同约定不明，建议按工时结算", "visibility": "internal"}, "note", "litigation", "internal", "合同约定不明，建议按工时结算"},
		{"intake", "visits", map[string]any{"note": "申请人来窗口催办"}, "visit", "", "public", "申请人来窗口催办"},
		{"leader", "notes", map[string]any{"body": "请于本周内调结"}, "note", "", "internal", "请于本周内调结"},
		{"mediation", "transfer", map[string]any{"desk": "litigation", "reason": "调解不成转诉前调解"}, "transfer", "mediation", "public", "调解不成转诉前调解"},
		{"litigation", "accept", nil, "accept", "litigation", "public", ""},
		{"litigation", "notes", map[string]any{"body": "已安排周五开庭前调解", "visibility": "public"}, "note", "litigation", "public", "已安排周五开庭前调解"},
		{"litigation", "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕", "summary": "双方签订协议"}, "close", "litigation", "public", "双方签订协议"},
	}
	for i, s := range steps {
		out := w.act(s.user, n, s.action, s.body, 200)
		if num(out["version"]) != i+2 {
			t.Fatalf("step %d (%s): version %v, want %d", i, s.action, out["version"], i+2)
		}
		// A refused action in between appends nothing.
		w.refuse("governance", n, "notes", map[string]any{"body": "无关窗口"}, 404, "case_not_found")
	}

	// Every desk that took part reads the same whole story.
	var events []map[string]any
	for _, user := range []string{"leader", "intake", "petition", "mediation", "litigation"} {
		got := w.timeline(user, n)
		if events != nil && len(got) != len(events) {
			t.Fatalf("%s reads %d events, leader %d", user, len(got), len(events))
		}
		events = got
	}
	if len(events) != len(steps)+1 {
		t.Fatalf("%d events for %d actions and the intake: %v", len(events), len(steps), kinds(events))
	}
	intake := events[0]
	if intake["kind"] != "intake" || intake["desk"] != "" || intake["desk_name"] != deskNames[""] || intake["actor"] != actorNames["intake"] {
		t.Fatalf("intake event: %v", intake)
	}
	var lastSeq float64
	var lastAt time.Time
	for i, e := range events {
		seq, _ := e["seq"].(float64)
		at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(e["at"]))
		if seq <= lastSeq || err != nil || at.Before(lastAt) {
			t.Fatalf("event %d: seq %v at %v after seq %v at %v", i, e["seq"], e["at"], lastSeq, lastAt)
		}
		lastSeq, lastAt = seq, at
		if i == 0 {
			continue
		}
		s := steps[i-1]
		deskName := deskNames[s.desk]
		if s.user == "leader" {
			deskName = "中心领导" // leaders act for the centre, not the intake window
		}
		want := map[string]any{"kind": s.kind, "desk": s.desk, "desk_name": deskName,
			"actor": actorNames[s.user], "visibility": s.visibility, "body": s.text}
		if s.kind != "note" {
			// Only a note's visibility is chosen by staff; what other steps
			// carry is decided with the public view, tested in public_test.go.
			delete(want, "visibility")
			if v := e["visibility"]; v != "public" && v != "internal" {
				t.Errorf("event %d (%s): visibility %v", i, s.action, v)
			}
		}
		for k, v := range want {
			if e[k] != v {
				t.Errorf("event %d (%s by %s): %s = %v, want %v", i, s.action, s.user, k, e[k], v)
			}
		}
	}
}
