package mediation

// Choice is one allowed value of a coded field and its words.
type Choice struct{ Value, Label string }

// Choices are the coded fields' allowed values in the order a form offers
// them, with the words the methods use, so a page neither repeats the
// lists nor offers a value the methods refuse.
var Choices = map[string][]Choice{
	"kind":         choices(kindLabels, KindMediation, KindJointConference, KindHearing),
	"result":       choices(resultLabels, ResultAgreement, ResultNoAgreement, ResultAdjourned),
	"form":         {{FormWritten, "书面协议（调解协议书）"}, {FormOral, "口头协议"}},
	"decision":     {{"granted", "准予回避"}, {"refused", "驳回回避申请"}},
	"ruling":       {{ConfirmConfirmed, "裁定调解协议有效"}, {ConfirmRejected, "裁定驳回申请"}},
	"perform":      choices(performLabels, PerformPerformed, PerformPartial, PerformNotPerformed),
	"urge":         choices(urgeMethods, "phone", "visit", "sms", "letter"),
	"remedy":       choices(remedyLabels, RemedyRemediation, RemedyEnforcement, RemedyLawsuit),
	"follow":       choices(followMethods, "phone", "visit"),
	"followPerf":   choices(followPerformance, "performed", "partial", "not_performed", "unknown"),
	"satisfaction": choices(followSatisfaction, "satisfied", "basically_satisfied", "dissatisfied"),
	"session":      {{SessionScheduled, "已安排"}, {SessionHeld, "已召开"}, {SessionCancelled, "已取消"}},
	"task":         {{"open", "待回访"}, {"done", "已回访"}, {"cancelled", "已取消"}},
	"reason":       {{"obligation_due", "履行期限届满回访"}, {"closing", "结案回访"}, {"manual", "计划外回访"}},
}

func choices(labels map[string]string, values ...string) []Choice {
	out := make([]Choice, len(values))
	for i, v := range values {
		out[i] = Choice{v, labels[v]}
	}
	return out
}

// ChoiceLabel is value of the coded field in words (the value itself when unknown).
func ChoiceLabel(field, value string) string {
	for _, c := range Choices[field] {
		if c.Value == value {
			return c.Label
		}
	}
	return value
}
