package views_test

import "testing"

func TestSmokeIntakeRouteAcceptClose(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n := c["number"].(string)
	ts.act("intake", n, "route", map[string]any{"desk": "mediation", "note": "劳资纠纷先行调解"}, 200)
	ts.act("mediation", n, "accept", nil, 200)
	ts.act("mediation", n, "notes", map[string]any{"body": "已联系被申请人", "visibility": "public"}, 200)
	out := ts.act("mediation", n, "close", map[string]any{"outcome": "调解成功", "summary": "当场支付"}, 200)
	if out["status"] != "closed" {
		t.Fatalf("status %v", out["status"])
	}
	status, pub := ts.call("GET", "/api/v1/public/status?number="+n+"&code="+c["query_code"].(string), "", nil)
	if status != 200 {
		t.Fatalf("public %d %v", status, pub)
	}
	t.Logf("%v", pub)
	status, tl := ts.call("GET", "/api/v1/cases/"+n+"/timeline", "leader", nil)
	t.Logf("%d %v", status, tl)
}
