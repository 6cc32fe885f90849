package views_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// statusPage is the citizen's /status page of the case.
func (ts *testServer) statusPage(number, code string) string {
	ts.t.Helper()
	return ts.page("GET", "/status?number="+number+"&code="+url.QueryEscape(code), 200)
}

// wantAll fails for each of wants the page lacks.
func wantAll(t *testing.T, what, page string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// The citizen's status page follows the mediation: the next session, the
// agreement, its 司法确认 and the dues, and a timeline in plain words;
// never the record's statements, the staff's notes or reasons, the staff's
// names or any party's phone.
func TestCitizenStatusPageFollowsTheMediation(t *testing.T) {
	ts := newTestServer(t)
	n, code := ts.neighbourCaseCode("2026-03-02")
	base := "/api/v1/cases/" + n
	ts.post("admin", "/api/v1/admin/rooms", map[string]any{"name": "第一调解室"}, 201)
	ts.at("2026-03-02", "11:00")
	first := ts.post("mediation", base+"/sessions", map[string]any{"kind": "mediation", "starts_at": "2026-03-04T09:30:00+08:00",
		"minutes": 90, "place": "第一调解室", "presiding": "mediation", "bring": "房屋照片、维修票据"}, 201)
	video := ts.post("mediation", base+"/sessions", map[string]any{"kind": "mediation", "starts_at": "2026-03-03T09:00:00+08:00",
		"minutes": 30, "video_url": "https://meet.example.cn/r/8812", "presiding": "mediation"}, 201)

	// The earliest upcoming session is the video one.
	page := ts.statusPage(n, code)
	wantAll(t, "the status page", page, "下一次调解会", "2026年3月3日（星期二）09:00", "线上视频会议",
		`href="https://meet.example.cn/r/8812"`, "请携带：身份证件", "已安排调解会：2026年3月3日（星期二）09:00，地点：线上视频会议")
	const reason = "调解员临时出差，内部掌握"
	ts.post("mediation", fmt.Sprintf("%s/sessions/%v/cancel", base, video["id"]), map[string]any{"reason": reason}, 200)
	page = ts.statusPage(n, code)
	wantAll(t, "the status page after the cancellation", page, "2026年3月4日（星期三）09:30", "第一调解室", "预计90分钟",
		"请携带：房屋照片、维修票据", "原定于2026年3月3日（星期二）09:00的会议已取消")

	// Held, agreed, signed: the agreement and its window.
	ts.at("2026-03-04", "11:00")
	const statements = "李四称张三曾多次辱骂其家人，情绪激动"
	ts.post("mediation", fmt.Sprintf("%s/sessions/%v/record", base, first["id"]), map[string]any{
		"attended": []string{"mediation", "张三", "李四"}, "minutes_text": statements, "result": "agreement"}, 200)
	ag := ts.post("mediation", base+"/agreements", map[string]any{"form": "written", "facts": "排水沟改道致墙体受损。",
		"terms": "李四分两期赔偿张三修缮费用5000.50元。", "signed_on": "2026-03-04",
		"obligations": []map[string]any{
			{"obligor": "李四", "obligee": "张三", "content": "第一期赔偿修缮费", "amount": 3000, "due_on": "2026-03-20"},
			{"obligor": "李四", "obligee": "张三", "content": "第二期赔偿修缮费", "amount": 2000.50, "due_on": "2026-04-20"},
		}}, 201)
	due := ag["confirmation_due"].(string)
	page = ts.statusPage(n, code)
	wantAll(t, "the status page after signing", page, "调解会已举行：达成协议", "已签订调解协议，自2026-03-04起生效",
		"已签订书面协议，卷号"+ag["number"].(string)+"，签订日期2026-03-04", "双方当事人可以在"+due+"前共同向人民法院申请司法确认",
		"第一期赔偿修缮费", "3000.00元", "2026-03-20前", "2000.50元", "2026-04-20前", "未到期")
	if strings.Contains(page, "下一次调解会") {
		t.Errorf("a held session is still shown as the next one")
	}

	// 司法确认 applied and ruled; instalment 1 performed.
	ts.at("2026-03-10", "10:00")
	aid := ag["id"]
	ts.post("mediation", fmt.Sprintf("%s/agreements/%v/confirmation", base, aid), map[string]any{"court": "litigation"}, 201)
	page = ts.statusPage(n, code)
	wantAll(t, "the status page after applying", page, "已申请司法确认（2026-03-10）", "已申请司法确认，等待人民法院受理")
	const ruling = "承办法官认为李四经济困难，内部意见"
	ts.at("2026-03-12", "15:00")
	ts.post("litigation", fmt.Sprintf("%s/agreements/%v/ruling", base, aid), map[string]any{"result": "confirmed",
		"ruling_no": "（2026）浙0000民特12号", "ruled_on": "2026-03-12", "note": ruling}, 200)
	ts.at("2026-03-21", "10:00")
	first1 := ag["obligations"].([]any)[0].(map[string]any)["id"]
	const perfNote = "张三确认收到，李四要求保密"
	ts.post("mediation", fmt.Sprintf("%s/obligations/%v/performance", base, first1), map[string]any{"status": "performed",
		"amount": 3000, "on": "2026-03-19", "note": perfNote}, 201)
	page = ts.statusPage(n, code)
	wantAll(t, "the status page after the ruling", page, "人民法院已受理司法确认申请", "法院已裁定确认调解协议有效",
		"人民法院裁定调解协议有效", "申请执行的期间至", "第1项义务已履行完毕", `class="due-performed"`, "已履行")
	never := []string{statements, reason, ruling, perfNote, "13800000001", "13800000002", "李调解", "孙法官", "催"}
	for _, s := range never {
		if strings.Contains(page, s) {
			t.Errorf("the status page shows %q", s)
		}
	}
	// The JSON twin says the same, and no more.
	status, raw, _, err := ts.send("GET", "/api/v1/public/status?number="+n+"&code="+url.QueryEscape(code), "", nil)
	if err != nil || status != 200 {
		t.Fatalf("public status JSON: %d %v", status, err)
	}
	wantAll(t, "the public status JSON", string(raw), "法院已裁定确认调解协议有效", `"confirmation":"confirmed"`,
		`"due_on":"2026-04-20"`, `"status":"performed"`, `"next_session":null`)
	for _, s := range never {
		if strings.Contains(string(raw), s) {
			t.Errorf("the public status JSON shows %q", s)
		}
	}
}
