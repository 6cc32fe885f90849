// Demo data for `yidi serve --demo`: staff logins and about sixty cases of a
// county centre in Zhejiang, spread over the past three months. Every case
// goes through cases.Service with the demo staff as actors, so the rules,
// the timelines and the repeat-visit warnings are the real ones.
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"yidi/cases"
	"yidi/cases/mediation"
)

// demoUser is one demo login; the passwords are printed, so they are only
// ever fit for a demonstration.
type demoUser struct {
	Username string
	Password string
	Role     cases.Role
	Desk     string
	Name     string
	Title    string // what the counter calls the job
}

var demoUsers = []demoUser{
	{"admin", "demo-admin", cases.RoleAdmin, "", "沈立新", "系统管理员"},
	{"intake", "demo-intake", cases.RoleIntake, "", "朱丽娟", "窗口受理员"},
	{"leader", "demo-leader", cases.RoleLeader, "", "王建国", "中心主任"},
	{"petition", "demo-petition", cases.RoleHandler, "petition", "钱卫东", "信访接待员"},
	{"mediation", "demo-mediation", cases.RoleHandler, "mediation", "顾秀英", "人民调解员"},
	{"mediation2", "demo-mediation2", cases.RoleHandler, "mediation", "陆国强", "人民调解员"},
	{"litigation", "demo-litigation", cases.RoleHandler, "litigation", "吴晓燕", "诉讼服务专员"},
	{"governance", "demo-governance", cases.RoleHandler, "governance", "褚志明", "综治专干"},
}

var demoDeskNames = map[string]string{
	"petition": "信访", "mediation": "人民调解", "litigation": "诉讼服务", "governance": "综治",
}

// demoSeed fixes the jitter of the demo's clock so every run looks alike.
const demoSeed = 20260823

// demoZone is China Standard Time; the centre works 8:30–17:30.
var demoZone = cases.ChinaZone

// seedDemo creates the demo users and ~60 demo cases when the database has no
// cases yet; it prints the demo logins (username, password, role, desk) to
// out. Idempotent: a second call on a seeded database does nothing and
// returns nil.
func seedDemo(ctx context.Context, svc *cases.Service, med *mediation.Service, out io.Writer) error {
	return seedDemoAt(ctx, svc, med, out, time.Now())
}

// seedDemoAt is seedDemo as if run at now; tests try other days of the week and year.
func seedDemoAt(ctx context.Context, svc *cases.Service, med *mediation.Service, out io.Writer, now time.Time) error {
	n, err := svc.CaseCount(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		// Never add demo logins to a database that holds cases: it may be a
		// real centre's. If an earlier --demo seeded it, remind of the logins.
		intake := demoUsers[slices.IndexFunc(demoUsers, func(u demoUser) bool { return u.Role == cases.RoleIntake })]
		if _, err := svc.Authenticate(ctx, intake.Username, intake.Password); err == nil {
			fmt.Fprintf(out, "数据库中已有 %d 件案件，演示数据此前已写入，本次不再重复写入。\n", n)
			printDemoLogins(out)
		} else {
			fmt.Fprintf(out, "数据库中已有 %d 件案件，不写入演示数据（--demo 只用于空数据库）。\n", n)
		}
		return nil
	}

	actors := map[string]cases.Actor{}
	for _, u := range demoUsers {
		_, err := svc.CreateUser(ctx, cases.SystemActor, cases.UserInput{Username: u.Username, Password: u.Password,
			Role: u.Role, Desk: u.Desk, Name: u.Name})
		if e := cases.ErrorOf(err); err != nil && (e == nil || e.Code != "username_taken") {
			return fmt.Errorf("demo user %s: %w", u.Username, err)
		}
		a, err := svc.Authenticate(ctx, u.Username, u.Password)
		if err != nil {
			return fmt.Errorf("demo user %s already exists with another password; remove it or use an empty data folder: %w",
				u.Username, err)
		}
		actors[u.Username] = a
	}

	if err := seedDemoCentre(ctx, svc, actors["admin"]); err != nil {
		return err
	}
	defer svc.SetClock(time.Now)
	script := demoCases()
	plan := scheduleDemo(script, now, rand.New(rand.NewSource(demoSeed)))
	var clock time.Time
	svc.SetClock(func() time.Time { return clock })

	numbers := make([]string, len(script))
	for _, p := range plan {
		clock = p.at
		dc := script[p.caseIdx]
		if p.stepIdx < 0 {
			by := dc.by
			if by == "" {
				by = "intake"
			}
			if dc.online {
				rec, err := svc.Apply(ctx, cases.ApplicationInput{IntakeInput: dc.in, Phone: dc.in.Parties[0].Phone})
				if err != nil {
					return fmt.Errorf("demo case %d (%s) online application: %w", p.caseIdx+1, dc.in.Title, err)
				}
				numbers[p.caseIdx] = rec.Number
				continue
			}
			// Everyone shows an identity document at the window; the rest
			// of the category's materials is left for the 一次性告知书.
			dc.in.MaterialsReceived = []string{"id_proof"}
			res, err := svc.Intake(ctx, actors[by], dc.in, "")
			if err != nil {
				return fmt.Errorf("demo case %d (%s) intake: %w", p.caseIdx+1, dc.in.Title, err)
			}
			numbers[p.caseIdx] = res.Case.Number
			continue
		}
		st := dc.steps[p.stepIdx]
		if days, ok := strings.CutPrefix(st.req.RespondBy, "+"); ok {
			// A 督办 response date is so many days after the step.
			n, _ := strconv.Atoi(days)
			st.req.RespondBy = clock.In(demoZone).AddDate(0, 0, n).Format(time.DateOnly)
		}
		if _, err := svc.Do(ctx, actors[st.who], numbers[p.caseIdx], st.req); err != nil {
			return fmt.Errorf("demo case %d (%s) step %d %s by %s: %w",
				p.caseIdx+1, dc.in.Title, p.stepIdx+1, st.req.Action, st.who, err)
		}
	}
	if err := demoMediation(ctx, svc, med, actors, numbers, now, func(t time.Time) { clock = t }); err != nil {
		return err
	}
	fmt.Fprintf(out, "已写入 %d 件演示案件（%s 至 %s），覆盖四个窗口和全部状态。\n",
		len(script), plan[0].at.Format("2006-01-02"), plan[len(plan)-1].at.Format("2006-01-02"))
	printDemoLogins(out)
	return nil
}

// demoTowns are 海宁市's towns and streets (乡镇/街道), the list the intake offers.
var demoTowns = []string{"硖石街道", "海洲街道", "海昌街道", "马桥街道", "许村镇", "长安镇",
	"周王庙镇", "盐官镇", "斜桥镇", "丁桥镇", "袁花镇", "黄湾镇"}

// seedDemoCentre names the demo centre (the receipt prints it) and fills
// the towns, before any case names one.
func seedDemoCentre(ctx context.Context, svc *cases.Service, admin cases.Actor) error {
	if err := svc.SetCentre(ctx, admin, cases.CentreSettings{Name: "海宁市社会矛盾纠纷调处化解中心（演示）",
		Address: "海宁市硖石街道文苑南路100号", Phone: "0573-87012345",
		Hours: "工作日 8:30-12:00，13:30-17:30"}); err != nil {
		return fmt.Errorf("demo centre: %w", err)
	}
	for _, town := range demoTowns {
		err := svc.AddTown(ctx, admin, town)
		if e := cases.ErrorOf(err); err != nil && (e == nil || e.Code != "town_exists") {
			return fmt.Errorf("demo town %s: %w", town, err)
		}
	}
	return nil
}

// printDemoLogins prints the demo logins as a table padded for wide characters.
func printDemoLogins(out io.Writer) {
	rows := [][]string{{"用户名", "密码", "角色", "窗口", "姓名"}}
	for _, u := range demoUsers {
		desk := "-"
		if u.Desk != "" {
			desk = demoDeskNames[u.Desk]
		}
		rows = append(rows, []string{u.Username, u.Password, fmt.Sprintf("%s（%s）", u.Title, u.Role), desk, u.Name})
	}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], displayWidth(cell))
		}
	}
	fmt.Fprintln(out, "演示账号（仅供演示，切勿用于正式环境）：")
	for _, r := range rows {
		var b strings.Builder
		b.WriteString("  ")
		for i, cell := range r {
			b.WriteString(cell)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(cell)+2))
			}
		}
		fmt.Fprintln(out, b.String())
	}
}

// displayWidth counts East Asian wide characters as two columns.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 ||
			r >= 0xf900 && r <= 0xfaff || r >= 0xfe30 && r <= 0xfe4f || r >= 0xff00 && r <= 0xff60 ||
			r >= 0xffe0 && r <= 0xffe6):
			w += 2
		default:
			w++
		}
	}
	return w
}

// demoCase is one case of the demo: what the window registered, how many
// days ago, by whom (default the intake officer) and what happened next.
type demoCase struct {
	ago    int
	by     string
	online bool // a 网上申请 by the applicant, not an intake at the window
	in     cases.IntakeInput
	steps  []demoStep
}

// demoStep is one action, taken `after` the previous event (in office hours).
type demoStep struct {
	after time.Duration
	who   string
	req   cases.ActionRequest
}

type demoPlanned struct {
	at      time.Time
	caseIdx int
	stepIdx int // -1: the intake
}

// scheduleDemo dates every intake and action in office hours and orders them
// all by time, so case numbers and event sequence numbers follow the calendar.
func scheduleDemo(script []demoCase, now time.Time, rng *rand.Rand) []demoPlanned {
	today := now.In(demoZone)
	var plan []demoPlanned
	for ci, dc := range script {
		day := time.Date(today.Year(), today.Month(), today.Day(), 8, 40, 0, 0, demoZone).AddDate(0, 0, -dc.ago)
		times := []time.Time{officeHours(day.Add(time.Duration(rng.Intn(420))*time.Minute), rng)}
		for _, st := range dc.steps {
			jitter := time.Duration(5+rng.Intn(40)) * time.Minute
			times = append(times, officeHours(times[len(times)-1].Add(st.after+jitter), rng))
		}
		// A case that would run into the future starts whole weeks earlier,
		// which keeps every event on the same weekday and hour.
		for !times[len(times)-1].Before(now.Add(-10 * time.Minute)) {
			for i := range times {
				times[i] = times[i].AddDate(0, 0, -7)
			}
		}
		for si, t := range times {
			plan = append(plan, demoPlanned{at: t, caseIdx: ci, stepIdx: si - 1})
		}
	}
	sort.SliceStable(plan, func(i, j int) bool {
		if !plan[i].at.Equal(plan[j].at) {
			return plan[i].at.Before(plan[j].at)
		}
		if plan[i].caseIdx != plan[j].caseIdx {
			return plan[i].caseIdx < plan[j].caseIdx
		}
		return plan[i].stepIdx < plan[j].stepIdx
	})
	return plan
}

// officeHours moves t forward into the centre's office hours: weekdays
// 8:30–11:40 and 13:30–17:30. A moved time lands a little after the doors
// open, as people do not all arrive on the minute.
func officeHours(t time.Time, rng *rand.Rand) time.Time {
	t = t.In(demoZone)
	for {
		y, m, d := t.Date()
		hm := t.Hour()*60 + t.Minute()
		at := func(h, min int) time.Time {
			return time.Date(y, m, d, h, min+rng.Intn(50), 0, 0, demoZone)
		}
		switch {
		case t.Weekday() == time.Saturday || t.Weekday() == time.Sunday:
			t = at(8, 30).AddDate(0, 0, 1)
		case hm < 8*60+30:
			t = at(8, 30)
		case hm >= 11*60+40 && hm < 13*60+30:
			t = at(13, 30)
		case hm >= 17*60+30:
			t = at(8, 30).AddDate(0, 0, 1)
		default:
			return t
		}
	}
}

// Step constructors, in the order a case usually meets them.

const (
	demoHour = time.Hour
	demoDay  = 24 * time.Hour
)

func dRoute(after time.Duration, who, desk, note string) demoStep {
	return demoStep{after, who, cases.ActionRequest{Action: "route", Desk: desk, Note: note}}
}

func dAccept(after time.Duration, who string) demoStep {
	return demoStep{after, who, cases.ActionRequest{Action: "accept"}}
}

func dReturn(after time.Duration, who, reason string) demoStep {
	return demoStep{after, who, cases.ActionRequest{Action: "return", Reason: reason}}
}

func dTransfer(after time.Duration, who, desk, reason string) demoStep {
	return demoStep{after, who, cases.ActionRequest{Action: "transfer", Desk: desk, Reason: reason}}
}

func dInvite(after time.Duration, who, desk, note string) demoStep {
	return demoStep{after, who, cases.ActionRequest{Action: "invite", Desk: desk, Note: note}}
}

func dNote(after time.Duration, who, body string) demoStep {
	return demoStep{after, who, cases.ActionRequest{Action: "notes", Body: body, Visibility: cases.VisibilityInternal}}
}

func dPublic(after time.Duration, who, body string) demoStep {
	return demoStep{after, who, cases.ActionRequest{Action: "notes", Body: body, Visibility: cases.VisibilityPublic}}
}

func dVisit(after time.Duration, who, note string) demoStep {
	return demoStep{after, who, cases.ActionRequest{Action: "visits", Note: note}}
}

func dClose(after time.Duration, who, outcome, summary string) demoStep {
	req := cases.ActionRequest{Action: "close", Outcome: outcome, Summary: summary, ClosureType: demoClosureType(outcome)}
	if req.ClosureType == cases.ClosureResolved {
		// The demo files carry no mediation agreement: say why, as the
		// close rule of cases/mediation asks.
		req.NoAgreementReason = "当场履行完毕"
	}
	return demoStep{after, who, req}
}

func dSuspend(after time.Duration, who, reason string) demoStep {
	return demoStep{after, who, cases.ActionRequest{Action: "suspend", Reason: reason}}
}

// dEscalate: the leader's 督办, to be answered within days of the step.
func dEscalate(after time.Duration, level string, days int, note string) demoStep {
	return demoStep{after, "leader", cases.ActionRequest{Action: "escalate", Level: level,
		RespondBy: fmt.Sprintf("+%d", days), Note: note}}
}

// demoClosureType reads the closure type an officer would pick from the
// outcome's words: guided to court or retrial is a legal procedure, a
// written answer is a procedural close, the rest was settled.
func demoClosureType(outcome string) string {
	switch {
	case strings.Contains(outcome, "引导"):
		return cases.ClosureLegalProcedure
	case strings.Contains(outcome, "已答复"):
		return cases.ClosureProcedural
	}
	return cases.ClosureResolved
}

// demoParty is a person or organisation that appears in the demo cases.
type demoParty struct {
	kind, name, id, code, phone string
}

func (p demoParty) as(role string) cases.PartyInput {
	return cases.PartyInput{Role: role, Kind: p.kind, Name: p.name, IDNumber: p.id, CreditCode: p.code, Phone: p.phone}
}

func (p demoParty) app() cases.PartyInput   { return p.as(cases.PartyApplicant) }
func (p demoParty) resp() cases.PartyInput  { return p.as(cases.PartyRespondent) }
func (p demoParty) third() cases.PartyInput { return p.as(cases.PartyThird) }

// demoPerson is a natural person; with region, birth date (YYYYMMDD) and a
// sequence (odd for men, even for women) it gets a valid ID number.
func demoPerson(name, region, birth string, seq int, phone string) demoParty {
	id := ""
	if region != "" {
		id = demoIDNumber(region, birth, seq)
	}
	return demoParty{kind: cases.PersonIndividual, name: name, id: id, phone: phone}
}

// demoOrg is an organisation; with a registration prefix ("91" a company,
// "54" a villagers' committee) and an 8-character organisation code it gets
// a valid 统一社会信用代码.
func demoOrg(name, prefix, region, org, phone string) demoParty {
	code := ""
	if prefix != "" {
		code = demoCreditCode(prefix, region, org)
	}
	return demoParty{kind: cases.PersonOrganisation, name: name, code: code, phone: phone}
}

// demoIDNumber appends the GB 11643 check character (ISO 7064 MOD 11-2).
func demoIDNumber(region, birth string, seq int) string {
	body := fmt.Sprintf("%s%s%03d", region, birth, seq)
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * weights[i]
	}
	return body + string("10X98765432"[sum%11])
}

const demoCreditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// demoCreditCode builds a GB 32100 code: prefix, region, the 9-character
// organisation code (GB 11714 check appended to org) and the final check.
func demoCreditCode(prefix, region, org string) string {
	orgWeights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 8; i++ {
		c := org[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		org += "X"
	case 11:
		org += "0"
	default:
		org += string(rune('0' + c))
	}
	body := prefix + region + org
	weights := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum = 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(demoCreditChars, body[i]) * weights[i]
	}
	return body + string(demoCreditChars[(31-sum%31)%31])
}

func demoYuan(v float64) *float64 { return &v }

// demoCases is the script of the demo: who came, about what, and what each
// desk did. Towns, people and companies are invented but typical of 海宁市.
func demoCases() []demoCase {
	const hn = "330481" // 海宁市
	h, d := demoHour, demoDay

	// Citizens who keep coming back: the repeat visits the reform exists to end.
	shenAgen := demoPerson("沈阿根", hn, "19580417", 213, "13905736218")
	zhouJianming := demoPerson("周建明", "511324", "19850926", 571, "15868310724")
	xuMeifang := demoPerson("许美芳", hn, "19690812", 248, "13586365027")

	// People.
	zhangLihua := demoPerson("张丽华", hn, "19760305", 126, "13857301942")
	xuHao := demoPerson("徐浩", hn, "19950214", 37, "18757358216")
	chenXiaoyan := demoPerson("陈晓燕", "330483", "19970629", 124, "15157329860")
	chenGenfa := demoPerson("陈根发", "330483", "19700118", 153, "13567380417")
	qianYueqin := demoPerson("钱月琴", hn, "19630921", 206, "13905832761")
	maDongsheng := demoPerson("马东升", "341221", "19880503", 457, "17767318025")
	sunWei := demoPerson("孙伟", hn, "19871130", 19, "18857391263")
	wuGuoliang := demoPerson("吴国良", hn, "19610707", 271, "13819397305")
	wuGuohua := demoPerson("吴国华", hn, "19650215", 293, "13750726843")
	caiJinfu := demoPerson("蔡金福", hn, "19550830", 219, "13967331508")
	yaoHongmei := demoPerson("姚红梅", hn, "19720416", 168, "15967362490")
	jiangHaifeng := demoPerson("蒋海峰", hn, "19900325", 391, "18268308817")
	liGuoping := demoPerson("李国平", hn, "19750608", 435, "13706833952")
	wangHaijun := demoPerson("王海军", hn, "19801219", 57, "15825701736")
	fengQiaozhen := demoPerson("冯巧珍", hn, "19790102", 288, "13757316604")
	yuYongqiang := demoPerson("俞永强", hn, "19780921", 179, "13362320958")
	tangXiulan := demoPerson("唐秀兰", hn, "19440316", 226, "0573-87256108")
	tangJianguo := demoPerson("唐建国", hn, "19680520", 237, "13516739382")
	tangJianmin := demoPerson("唐建民", hn, "19711111", 255, "13857398154")
	huXiaojun := demoPerson("胡晓军", hn, "19920813", 433, "15888375210")
	gaoJianhua := demoPerson("高建华", hn, "19730427", 411, "13989399576")
	panLiping := demoPerson("潘丽萍", hn, "19850224", 302, "18069385147")
	dingWeiming := demoPerson("丁伟明", "330424", "19830919", 115, "15067365983")
	zhuXiaohong := demoPerson("朱小红", hn, "19930601", 166, "17858361209")
	heYunfei := demoPerson("何云飞", "522427", "19960728", 31, "19857316043")
	shenXuefen := demoPerson("沈雪芬", hn, "19660504", 184, "13575382695")
	gongZhiping := demoPerson("龚志平", hn, "19740217", 359, "13867356719")
	chuMeiling := demoPerson("褚美玲", hn, "19910903", 48, "18767366582")
	hanBin := demoPerson("韩斌", hn, "19860112", 473, "15158330197")
	yangXiaoli := demoPerson("杨晓丽", hn, "19940505", 26, "18358389024")
	zhaoLiming := demoPerson("赵黎明", hn, "19810623", 395, "13587336478")
	xiaShuqin := demoPerson("夏淑琴", hn, "19520810", 204, "0573-87609321")
	fangJun := demoPerson("方俊", hn, "19880907", 13, "15024349876")
	zhouQin := demoPerson("周琴", hn, "19900115", 246, "18806737251")
	liMin := demoPerson("李敏", "361128", "19921020", 208, "17357305816")
	wangFugen := demoPerson("王富根", hn, "19600224", 331, "13819398420")
	shiGuiying := demoPerson("施桂英", hn, "19570309", 160, "13957383315")
	luJianfeng := demoPerson("陆剑锋", hn, "19840730", 79, "13858363092")
	zouHui := demoPerson("邹慧", hn, "19870502", 262, "15157370948")
	jinWeigang := demoPerson("金伟刚", hn, "19770814", 139, "13905835740")
	xuJialin := demoPerson("徐佳琳", hn, "19981212", 86, "18257313590")
	fengDalin := demoPerson("冯大林", hn, "19620618", 375, "13750731196")
	yuanLan := demoPerson("袁兰", hn, "19830405", 142, "15869371823")
	tangLei := demoPerson("唐磊", "420621", "19910227", 519, "17706839428")
	sunXiaomei := demoPerson("孙晓梅", hn, "19750915", 280, "13867398213")
	jiangWen := demoPerson("蒋文", hn, "19951025", 457, "18868376104")
	qianGuofu := demoPerson("钱国富", hn, "19590129", 317, "13819376521")
	zhaoXiuzhen := demoPerson("赵秀珍", hn, "19670711", 206, "13567317392")
	wuJianjun := demoPerson("吴建军", hn, "19790303", 493, "13706840157")
	liuYang := demoPerson("刘洋", hn, "19970418", 351, "18368369240")
	zhangWei := demoPerson("张伟", hn, "19860630", 97, "15857361842")
	heLina := demoPerson("何丽娜", hn, "19890111", 268, "15906739172")
	yuHaitao := demoPerson("俞海涛", hn, "19870808", 235, "13567389961")
	neighbourUpstairs := demoPerson("毛建伟", "", "", 0, "13586310498") // no ID given at the window

	// Organisations.
	jinchengLabour := demoOrg("嘉兴锦程建筑劳务有限公司", "91", "330402", "MA2B7K3C", "0573-82216635")
	hengyuanKnit := demoOrg("海宁市恒远经编有限公司", "91", hn, "MA28C6K1", "0573-87061288")
	anjuProperty := demoOrg("海宁市安居物业服务有限公司", "91", hn, "MA29E4P7", "0573-87226510")
	lvyuanProperty := demoOrg("海宁市绿苑物业管理有限公司", "91", hn, "MA2CKD03", "0573-87038726")
	huaanInsurance := demoOrg("华安达财产保险股份有限公司海宁支公司", "91", hn, "MA2D1B8N", "0573-87012345")
	kanghuaHospital := demoOrg("海宁康华医院有限公司", "91", hn, "MA2AJT59", "0573-87399120")
	xinchengAuto := demoOrg("海宁市鑫诚汽车销售服务有限公司", "91", hn, "MA2E3L6R", "0573-87552093")
	xucunTextile := demoOrg("海宁市许村镇锦绣家纺有限公司", "91", hn, "MA2BW9Q2", "0573-87501768")
	dingqiaoTown := demoOrg("海宁市丁桥镇人民政府", "", "", "", "0573-87911020")
	yongfuVillage := demoOrg("海宁市许村镇永福村村民委员会", "54", hn, "MEA0F3K2", "0573-87508122")
	dongfengVillage := demoOrg("海宁市周王庙镇东丰村村民委员会", "54", hn, "MEA0G7D5", "0573-87871302")
	jiahuaPig := demoOrg("海宁市袁花镇嘉华生猪养殖场", "", "", "", "13606737528")
	meijiaDecor := demoOrg("海宁市美家装饰工程有限公司", "91", hn, "MA2F6H1U", "0573-87668035")
	lijingFitness := demoOrg("海宁市力健健身服务有限公司", "91", hn, "MA2G0R4W", "0573-87077345")
	dentalClinic := demoOrg("海宁市博雅口腔门诊部有限公司", "91", hn, "MA2DJ5X8", "0573-87233671")
	fuyuanCoop := demoOrg("海宁市斜桥镇丰源果蔬专业合作社", "93", hn, "MA2AP8Y6", "13905737791")
	hongfaFurniture := demoOrg("海宁市宏发家具商行", "92", hn, "MA2H7C3E", "15988317206")
	tianyiRestaurant := demoOrg("海宁市硖石街道天一餐饮店", "92", hn, "MA2JB6T1", "18957366210")
	mingdaLeather := demoOrg("海宁市明达皮革制品有限公司", "91", hn, "MA2C9Q0L", "0573-87318657")
	xinganConstruction := demoOrg("浙江新港建设工程有限公司", "91", "330400", "MA2K3F8B", "0573-82081166")
	kuaisongDelivery := demoOrg("嘉兴快送网络科技有限公司", "91", "330402", "MA2L5N2D", "0573-82599017")
	yuemingEducation := demoOrg("海宁市悦明教育培训有限公司", "91", hn, "MA2M8U4G", "0573-87219886")
	huifengTrading := demoOrg("海宁市汇丰纺织品贸易有限公司", "91", hn, "MA2N1W7H", "0573-87583322")
	ruitaiMaterials := demoOrg("桐乡市瑞泰化纤有限公司", "91", "330483", "MA2P4X9J", "0573-88126530")
	cleaningCo := demoOrg("海宁市洁美保洁服务有限公司", "91", hn, "MA2Q6Y3K", "0573-87290614")
	yunhaiEstate := demoOrg("海宁市海洲街道云海花苑业主委员会", "", "", "", "")
	pharmacy := demoOrg("海宁市仁和堂大药房", "92", hn, "MA2R9B5M", "0573-87411908")

	return []demoCase{
		// ——— about three months ago ———
		{ago: 88, in: demoIn("建筑工地拖欠农民工工资", "labor", "walk_in", "长安镇",
			"申请人周建明等12人系四川籍务工人员，2025年3月至2026年6月受被申请人嘉兴锦程建筑劳务有限公司招用，在长安镇某住宅小区项目从事木工、钢筋工作业。"+
				"工程主体完工后，劳务公司以总包方未结算工程款为由，一直未支付剩余工资，经班组长统计共计86400元。"+
				"申请人多次到项目部讨要未果，项目负责人电话已无法接通。申请人持有考勤记录和班组长签字的工资结算单。",
			"请求督促被申请人支付拖欠的工资86400元。", demoYuan(86400), 12,
			zhouJianming.app(), jinchengLabour.resp(), xinganConstruction.third()),
			steps: []demoStep{
				dRoute(40*time.Minute, "intake", "mediation", "涉及12名农民工，请优先调处。"),
				dAccept(2*h, "mediation"),
				dNote(1*d, "mediation", "已电话联系劳务公司负责人赵某，对方称总包方新港公司尚欠其工程款，同意到中心协商。"),
				dPublic(2*h, "mediation", "已通知被申请人于本周五上午到中心调解室协商。"),
				dNote(3*d, "mediation", "劳务公司负责人未按约到场，再次联系无人接听。总包方表示工程款已按进度支付。"),
				dTransfer(2*h, "mediation", "litigation", "被申请人拒不到场，人民调解无法进行；申请人证据较完整，移交诉讼服务窗口，考虑诉前调解或申请支付令。"),
				dAccept(3*h, "litigation"),
				dPublic(1*d, "litigation", "已指导申请人整理考勤记录、工资结算单，诉前调解已委派特邀调解员。"),
				dInvite(2*h, "litigation", "governance", "请综治窗口协调镇劳动保障所，核查总包方工资专用账户支付情况。"),
				dNote(1*d, "governance", "已联系镇劳动保障所，总包方承诺在工资专户中预留相应款项，待调解结果直接代发。"),
			}},
		{ago: 86, in: demoIn("楼上卫生间漏水致楼下天花板受损", "neighbour", "walk_in", "硖石街道",
			"申请人张丽华居住于硖石街道某小区3幢502室，楼上602室业主毛建伟于2025年底重新装修卫生间。"+
				"今年7月以来，申请人卫生间和过道天花板持续渗水，石膏吊顶发霉脱落，墙面乳胶漆起泡。"+
				"物业公司上门查看后认定系602室卫生间防水层破损所致。申请人多次上门协商，对方以“装修公司负责”为由拖延不修。",
			"请求被申请人修复防水层，并赔偿吊顶、墙面修复费用约3800元。", demoYuan(3800), 1,
			zhangLihua.app(), neighbourUpstairs.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(1*h, "mediation2"),
				dNote(1*d, "mediation2", "会同物业工作人员上门查看，602室卫生间地漏周边防水层有裂缝，闭水试验12小时后楼下明显渗水。"),
				dPublic(2*h, "mediation2", "已约双方于下周二下午在社区调解室面谈。"),
				dClose(5*d, "mediation2", "调解成功，达成协议",
					"经调解，双方自愿达成协议：毛建伟于10日内请专业人员重做卫生间防水，并一次性赔偿张丽华吊顶及墙面修复费用3500元，当场支付。双方签订人民调解协议书。"),
			}},
		{ago: 85, in: demoIn("不服土地承包经营权纠纷判决信访", "litigation_related", "walk_in", "许村镇",
			"信访人沈阿根系许村镇永福村村民，与邻组村民因一块1.2亩承包地的经营权发生争议，2024年诉至法院。"+
				"一审、二审均判决该地块经营权归对方所有，判决已生效。"+
				"沈阿根认为村里1998年二轮延包时的登记有误，法院“只看登记不看事实”，多次到镇、市两级上访。"+
				"本次来访情绪激动，表示问题不解决将继续上访。",
			"请求重新核查1998年二轮延包登记，撤销原判决，将地块判归本人。", nil, 1,
			shenAgen.app(), yongfuVillage.third()),
			steps: []demoStep{
				dRoute(1*h, "intake", "petition", "信访老户，已多次到镇、市上访，请注意接待方式。"),
				dAccept(3*h, "petition"),
				dPublic(1*h, "petition", "您的信访事项已受理，将在60日内书面答复。"),
				dNote(2*d, "petition", "调阅村档案：1998年延包登记表确载该地块为对方承包，沈阿根签字确认。诉讼已经两审终结。"),
				dInvite(1*h, "petition", "litigation", "涉及生效判决，请诉讼服务窗口协助释法，告知再审途径。"),
				dNote(2*d, "litigation", "已调阅两审卷宗，判决认定事实清楚。已准备释法材料，告知申请再审的期限和管辖法院。"),
				dVisit(10*d, "intake", "信访人再次来中心，询问办理进度，情绪较上次平稳。"),
				dNote(1*d, "petition", "会同村干部上门走访，信访人坚持原诉求。拟联合诉讼服务窗口再做一次释法答疑。"),
			}},
		{ago: 83, in: demoIn("解除婚约返还彩礼纠纷", "marriage_family", "walk_in", "斜桥镇",
			"申请人徐浩与陈晓燕经人介绍相识，2025年10月按当地习俗订婚，徐家给付彩礼18.8万元及三金首饰一套。"+
				"双方未办理结婚登记，仅短暂共同生活约两个月。今年5月双方因婚房装修和工作地点问题产生矛盾，女方回娘家居住，明确表示不再结婚。"+
				"徐家多次托媒人要求返还彩礼，女方家认为男方过错在先，且女方已有怀孕流产经历，只同意返还一半。",
			"请求返还彩礼18.8万元及三金首饰。", demoYuan(188000), 2,
			xuHao.app(), chenXiaoyan.resp(), chenGenfa.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(2*h, "mediation"),
				dNote(1*d, "mediation", "分别做双方工作。女方父亲陈根发称彩礼已部分用于购置嫁妆（床品、家电），约3万元。"),
				dPublic(4*d, "mediation", "定于本周四上午九时在中心二号调解室组织双方面对面调解，请携带彩礼给付凭证。"),
				dClose(3*d, "mediation", "调解成功，达成协议",
					"参照最高人民法院关于彩礼纠纷的司法解释，综合共同生活时间、嫁妆及女方身体受损等因素，双方达成协议：女方返还彩礼10万元及三金首饰，嫁妆归女方所有，款项于15日内付清。已申请司法确认。"),
			}},
		{ago: 81, in: demoIn("电动自行车与小货车碰撞致人受伤赔偿", "traffic", "referral", "袁花镇",
			"2026年5月12日7时许，申请人钱月琴驾驶电动自行车在袁花镇袁硖公路与一辆小型货车发生碰撞，致左胫骨骨折，住院治疗23天。"+
				"交警部门认定货车驾驶员马东升负事故主要责任，申请人负次要责任。货车在华安达财险投保交强险和商业三者险100万元。"+
				"申请人出院后与保险公司就误工费、护理费和伤残赔偿金的计算标准协商未果，交警大队将纠纷转至中心调解。",
			"请求赔偿医疗费、误工费、护理费、伤残赔偿金等共计67500元。", demoYuan(67500), 1,
			qianYueqin.app(), maDongsheng.resp(), huaanInsurance.resp()),
			steps: []demoStep{
				dRoute(1*h, "intake", "mediation", "交警大队转来，附事故认定书复印件。"),
				dAccept(1*h, "mediation2"),
				dNote(2*d, "mediation2", "申请人伤残等级经鉴定为十级。保险公司对误工期限（申请人主张180天）有异议，认为应按120天计算。"),
				dClose(6*d, "mediation2", "调解成功，达成协议",
					"经“道交一体化”平台在线调解，保险公司在交强险和商业险范围内赔付58000元，马东升另行补偿2000元，申请人放弃其他请求。赔款已到账。"),
			}},
		{ago: 80, in: demoIn("业主拒交物业费", "property_mgmt", "walk_in", "海洲街道",
			"申请人海宁市安居物业服务有限公司为海洲街道云海花苑提供物业服务。业主孙伟自2023年起拒交物业费，至今累计5760元。"+
				"孙伟称其地下车库车位多年渗水，多次报修物业均未彻底处理，车辆因此受损，故拒交物业费。"+
				"物业公司表示车库渗水系开发商遗留问题，已多次做过临时堵漏。",
			"请求业主补交2023年至今物业费5760元。", demoYuan(5760), 1,
			anjuProperty.app(), sunWei.resp(), yunhaiEstate.third()),
			steps: []demoStep{
				dRoute(1*h, "intake", "mediation", ""),
				dAccept(2*h, "mediation"),
				dNote(3*d, "mediation", "现场查看车库，B区顶板确有多处渗水痕迹。业委会表示可动用公共维修资金维修。"),
				dClose(4*d, "mediation", "调解成功，达成协议",
					"物业公司承诺30日内申请维修资金彻底处理车库渗水，孙伟补交物业费4800元，其余960元物业公司予以减免。"),
			}},
		{ago: 79, in: demoIn("宅基地界址争议", "land", "walk_in", "周王庙镇",
			"申请人吴国良与被申请人吴国华系堂兄弟，两家宅基地相邻。吴国华今年翻建房屋时，新砌围墙向申请人一侧延伸约40厘米，并堵住了两家之间原有的排水沟。"+
				"申请人认为围墙占用其宅基地，下雨时院内积水。被申请人称围墙按老墙基砌筑，并未越界。双方多次争吵，险些动手。",
			"请求拆除越界围墙，恢复排水沟。", nil, 2,
			wuGuoliang.app(), wuGuohua.resp(), dongfengVillage.third()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "governance", "双方有肢体冲突苗头，请网格员关注。"),
				dAccept(1*h, "governance"),
				dInvite(1*d, "governance", "mediation", "需要人民调解员参与现场调解。"),
				dNote(1*d, "mediation", "会同自然资源所、村干部现场测量，对照1989年宅基地登记图，新围墙确实越界约35厘米。"),
				dClose(3*d, "governance", "调解成功，达成协议",
					"双方确认以登记图为准重新确界：吴国华将围墙东移35厘米，由村里出资恢复排水沟，双方握手言和。"),
			}},
		{ago: 77, in: demoIn("征地附属物补偿标准异议", "expropriation", "letter", "丁桥镇",
			"信访人蔡金福系丁桥镇某村村民，其承包的3.6亩土地被纳入2025年度省级重点项目征收范围。"+
				"镇政府按标准对青苗和地上附属物进行补偿，信访人认为其地上的钢架大棚和灌溉设施只按简易棚计价，补偿明显偏低。"+
				"信访人称同村其他农户的同类大棚补偿更高，要求一视同仁。",
			"请求重新评估钢架大棚及灌溉设施，按实际造价补偿。", demoYuan(42000), 1,
			caiJinfu.app(), dingqiaoTown.resp()),
			steps: []demoStep{
				dRoute(2*h, "intake", "petition", "来信件，已电话告知信访人已登记。"),
				dAccept(1*d, "petition"),
				dNote(5*d, "petition", "向镇征迁办调取评估报告：信访人大棚为单层镀锌管结构，与同村连栋钢架大棚结构不同，计价标准依据市政府2024年第17号文。"),
				dClose(6*d, "petition", "已答复",
					"经核查，补偿标准执行市政府文件，评估程序合法。已书面答复信访人，并告知对评估结果不服可在收到答复之日起30日内申请复核评估。"),
			}},
		{ago: 76, in: demoIn("术后切口感染医疗纠纷", "medical", "walk_in", "许村镇",
			"申请人姚红梅2026年4月在海宁康华医院行腹腔镜胆囊切除术，术后第5天出院。出院后切口红肿化脓，再次入院清创，多住院18天。"+
				"申请人认为医院消毒不规范导致感染，要求赔偿。医院认为术后感染属于已告知的并发症风险，诊疗无过错，但愿意协商。",
			"请求赔偿医疗费、误工费、精神损害抚慰金等共计8万元。", demoYuan(80000), 1,
			yaoHongmei.app(), kanghuaHospital.resp()),
			steps: []demoStep{
				dRoute(1*h, "intake", "mediation", "可联系市医调委专家提供咨询意见。"),
				dAccept(1*h, "mediation"),
				dNote(4*d, "mediation", "经医调委专家阅看病历，认为术后抗菌药物使用符合规范，但出院时切口评估记录不完整，医院存在一定告知瑕疵。"),
				dPublic(1*h, "mediation", "专家咨询意见已出具，请双方于下周一到中心协商。"),
				dClose(5*d, "mediation", "调解成功，达成协议",
					"医院一次性补偿申请人45000元（含再次住院费用），申请人不再就本次诊疗提出其他主张。"),
			}},
		{ago: 75, in: demoIn("二手车隐瞒事故车况退车纠纷", "consumer", "hotline", "硖石街道",
			"申请人蒋海峰于2026年5月在海宁市鑫诚汽车销售服务有限公司购买一辆二手SUV，价款12.6万元，合同载明“无重大事故、无泡水”。"+
				"一个月后申请人到4S店保养，检查发现该车曾发生严重碰撞，右侧A柱、B柱有切割焊接痕迹。"+
				"申请人要求退车退款，车行称车辆已过户且申请人验过车，只同意补偿2000元。",
			"请求退车并返还购车款12.6万元，或赔偿差价3.2万元。", demoYuan(32000), 1,
			jiangHaifeng.app(), xinchengAuto.resp()),
			steps: []demoStep{
				dRoute(1*h, "intake", "mediation", "12345热线转来。"),
				dReturn(3*h, "mediation", "申请人已委托律师向法院起诉，法院尚未立案。属诉讼服务事项，请重新分流至诉讼服务窗口。"),
				dRoute(1*h, "intake", "litigation", "人民调解窗口退回，改派诉讼服务窗口，考虑诉前调解。"),
				dAccept(2*h, "litigation"),
				dNote(3*d, "litigation", "已委派特邀调解员，车行负责人同意协商，但对维修评估报告有异议。"),
				dClose(6*d, "litigation", "诉前调解成功",
					"车行赔偿申请人车辆贬值损失3万元，申请人保留车辆。双方申请司法确认，已出具民事裁定书。"),
			}},
		{ago: 74, in: demoIn("民间借贷纠纷", "loan_contract", "walk_in", "长安镇",
			"申请人李国平与被申请人王海军系多年朋友。2024年8月王海军以资金周转为由向申请人借款15万元，约定年利率6%，2025年8月前归还，出具借条一张，款项通过银行转账交付。"+
				"到期后被申请人仅归还利息9000元，本金至今未还，近期电话不接、微信不回。",
			"请求归还借款本金15万元及逾期利息。", demoYuan(150000), 1,
			liGuoping.app(), wangHaijun.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "litigation", "借条、转账凭证齐全。"),
				dAccept(2*h, "litigation"),
				dNote(1*d, "litigation", "多次电话联系被申请人未接通，其妻称王海军在外地，无力偿还。"),
				dClose(2*d, "litigation", "引导诉讼",
					"被申请人无调解意愿，已指导申请人通过浙江移动微法院网上立案，并告知可申请诉讼保全。"),
			}},
		{ago: 72, in: demoIn("经编厂夜间生产噪声扰民", "environment", "grid", "硖石街道",
			"网格员巡查及群众反映：硖石街道某小区北侧海宁市恒远经编有限公司车间紧邻居民楼，每天22时后仍开机生产，经编机噪声明显。"+
				"多名居民反映夜间无法入睡，老人和备考学生受影响较大，曾多次打电话给厂方，未见改善。",
			"请求厂方夜间停止生产或采取隔音措施。", nil, 36,
			xuMeifang.app(), hengyuanKnit.resp()),
			steps: []demoStep{
				dRoute(1*h, "intake", "governance", "涉及36户居民。"),
				dAccept(1*h, "governance"),
				dNote(1*d, "governance", "夜间23时会同生态环境分局监测，厂界噪声57分贝，超过2类区夜间50分贝标准。"),
				dPublic(2*h, "governance", "已责令厂方限期整改，整改期间22时后停机。"),
				dClose(8*d, "governance", "已整改",
					"厂方已将临近居民楼的6台经编机迁至南侧车间并加装隔音门窗，复测夜间噪声46分贝，达标。已回访居民代表许美芳，表示满意。"),
			}},
		{ago: 70, in: demoIn("邻居家犬只咬伤赔偿", "neighbour", "walk_in", "盐官镇",
			"申请人冯巧珍9月2日傍晚路过邻居俞永强家门口时，被其散养的一只中华田园犬咬伤右小腿，当晚到卫生院注射狂犬疫苗和免疫球蛋白。"+
				"俞永强承认狗是他家的，但认为申请人逗狗在先，只愿承担一半费用。",
			"请求赔偿医药费、误工费共计2600元。", demoYuan(2600), 1,
			fengQiaozhen.app(), yuYongqiang.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(1*h, "mediation2"),
				dClose(2*d, "mediation2", "调解成功，达成协议",
					"向双方讲解饲养动物损害责任的法律规定。俞永强全额赔偿2600元，并承诺今后拴养犬只、办理犬证。"),
			}},
		{ago: 69, in: demoIn("家纺厂拖欠三名工人工资", "labor", "walk_in", "许村镇",
			"申请人胡晓军等3人在海宁市许村镇锦绣家纺有限公司从事缝纫、包装工作，今年6月起公司以订单减少为由停发工资，7月底通知放假。"+
				"三人被拖欠6至8月工资共计27600元，公司老板称外贸货款未收回，承诺“年底一起结”。申请人担心企业倒闭，要求尽快支付。",
			"请求支付拖欠工资27600元。", demoYuan(27600), 3,
			huXiaojun.app(), xucunTextile.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "governance", "请协调镇劳动保障所。"),
				dAccept(1*h, "governance"),
				dNote(1*d, "governance", "与镇劳动保障所联合约谈企业负责人，企业账面有应收货款约80万元，同意分期支付。"),
				dClose(4*d, "governance", "已协调解决",
					"企业已于约谈后一周内分两次支付三名工人全部工资27600元，工人签字确认。"),
			}},
		{ago: 66, in: demoIn("小区周边路灯长期损坏", "other", "hotline", "长安镇",
			"群众反映长安镇某安置小区东侧道路约500米路段路灯自今年春节后一直不亮，夜间行人和电动车通行不便，已发生两起摔伤。"+
				"曾向社区反映，社区称道路产权属于镇里，需要镇城建办处理。",
			"请求尽快修复路灯。", nil, 1,
			shiGuiying.app()),
			steps: []demoStep{
				dRoute(1*h, "intake", "governance", ""),
				dAccept(2*h, "governance"),
				dClose(3*d, "governance", "已答复",
					"已转镇城建办，经查系电缆被盗，已于本周更换电缆、修复路灯14盏。已电话回访反映人。"),
			}},
		{ago: 64, in: demoIn("老人赡养费纠纷", "marriage_family", "walk_in", "丁桥镇",
			"申请人唐秀兰，82岁，丈夫已去世，育有二子唐建国、唐建民。老人患高血压、糖尿病，独居在老屋，每月仅有养老金约1600元。"+
				"两个儿子因老宅拆迁补偿分配问题有矛盾，互相推诿，近半年均未给付生活费，老人看病靠邻居垫钱。",
			"请求两个儿子每月给付赡养费，并轮流照顾。", nil, 3,
			tangXiulan.app(), tangJianguo.resp(), tangJianmin.resp()),
			steps: []demoStep{
				dRoute(20*time.Minute, "intake", "mediation", "老人行动不便，可考虑上门调解。"),
				dAccept(1*h, "mediation"),
				dNote(2*d, "mediation", "分别走访兄弟二人。症结在于老宅拆迁款分配，兄弟均同意赡养，但都要求对方多出。"),
				dClose(3*d, "mediation", "调解成功，达成协议",
					"邀请村调委会、族中长辈共同调解：兄弟二人每人每月给付赡养费800元，医疗费凭票各半负担，老人由二人按季度轮流照顾。拆迁款另行协商。"),
			}},
		{ago: 62, in: demoIn("停车场倒车刮擦拒不赔偿", "traffic", "walk_in", "海洲街道",
			"申请人潘丽萍8月20日将车停在海洲街道某商场地面停车场，被丁伟明倒车时刮擦左后车门及保险杠。"+
				"双方未报警，丁伟明当场承认并留下电话。事后申请人送修报价6800元，丁伟明认为报价过高，且其车辆未投保车损险，只愿赔付2000元。",
			"请求赔偿修车费6800元及车辆贬值损失。", demoYuan(6800), 1,
			panLiping.app(), dingWeiming.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(1*h, "mediation2"),
				dNote(1*d, "mediation2", "被申请人坚持只赔2000元，并称要申请交警重新认定。"),
				dTransfer(2*d, "mediation2", "litigation", "双方对损失金额分歧较大，被申请人拒绝人民调解，移交诉讼服务窗口进行诉前调解或引导诉讼。"),
				dAccept(2*h, "litigation"),
				dClose(4*d, "litigation", "引导诉讼",
					"诉前调解未果，已引导申请人提起诉讼，建议在诉讼中申请车辆损失鉴定。"),
			}},
		{ago: 61, in: demoIn("胜诉判决长期未执行信访", "litigation_related", "walk_in", "硖石街道",
			"信访人高建华2024年起诉海宁市明达皮革制品有限公司买卖合同纠纷，法院判决对方支付货款23.5万元。"+
				"判决生效后申请执行，2025年法院以“暂无可供执行财产”终结本次执行程序。"+
				"信访人称该公司仍在正常经营，其法定代表人新开了一家公司转移资产，认为法院执行不力。",
			"请求恢复执行，追加股东为被执行人。", demoYuan(235000), 1,
			gaoJianhua.app(), mingdaLeather.resp()),
			steps: []demoStep{
				dRoute(1*h, "intake", "petition", ""),
				dAccept(2*h, "petition"),
				dTransfer(1*d, "petition", "litigation", "属于法院执行事项，依照诉访分离原则移交诉讼服务窗口转执行局办理。"),
				dAccept(2*h, "litigation"),
				dNote(3*d, "litigation", "已与执行局联系，信访人提供的新公司线索有价值，执行局同意恢复执行。"),
				dClose(5*d, "litigation", "已答复",
					"执行局已恢复执行并冻结被执行人银行账户两个，对追加股东一事告知信访人可提起执行异议之诉。已书面答复。"),
			}},
		{ago: 58, in: demoIn("小区电梯频繁故障", "property_mgmt", "online", "海昌街道",
			"海昌街道某小区7幢业主反映：该幢电梯今年以来停运十余次，8月曾发生困人事件，一名老人被困40分钟。"+
				"业主多次向物业反映，物业称电梯已过保修期，维修需要动用维修资金，业主表决迟迟不能通过。业主要求物业先行维修。",
			"请求物业立即组织维修，确保电梯安全运行。", nil, 12,
			zhuXiaohong.app(), lvyuanProperty.resp()),
			steps: []demoStep{
				dRoute(2*h, "intake", "mediation", "网上申请，涉及12户业主代表。"),
				dAccept(1*h, "mediation"),
				dInvite(1*d, "mediation", "governance", "涉及特种设备安全，请综治窗口协调市场监管所。"),
				dNote(1*d, "governance", "市场监管所已现场检查，责令物业立即对主板和门机进行维修。"),
				dClose(4*d, "mediation", "调解成功，达成协议",
					"物业先行垫资更换电梯主板和门机系统，费用经业主大会表决后从维修资金列支。电梯已恢复运行，经检验合格。"),
			}},
		{ago: 56, in: demoIn("装修工期延误及质量纠纷", "loan_contract", "walk_in", "周王庙镇",
			"申请人韩斌与海宁市美家装饰工程有限公司签订家装合同，总价16万元，约定90天完工。实际拖延近两个月仍未完工，且卫生间瓷砖空鼓、墙面开裂。"+
				"申请人已支付工程款12万元，装修公司要求付清尾款后再整改。",
			"请求装修公司整改质量问题，并按合同支付延期违约金48000元。", demoYuan(48000), 1,
			hanBin.app(), meijiaDecor.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(1*h, "mediation"),
				dClose(6*d, "mediation", "调解成功，达成协议",
					"装修公司20日内完成整改和剩余工程，减免工程款1.5万元作为延期补偿；申请人验收合格后支付尾款2.5万元。"),
			}},
		{ago: 55, in: demoIn("再次来访要求对土地承包判决申请再审", "litigation_related", "walk_in", "许村镇",
			"信访人沈阿根再次来访，反映其对土地承包经营权纠纷二审判决不服，称找到了1998年村里的会议记录，可证明当年延包登记有误。"+
				"信访人要求中心帮助其向法院申请再审，并要求法院“给个说法”。",
			"请求帮助申请再审。", nil, 1,
			shenAgen.app()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "litigation", "与信访窗口在办案件为同一事项，信访人提出新证据，请诉讼服务窗口指导再审申请。"),
				dAccept(2*h, "litigation"),
				dClose(2*d, "litigation", "引导申请再审",
					"已告知信访人向嘉兴市中级人民法院申请再审的期限、条件和所需材料，并为其联系法律援助律师审查新证据。"),
			}},
		{ago: 53, in: demoIn("养猪场污水排入河道", "environment", "hotline", "袁花镇",
			"群众反映袁花镇某村海宁市袁花镇嘉华生猪养殖场夜间将未经处理的养殖污水排入旁边河道，河水发黑发臭，附近农户无法取水浇菜。"+
				"反映人称已向村里反映过，养殖场白天停排、夜间偷排。",
			"请求查处偷排行为，治理河道污染。", nil, 1,
			wangFugen.app(), jiahuaPig.resp()),
			steps: []demoStep{
				dRoute(1*h, "intake", "governance", ""),
				dAccept(1*h, "governance"),
				dNote(1*d, "governance", "会同生态环境分局夜间蹲点，发现养殖场排污口有暗管通往河道，已取样送检。"),
				dClose(5*d, "governance", "已查处",
					"生态环境分局已对养殖场立案查处，责令拆除暗管、停产整改；镇里组织对受污染河段清淤。已回访反映人。"),
			}},
		{ago: 50, in: demoIn("空调外机噪音及热风直吹纠纷", "neighbour", "walk_in", "硖石街道",
			"申请人沈雪芬家卧室窗户正对邻居龚志平新装的空调外机，距离不足1.5米。夏季外机日夜运行，噪音大、热风直吹，申请人无法开窗。"+
				"双方协商移机未果，龚志平称外机装在自家外墙上，合法合规。",
			"请求被申请人移装空调外机。", nil, 1,
			shenXuefen.app(), gongZhiping.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(1*h, "mediation2"),
				dNote(2*d, "mediation2", "两次上门，被申请人拒绝移机，只同意加装导风板。"),
				dClose(3*d, "mediation2", "调解不成，引导诉讼",
					"双方分歧较大，调解未成。已告知申请人可依据相邻关系向法院起诉，并提供噪声检测渠道。"),
			}},
		// ——— about six to eight weeks ago ———
		{ago: 48, in: demoIn("健身房停业预付卡无法退费", "consumer", "walk_in", "海洲街道",
			"申请人褚美玲等25名会员在海宁市力健健身服务有限公司办理年卡、私教课，预付金额合计约8.6万元。"+
				"9月初健身房突然闭店，门口贴出“装修升级”通知，老板失联。会员建群维权，担心血本无归。",
			"请求退还预付费用约8.6万元。", demoYuan(86000), 25,
			chuMeiling.app(), lijingFitness.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", "涉众，25人。"),
				dReturn(2*h, "mediation", "涉众预付卡纠纷需要市场监管、公安等多部门联动，建议分流至综治窗口统筹。"),
				dRoute(1*h, "leader", "governance", "请综治窗口牵头，市场监管所、派出所配合，防止群体性事件。"),
				dAccept(1*h, "governance"),
				dPublic(1*d, "governance", "已联系上健身房法定代表人，正在核对会员名单和剩余课时。"),
				dNote(3*d, "governance", "法定代表人称场地转租给新经营者，新经营者同意承接部分会员。"),
				dVisit(5*d, "intake", "会员代表褚美玲来中心询问进度。"),
			}},
		{ago: 47, in: demoIn("种植牙失败医疗纠纷", "medical", "walk_in", "硖石街道",
			"申请人赵黎明2026年3月在海宁市博雅口腔门诊部种植两颗后牙，费用2.4万元。半年内一颗种植体松动脱落，另一颗牙龈反复发炎。"+
				"门诊部同意免费重做，但申请人已不信任该门诊部，要求退款并赔偿。",
			"请求退还种植费用2.4万元并赔偿后续治疗费。", demoYuan(36000), 1,
			zhaoLiming.app(), dentalClinic.resp()),
			steps: []demoStep{
				dRoute(1*h, "intake", "mediation", ""),
				dAccept(1*h, "mediation"),
				dNote(2*d, "mediation", "已申请医疗损害技术鉴定，双方同意待鉴定意见出具后再行调解。"),
				dPublic(1*h, "mediation", "已委托鉴定，预计需要30至45个工作日，期间请保存好病历资料。"),
			}},
		{ago: 45, in: demoIn("土地流转租金拖欠纠纷", "land", "walk_in", "斜桥镇",
			"申请人王富根等村民将承包地流转给海宁市斜桥镇丰源果蔬专业合作社种植葡萄，合同约定每亩年租金1200元，每年12月底付清。"+
				"合作社2025年度租金至今未付，涉及农户17户、土地86亩。合作社称今年葡萄遭遇冰雹减产，资金困难。",
			"请求支付2025年度土地流转租金10.32万元。", demoYuan(103200), 17,
			wangFugen.app(), fuyuanCoop.resp()),
			steps: []demoStep{
				dRoute(1*h, "intake", "mediation", ""),
				dAccept(1*h, "mediation2"),
				dClose(5*d, "mediation2", "调解成功，达成协议",
					"合作社先行支付租金6万元，余款于今年12月底前付清，由合作社理事长个人提供担保。"),
			}},
		{ago: 42, in: demoIn("拆迁安置房分配异议", "expropriation", "walk_in", "海洲街道",
			"信访人施桂英一家户籍四口人，其房屋2023年被列入旧城改造范围。安置时，其儿媳因户籍迁入时间晚于调查摸底截止日，未被认定为安置人口。"+
				"信访人认为儿媳婚后一直在此居住，应予安置，少分一套小户型房屋不公平。",
			"请求将儿媳认定为安置人口，增加安置面积。", nil, 4,
			shiGuiying.app()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "petition", ""),
				dAccept(2*h, "petition"),
				dNote(3*d, "petition", "已调取征迁政策：安置人口以调查摸底截止日户籍为准，儿媳户籍迁入晚17天。正与街道征迁办研究是否存在例外情形。"),
				dVisit(7*d, "intake", "信访人再次来访，情绪激动，表示一周内没有答复要去市里。已安抚并联系信访窗口。"),
				dPublic(1*h, "petition", "您反映的安置人口认定问题正在与街道征迁办核实，将在法定期限内答复。"),
			}},
		{ago: 40, in: demoIn("再次反映建筑工地欠薪未付", "labor", "walk_in", "长安镇",
			"申请人周建明再次来访，称劳务公司拖欠的工资已近三个月仍未拿到，工友们春节前急需回家，生活困难。"+
				"申请人要求信访部门督促有关部门尽快解决，否则将集体到项目工地讨薪。",
			"请求督促尽快支付拖欠工资。", demoYuan(86400), 12,
			zhouJianming.app(), jinchengLabour.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "petition", "与诉讼服务窗口在办欠薪案为同一纠纷，重复来访。"),
				dAccept(1*h, "petition"),
				dNote(1*d, "petition", "已与诉讼服务窗口核对：诉前调解正在进行，总包方已在工资专户预留款项。"),
				dClose(1*d, "petition", "已答复",
					"已当面答复申请人：该纠纷已由诉讼服务窗口诉前调解，总包方已预留款项，调解达成后直接代发。劝导其依法维权，不要采取过激行为。"),
			}},
		{ago: 38, in: demoIn("离婚后子女探视纠纷", "marriage_family", "walk_in", "许村镇",
			"申请人方俊与周琴2024年协议离婚，儿子（6岁）随母亲生活，协议约定父亲每周末可探视一次。"+
				"今年以来周琴以孩子要上兴趣班为由多次拒绝探视，近两个月申请人未能见到孩子。周琴称方俊抚养费经常拖欠。",
			"请求按离婚协议保障探视权。", nil, 2,
			fangJun.app(), zhouQin.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(1*h, "mediation"),
				dClose(4*d, "mediation", "调解成功，达成协议",
					"双方重新约定：方俊每月5日前支付抚养费2000元，每月第一、三周周六探视，寒暑假可带孩子共同生活一周。"),
			}},
		{ago: 36, in: demoIn("外卖骑手撞伤老人赔偿", "traffic", "walk_in", "硖石街道",
			"申请人夏淑琴，74岁，9月18日中午在硖石街道人行道上被一名外卖骑手李敏驾驶的电动车撞倒，致右腕骨折。"+
				"骑手称其为平台众包骑手，无力赔偿，要求由配送站处理；配送站所属的嘉兴快送网络科技有限公司称骑手不是其员工。"+
				"申请人已花费医疗费1.2万元。",
			"请求赔偿医疗费、护理费、营养费等共计3万元。", demoYuan(30000), 1,
			xiaShuqin.app(), liMin.resp(), kuaisongDelivery.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(1*h, "mediation2"),
				dInvite(1*d, "mediation2", "litigation", "涉及平台用工关系及雇主责任认定，邀请诉讼服务窗口共同调处。"),
				dNote(1*d, "litigation", "经查，骑手系通过劳务外包公司接单，快送公司投保了骑手意外险和第三者责任险，可启动理赔。"),
				dClose(4*d, "mediation2", "调解成功，达成协议",
					"由快送公司协助通过第三者责任险理赔2.2万元，骑手李敏另行赔偿3000元，申请人放弃其余请求。"),
			}},
		{ago: 34, in: demoIn("夫妻共同债务民间借贷纠纷", "loan_contract", "walk_in", "长安镇",
			"申请人金伟刚2025年借给被申请人陆剑锋8万元用于其开办的汽修店经营，有借条和微信转账记录。"+
				"陆剑锋今年与妻子邹慧离婚，称该笔借款应由夫妻共同偿还，邹慧则称不知情、未签字。",
			"请求陆剑锋、邹慧共同归还借款8万元。", demoYuan(80000), 1,
			jinWeigang.app(), luJianfeng.resp(), zouHui.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "litigation", ""),
				dAccept(2*h, "litigation"),
				dClose(5*d, "litigation", "诉前调解成功",
					"陆剑锋确认借款由其个人分期偿还，每月还款8000元，10个月还清；邹慧不承担还款责任。已申请司法确认。"),
			}},
		{ago: 31, in: demoIn("外嫁女要求享受村集体分红", "other", "walk_in", "许村镇",
			"信访人徐佳琳1998年出生，户籍一直在许村镇永福村，2022年与外地男子结婚后户口未迁出。"+
				"村股份经济合作社2025年度分红时，以其“已外嫁”为由取消其分红资格。信访人认为违反男女平等原则。",
			"请求恢复集体经济分红资格，补发2025年度分红。", demoYuan(4800), 1,
			xuJialin.app(), yongfuVillage.resp()),
			steps: []demoStep{
				dRoute(1*h, "intake", "petition", ""),
				dAccept(1*h, "petition"),
				dClose(6*d, "petition", "已答复",
					"经镇农业农村办核查，村规民约中限制外嫁女权益的条款违反法律规定，已责令村里修改。信访人分红资格已恢复，2025年度分红4800元已补发。"),
			}},
		// ——— the past month ———
		{ago: 29, in: demoIn("楼上漏水再次渗入楼下卧室", "neighbour", "walk_in", "海洲街道",
			"申请人杨晓丽居住于海洲街道某小区12幢301室，楼上401室租客使用洗衣机时排水管脱落，水渗入申请人卧室，木地板起拱、衣柜受潮。"+
				"房东韩某称租客应负责，租客称排水管是房东的旧管子。申请人两头找人，都不愿意赔。",
			"请求赔偿木地板、衣柜损失约1.5万元。", demoYuan(15000), 1,
			yangXiaoli.app(), tangLei.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(1*h, "mediation2"),
				dNote(1*d, "mediation2", "已联系房东和租客，房东在外地，同意视频参加调解。"),
				dPublic(2*h, "mediation2", "已约定下周三下午视频调解，请提前准备损失照片和维修报价。"),
			}},
		{ago: 27, in: demoIn("小区地面停车位收费纠纷", "property_mgmt", "walk_in", "海昌街道",
			"申请人俞海涛等业主反映，小区物业海宁市绿苑物业管理有限公司自10月起对地面停车位每月收取200元停车费，未经业主大会表决。"+
				"业主认为地面车位属全体业主共有，收费应经业主大会决定，收益归业主所有。",
			"请求停止收费，公开停车收益。", nil, 8,
			yuHaitao.app(), lvyuanProperty.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(1*h, "mediation"),
				dClose(5*d, "mediation", "调解成功，达成协议",
					"物业暂停收费，由社区指导召开业主大会表决停车管理方案；已收停车费转入公共收益账户，每季度公示。"),
			}},
		{ago: 26, in: demoIn("餐饮店油烟扰民", "environment", "grid", "硖石街道",
			"网格员上报：硖石街道某商住楼底层天一餐饮店油烟管道排口朝向居民楼，油烟直排二楼、三楼居民窗户，居民多次投诉。"+
				"店主称已安装油烟净化器，但居民反映效果不明显。",
			"请求督促餐饮店整改油烟排放。", nil, 6,
			heLina.app(), tianyiRestaurant.resp()),
			steps: []demoStep{
				dRoute(1*h, "intake", "governance", ""),
				dAccept(1*h, "governance"),
				dClose(4*d, "governance", "已整改",
					"会同综合行政执法队检查，责令店主清洗更换净化器并将排口引至楼顶高空排放。整改已完成，居民表示满意。"),
			}},
		{ago: 24, in: demoIn("解除劳动合同经济补偿纠纷", "labor", "walk_in", "长安镇",
			"申请人吴建军在海宁市汇丰纺织品贸易有限公司任仓库主管8年，10月公司以“组织架构调整”为由口头通知其次日不用上班，未支付经济补偿。"+
				"申请人月平均工资7800元，认为公司违法解除，应支付赔偿金。公司称申请人多次违反仓库管理制度，系严重违纪解除。",
			"请求支付违法解除劳动合同赔偿金124800元。", demoYuan(124800), 1,
			wuJianjun.app(), huifengTrading.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "litigation", "建议诉前调解，并告知劳动仲裁时效。"),
				dAccept(2*h, "litigation"),
				dPublic(1*d, "litigation", "已委派特邀调解员，首次调解定于下周二上午。仲裁时效不因调解中断，请注意。"),
				dNote(5*d, "litigation", "公司提供了两次书面警告，但未能提供规章制度公示证据。公司愿意支付经济补偿，金额尚有差距。"),
			}},
		{ago: 22, in: demoIn("药店输液后过敏反应赔偿", "medical", "walk_in", "丁桥镇",
			"申请人孙晓梅10月在丁桥镇海宁市仁和堂大药房附设诊所输液（头孢类抗生素）后出现严重过敏反应，送医院抢救后住院5天。"+
				"申请人称输液前未做皮试，诊所称已询问过敏史、申请人否认过敏。",
			"请求赔偿医疗费、误工费等2.6万元。", demoYuan(26000), 1,
			sunXiaomei.app(), pharmacy.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(1*h, "mediation"),
				dNote(2*d, "mediation", "已调取诊所处方和护理记录，皮试记录缺失。诊所执业资质需卫健部门核查。"),
				dVisit(4*d, "mediation", "申请人到调解室询问进度，已告知正在等待卫健部门核查结果。"),
				dSuspend(1*d, "mediation", "等待卫健部门核查诊所执业资质并出具医疗损害鉴定意见，鉴定期间不计入调解期限。"),
			}},
		{ago: 20, in: demoIn("反映法院执行土地承包判决不公", "litigation_related", "walk_in", "许村镇",
			"信访人沈阿根第三次来访，反映法院正在执行的土地承包判决中，对方已在争议地块上搭建大棚，其种植的桑树被全部砍除。"+
				"信访人认为再审尚在申请中，法院不应执行，要求停止执行并赔偿桑树损失。",
			"请求暂停执行并赔偿桑树损失。", demoYuan(6000), 1,
			shenAgen.app()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "petition", "第三次来访，关联本中心在办信访件。"),
				dAccept(1*h, "petition"),
				dNote(1*d, "petition", "已与法院执行局核实：申请再审不影响生效判决执行，桑树系信访人在判决后补种。"),
				dEscalate(2*d, "yellow", 10, "第三次来访，请信访窗口会同法院执行局当面答复信访人，10日内报告。"),
			}},
		{ago: 19, in: demoIn("家具质量问题退货纠纷", "consumer", "walk_in", "海昌街道",
			"申请人蒋文在海宁市宏发家具商行购买实木餐桌椅一套，价款8600元，商家宣称为“北美黑胡桃木”。"+
				"使用一个月后桌面开裂，申请人发现桌腿内部为密度板贴皮。商家称开裂是暖气烘烤所致，拒绝退货。",
			"请求退货退款8600元并按消费者权益保护法三倍赔偿。", demoYuan(34400), 1,
			jiangWen.app(), hongfaFurniture.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(1*h, "mediation2"),
				dClose(3*d, "mediation2", "调解成功，达成协议",
					"商家承认宣传与实际材质不符，同意退货退款8600元并赔偿4000元，申请人放弃三倍赔偿请求。"),
			}},
		{ago: 17, in: demoIn("建房占用村道通行纠纷", "land", "grid", "周王庙镇",
			"网格员上报：周王庙镇东丰村村民钱国富翻建房屋时将院墙外扩至村道边，村道宽度由4米缩至2.6米，后排赵秀珍等5户农户农用车无法通行。"+
				"双方发生争吵，后排农户扬言要推倒围墙。",
			"请求恢复村道通行宽度。", nil, 5,
			zhaoXiuzhen.app(), qianGuofu.resp(), dongfengVillage.third()),
			steps: []demoStep{
				dRoute(1*h, "intake", "governance", "存在激化风险。"),
				dAccept(1*h, "governance"),
				dInvite(1*d, "governance", "mediation", "请人民调解员参与做钱国富的工作。"),
				dNote(2*d, "mediation", "钱国富同意后退1米，但要求村里补偿围墙拆建费用。村委会正在研究。"),
			}},
		{ago: 15, in: demoIn("厂房征收补偿决定异议", "expropriation", "letter", "丁桥镇",
			"信访企业海宁市明达皮革制品有限公司位于丁桥镇，厂房约3200平方米被纳入工业园区有机更新范围。"+
				"镇政府作出征收补偿决定，企业认为评估未计算停产停业损失和设备搬迁费，补偿款比市场价低约三成。",
			"请求重新评估，补偿停产停业损失。", demoYuan(3600000), 1,
			mingdaLeather.app(), dingqiaoTown.resp()),
			steps: []demoStep{
				dRoute(2*h, "intake", "petition", ""),
				dAccept(1*d, "petition"),
				dTransfer(2*d, "petition", "litigation", "企业已收到书面征收补偿决定，依法可申请行政复议或提起行政诉讼，不宜按信访程序处理，移交诉讼服务窗口引导。"),
			}},
		{ago: 13, in: demoIn("电动自行车相撞纠纷", "traffic", "walk_in", "袁花镇",
			"申请人刘洋与张伟在袁花镇一路口各自驾驶电动自行车相撞，双方均有擦伤，申请人车辆前叉损坏。"+
				"交警认定双方同等责任。申请人要求对方承担一半的修车费和医药费，对方认为自己伤更重。",
			"请求对方分担修车费、医药费共2400元。", demoYuan(2400), 1,
			liuYang.app(), zhangWei.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(1*h, "mediation"),
				dClose(1*d, "mediation", "调解成功，达成协议", "双方各自承担本人医药费，张伟补偿刘洋修车费600元，当场履行。"),
			}},
		{ago: 12, in: demoIn("化纤原料买卖合同货款纠纷", "loan_contract", "walk_in", "许村镇",
			"申请人桐乡市瑞泰化纤有限公司向被申请人海宁市许村镇锦绣家纺有限公司供应涤纶长丝，截至2026年9月累计欠货款41.3万元，双方有对账单确认。"+
				"被申请人称部分货物存在色差，要求扣减货款，且外贸订单回款慢，请求分期付款。",
			"请求支付货款41.3万元及逾期付款利息。", demoYuan(413000), 1,
			ruitaiMaterials.app(), xucunTextile.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "litigation", ""),
				dAccept(2*h, "litigation"),
				dNote(3*d, "litigation", "双方均有调解意愿，争议焦点为色差货物约3.6万元是否扣减。"),
			}},
		{ago: 11, in: demoIn("共用排水沟堵塞纠纷", "neighbour", "walk_in", "斜桥镇",
			"申请人冯大林与邻居袁兰两家房屋之间有一条共用排水沟。袁兰家扩建厨房时将排水沟盖板浇筑封死，雨天申请人家院子积水进屋。"+
				"申请人要求恢复排水沟，袁兰称排水沟在自家地界内。",
			"请求恢复排水沟通畅。", nil, 2,
			fengDalin.app(), yuanLan.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "governance", ""),
				dAccept(1*h, "governance"),
				dClose(2*d, "governance", "调解成功，达成协议", "经网格员和村干部现场协调，袁兰同意在盖板上预留检修口，并由村里出资疏通，两家共同维护。"),
			}},
		{ago: 10, in: demoIn("家庭暴力及分居财产纠纷", "marriage_family", "walk_in", "长安镇",
			"申请人朱小红与丈夫何云飞结婚5年，丈夫酗酒后多次殴打申请人，10月一次致其面部软组织挫伤，已报警处理。"+
				"申请人已带孩子回娘家居住，要求分居期间丈夫支付孩子生活费，并考虑离婚。",
			"请求制止家庭暴力，协商子女抚养费和财产分割。", nil, 2,
			zhuXiaohong.app(), heYunfei.resp()),
			steps: []demoStep{
				dRoute(20*time.Minute, "intake", "mediation", "涉家暴，注意保护申请人信息。"),
				dAccept(1*h, "mediation"),
				dInvite(2*h, "mediation", "governance", "请综治窗口联系派出所、妇联，评估是否需要申请人身安全保护令。"),
				dNote(1*d, "governance", "派出所已对何云飞出具家庭暴力告诫书，妇联已联系申请人提供心理疏导。"),
				dPublic(1*d, "mediation", "已告知可向法院申请人身安全保护令，中心可协助准备材料。"),
			}},
		{ago: 9, in: demoIn("物业费上涨争议", "property_mgmt", "walk_in", "海洲街道",
			"申请人许美芳反映，小区物业海宁市安居物业服务有限公司通知自明年起物业费由每月每平方米1.2元涨至1.8元，涨幅50%。"+
				"业主认为服务质量没有提升，涨价未经业主大会表决，要求物业说明成本构成。",
			"请求物业暂停涨价，公开物业服务成本。", nil, 20,
			xuMeifang.app(), anjuProperty.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
			}},
		{ago: 8, by: "governance", in: demoIn("建筑工地夜间施工噪音", "environment", "grid", "海昌街道",
			"网格上报：海昌街道某安置房项目工地连续一周夜间22时后浇筑混凝土，泵车和振捣噪声扰民，周边小区居民在业主群集中投诉。"+
				"施工单位浙江新港建设工程有限公司称浇筑工艺需要连续作业，已办理夜间施工许可，但居民称未见公示。",
			"请求核实夜间施工许可，减少夜间噪声。", nil, 30,
			heLina.app(), xinganConstruction.resp()),
			steps: []demoStep{
				dRoute(1*h, "intake", "governance", "网格员上报，已在综治窗口登记。"),
				dAccept(30*time.Minute, "governance"),
				dNote(1*d, "governance", "核实：夜间施工许可仅批准3天，工地已超期施工4天。已通知住建局执法。"),
			}},
		{ago: 7, in: demoIn("群租房安全隐患", "other", "hotline", "许村镇",
			"群众反映许村镇某自建房被二房东改造成20余间隔断房出租给外来务工人员，楼道堆放电动车并飞线充电，存在严重消防隐患。",
			"请求排查整治群租房消防隐患。", nil, 1,
			yuanLan.app()),
			steps: []demoStep{
				dRoute(1*h, "intake", "governance", "消防隐患，请尽快排查。"),
			}},
		{ago: 6, in: demoIn("第三次反映欠薪问题", "labor", "walk_in", "长安镇",
			"申请人周建明第三次来访，称诉前调解中劳务公司负责人仍未露面，工友中已有人准备到住建局集体上访。"+
				"申请人要求中心直接要求总包方先行垫付工资。",
			"请求总包方先行垫付拖欠工资。", demoYuan(86400), 12,
			zhouJianming.app(), xinganConstruction.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "litigation", "重复来访，与诉讼服务窗口在办欠薪案为同一纠纷，请并案考虑由总包方先行垫付。"),
			}},
		{ago: 6, in: demoIn("教培机构退费纠纷", "consumer", "online", "硖石街道",
			"申请人韩斌为孩子在海宁市悦明教育培训有限公司报名一年期英语课程，预付1.28万元，上课两个月后因老师频繁更换、孩子不愿再上，申请退费。"+
				"机构称合同约定“开课后不退费”，只能转课。",
			"请求退还剩余课时费约1万元。", demoYuan(10000), 1,
			hanBin.app(), yuemingEducation.resp()),
			steps: []demoStep{
				dRoute(1*h, "intake", "mediation", ""),
				dReturn(3*h, "mediation", "申请材料缺少培训合同和缴费凭证，请窗口补充后重新分流。"),
			}},
		{ago: 5, in: demoIn("对派出所处理邻里纠纷结果不满", "litigation_related", "walk_in", "盐官镇",
			"信访人冯巧珍反映，其与邻居因宅前晒场发生争执，被对方推倒，派出所仅作调解处理未予处罚。"+
				"信访人认为派出所偏袒对方，要求对对方进行治安处罚并赔偿医药费。",
			"请求依法处罚对方，赔偿医药费。", demoYuan(1800), 1,
			fengQiaozhen.app()),
			steps: []demoStep{
				dRoute(1*h, "intake", "petition", ""),
			}},
		{ago: 5, in: demoIn("装修借款未还纠纷", "loan_contract", "walk_in", "袁花镇",
			"申请人周琴借给同村邻居钱国富2万元用于装修，有借条，约定半年归还，已逾期三个月。钱国富称最近手头紧，年底一定还。",
			"请求归还借款2万元。", demoYuan(20000), 1,
			zhouQin.app(), qianGuofu.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "litigation", ""),
				dReturn(2*h, "litigation", "标的较小，双方同村，对方有还款意愿，建议先行人民调解。"),
				dRoute(1*h, "intake", "mediation", "诉讼服务窗口退回，改派人民调解。"),
			}},
		{ago: 4, in: demoIn("承包地边界争议", "land", "walk_in", "斜桥镇",
			"申请人施桂英与邻户赵秀珍两家承包地相邻，赵家今年翻耕时将田埂向申请人一侧移了约半米，种上了油菜。"+
				"申请人要求恢复原田埂，赵家称原田埂本来就歪。",
			"请求恢复原承包地界。", nil, 2,
			shiGuiying.app(), zhaoXiuzhen.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "governance", ""),
				dAccept(1*h, "governance"),
				dTransfer(1*d, "governance", "mediation", "经网格员了解，双方无激化风险，属一般邻里土地纠纷，移交人民调解窗口。"),
			}},
		{ago: 4, in: demoIn("祖坟迁移补偿纠纷", "expropriation", "walk_in", "丁桥镇",
			"信访人唐建国反映，其家族祖坟三穴位于丁桥镇高速连接线征地范围内，镇里要求限期迁移，每穴补偿3000元。"+
				"信访人认为补偿太低，且新公墓位置偏远，要求提高标准。",
			"请求提高迁坟补偿标准。", demoYuan(9000), 1,
			tangJianguo.app(), dingqiaoTown.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "petition", ""),
				dAccept(2*h, "petition"),
			}},
		{ago: 3, in: demoIn("第四次来访：要求法院赔偿桑树损失", "litigation_related", "walk_in", "许村镇",
			"信访人沈阿根第四次来访，反映争议地块上的桑树被砍后无人赔偿，其向法院申请再审的材料递交后未收到回复。"+
				"信访人称近期将到杭州上访。",
			"请求赔偿桑树损失，尽快答复再审申请。", demoYuan(6000), 1,
			shenAgen.app()),
			steps: []demoStep{
				dNote(40*time.Minute, "intake", "重复来访，已有在办信访件；请信访窗口、诉讼服务窗口会商后统一答复。"),
			}},
		{ago: 3, in: demoIn("楼上装修噪音扰民", "neighbour", "walk_in", "海昌街道",
			"申请人夏淑琴反映，楼上邻居装修已持续两个月，周末和中午也在电钻施工，申请人年老体弱，午休无法保证。",
			"请求对方遵守装修时间规定。", nil, 1,
			xiaShuqin.app(), jiangWen.resp()),
			steps: []demoStep{
				dRoute(30*time.Minute, "intake", "mediation", ""),
				dAccept(2*h, "mediation2"),
				dPublic(2*h, "mediation2", "已联系楼上业主和装修公司，对方承诺周末及12:00—14:00停止噪声施工。"),
			}},
		{ago: 2, in: demoIn("货车追尾事故赔偿", "traffic", "phone", "长安镇",
			"申请人钱国富驾驶的小轿车在长安镇沪杭高速长安出口附近被一辆货车追尾，车辆后部严重受损，本人颈部扭伤。"+
				"交警认定货车全责，货车司机所在物流公司称正在走保险流程，但保险公司对维修方案有异议。",
			"请求赔偿车辆维修费、误工费等。", demoYuan(42000), 1,
			qianGuofu.app()),
			steps: nil},
		{ago: 1, in: demoIn("保洁员工资被克扣", "labor", "walk_in", "海洲街道",
			"申请人赵秀珍在海宁市洁美保洁服务有限公司从事写字楼保洁工作，公司以“检查不合格”为由每月扣发工资300至500元，近半年累计扣款2400元，且未缴纳社保。",
			"请求返还克扣工资2400元，依法缴纳社保。", demoYuan(2400), 1,
			zhaoXiuzhen.app(), cleaningCo.resp()),
			steps: nil},
		{ago: 1, online: true, in: demoIn("网购手机翻新机纠纷", "consumer", "online", "硖石街道",
			"申请人刘洋通过本地一家手机店的直播间购买新款手机，价款5999元，收货后检测为翻新机，商家拒绝退货。",
			"请求退一赔三。", demoYuan(23996), 1,
			liuYang.app()),
			steps: nil},
		{ago: 3, online: true, in: demoIn("网上申请：邻居借款不还", "loan_contract", "online", "许村镇",
			"申请人刘洋称五年前借给邻居一万元，没有借条，对方一直不还，现已起诉至法院并已立案。",
			"请求调解让对方还钱。", demoYuan(10000), 1,
			liuYang.app()),
			steps: []demoStep{
				{after: 3 * time.Hour, who: "intake", req: cases.ActionRequest{Action: "decline",
					Reason: "该纠纷已由人民法院立案受理，依法不再重复调解。请关注法院的开庭通知；如需诉讼服务，可到中心诉讼服务窗口咨询。"}},
			}},
		{ago: 1, in: demoIn("婚后房产加名纠纷", "marriage_family", "walk_in", "周王庙镇",
			"申请人邹慧反映，其与丈夫婚前由男方父母全款购房登记在男方名下，婚后共同还贷装修。现夫妻感情不和，男方父母要求其搬离。"+
				"申请人要求在房产证上加名或补偿装修款。",
			"请求确认共同还贷部分权益，补偿装修款。", demoYuan(150000), 1,
			zouHui.app()),
			steps: nil},
	}
}

// demoIn builds one intake as the window types it.
func demoIn(title, category, source, town, summary, claims string, amount *float64, people int,
	parties ...cases.PartyInput) cases.IntakeInput {
	return cases.IntakeInput{Title: title, Category: category, Source: source, Summary: summary, Claims: claims,
		Town: town, Amount: amount, PeopleCount: people, Parties: parties}
}
