package cases

import "time"

// China has no daylight saving time, so a fixed zone is exact and needs no
// tzdata on the server.
var chinaTime = time.FixedZone("CST", 8*3600)

// stageLimit is the time limit of one stage at one desk (deadlines.md).
// The full engine — rules as data, the holiday calendar, extensions and
// suspensions — replaces this table; until then working days skip weekends
// only.
type stageLimit struct {
	days    int
	months  int
	working bool
	rule    string
}

// centreRoutingPromise is the centre's own promise for every new case.
var centreRoutingPromise = stageLimit{days: 1, working: true, rule: "受理登记后1个工作日内分流（中心“最多跑一地”服务承诺）"}

// onlineAnswerPromise: an online application is accepted or declined
// (with the reason) within one working day.
var onlineAnswerPromise = stageLimit{days: 1, working: true, rule: "网上申请提交后1个工作日内受理或告知不予受理（中心服务承诺）"}

var signForLimits = map[string]stageLimit{
	"petition":   {days: 15, rule: "15日内告知是否受理（信访工作条例第二十三条）"},
	"governance": {days: 2, working: true, rule: "2个工作日内签收（基层治理四平台工作规则）"},
}

var defaultSignForLimit = stageLimit{days: 2, working: true, rule: "2个工作日内签收（中心服务承诺）"}

var handlingLimits = map[string]stageLimit{
	"petition":   {days: 60, rule: "受理之日起60日内办结（信访工作条例第三十四条，以现行文本为准）"},
	"mediation":  {months: 1, rule: "一般在一个月内调结（人民调解工作若干规定第三十三条）"},
	"litigation": {days: 30, rule: "诉前委派调解30日内完成（最高人民法院特邀调解规定，以现行文本为准）"},
	"governance": {days: 7, working: true, rule: "签收后7个工作日内办结（基层治理四平台工作规则）"},
}

// deadlineFor returns the time limit of the stage a case enters, or nil
// when the stage has none.
func deadlineFor(status Status, desk string, from time.Time) *Deadline {
	var lim stageLimit
	switch status {
	case StatusRegistered:
		lim = centreRoutingPromise
	case StatusSubmitted:
		lim = onlineAnswerPromise
	case StatusRouted:
		var ok bool
		if lim, ok = signForLimits[desk]; !ok {
			lim = defaultSignForLimit
		}
	case StatusInProgress:
		var ok bool
		if lim, ok = handlingLimits[desk]; !ok {
			return nil
		}
	default:
		return nil
	}
	return &Deadline{Due: lim.due(from), Rule: lim.rule}
}

// due is the end of the last day of the limit, in China time: a limit of
// one day started on Monday ends at 24:00 on Tuesday.
func (l stageLimit) due(from time.Time) time.Time {
	day := from.In(chinaTime)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, chinaTime)
	switch {
	case l.months > 0:
		day = day.AddDate(0, l.months, 0)
	case l.working:
		for n := 0; n < l.days; {
			day = day.AddDate(0, 0, 1)
			if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
				n++
			}
		}
	default:
		day = day.AddDate(0, 0, l.days)
	}
	return day.Add(24*time.Hour - time.Second).UTC()
}
