package views_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// wageMeeting registers the wage case at the mediation desk on 2026-03-02
// and has the leader convene a 会商 on it for 2026-03-03 09:30; it answers
// the case number and the meeting id.
func (ts *testServer) wageMeeting() (string, int64) {
	ts.t.Helper()
	ts.at("2026-03-02", "09:00")
	n, _ := ts.mediationCase()
	m := ts.post("leader", "/api/v1/meetings", map[string]any{
		"cases": []string{n}, "starts_at": "2026-03-03T09:30", "place": "中心三楼会商室",
		"invited_desks": []string{"mediation", "governance", "petition"}, "invited_users": []string{"litigation"},
		"agenda": "城关镇安置房工地拖欠工资：核实工程款拨付，研究垫付方案"}, 201)
	return n, int64(m["id"].(float64))
}

// countKind counts the events of kind in the case's timeline (as the leader).
func (ts *testServer) countKind(n, kind string) int {
	ts.t.Helper()
	k := 0
	for _, x := range ts.timelineKinds(n) {
		if x == kind {
			k++
		}
	}
	return k
}

func TestMeetingWithTwoTasksOneDoneOneOverdue(t *testing.T) {
	ts := newTestServer(t)
	n, id := ts.wageMeeting()
	base := fmt.Sprintf("/api/v1/meetings/%d", id)

	// Convening is one event on the case; the invited desks now read it.
	if got := ts.countKind(n, "meeting_convened"); got != 1 {
		t.Fatalf("meeting_convened events: %d", got)
	}
	if status, _ := ts.call("GET", "/api/v1/cases/"+n, "governance", nil); status != 200 {
		t.Fatalf("governance, invited, reads the case: %d", status)
	}
	_, m := ts.call("GET", base, "governance", nil)
	if m["status"] != "scheduled" || m["place"] != "中心三楼会商室" || len(m["cases"].([]any)) != 1 {
		t.Fatalf("meeting %v", m)
	}
	if status, _ := ts.call("GET", base, "intake", nil); status != 404 {
		t.Fatalf("intake, not invited, reads the meeting: %d", status)
	}

	// Minutes before the meeting starts are refused.
	ts.at("2026-03-03", "09:20")
	ts.post("leader", base+"/minutes", map[string]any{"text": "x"}, 409)

	// Sign-in: oneself, or a leader for others; no one else for others.
	ts.at("2026-03-03", "09:35")
	ts.post("governance", base+"/attendance", nil, 200)
	ts.post("petition", base+"/attendance", map[string]any{"usernames": []string{"mediation"}}, 403)
	m = ts.post("leader", base+"/attendance", map[string]any{"usernames": []string{"leader", "mediation", "governance"}}, 200)
	if got := len(m["attendance"].([]any)); got != 3 {
		t.Fatalf("attendance %v", m["attendance"])
	}
	ts.post("governance", base+"/attendance", nil, 409)

	// Bad decisions name their field, and nothing is stored.
	good := func() []map[string]any {
		return []map[string]any{
			{"owner_desk": "governance", "content": "协调住建部门核实工程款拨付情况", "due_on": "2026-03-10"},
			{"owner_desk": "mediation", "content": "组织劳资双方再次调解，明确垫付方案", "due_on": "2026-03-06"},
		}
	}
	for _, bad := range []struct {
		field string
		edit  func(d []map[string]any)
	}{
		{"decisions[1].due_on", func(d []map[string]any) { d[1]["due_on"] = "2026-03-01" }},
		{"decisions[1].due_on", func(d []map[string]any) { d[1]["due_on"] = "3月6日" }},
		{"decisions[0].owner_desk", func(d []map[string]any) { d[0]["owner_desk"] = "nosuchdesk" }},
		{"decisions[1].content", func(d []map[string]any) { d[1]["content"] = "  " }},
	} {
		d := good()
		bad.edit(d)
		status, out := ts.call("POST", base+"/minutes", "leader", map[string]any{"text": "会商纪要", "decisions": d})
		if status != 400 || errorField(out) != bad.field {
			t.Fatalf("%s: %d %v", bad.field, status, out)
		}
	}
	ts.post("mediation", base+"/minutes", map[string]any{"text": "会商纪要", "decisions": good()}, 403)
	if _, m = ts.call("GET", base, "leader", nil); m["status"] != "scheduled" || len(m["tasks"].([]any)) != 0 {
		t.Fatalf("refused minutes stored something: %v", m)
	}
	if got := ts.countKind(n, "meeting_minutes"); got != 0 {
		t.Fatalf("refused minutes wrote %d events", got)
	}

	m = ts.post("leader", base+"/minutes", map[string]any{
		"text": "经会商，住建部门核实工程款拨付，调解窗口组织再次调解。", "decisions": good()}, 200)
	if m["status"] != "held" || len(m["tasks"].([]any)) != 2 {
		t.Fatalf("minutes %v", m)
	}
	ts.post("leader", base+"/minutes", map[string]any{"text": "again"}, 409)
	tasks := m["tasks"].([]any)
	taskID := func(desk string) int64 {
		for _, x := range tasks {
			if x.(map[string]any)["owner_desk"] == desk {
				return int64(x.(map[string]any)["id"].(float64))
			}
		}
		t.Fatalf("no task of %s", desk)
		return 0
	}
	gov, med := taskID("governance"), taskID("mediation")

	// Each desk sees its own tasks; a leader every one.
	_, out := ts.call("GET", "/api/v1/tasks", "governance", nil)
	if got := len(out["tasks"].([]any)); got != 1 {
		t.Fatalf("governance tasks %v", out)
	}
	ts.call("GET", "/api/v1/tasks?desk=mediation", "governance", nil)
	if status, _ := ts.call("GET", "/api/v1/tasks?desk=mediation", "governance", nil); status != 403 {
		t.Fatalf("a desk reads another's tasks: %d", status)
	}
	if status, out := ts.call("GET", "/api/v1/tasks?overdue=maybe", "leader", nil); status != 400 || errorField(out) != "overdue" {
		t.Fatalf("overdue=maybe: %d %v", status, out)
	}

	// The governance desk reports its task done; only it may.
	ts.at("2026-03-05", "16:00")
	ts.post("mediation", fmt.Sprintf("/api/v1/tasks/%d/done", gov), map[string]any{"report": "x"}, 404)
	status, out := ts.call("POST", fmt.Sprintf("/api/v1/tasks/%d/done", gov), "governance", map[string]any{"report": " "})
	if status != 400 || errorField(out) != "report" {
		t.Fatalf("empty report: %d %v", status, out)
	}
	done := ts.post("governance", fmt.Sprintf("/api/v1/tasks/%d/done", gov), map[string]any{"report": "已核实：工程款已拨付至总包单位。"}, 200)
	if done["status"] != "done" || done["overdue"] != false {
		t.Fatalf("done %v", done)
	}
	ts.post("governance", fmt.Sprintf("/api/v1/tasks/%d/done", gov), map[string]any{"report": "again"}, 409)

	// The mediation desk's task runs past its day: the sweep warns once,
	// telling the owner desk, and the task shows as overdue.
	ctx := context.Background()
	if _, err := ts.svc.SweepWarnings(ctx, time.Date(2026, 3, 7, 0, 0, 1, 0, cst)); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.svc.SweepWarnings(ctx, time.Date(2026, 3, 7, 9, 0, 0, 0, cst)); err != nil {
		t.Fatal(err)
	}
	ts.at("2026-03-07", "09:00")
	_, tl := ts.call("GET", "/api/v1/cases/"+n+"/timeline", "leader", nil)
	var taskWarnings []string
	for _, e := range tl["events"].([]any) {
		ev := e.(map[string]any)
		if ev["kind"] == "warning" && strings.Contains(ev["body"].(string), "交办") {
			taskWarnings = append(taskWarnings, ev["body"].(string))
		}
	}
	if len(taskWarnings) != 1 || !strings.HasPrefix(taskWarnings[0], "已超期：交办：组织劳资双方再次调解") {
		t.Fatalf("task warnings %v", taskWarnings)
	}
	_, notes := ts.call("GET", "/api/v1/notifications", "mediation", nil)
	found := false
	for _, x := range notes["notifications"].([]any) {
		found = found || strings.Contains(x.(map[string]any)["text"].(string), "交办：组织劳资双方再次调解")
	}
	if !found {
		t.Fatalf("the owner desk was not told: %v", notes)
	}
	_, out = ts.call("GET", "/api/v1/tasks?overdue=true", "leader", nil)
	over := out["tasks"].([]any)
	if len(over) != 1 || int64(over[0].(map[string]any)["id"].(float64)) != med || over[0].(map[string]any)["overdue"] != true {
		t.Fatalf("overdue tasks %v", out)
	}
	if _, out = ts.call("GET", "/api/v1/tasks?status=done", "leader", nil); len(out["tasks"].([]any)) != 1 {
		t.Fatalf("done tasks %v", out)
	}
	list, err := ts.svc.OverdueTasks(ctx, ts.actor("leader"))
	if err != nil || list.Count != 1 || list.Tasks[0].ID != med || list.Tasks[0].SupervisedBy != "陈主任" {
		t.Fatalf("leader hook %+v %v", list, err)
	}
	// The leader's view lists it, and only it, among the overdue 交办 items.
	_, page, _ := ts.signedIn(t, "leader").do("GET", "/leader", nil)
	if !strings.Contains(page, "超期未办结的交办事项（1 项）") || !strings.Contains(page, fmt.Sprintf(`id="overdue-task-%d"`, med)) ||
		!strings.Contains(page, "组织劳资双方再次调解") {
		t.Fatalf("leader view without the overdue task:\n%s", page)
	}
	// The case runs the task's limit among its own, red.
	var taskLimit map[string]any
	for _, d := range ts.deadlines(n) {
		if d["kind"] == "task" {
			taskLimit = d
		}
	}
	if taskLimit == nil || taskLimit["state"] != "red" {
		t.Fatalf("task limit %v", ts.deadlines(n))
	}

	// Every step was one event on the case; none reaches the citizen.
	kinds := ts.timelineKinds(n)
	for kind, want := range map[string]int{"meeting_convened": 1, "meeting_sign_in": 2, "meeting_minutes": 1, "task_done": 1} {
		if got := ts.countKind(n, kind); got != want {
			t.Errorf("%s: %d events, want %d (%v)", kind, got, want, kinds)
		}
	}
	if !slices.Contains(kinds, "task_done") {
		t.Fatal(kinds)
	}
	_, list2 := ts.call("GET", "/api/v1/meetings", "petition", nil)
	if len(list2["meetings"].([]any)) != 1 {
		t.Fatalf("petition, invited, lists %v", list2)
	}
	if _, list2 = ts.call("GET", "/api/v1/meetings", "litigation", nil); len(list2["meetings"].([]any)) != 1 {
		t.Fatalf("litigation, invited by name, lists %v", list2)
	}
}

func TestConveningIsForLeadersAndChecksEveryField(t *testing.T) {
	ts := newTestServer(t)
	ts.at("2026-03-02", "09:00")
	n, _ := ts.mediationCase()
	good := func() map[string]any {
		return map[string]any{"cases": []string{n}, "starts_at": "2026-03-03T09:30", "place": "会商室",
			"invited_desks": []string{"governance"}, "agenda": "议题"}
	}
	for _, u := range []string{"mediation", "intake", "admin"} {
		if status, _ := ts.call("POST", "/api/v1/meetings", u, good()); status != 403 {
			t.Errorf("%s convenes: %d", u, status)
		}
	}
	for _, bad := range []struct {
		field string
		edit  func(b map[string]any)
	}{
		{"cases", func(b map[string]any) { b["cases"] = []string{} }},
		{"cases[1]", func(b map[string]any) { b["cases"] = []string{n, "YD-2026-99999"} }},
		{"starts_at", func(b map[string]any) { b["starts_at"] = "2026-03-01T09:30" }},
		{"starts_at", func(b map[string]any) { b["starts_at"] = "明天上午" }},
		{"place", func(b map[string]any) { b["place"] = "" }},
		{"invited_desks", func(b map[string]any) { b["invited_desks"] = []string{"nosuchdesk"} }},
		{"invited_users", func(b map[string]any) { b["invited_users"] = []string{"nobody"} }},
		{"agenda", func(b map[string]any) { b["agenda"] = " " }},
	} {
		b := good()
		bad.edit(b)
		status, out := ts.call("POST", "/api/v1/meetings", "leader", b)
		if status != 400 || errorField(out) != bad.field {
			t.Errorf("%s: %d %v", bad.field, status, out)
		}
	}
	if _, out := ts.call("GET", "/api/v1/meetings", "leader", nil); len(out["meetings"].([]any)) != 0 {
		t.Fatalf("refused meetings stored: %v", out)
	}
	if got := ts.countKind(n, "meeting_convened"); got != 0 {
		t.Fatalf("refused meetings wrote %d events", got)
	}
	if status, out := ts.call("GET", "/api/v1/meetings/999", "leader", nil); status != 404 || errorCode(out) != "meeting_not_found" {
		t.Fatalf("unknown meeting: %d %v", status, out)
	}
}

func TestMeetingInARoomOccupiesItLikeASession(t *testing.T) {
	ts := newTestServer(t)
	ts.post("admin", "/api/v1/admin/rooms", map[string]any{"name": "第一调解室"}, 201)
	ts.at("2026-03-02", "09:00")
	n, _ := ts.mediationCase()
	meeting := map[string]any{"cases": []string{n}, "starts_at": "2026-03-04T09:00", "duration_minutes": 90, "place": "第一调解室",
		"invited_desks": []string{"governance"}, "agenda": "议题"}
	m := ts.post("leader", "/api/v1/meetings", meeting, 201)
	// A session in the room at that time is refused, naming the meeting.
	session := map[string]any{"kind": "mediation", "starts_at": "2026-03-04T10:00:00+08:00", "minutes": 60,
		"place": "第一调解室", "presiding": "mediation", "mediators": []string{}, "invited_desks": []string{}}
	status, out := ts.call("POST", "/api/v1/cases/"+n+"/sessions", "mediation", session)
	if status != 409 || errorCode(out) != "room_busy" || !strings.Contains(fmt.Sprint(out), "会商") {
		t.Fatalf("session in the meeting's room: %d %v", status, out)
	}
	// A second meeting there is refused too; elsewhere it is free text.
	meeting["starts_at"] = "2026-03-04T10:00"
	if status, out := ts.call("POST", "/api/v1/meetings", "leader", meeting); status != 409 || errorField(out) != "place" {
		t.Fatalf("second meeting in the room: %d %v", status, out)
	}
	meeting["place"] = "中心三楼会商室"
	ts.post("leader", "/api/v1/meetings", meeting, 201)
	// The room's and the invited desk's calendars show it.
	_, week := ts.call("GET", "/api/v1/sessions?room=第一调解室&week=2026-03-04", "mediation", nil)
	ss := week["sessions"].([]any)
	if len(ss) != 1 || ss[0].(map[string]any)["kind"] != "meeting" || int64(ss[0].(map[string]any)["id"].(float64)) != int64(m["id"].(float64)) {
		t.Fatalf("room calendar %v", week)
	}
	_, week = ts.call("GET", "/api/v1/sessions?desk=governance&week=2026-03-04", "governance", nil)
	if got := len(week["sessions"].([]any)); got != 2 {
		t.Fatalf("governance calendar %v", week)
	}
}
