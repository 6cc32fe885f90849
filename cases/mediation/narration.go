package mediation

import (
	"time"

	"yidi/cases"
)

// The mediation events join cases' one table of event kinds, which names
// them on the staff timeline and words them for the citizen's. The
// citizen's wording is built from the event's data only, never its body:
// a cancellation's reason, a ruling's note and a performance's remark are
// the staff's words. 催履 and 回访 stay internal (the other side's
// obligations are urged on them, not told to everybody).
func init() {
	cases.RegisterEventKinds(
		cases.EventKind{Kind: EventSessionScheduled, Label: "安排调解会议", Icon: "约", Citizen: citizen(func(d map[string]string) string {
			return "已安排" + KindLabel(d["kind"]) + "：" + dataTime(d["starts_at"]) + "，地点：" + d["place"] + "。请准时参加"
		})},
		cases.EventKind{Kind: EventSessionRescheduled, Label: "调解会议改期", Icon: "改", Citizen: citizen(func(d map[string]string) string {
			return KindLabel(d["kind"]) + "改期至" + dataTime(d["starts_at"]) + "，地点：" + d["place"]
		})},
		cases.EventKind{Kind: EventSessionCancelled, Label: "取消调解会议", Icon: "消", Citizen: citizen(func(d map[string]string) string {
			return "原定于" + dataTime(d["starts_at"]) + "的会议已取消，另行安排时将再通知您"
		})},
		cases.EventKind{Kind: EventSessionRecorded, Label: "调解笔录", Icon: "笔", Citizen: citizen(func(d map[string]string) string {
			if l, ok := resultLabels[d["result"]]; ok {
				return "调解会已举行：" + l
			}
			return "调解会已举行"
		})},
		cases.EventKind{Kind: EventAgreementSigned, Label: "调解协议", Icon: "协", Citizen: citizen(func(d map[string]string) string {
			if d["form"] == FormOral {
				return "已达成口头调解协议，自" + d["effective_on"] + "起生效"
			}
			return "已签订调解协议，自" + d["effective_on"] + "起生效"
		})},
		cases.EventKind{Kind: EventConfirmApplied, Label: "申请司法确认", Icon: "确", Citizen: citizen(func(d map[string]string) string {
			return "已申请司法确认（" + d["applied_on"] + "）"
		})},
		cases.EventKind{Kind: EventConfirmAccepted, Label: "受理司法确认", Icon: "审", Citizen: citizen(func(d map[string]string) string {
			return "人民法院已受理司法确认申请，应于" + d["ruling_due"] + "前作出裁定"
		})},
		cases.EventKind{Kind: EventConfirmExtended, Label: "延长司法确认审查期限", Icon: "期", Citizen: citizen(func(d map[string]string) string {
			return "经批准，司法确认审查期限延长至" + d["ruling_due"]
		})},
		cases.EventKind{Kind: EventConfirmRuled, Label: "司法确认裁定", Icon: "裁", Citizen: citizen(func(d map[string]string) string {
			if d["ruling"] == ConfirmConfirmed {
				return "法院已裁定确认调解协议有效"
			}
			return "法院裁定驳回司法确认申请。" + rejectedOptions
		})},
		cases.EventKind{Kind: EventPerformance, Label: "履行情况", Icon: "履", Citizen: citizen(func(d map[string]string) string {
			return "第" + d["position"] + "项义务" + map[string]string{PerformPerformed: "已履行完毕",
				PerformPartial: "已部分履行", PerformNotPerformed: "未按约定履行"}[d["status"]]
		})},
		cases.EventKind{Kind: EventUrged, Label: "催促履行", Icon: "催"},
		cases.EventKind{Kind: EventFollowUp, Label: "回访", Icon: "回"},
	)
}

// citizen is a wording of the citizen's timeline made from the event's data.
func citizen(text func(d map[string]string) string) func(cases.Event, map[string]string, func(string) string) (string, bool) {
	return func(_ cases.Event, d map[string]string, _ func(string) string) (string, bool) { return text(d), true }
}

// dataTime says an RFC 3339 time of an event's data as the SMS does.
func dataTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return chinaDateTime(t)
}
