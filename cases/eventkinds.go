package cases

// One table says what each kind of event is called: its label and
// one-character icon on the staff timeline, and how the citizen's timeline
// words it. A kind added to the events is added here once, and both
// timelines follow.

// EventKind is one kind of event as the pages show it.
type EventKind struct {
	Kind  string
	Label string // the staff timeline's name for it
	Icon  string // one character, readable without colour
	// Citizen words the event for the citizen's timeline from the event,
	// its data and the desks' names; false (or a nil Citizen) keeps the
	// event internal.
	Citizen func(e Event, data map[string]string, deskName func(string) string) (string, bool)
}

// shown is a citizen's wording that every event of its kind gets.
func shown(text func(e Event, data map[string]string, deskName func(string) string) string) func(Event, map[string]string, func(string) string) (string, bool) {
	return func(e Event, data map[string]string, deskName func(string) string) (string, bool) {
		return text(e, data, deskName), true
	}
}

// said is a citizen's wording that does not depend on the event.
func said(text string) func(Event, map[string]string, func(string) string) (string, bool) {
	return func(Event, map[string]string, func(string) string) (string, bool) { return text, true }
}

// EventKinds lists every kind of event (with those subpackages register).
// Supervision (督办), its answer,
// deadline warnings, reveals, reissued codes and 会商 are internal.
var EventKinds = []EventKind{
	{EventIntake, "受理登记", "登", said("您反映的纠纷已登记受理")},
	{EventRoute, "分流", "分", shown(func(_ Event, d map[string]string, desk func(string) string) string {
		return "已分流至" + desk(d["to_desk"]) + "窗口办理"
	})},
	{EventAccept, "签收", "签", shown(func(e Event, _ map[string]string, desk func(string) string) string {
		return desk(e.Desk) + "窗口已签收，正在办理"
	})},
	{EventReturn, "退回", "退", said("退回受理窗口重新安排办理窗口")},
	{EventTransfer, "移交", "移", shown(func(_ Event, d map[string]string, desk func(string) string) string {
		return "已移交至" + desk(d["to_desk"]) + "窗口办理"
	})},
	{EventNote, "记录", "记", func(e Event, _ map[string]string, _ func(string) string) (string, bool) {
		return e.Body, e.Visibility == VisibilityPublic
	}},
	{EventVisit, "来访", "访", said("您来访反映情况，已登记")},
	{EventInvite, "邀请联合调处", "联", shown(func(_ Event, d map[string]string, desk func(string) string) string {
		return desk(d["co_desk"]) + "窗口参与联合调处"
	})},
	{EventClose, "办结", "结", shown(func(_ Event, d map[string]string, _ func(string) string) string {
		return "已办结：" + d["outcome"]
	})},
	{EventReveal, "查看完整信息", "查", nil},
	{EventExtend, "延期", "延", shown(func(_ Event, d map[string]string, _ func(string) string) string {
		return "经批准，办理期限延长" + d["days"] + "日"
	})},
	{EventSuspend, "中止", "停", said("案件中止办理，中止期间不计入办理期限")},
	{EventResume, "恢复", "续", said("案件恢复办理")},
	{EventEscalate, "督办", "督", nil},
	{EventRespond, "督办答复", "复", nil},
	{EventReopen, "重新办理", "重", said("案件重新办理")},
	{EventWarning, "时限预警", "警", nil},
	{EventReferralExtended, "延长委派调解期限", "期", shown(func(_ Event, d map[string]string, _ func(string) string) string {
		return "经双方当事人同意，调解期限延长至" + d["due_on"]
	})},
	{EventCourtDocument, "法院调解书", "书", shown(func(_ Event, d map[string]string, _ func(string) string) string {
		return "法院已出具民事调解书（" + d["document_no"] + "）"
	})},
	{EventCitizenMessage, "群众留言", "言", shown(func(e Event, d map[string]string, _ func(string) string) string {
		// The citizen's own words, shown back to the citizen.
		text := "您的留言：" + e.Body
		if n := d["attachments"]; n != "" && n != "0" {
			text += "（附件" + n + "个）"
		}
		return text
	})},
	{EventRating, "满意度评价", "评", shown(func(e Event, d map[string]string, _ func(string) string) string {
		text := "您的评价：" + d["score"] + "分"
		if e.Body != "" {
			text += "，" + e.Body
		}
		return text
	})},
	{EventSubmitted, "网上申请", "申", said("您的网上申请已提交，等待受理")},
	{EventRegister, "受理", "受", said("网上申请已受理登记")},
	{EventDecline, "不予受理", "拒", shown(func(e Event, _ map[string]string, _ func(string) string) string {
		return "不予受理：" + e.Body
	})},
	{EventCodeReissued, "重发查询码", "码", nil},
	// 并案 and links (links.go): a link concerns staff only; a merge
	// tells the citizen of either case where the dispute is handled now.
	{EventLink, "关联案件", "关", nil},
	{EventUnlink, "取消关联", "解", nil},
	{EventMergedInto, "并案（并入他案）", "并", shown(func(_ Event, d map[string]string, _ func(string) string) string {
		return "您的案件与同一纠纷的案件" + d["into"] + "合并办理，今后的办理进展在此一并告知"
	})},
	{EventMergedFrom, "并案（他案并入）", "合", shown(func(_ Event, d map[string]string, _ func(string) string) string {
		return "同一纠纷的案件" + d["from"] + "已并入本案合并办理"
	})},
	// The changes themselves (names, phones, documents) stay with staff.
	{EventCorrection, "补正登记信息", "正", said("登记信息已更正")},
	// A group's members: the citizen learns the number, never the names.
	{EventMembersImported, "导入群体成员", "群", shown(func(_ Event, d map[string]string, _ func(string) string) string {
		return "群体成员名单已登记（" + d["count"] + "名）"
	})},
	// Risk levels and 包案 (risk.go) are staff's judgement of the dispute.
	{EventRiskAssessed, "风险等级评定", "险", nil},
	{EventLeadAssigned, "指定包案领导", "包", nil},
	// 会商 and its 交办 tasks (meetings.go) are the departments' internal
	// work: who met, what each was told to do; the citizen hears of the
	// outcome through the case's own steps.
	{EventMeetingConvened, "召集会商", "商", nil},
	{EventMeetingSignIn, "会商签到", "到", nil},
	{EventMeetingMinutes, "会商纪要", "纪", nil},
	{EventTaskDone, "交办事项办结", "交", nil},
}

var eventKindIndex = func() map[string]EventKind {
	m := make(map[string]EventKind, len(EventKinds))
	for _, k := range EventKinds {
		m[k.Kind] = k
	}
	return m
}()

// RegisterEventKinds adds the kinds of a subpackage's events (cases/mediation)
// to the one table. Call it from an init function: the table is read
// without a lock. A kind registered twice is a programming error.
func RegisterEventKinds(kinds ...EventKind) {
	for _, k := range kinds {
		if _, dup := eventKindIndex[k.Kind]; dup {
			panic("cases: event kind registered twice: " + k.Kind)
		}
		EventKinds = append(EventKinds, k)
		eventKindIndex[k.Kind] = k
	}
}

// EventLabel is a kind's name on the staff timeline; an unknown kind is
// shown as it is stored.
func EventLabel(kind string) string {
	if k, ok := eventKindIndex[kind]; ok {
		return k.Label
	}
	return kind
}

// EventIcon is a kind's one-character mark; "·" for an unknown kind.
func EventIcon(kind string) string {
	if k, ok := eventKindIndex[kind]; ok {
		return k.Icon
	}
	return "·"
}
