package views_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// Issue 19's story in one piece, through the API as the desks meet it: a
// 30-worker wage dispute imported from a sheet (two bad rows rejected,
// nothing imported until fixed), suggested orange by the rules, confirmed
// red by a leader with a reason, a 包案 leader, a 会商 with two 交办 items
// (one done, one overdue and supervised), a group agreement paying each
// member, performance member by member, closed and turned green; the
// leader's view and the statistics at the end.
func TestGroupWageDisputeFromSheetToGreen(t *testing.T) {
	ts := newTestServer(t)
	ts.at("2026-03-02", "09:00")
	n, _ := ts.mediationCase()

	bad := wageSheet(map[int][2]string{7: {"id_number", badCheckDigit(workerID(5))}, 20: {"phone", "1390000"}})
	status, res := ts.importCSV("mediation", n, csvOf(bad))
	if status != 200 || res["imported"].(float64) != 0 || !slices.Equal(rowErrors(res), []string{"7:id_number", "20:phone"}) {
		t.Fatalf("bad sheet: %d %v", status, res)
	}
	if c := ts.caseAsLeader(n); c["group"] != nil || c["people_count"].(float64) != 1 {
		t.Fatalf("a rejected sheet changed the case: group %v people %v", c["group"], c["people_count"])
	}
	if status, res = ts.importCSV("mediation", n, csvOf(wageSheet(nil))); status != 200 || res["imported"].(float64) != 30 {
		t.Fatalf("fixed sheet: %d %v", status, res)
	}

	// 30 people: the rules suggest orange; the leader confirms red.
	c := ts.caseAsLeader(n)
	if level, reasons := suggested(t, c); level != "orange" || !strings.Contains(strings.Join(reasons, "；"), "30人") {
		t.Fatalf("suggested %s %v, want orange for 30 people", level, reasons)
	}
	ts.post("leader", "/api/v1/cases/"+n+"/risk", map[string]any{"level": "red", "reason": "临近春节，工人扬言集体上访"}, 200)
	out := ts.post("leader", "/api/v1/cases/"+n+"/lead", map[string]any{"username": "leader"}, 200)
	if r := riskOf(t, out); r["level"] != "red" || r["lead"].(map[string]any)["name"] != "陈主任" {
		t.Fatalf("risk %v", r)
	}

	// 会商 with two 交办 items: governance reports done, mediation's runs late.
	m := ts.post("leader", "/api/v1/meetings", map[string]any{"cases": []string{n}, "starts_at": "2026-03-03T09:30",
		"place": "中心三楼会商室", "invited_desks": []string{"mediation", "governance"}, "agenda": "研究工资垫付方案"}, 201)
	base := fmt.Sprintf("/api/v1/meetings/%v", m["id"])
	ts.at("2026-03-03", "11:00")
	m = ts.post("leader", base+"/minutes", map[string]any{"text": "住建部门核实工程款，调解窗口组织再次调解。", "decisions": []map[string]any{
		{"owner_desk": "governance", "content": "核实工程款拨付情况", "due_on": "2026-03-10"},
		{"owner_desk": "mediation", "content": "组织劳资双方再次调解", "due_on": "2026-03-06"},
	}}, 200)
	for _, x := range m["tasks"].([]any) {
		if task := x.(map[string]any); task["owner_desk"] == "governance" {
			ts.post("governance", fmt.Sprintf("/api/v1/tasks/%v/done", task["id"]), map[string]any{"report": "工程款已拨付至总包单位"}, 200)
		}
	}
	if _, err := ts.svc.SweepWarnings(context.Background(), time.Date(2026, 3, 7, 9, 0, 0, 0, cst)); err != nil {
		t.Fatal(err)
	}
	ts.at("2026-03-07", "09:00")
	_, over := ts.call("GET", "/api/v1/tasks?overdue=true", "leader", nil)
	if tasks := over["tasks"].([]any); len(tasks) != 1 || tasks[0].(map[string]any)["owner_desk"] != "mediation" {
		t.Fatalf("overdue tasks %v", over)
	}
	_, page, _ := ts.signedIn(t, "leader").do("GET", "/leader", nil)
	for _, want := range []string{"超期未办结的交办事项（1 项）", "组织劳资双方再次调解", "红色、橙色风险在办案件（1 件）", n} {
		if !strings.Contains(page, want) {
			t.Fatalf("the leader's view lacks %q", want)
		}
	}

	// One agreement, each member's amount; every member paid in turn.
	var obs []map[string]any
	var claimed float64
	for _, p := range partiesOf(t, ts.caseAsLeader(n)) {
		if p["role"] == "applicant" {
			obs = append(obs, map[string]any{"obligor": "某某建筑公司", "obligee_party_id": p["party_id"],
				"content": "支付拖欠工资", "amount": p["claim_amount"], "due_on": "2026-03-31"})
			claimed += p["claim_amount"].(float64)
		}
	}
	ag := ts.post("mediation", "/api/v1/cases/"+n+"/agreements", map[string]any{"form": "written",
		"facts": "某某建筑公司拖欠三十名工人工资。", "terms": "某某建筑公司按附表向每名工人支付工资。",
		"signed_on": "2026-03-07", "obligations": obs}, 201)
	got := ag["obligations"].([]any)
	if len(got) != 30 {
		t.Fatalf("%d obligations, want 30", len(got))
	}
	var paid float64
	for _, x := range got {
		o := x.(map[string]any)
		var amount float64
		fmt.Sscan(o["amount"].(string), &amount)
		p := ts.post("mediation", fmt.Sprintf("/api/v1/cases/%s/obligations/%v/performance", n, o["id"]),
			map[string]any{"status": "performed", "amount": amount, "on": "2026-03-07"}, 201)
		if p["status"] != "performed" || p["obligee_party_id"] != o["obligee_party_id"] {
			t.Fatalf("performance %v for %v", p, o)
		}
		paid += amount
	}
	if fmt.Sprintf("%.2f", paid) != fmt.Sprintf("%.2f", claimed) {
		t.Fatalf("paid %.2f of %.2f claimed", paid, claimed)
	}

	// Closed: green; the statistics count it as a group case turned green.
	out = ts.act("mediation", n, "close", map[string]any{"outcome": "工资已按协议全部支付", "closure_type": "resolved"}, 200)
	if r := riskOf(t, out); r["level"] != "green" {
		t.Fatalf("closed: %v", r)
	}
	_, st := ts.call("GET", "/api/v1/stats?period=2026-03", "leader", nil)
	tg := st["turned_green"].(map[string]any)
	if st["group_cases"] != 1.0 || st["people_involved"] != 30.0 || st["red_outstanding"] != 0.0 || tg["num"] != 1.0 || tg["den"] != 1.0 {
		t.Fatalf("statistics: group %v people %v red %v turned_green %v", st["group_cases"], st["people_involved"], st["red_outstanding"], tg)
	}
}
