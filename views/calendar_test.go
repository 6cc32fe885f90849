package views_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// weekFixture: on Monday 2026-03-02 a mediation-desk case with a session in
// 第一调解室 on Wednesday 09:30, video sessions on Tuesday 07:30 and Friday
// 19:30 (before and after the calendar's hours), one on the next Monday, a
// cancelled one on Thursday, and a petition-desk case with a session in the
// same room on Thursday 14:00.
type weekFixture struct {
	ts                 *testServer
	med, medCode, pet  string
	wed, fri, thu, can int64
}

func newWeekFixture(t *testing.T) *weekFixture {
	ts := newTestServer(t)
	f := &weekFixture{ts: ts}
	f.med, f.medCode = ts.neighbourCaseCode("2026-03-02")
	ts.post("admin", "/api/v1/admin/rooms", map[string]any{"name": "第一调解室"}, 201)
	ts.at("2026-03-02", "11:00")
	schedule := func(user, number string, body map[string]any) int64 {
		out := ts.post(user, "/api/v1/cases/"+number+"/sessions", body, 201)
		return int64(out["id"].(float64))
	}
	f.wed = schedule("mediation", f.med, map[string]any{"kind": "mediation", "starts_at": "2026-03-04T09:30:00+08:00", "minutes": 90,
		"place": "第一调解室", "presiding": "mediation", "bring": "房屋照片、维修票据"})
	f.fri = schedule("mediation", f.med, map[string]any{"kind": "joint_conference", "starts_at": "2026-03-06T19:30:00+08:00", "minutes": 60,
		"video_url": "https://meet.example.cn/r/8812", "presiding": "mediation", "invited_desks": []string{"litigation"}})
	// Before the calendar's hours, and the next Monday (outside the week).
	schedule("mediation", f.med, map[string]any{"kind": "mediation", "starts_at": "2026-03-03T07:30:00+08:00", "minutes": 30,
		"video_url": "https://meet.example.cn/r/7730", "presiding": "mediation"})
	schedule("mediation", f.med, map[string]any{"kind": "mediation", "starts_at": "2026-03-09T09:00:00+08:00", "minutes": 30,
		"place": "第一调解室", "presiding": "mediation"})
	f.can = schedule("mediation", f.med, map[string]any{"kind": "hearing", "starts_at": "2026-03-05T15:00:00+08:00", "minutes": 60,
		"place": "第一调解室", "presiding": "mediation"})
	ts.post("mediation", fmt.Sprintf("/api/v1/cases/%s/sessions/%d/cancel", f.med, f.can), map[string]any{"reason": "被申请人住院，内部掌握"}, 200)

	body := sampleIntake()
	f.pet = ts.intake(body)["number"].(string)
	ts.act("intake", f.pet, "route", map[string]any{"desk": "petition"}, 200)
	ts.act("petition", f.pet, "accept", nil, 200)
	f.thu = schedule("petition", f.pet, map[string]any{"kind": "hearing", "starts_at": "2026-03-05T14:00:00+08:00", "minutes": 60,
		"place": "第一调解室", "presiding": "petition"})
	return f
}

var tdDate = regexp.MustCompile(`(?s)<td data-date="([0-9-]+)">(.*?)</td>`)

// column joins the calendar's cells of one day.
func column(html, date string) string {
	var b strings.Builder
	for _, m := range tdDate.FindAllStringSubmatch(html, -1) {
		if m[1] == date {
			b.WriteString(m[2])
		}
	}
	return b.String()
}

func TestWeekCalendarOfADeskAndOfARoom(t *testing.T) {
	f := newWeekFixture(t)
	ts := f.ts

	b := ts.signedIn(t, "mediation")
	status, page, _ := b.do("GET", "/calendar?desk=mediation&week=2026-03-05", nil)
	if status != 200 {
		t.Fatalf("desk calendar: %d %s", status, page)
	}
	for _, want := range []string{"日程 · 人民调解窗口", "2026-03-02 至 2026-03-08", `href="/calendar?desk=mediation"`, "18:00 后", "本周"} {
		if !strings.Contains(page, want) {
			t.Errorf("the desk calendar lacks %q", want)
		}
	}
	wed := column(page, "2026-03-04")
	for _, want := range []string{"09:30–11:00", `href="/cases/` + f.med + `"`, "调解会", "第一调解室", "主持：李调解"} {
		if !strings.Contains(wed, want) {
			t.Errorf("Wednesday's column lacks %q: %s", want, wed)
		}
	}
	if strings.Contains(column(page, "2026-03-02"), f.med) || strings.Contains(column(page, "2026-03-05"), f.med) {
		t.Errorf("the session shows on another day")
	}
	// After hours still shown; the cancelled one not; the petition desk's not at all.
	if fri := column(page, "2026-03-06"); !strings.Contains(fri, "19:30–20:30") || !strings.Contains(fri, "视频会议") {
		t.Errorf("Friday's evening session is missing: %s", fri)
	}
	if tue := column(page, "2026-03-03"); !strings.Contains(page, "08:00 前") || !strings.Contains(tue, "07:30–08:00") {
		t.Errorf("Tuesday's early session is missing: %s", tue)
	}
	if strings.Contains(page, "09:00–09:30") {
		t.Errorf("the next Monday's session shows in this week")
	}
	if strings.Contains(page, "15:00–16:00") || strings.Contains(page, "住院") {
		t.Errorf("the cancelled session is shown")
	}
	if strings.Contains(page, f.pet) || strings.Contains(page, "14:00–15:00") {
		t.Errorf("the mediation desk's calendar shows the petition desk's session")
	}
	// The week links move by seven days; the select offers the own desk and the room.
	for _, want := range []string{"week=2026-02-23", "week=2026-03-09", `value="desk:mediation" selected`, "第一调解室</option>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the desk calendar lacks %q", want)
		}
	}
	if strings.Contains(page, `value="desk:petition"`) {
		t.Errorf("the select offers another desk's calendar")
	}

	// Another desk's handler may not read it; the room's calendar shows the
	// mediation desk's session only as taken.
	p := ts.signedIn(t, "petition")
	if status, page, _ := p.do("GET", "/calendar?desk=mediation&week=2026-03-04", nil); status != 403 || strings.Contains(page, f.med) {
		t.Errorf("another desk's calendar for a non-member: %d", status)
	}
	status, page, _ = p.do("GET", "/calendar?"+url.Values{"of": {"room:1"}, "week": {"2026-03-04"}}.Encode(), nil)
	if status != 200 {
		t.Fatalf("room calendar: %d %s", status, page)
	}
	if wed := column(page, "2026-03-04"); !strings.Contains(wed, "已占用") || !strings.Contains(wed, "人民调解窗口") || strings.Contains(page, f.med) || strings.Contains(page, "李调解") {
		t.Errorf("the room calendar shows another desk's case to a non-member: %s", wed)
	}
	if thu := column(page, "2026-03-05"); !strings.Contains(thu, f.pet) || !strings.Contains(thu, "14:00–15:00") {
		t.Errorf("the room calendar lacks the petition desk's own session: %s", thu)
	}

	// Leaders read every desk's; the litigation desk sees the session it is invited to.
	l := ts.signedIn(t, "leader")
	if status, page, _ := l.do("GET", "/calendar?desk=mediation&week=2026-03-04", nil); status != 200 || !strings.Contains(page, f.med) {
		t.Errorf("the leader's view of the mediation calendar: %d", status)
	}
	j := ts.signedIn(t, "litigation")
	if _, page, _ := j.do("GET", "/calendar?week=2026-03-04", nil); !strings.Contains(column(page, "2026-03-06"), "受邀") {
		t.Errorf("the invited desk's calendar lacks the joint conference")
	}
	// Bad input: a Chinese page, never a 500.
	for path, want := range map[string]int{"/calendar?week=2026-13-01": 400, "/calendar?room=abc": 400, "/calendar?room=99": 400,
		"/calendar?desk=nowhere": 400, "/calendar?desk=mediation&room=1": 400} {
		if status, page, _ := b.do("GET", path, nil); status != want || !strings.Contains(page, "</html>") {
			t.Errorf("GET %s: %d, want %d", path, status, want)
		}
	}
}

func TestWeekSessionsAPI(t *testing.T) {
	f := newWeekFixture(t)
	ts := f.ts
	status, out := ts.call("GET", "/api/v1/sessions?desk=mediation&week=2026-03-08", "mediation", nil)
	if status != 200 || out["week_start"] != "2026-03-02" || out["week_end"] != "2026-03-08" || out["next_week"] != "2026-03-09" {
		t.Fatalf("week %d %v", status, out)
	}
	ss := out["sessions"].([]any)
	if len(ss) != 3 {
		t.Fatalf("sessions %v, want Tuesday's, Wednesday's and Friday's", ss)
	}
	first := ss[1].(map[string]any)
	if first["number"] != f.med || first["day"] != "2026-03-04" || first["presiding_name"] != "李调解" || first["visible"] != true {
		t.Errorf("first session %v", first)
	}
	status, out = ts.call("GET", "/api/v1/sessions?"+url.Values{"room": {"第一调解室"}, "week": {"2026-03-04"}}.Encode(), "petition", nil)
	if status != 200 || len(out["sessions"].([]any)) != 2 {
		t.Fatalf("room week %d %v", status, out)
	}
	hidden := out["sessions"].([]any)[0].(map[string]any)
	if hidden["visible"] != false || hidden["number"] != nil || hidden["presiding"] != nil || hidden["desk"] != "mediation" {
		t.Errorf("another desk's session on the room calendar %v", hidden)
	}
	for _, c := range []struct {
		user, query string
		status      int
		code, field string
	}{
		{"petition", "desk=mediation", 403, "forbidden", ""},
		{"intake", "desk=mediation", 403, "forbidden", ""},
		{"mediation", "", 400, "required", "desk"},
		{"mediation", "desk=mediation&room=1", 400, "two_calendars", "room"},
		{"mediation", "desk=nowhere", 400, "unknown_desk", "desk"},
		{"mediation", "room=%E7%AC%AC%E4%BA%8C", 400, "unknown_room", "room"},
		{"mediation", "room=77", 400, "unknown_room", "room"},
		{"mediation", "desk=mediation&week=2026-02-30", 400, "invalid_date", "week"},
		{"", "desk=mediation", 401, "unauthorized", ""},
	} {
		status, out := ts.call("GET", "/api/v1/sessions?"+c.query, c.user, nil)
		if status != c.status || errorCode(out) != c.code || errorField(out) != c.field {
			t.Errorf("%s %q: %d %v, want %d %s %s", c.user, c.query, status, out, c.status, c.code, c.field)
		}
	}
}
