package views_test

import (
	"context"
	"testing"
	"time"

	"yidi/cases"
	"yidi/views"
)

// The permission matrix by relation: every action cases.Actions() lists
// (a new action fails TestEveryActionTimesEveryRelation until it has a row)
// taken by every role and relation to the case. The expectations are
// written out from docs/api.md (the read rule and the actions' "who"
// column), not computed by the code under test.
//
// Every scene but "submitted" and "declined" is a case registered by
// registrar, an intake officer since moved to the arbitration desk (the read
// rule's "or that they registered": no event of the case names that desk),
// routed by the window to litigation, which accepts it, invites petition
// and transfers it to mediation. Columns:
//
//	holder   handler of mediation, the holding desk (for "returned": the desk that returned it)
//	co       handler of petition, invited for joint handling (it never wrote
//	         in the case, so once a return clears the co-desks it no longer sees it)
//	past     handler of litigation, which held it before (also the court desk)
//	creator  handler of arbitration who registered it at the window
//	other    handler of governance, which never touched it
//	intake   窗口受理员 who did not register it
//	leader   reads everything, supervises
//	admin    manages accounts, sees no case
//
// 200: done; 403 forbidden (sees it, may not do it); 404 case_not_found (may
// not see it); 409: may do it, but not to this case (wrong status, no
// running court referral). Permission is checked before status.
const relationMatrix = `
action          scene         holder  co   past  creator  other  intake  leader  admin
route           returned      403     404  403   403      404    200     200     404
accept          routed        200     403  403   403      404    403     403     404
return          routed        200     403  403   403      404    403     403     404
transfer        in_progress   200     403  403   403      404    403     403     404
invite          in_progress   200     403  403   403      404    403     403     404
notes           in_progress   200     200  200   200      404    200     200     404
visits          in_progress   200     200  200   200      404    200     403     404
close           in_progress   200     403  403   403      404    403     403     404
extend          in_progress   403     403  403   403      404    403     200     404
suspend         in_progress   200     403  403   403      404    403     403     404
resume          suspended     200     403  403   403      404    403     403     404
escalate        in_progress   403     403  403   403      404    403     200     404
respond         escalated     200     403  403   403      404    403     403     404
reopen          closed        200     403  403   403      404    403     200     404
extend_referral in_progress   409     403  403   403      404    403     403     404
court_document  closed        409     403  409   403      404    403     403     404
register        submitted     404     404  404   404      404    200     200     404
decline         submitted     404     404  404   404      404    200     200     404
reissue_code    in_progress   200     403  403   403      404    200     200     404
# not in this status
reopen          declined      404     404  404   404      404    403     409     404
accept          in_progress   409     403  403   403      404    403     403     404
`

// relationUsers maps the columns to signed-in users.
var relationUsers = map[string]string{
	"holder": "mediation", "co": "petition", "past": "litigation", "creator": "registrar",
	"other": "governance", "intake": "intake", "leader": "leader", "admin": "admin",
}

// relationBodies is a valid body for each action, so that a cell fails only
// for want of permission or the right status.
func relationBodies() map[string]map[string]any {
	today := time.Now().Format("2006-01-02")
	soon := time.Now().AddDate(0, 0, 5).Format("2006-01-02")
	return map[string]map[string]any{
		"route":           {"desk": "mediation", "note": "补充材料后重新分流"},
		"accept":          {},
		"return":          {"reason": "不属于本窗口受理范围"},
		"transfer":        {"desk": "litigation", "reason": "当事人坚持起诉，移交诉讼服务"},
		"invite":          {"desk": "governance", "note": "请综治窗口派员参与联合调处"},
		"notes":           {"body": "已电话联系被申请人，约定周五到场"},
		"visits":          {"note": "申请人再次来访询问进度"},
		"close":           {"outcome": "调解成功", "closure_type": "resolved", "no_agreement_reason": "当场履行完毕", "summary": "已履行"},
		"extend":          {"days": 1, "reason": "需等待鉴定结论"},
		"suspend":         {"reason": "等待伤残鉴定"},
		"resume":          {},
		"escalate":        {"level": "yellow", "respond_by": soon, "note": "请尽快答复"},
		"respond":         {"body": "已约定本周内组织调解"},
		"reopen":          {"reason": "当事人反映协议未履行"},
		"extend_referral": {"consents": []string{"张三", "某某建筑公司"}, "due_on": soon, "reason": "双方同意延长"},
		"court_document":  {"document_no": "（2026）浙0000民调1号", "document_on": today},
		"register":        {},
		"decline":         {"reason": "不属于本中心受理范围"},
		"reissue_code":    {},
	}
}

// relationWant is what a permitted action leaves the case as (status, and
// where it matters the desk), so a 200 that changed nothing cannot pass.
var relationWant = map[string]string{
	"route": "routed", "accept": "in_progress", "return": "registered", "transfer": "routed",
	"close": "closed", "suspend": "suspended", "resume": "in_progress", "reopen": "in_progress",
	"register": "registered", "decline": "declined",
}

// newRelationServer is a test server with the arbitration desk and its
// registrar, taking as many online applications as the scenes need.
func newRelationServer(t *testing.T) *testServer {
	ts := newTestServer(t, views.Options{Applications: 10000, ApplicationWindow: time.Hour})
	ts.addRelationUsers()
	return ts
}

// addRelationUsers adds the arbitration desk and registrar, its handler.
func (ts *testServer) addRelationUsers() {
	ts.t.Helper()
	if status, out := ts.call("POST", "/api/v1/desks", "admin", map[string]any{"code": "arbitration", "name": "劳动仲裁"}); status != 201 {
		ts.t.Fatalf("add desk: %d %v", status, out)
	}
	u := cases.UserInput{Username: "registrar", Password: "password-registrar", Role: cases.RoleHandler, Desk: "arbitration", Name: "钱仲裁"}
	if _, err := ts.svc.CreateUser(context.Background(), cases.SystemActor, u); err != nil {
		ts.t.Fatal(err)
	}
	ts.signIn("registrar")
}

// registrarIntake registers body as registrar back at the window (an
// intake officer), then moves registrar to the arbitration desk again, as
// an admin does on the users page (which ends the account's tokens).
func (ts *testServer) registrarIntake(body map[string]any) string {
	ts.t.Helper()
	ts.moveUser("registrar", cases.RoleIntake, "")
	status, out := ts.call("POST", "/api/v1/cases", "registrar", body)
	if status != 201 {
		ts.t.Fatalf("intake by registrar: %d %v", status, out)
	}
	ts.moveUser("registrar", cases.RoleHandler, "arbitration")
	return out["number"].(string)
}

// moveUser gives username another role and desk and signs in again.
func (ts *testServer) moveUser(username string, role cases.Role, desk string) {
	ts.t.Helper()
	admin, user := ts.actor("admin"), ts.actor(username)
	if err := ts.svc.UpdateUser(context.Background(), admin, user.UserID, cases.UserUpdate{Role: role, Desk: desk}); err != nil {
		ts.t.Fatal(err)
	}
	ts.signIn(username)
}

// relationCase builds a case in scene (see relationMatrix); tag is put in
// its title so that search can find exactly this case.
func (ts *testServer) relationCase(scene, tag string) string {
	ts.t.Helper()
	if scene == "submitted" || scene == "declined" {
		app := application()
		app["summary"] = app["summary"].(string) + " " + tag
		status, rec := ts.call("POST", "/api/v1/public/applications", "", app)
		if status != 201 {
			ts.t.Fatalf("application: %d %v", status, rec)
		}
		n := rec["number"].(string)
		if scene == "declined" {
			ts.act("intake", n, "decline", map[string]any{"reason": "不属于本中心受理范围"}, 200)
		}
		return n
	}
	body := sampleIntake()
	body["title"] = "拖欠工资纠纷 " + tag
	n := ts.registrarIntake(body)
	if scene == "registered" {
		return n
	}
	ts.act("intake", n, "route", map[string]any{"desk": "litigation"}, 200)
	ts.act("litigation", n, "accept", nil, 200)
	ts.act("litigation", n, "invite", map[string]any{"desk": "petition", "note": "涉及信访事项"}, 200)
	ts.act("litigation", n, "transfer", map[string]any{"desk": "mediation", "reason": "先行诉前调解"}, 200)
	switch scene {
	case "routed":
	case "returned":
		ts.act("mediation", n, "return", map[string]any{"reason": "请窗口补充材料后重新分流"}, 200)
	case "in_progress", "suspended", "escalated", "closed":
		ts.act("mediation", n, "accept", nil, 200)
		switch scene {
		case "suspended":
			ts.act("mediation", n, "suspend", map[string]any{"reason": "等待鉴定"}, 200)
		case "escalated":
			ts.act("leader", n, "escalate", relationBodies()["escalate"], 200)
		case "closed":
			ts.act("mediation", n, "close", relationBodies()["close"], 200)
		}
	default:
		ts.t.Fatalf("setup: unknown scene %q", scene)
	}
	return n
}

func TestEveryActionTimesEveryRelation(t *testing.T) {
	cells := parseMatrix(t, relationMatrix)
	covered := map[string]bool{}
	for _, c := range cells {
		covered[c.op] = true
	}
	bodies := relationBodies()
	for _, a := range cases.Actions() {
		if !covered[a.Name] {
			t.Errorf("action %q (who: %s) has no row in relationMatrix", a.Name, a.Who)
		}
		if _, ok := bodies[a.Name]; !ok {
			t.Errorf("action %q has no body in relationBodies", a.Name)
		}
	}
	ts := newRelationServer(t)
	eachCell(t, ts, cells, relationUsers, func(t *testing.T, cell permCell, user string) {
		n := ts.relationCase(cell.status, "")
		before := ts.caseAsLeader(n)
		status, out := ts.call("POST", "/api/v1/cases/"+n+"/"+cell.op, user, bodies[cell.op])
		if status != cell.want {
			t.Fatalf("%s on a %s case by %s (%s): got %d %s, want %d", cell.op, cell.status, cell.role, user, status, errorCode(out), cell.want)
		}
		after := ts.caseAsLeader(n)
		if status >= 400 {
			want := map[int]string{403: "forbidden", 404: "case_not_found"}[status]
			if got := errorCode(out); want != "" && got != want {
				t.Fatalf("error code %q, want %q (%v)", got, want, out)
			}
			if after["version"] != before["version"] || after["status"] != before["status"] {
				t.Fatalf("a refused %s changed the case: %v → %v", cell.op, before, after)
			}
			return
		}
		if after["version"] == before["version"] {
			t.Fatalf("%s answered %d but the case did not change", cell.op, status)
		}
		if want, ok := relationWant[cell.op]; ok && after["status"] != want {
			t.Fatalf("%s left the case %v, want %s", cell.op, after["status"], want)
		}
	})
}
