package views_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// permissionMatrix is docs/api.md's "who" column made executable: each row is one
// operation on a case freshly brought into the status named, each column the
// answer one role gets. Roles:
//
//	admin   manages accounts, sees no case
//	intake  窗口受理员
//	leader  reads everything, supervises
//	holder  handler of the holding desk (mediation); for a registered case,
//	        the desk that returned it
//	other   handler of a desk that never touched the case (governance)
//	co      handler of a co-desk invited for joint handling (petition)
//
// Every case is registered by the intake officer, routed to litigation, which
// accepts it, invites petition (who writes a note) and transfers it to
// mediation; from there it is accepted, returned or closed as the status
// needs. 404 is case_not_found (may not see it), 403 forbidden (sees it, may
// not do this), 409 invalid_transition (may do this, but not in this status).
// Permission is checked before status, so a role that may never act gets 403
// even in the wrong status.
const permissionMatrix = `
op        status        admin  intake  leader  holder  other  co
intake    -             403    201     201     201     201    201
get       registered    404    200     200     200     404    200
get       in_progress   404    200     200     200     404    200
get       closed        404    200     200     200     404    200
timeline  in_progress   404    200     200     200     404    200
route     registered    404    200     200     403     404    403
accept    routed        404    403     403     200     404    403
return    routed        404    403     403     200     404    403
transfer  routed        404    403     403     200     404    403
transfer  in_progress   404    403     403     200     404    403
invite    in_progress   404    403     403     200     404    403
notes     registered    404    200     200     200     404    200
notes     routed        404    200     200     200     404    200
notes     in_progress   404    200     200     200     404    200
notes     closed        404    200     200     200     404    200
visits    routed        404    200     403     200     404    200
visits    in_progress   404    200     403     200     404    200
visits    closed        404    200     403     200     404    200
close     in_progress   404    403     403     200     404    403
# may act, but not in this status
route     routed        404    409     409     403     404    403
route     in_progress   404    409     409     403     404    403
accept    in_progress   404    403     403     409     404    403
accept    closed        404    403     403     409     404    403
return    in_progress   404    403     403     409     404    403
transfer  closed        404    403     403     409     404    403
invite    routed        404    403     403     409     404    403
invite    closed        404    403     403     409     404    403
close     routed        404    403     403     409     404    403
close     closed        404    403     403     409     404    403
# accounts and desks: admin only
users     -             201    403     403     403     403    403
desks     -             201    403     403     403     403    403
`

// permUsers maps the matrix's role columns to the harness's signed-in users.
var permUsers = map[string]string{
	"admin": "admin", "intake": "intake", "leader": "leader",
	"holder": "mediation", "other": "governance", "co": "petition",
}

// permBodies is a valid body for each action, so that a cell fails only for
// want of permission or the right status.
var permBodies = map[string]map[string]any{
	"route":    {"desk": "litigation", "note": "涉诉事项，分流至诉讼服务窗口"},
	"accept":   {},
	"return":   {"reason": "不属于本窗口受理范围"},
	"transfer": {"desk": "litigation", "reason": "当事人坚持起诉，移交诉讼服务"},
	"invite":   {"desk": "litigation", "note": "请诉讼服务窗口派员参与联合调处"},
	"notes":    {"body": "已电话联系被申请人，约定周五到场", "visibility": "internal"},
	"visits":   {"note": "申请人再次来访询问进度"},
	"close":    {"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕", "summary": "双方达成调解协议，当场履行"},
}

var permErrorCodes = map[int]string{403: "forbidden", 404: "case_not_found", 409: "invalid_transition"}

// caseHeldByMediation registers a case and walks it to status: held by
// mediation, co-handled by petition, held before by litigation, never seen by
// governance. A "registered" case is one mediation returned to the window.
func (ts *testServer) caseHeldByMediation(status string) string {
	ts.t.Helper()
	n := ts.intake(nil)["number"].(string)
	ts.act("intake", n, "route", map[string]any{"desk": "litigation"}, 200)
	ts.act("litigation", n, "accept", nil, 200)
	ts.act("litigation", n, "invite", map[string]any{"desk": "petition", "note": "涉及信访事项"}, 200)
	ts.act("petition", n, "notes", map[string]any{"body": "信访窗口已查阅既往信访记录"}, 200)
	out := ts.act("litigation", n, "transfer", map[string]any{"desk": "mediation", "reason": "先行诉前调解"}, 200)
	if out["status"] != "routed" || out["desk"] != "mediation" || !hasString(out["co_desks"], "petition") {
		ts.t.Fatalf("setup: want routed at mediation with petition co-handling, got %v", out)
	}
	switch status {
	case "routed":
	case "registered":
		ts.act("mediation", n, "return", map[string]any{"reason": "请窗口补充材料后重新分流"}, 200)
	case "in_progress":
		ts.act("mediation", n, "accept", nil, 200)
	case "closed":
		ts.act("mediation", n, "accept", nil, 200)
		ts.act("mediation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕", "summary": "已履行"}, 200)
	default:
		ts.t.Fatalf("setup: unknown status %q", status)
	}
	if got := ts.caseAsLeader(n)["status"]; got != status {
		ts.t.Fatalf("setup: case is %v, want %s", got, status)
	}
	return n
}

// caseAsLeader reads a case as the leader, who sees everything.
func (ts *testServer) caseAsLeader(n string) map[string]any {
	ts.t.Helper()
	status, out := ts.call("GET", "/api/v1/cases/"+n, "leader", nil)
	if status != 200 {
		ts.t.Fatalf("GET %s as leader: %d %v", n, status, out)
	}
	return out
}

func hasString(list any, s string) bool {
	items, _ := list.([]any)
	for _, x := range items {
		if x == s {
			return true
		}
	}
	return false
}

// permCell is one cell of a matrix: the operation (first column) in a
// status or scene (second column) by a role (header), and the answer wanted.
type permCell struct {
	op, status, role string
	want             int
}

// eachCell runs check on every cell as a subtest, ts reporting to it, with
// the signed-in user of the cell's column.
func eachCell(t *testing.T, ts *testServer, cells []permCell, users map[string]string, check func(t *testing.T, cell permCell, user string)) {
	parent := t
	for _, cell := range cells {
		t.Run(cell.op+"/"+cell.status+"/"+cell.role, func(t *testing.T) {
			ts.t = t
			defer func() { ts.t = parent }()
			user, ok := users[cell.role]
			if !ok {
				t.Fatalf("unknown column %q", cell.role)
			}
			check(t, cell, user)
		})
	}
}

// parseMatrix reads a matrix (permissionMatrix, relationMatrix): a header
// line, then one row per operation; blank lines and # comments left out.
func parseMatrix(t *testing.T, matrix string) []permCell {
	t.Helper()
	var header []string
	var cells []permCell
	for _, line := range strings.Split(matrix, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if header == nil {
			header = f
			continue
		}
		if len(f) != len(header) {
			t.Fatalf("matrix row %q has %d columns, header has %d", line, len(f), len(header))
		}
		for i := 2; i < len(f); i++ {
			want, err := strconv.Atoi(f[i])
			if err != nil {
				t.Fatalf("matrix row %q: %v", line, err)
			}
			cells = append(cells, permCell{op: f[0], status: f[1], role: header[i], want: want})
		}
	}
	return cells
}

func TestPermissionMatrixEveryRoleTimesEveryAction(t *testing.T) {
	ts := newTestServer(t)
	eachCell(t, ts, parseMatrix(t, permissionMatrix), permUsers, func(t *testing.T, cell permCell, user string) {
		var n string
		var before map[string]any
		if cell.status != "-" {
			n = ts.caseHeldByMediation(cell.status)
			before = ts.caseAsLeader(n)
		}
		var status int
		var out map[string]any
		switch cell.op {
		case "intake":
			status, out = ts.call("POST", "/api/v1/cases", user, sampleIntake())
		case "get":
			status, out = ts.call("GET", "/api/v1/cases/"+n, user, nil)
		case "timeline":
			status, out = ts.call("GET", "/api/v1/cases/"+n+"/timeline", user, nil)
		case "users":
			status, out = ts.call("POST", "/api/v1/users", user, map[string]any{
				"username": "new_" + cell.role, "password": "password-new", "role": "intake", "name": "新受理员"})
		case "desks":
			status, out = ts.call("POST", "/api/v1/desks", user, map[string]any{"code": "arb_" + cell.role, "name": "劳动仲裁"})
		default:
			body, ok := permBodies[cell.op]
			if !ok {
				t.Fatalf("unknown operation %q", cell.op)
			}
			status, out = ts.call("POST", "/api/v1/cases/"+n+"/"+cell.op, user, body)
		}
		if status != cell.want {
			t.Fatalf("%s on a %s case by %s (%s): got %d %v, want %d", cell.op, cell.status, cell.role, user, status, out, cell.want)
		}
		if status >= 400 {
			wantCode := permErrorCodes[status]
			if status == 403 || cell.status == "-" {
				wantCode = "forbidden"
			}
			if got := errorCode(out); got != wantCode {
				t.Fatalf("error code %q, want %q (%v)", got, wantCode, out)
			}
			if n != "" {
				after := ts.caseAsLeader(n)
				if after["version"] != before["version"] || after["status"] != before["status"] {
					t.Fatalf("a refused %s changed the case: version %v → %v, status %v → %v",
						cell.op, before["version"], after["version"], before["status"], after["status"])
				}
			}
			return
		}
		checkPermittedAnswer(t, ts, cell, n, out)
	})
}

// checkPermittedAnswer asserts that an allowed cell did what it says, so a
// 200 that changed nothing cannot pass.
func checkPermittedAnswer(t *testing.T, ts *testServer, cell permCell, n string, out map[string]any) {
	t.Helper()
	wantStatus := map[string]string{"route": "routed", "accept": "in_progress", "return": "registered",
		"transfer": "routed", "invite": "in_progress", "close": "closed"}
	switch cell.op {
	case "intake":
		if !strings.HasPrefix(fmt.Sprint(out["number"]), "YD-") || out["status"] != "registered" {
			t.Fatalf("intake answer %v", out)
		}
	case "timeline":
		events, _ := out["events"].([]any)
		if len(events) < 6 {
			t.Fatalf("timeline has %d events, want at least 6: %v", len(events), out)
		}
	case "get":
		if out["number"] != n {
			t.Fatalf("GET answered %v, want case %s", out["number"], n)
		}
	case "users":
		if out["username"] != "new_"+cell.role {
			t.Fatalf("user answer %v", out)
		}
		status, _ := ts.call("POST", "/api/v1/auth/token", "", map[string]string{"username": "new_" + cell.role, "password": "password-new"})
		if status != 200 {
			t.Fatalf("new user cannot sign in: %d", status)
		}
	case "desks":
		if out["code"] != "arb_"+cell.role {
			t.Fatalf("desk answer %v", out)
		}
	default:
		if out["number"] != n {
			t.Fatalf("%s answered case %v, want %s", cell.op, out["number"], n)
		}
		if want, ok := wantStatus[cell.op]; ok && out["status"] != want {
			t.Fatalf("%s left the case %v, want %s", cell.op, out["status"], want)
		}
		switch cell.op {
		case "route", "transfer":
			if out["desk"] != "litigation" {
				t.Fatalf("%s: desk %v, want litigation", cell.op, out["desk"])
			}
		case "invite":
			if !hasString(out["co_desks"], "litigation") {
				t.Fatalf("invite: co_desks %v lack litigation", out["co_desks"])
			}
		}
		_, tl := ts.call("GET", "/api/v1/cases/"+n+"/timeline", "leader", nil)
		events, _ := tl["events"].([]any)
		last, _ := events[len(events)-1].(map[string]any)
		wantKind := map[string]string{"notes": "note", "visits": "visit"}[cell.op]
		if wantKind == "" {
			wantKind = cell.op
		}
		if last["kind"] != wantKind {
			t.Fatalf("%s appended a %v event, want %s", cell.op, last["kind"], wantKind)
		}
	}
}

func TestRefusedAccountAndDeskRequestsCreateNothing(t *testing.T) {
	ts := newTestServer(t)
	for _, user := range []string{"intake", "leader", "mediation"} {
		status, out := ts.call("POST", "/api/v1/users", user, map[string]any{
			"username": "sneaky_" + user, "password": "password-sneaky", "role": "admin"})
		if status != 403 || errorCode(out) != "forbidden" {
			t.Fatalf("POST /users by %s: %d %v, want 403 forbidden", user, status, out)
		}
		status, _ = ts.call("POST", "/api/v1/auth/token", "", map[string]string{"username": "sneaky_" + user, "password": "password-sneaky"})
		if status != 401 {
			t.Fatalf("a user refused to %s can still sign in: %d", user, status)
		}
		status, out = ts.call("POST", "/api/v1/desks", user, map[string]any{"code": "sneaky_" + user, "name": "私设窗口"})
		if status != 403 || errorCode(out) != "forbidden" {
			t.Fatalf("POST /desks by %s: %d %v, want 403 forbidden", user, status, out)
		}
	}
	_, meta := ts.call("GET", "/api/v1/meta", "", nil)
	for _, d := range meta["desks"].([]any) {
		if code := d.(map[string]any)["code"].(string); strings.HasPrefix(code, "sneaky_") {
			t.Fatalf("refused desk %s was stored", code)
		}
	}
}

func TestDeskAddedByAdminCanReceiveAndHandleCases(t *testing.T) {
	ts := newTestServer(t)
	status, out := ts.call("POST", "/api/v1/desks", "admin", map[string]any{"code": "labor_arbitration", "name": "劳动仲裁"})
	if status != 201 {
		t.Fatalf("add desk: %d %v", status, out)
	}
	_, meta := ts.call("GET", "/api/v1/meta", "", nil)
	listed := false
	for _, d := range meta["desks"].([]any) {
		listed = listed || d.(map[string]any)["code"] == "labor_arbitration"
	}
	if !listed {
		t.Fatalf("meta does not list the new desk: %v", meta["desks"])
	}
	status, out = ts.call("POST", "/api/v1/desks", "admin", map[string]any{"code": "labor_arbitration", "name": "劳动仲裁"})
	if status != 409 || errorCode(out) != "desk_exists" {
		t.Fatalf("adding the desk twice: %d %v, want 409 desk_exists", status, out)
	}
	status, out = ts.call("POST", "/api/v1/users", "admin", map[string]any{
		"username": "arbitrator", "password": "password-arbitrator", "role": "handler", "desk": "labor_arbitration", "name": "钱仲裁"})
	if status != 201 {
		t.Fatalf("add handler of the new desk: %d %v", status, out)
	}
	status, out = ts.call("POST", "/api/v1/auth/token", "", map[string]string{"username": "arbitrator", "password": "password-arbitrator"})
	if status != 200 {
		t.Fatalf("sign in: %d %v", status, out)
	}
	ts.tokens["arbitrator"] = out["token"].(string)

	n := ts.intake(nil)["number"].(string)
	if status, _ := ts.call("GET", "/api/v1/cases/"+n, "arbitrator", nil); status != 404 {
		t.Fatalf("the new desk sees a case it does not hold: %d", status)
	}
	out = ts.act("intake", n, "route", map[string]any{"desk": "labor_arbitration", "note": "劳动争议，先行仲裁调解"}, 200)
	if out["desk"] != "labor_arbitration" || out["status"] != "routed" {
		t.Fatalf("routed to the new desk: %v", out)
	}
	ts.act("mediation", n, "accept", nil, 404)
	ts.act("arbitrator", n, "accept", nil, 200)
	ts.act("arbitrator", n, "invite", map[string]any{"desk": "mediation"}, 200)
	out = ts.act("arbitrator", n, "close", map[string]any{"outcome": "仲裁调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕", "summary": "用人单位当场支付"}, 200)
	if out["status"] != "closed" {
		t.Fatalf("close: %v", out)
	}
	_, tl := ts.call("GET", "/api/v1/cases/"+n+"/timeline", "leader", nil)
	for _, e := range tl["events"].([]any) {
		ev := e.(map[string]any)
		if ev["kind"] == "accept" && (ev["desk"] != "labor_arbitration" || ev["desk_name"] != "劳动仲裁") {
			t.Fatalf("accept event desk %v %v, want labor_arbitration 劳动仲裁", ev["desk"], ev["desk_name"])
		}
	}
}
