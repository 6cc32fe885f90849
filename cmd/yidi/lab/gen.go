package lab

// The benchmark generator: N realistic cases of a county centre, built
// through the real cases.Service (intake, route, accept, notes, visits,
// transfers, closes) from recombined CAIL2019 court texts and the spoken
// wording of the window. `yidi bench search` and the search benchmarks use
// it; nothing else does.

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"yidi/cases"
)

//go:embed testdata/bench_queries.txt
var benchQueries string

// BenchQueries are the 100 typical staff queries of the speed benchmark,
// one per line as typed at the counter.
func BenchQueries() []string {
	var out []string
	for _, l := range strings.Split(benchQueries, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// BenchCorpus is the text the generator cuts up: clauses of court texts
// grouped by the category their case name maps to, and the case names.
type BenchCorpus struct {
	clauses map[string][]string // category → clauses in centre wording
	titles  map[string][]string // category → CAIL case names
}

// LoadBenchCorpus reads the CAIL2019 reading-comprehension file (contexts,
// case names) and the similar-case file (A/B/C texts, all private lending).
func LoadBenchCorpus(rcPath, scmPath string) (*BenchCorpus, error) {
	c := &BenchCorpus{clauses: map[string][]string{}, titles: map[string][]string{}}
	raw, err := os.ReadFile(rcPath)
	if err != nil {
		return nil, err
	}
	var rc struct {
		Data []struct {
			Paragraphs []struct {
				Context  string `json:"context"`
				Casename string `json:"casename"`
			} `json:"paragraphs"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &rc); err != nil {
		return nil, fmt.Errorf("%s: %w", rcPath, err)
	}
	for _, d := range rc.Data {
		for _, p := range d.Paragraphs {
			cat := cailCategory(p.Casename)
			c.titles[cat] = append(c.titles[cat], p.Casename)
			c.clauses[cat] = append(c.clauses[cat], benchClauses(p.Context)...)
		}
	}
	if scmPath != "" {
		raw, err := os.ReadFile(scmPath)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(raw), "\n") {
			var t struct{ A, B, C string }
			if json.Unmarshal([]byte(line), &t) != nil {
				continue
			}
			for _, s := range []string{t.A, t.B, t.C} {
				c.clauses["loan_contract"] = append(c.clauses["loan_contract"], benchClauses(s)...)
			}
		}
	}
	n := 0
	for _, cl := range c.clauses {
		n += len(cl)
	}
	if n < 1000 {
		return nil, fmt.Errorf("bench corpus: only %d clauses in %s", n, rcPath)
	}
	return c, nil
}

var benchCourtWords = strings.NewReplacer(
	"经审理查明", "", "本院认为", "", "公诉机关指控", "经了解", "被告人", "被申请人", "被告", "被申请人",
	"原告", "申请人", "本院", "中心", "诉至法院", "来中心反映", "起诉", "反映",
	"\n", "", " ", "", ":", "：", ",", "，", ";", "；")

// benchClauses cuts a court text into clauses of 8 to 60 characters in the
// centre's wording.
func benchClauses(text string) []string {
	text = benchCourtWords.Replace(text)
	var out []string
	for _, s := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune("。；，！？", r) }) {
		if n := utf8.RuneCountInString(s); n >= 8 && n <= 60 {
			out = append(out, s)
		}
	}
	return out
}

// The centre's county: towns with some of their villages or communities.
var benchTowns = []struct {
	name     string
	villages []string
}{
	{"硖石街道", []string{"东山社区", "西山社区", "南关厢社区", "联合村", "新星村"}},
	{"海洲街道", []string{"金利社区", "文苑社区", "塘桥村", "伊桥村"}},
	{"海昌街道", []string{"双喜社区", "永福村", "云龙村", "联星村"}},
	{"马桥街道", []string{"红旗村", "大都社区", "新伟村", "马桥村"}},
	{"许村镇", []string{"许村村", "荡湾村", "永福村", "李家村", "科同村"}},
	{"长安镇", []string{"长安社区", "褚石村", "兴福村", "辛江村", "修川社区"}},
	{"周王庙镇", []string{"周王庙村", "博儒桥村", "联民村", "云龙村"}},
	{"盐官镇", []string{"盐官村", "郭店村", "桃园村", "城北村"}},
	{"斜桥镇", []string{"斜桥村", "庆云村", "华丰村", "祝场村"}},
	{"丁桥镇", []string{"丁桥村", "新仓村", "永丰村", "诸桥村"}},
	{"袁花镇", []string{"袁花村", "联丰村", "双丰村", "红晓村"}},
	{"黄湾镇", []string{"黄湾村", "五丰村", "尖山村", "闸口村"}},
}

var benchSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤褚")

var benchGivenChars = []rune("建国秀英志强桂兰海涛丽娟德明春梅永刚晓燕伟芳敏静军磊洋勇艳杰娜涛明超霞平刚辉玲华飞鑫波斌宇浩凯健俊帆帅旭宁欣怡佳琪雪婷慧淑珍兴福根林荣新文红金宝发龙贵")

var benchCompanies = []string{"建筑工程有限公司", "纺织有限公司", "经编有限公司", "皮革制品有限公司", "物业管理有限公司",
	"房地产开发有限公司", "汽车销售服务有限公司", "装饰工程有限公司", "家纺有限公司", "劳务派遣有限公司", "机械制造有限公司", "超市"}

var benchCompanyHeads = []string{"宏达", "鑫源", "天和", "金马", "华丰", "永盛", "恒通", "嘉禾", "瑞丰", "海利", "新亚", "东方", "锦绣", "长城", "富民"}

// benchFacts are how people at the window tell each kind of dispute:
// {v} a village, {r} the respondent, {a} an amount, {m} a month.
var benchFacts = map[string][]string{
	"labor": {
		"申请人在{r}做工，{m}以来的工资共计{a}元一直拖着不给，老板说等工程款到了再结",
		"包工头欠薪跑路，十几个工友的工钱{a}元没着落，年底了急着回老家",
		"申请人在车间干活时手被机器压伤，公司不给认定工伤，医药费{a}元都是自己垫的",
		"公司突然通知不用来上班了，没签劳动合同也没给经济补偿，还欠{m}的工资",
		"在工地上摔伤了，老板只给了两千块钱就不管了，后续治疗费{a}元没人出",
	},
	"marriage_family": {
		"订婚时按{v}习俗给了女方彩礼{a}元，现在女方要退婚，彩礼一分不退",
		"离婚后孩子跟女方生活，男方说好每月给抚养费一千元，已经有{m}没给了",
		"老人有三个子女，都推说没钱不肯赡养，老人一个人住在{v}的老房子里没人照顾",
		"父亲去世后留下{v}的两间房子，兄弟姐妹为遗产怎么分吵得不可开交",
		"夫妻长期分居，女方要求离婚并分割共同财产，男方不同意，双方多次争吵",
	},
	"neighbour": {
		"楼上卫生间漏水，把申请人家天花板泡坏了，找对方好几次都说没空修",
		"邻居{r}在两家中间的公共通道上砌了围墙，申请人家的农用车开不进去",
		"隔壁装修天天从早到晚电钻响，老人孩子休息不好，噪音扰民说了也不听",
		"邻居家养的狗把申请人小孩咬伤了，打疫苗花了{a}元，对方不肯出钱",
		"邻居盖新房挡了申请人家的采光，屋檐滴水落到申请人院子里",
		"楼上住户空调外机滴水，楼下阳台常年湿漉漉的，双方为此吵过几次",
	},
	"property_mgmt": {
		"小区物业不作为，电梯坏了一个月没人修，业主拒交物业费，物业要起诉",
		"物业公司把小区公共绿地改成停车位收费，业主们有意见",
		"地下车库漏水把业主的车泡了，物业说不归他们管，损失{a}元",
		"业主装修被物业收了装修押金{a}元，装完了押金迟迟不退",
	},
	"land": {
		"{v}的承包地被邻组的人占了种苗木，村里调解过一次没有结果",
		"宅基地界址有争议，对方建房多占了申请人家半米宅基地",
		"土地流转费{a}元，承包大户拖了两年不付，几十户村民一起来反映",
	},
	"expropriation": {
		"{v}拆迁，申请人认为评估价太低，安置房面积也算少了，不肯签协议",
		"征地补偿款{a}元被村里扣着不发，村民要求公开账目",
		"老宅拆迁后兄弟之间为安置房怎么分发生争执",
	},
	"medical": {
		"在镇卫生院打完针后出现过敏，住院花了{a}元，家属认为是医疗事故",
		"老人做手术后感染，家属要求医院赔偿，医院说手术没有问题",
	},
	"traffic": {
		"电动车在{v}路口被小轿车撞了，腿骨折住院，保险公司赔偿款迟迟不到位",
		"交通事故责任认定书出来了，对方只愿意赔{a}元，申请人觉得太少",
		"骑电瓶车被三轮车刮倒，对方没上保险，医药费{a}元谁出谈不拢",
	},
	"consumer": {
		"在{r}买的电瓶车用了一个月就坏了，商家不给退换",
		"预付了健身卡{a}元，店铺突然关门老板联系不上",
		"网上买的家具质量有问题，商家只同意修不同意退",
	},
	"loan_contract": {
		"{m}借给{r}{a}元，有借条，说好半年还，现在电话都不接",
		"帮朋友做担保，朋友借的钱没还，出借人找申请人要钱",
		"装修合同做了一半，装修公司就停工了，预付款{a}元不退",
		"合伙开店散伙后，另一方拿了账上的钱{a}元不分",
	},
	"environment": {
		"{v}边上的养殖场臭气熏天，夏天根本不能开窗，苍蝇蚊子多",
		"附近工厂晚上排废气，气味刺鼻，村民怀疑污染了河水",
		"楼下饭店油烟直排，申请人家窗户全是油，噪音也大",
	},
	"litigation_related": {
		"对法院判决不服，认为执行不到位，判下来的{a}元一直拿不到",
		"案件已经判了，但对方名下没有财产，申请人要求加快执行",
	},
	"other": {
		"村里修路占了申请人家的自留地，补偿没谈好",
		"小区门口摆摊占道经营，影响通行，多次反映没人管",
		"村集体分红，申请人作为出嫁女没有分到，认为不公平",
	},
}

var benchClaims = map[string]string{
	"labor":              "请求{r}支付拖欠的工资{a}元",
	"marriage_family":    "请求调解处理，{r}返还或支付{a}元",
	"neighbour":          "请求{r}停止侵害、恢复原状，赔偿损失{a}元",
	"property_mgmt":      "请求{r}履行物业服务义务，退还或赔偿{a}元",
	"land":               "请求确认土地权属并恢复原状",
	"expropriation":      "请求依法重新评估，足额补偿{a}元",
	"medical":            "请求{r}赔偿医疗费、误工费等共计{a}元",
	"traffic":            "请求{r}赔偿医疗费、误工费、护理费共计{a}元",
	"consumer":           "请求{r}退货退款{a}元",
	"loan_contract":      "请求{r}归还借款{a}元及利息",
	"environment":        "请求{r}停止排放、整改到位",
	"litigation_related": "请求协调执行到位{a}元",
	"other":              "请求有关部门协调解决",
}

var benchTitles = map[string][]string{
	"labor":              {"拖欠工资纠纷", "欠薪", "工伤赔偿纠纷", "劳务费纠纷", "劳动合同纠纷"},
	"marriage_family":    {"婚约财产（彩礼）纠纷", "抚养费纠纷", "赡养纠纷", "继承纠纷", "离婚纠纷"},
	"neighbour":          {"楼上漏水", "相邻通行纠纷", "装修噪音扰民", "邻里纠纷", "犬只伤人赔偿"},
	"property_mgmt":      {"物业服务纠纷", "物业费纠纷", "停车位纠纷"},
	"land":               {"土地承包经营权纠纷", "宅基地纠纷", "土地流转费纠纷"},
	"expropriation":      {"拆迁补偿纠纷", "征地补偿款纠纷", "安置房分配纠纷"},
	"medical":            {"医疗纠纷", "医疗损害赔偿"},
	"traffic":            {"交通事故赔偿纠纷", "电动车交通事故"},
	"consumer":           {"消费纠纷", "预付卡退费纠纷", "产品质量纠纷"},
	"loan_contract":      {"民间借贷纠纷", "借款不还", "装修合同纠纷", "合伙纠纷"},
	"environment":        {"养殖场臭味扰民", "环境污染纠纷", "油烟噪音扰民"},
	"litigation_related": {"涉法涉诉信访", "执行难"},
	"other":              {"村务纠纷", "占道经营", "集体收益分配纠纷"},
}

// benchNotes are what staff write in a timeline; {p} the applicant, {r}
// the respondent, {t} the town, {a} an amount.
var benchNotes = []string{
	"电话联系{r}，对方称近期在外地，约定下周三到中心面谈。",
	"组织双方在{t}调解室面对面调解，{p}坚持要求{a}元，{r}只同意一半，未达成一致，择日再调。",
	"到现场查看，情况属实，已拍照留存，并向村（社区）干部了解了前因后果。",
	"{p}来电询问进度，已告知正在与对方协商，请耐心等待。",
	"联系{t}司法所共同参与调解，对方表示愿意协商。",
	"{r}到中心说明情况，承认有此事，但认为金额有出入，需要核对。",
	"已向{p}释明相关法律规定和诉讼风险，当事人表示先走调解程序。",
	"双方初步同意分期处理，首期{a}元下月底前付清，待签协议。",
	"请村调委会协助做{r}家属的工作，家属态度有所松动。",
	"{p}情绪激动，表示如不解决将去市里上访，已做安抚疏导。",
	"查阅了相关合同、收据和聊天记录，证据基本清楚。",
	"律师值班窗口提供了法律咨询，建议保留好借条和转账记录。",
}

// benchOutcomes are closing outcomes with the closure type each implies.
var benchOutcomes = []struct{ outcome, closureType string }{
	{"调解成功", cases.ClosureResolved}, {"调解成功，当场履行", cases.ClosureResolved}, {"达成和解", cases.ClosureResolved},
	{"引导诉讼", cases.ClosureLegalProcedure}, {"调解不成，告知诉讼途径", cases.ClosureLegalProcedure},
	{"已协调解决", cases.ClosureResolved}, {"申请人撤回", cases.ClosureWithdrawn},
}

var benchCloseSummaries = []string{
	"经多次调解，双方自愿达成协议：{r}于本月底前支付{p}{a}元，签订人民调解协议书。",
	"双方达成和解，{r}当场支付{a}元，{p}表示满意，不再上访。",
	"调解不成，已告知{p}可向人民法院起诉，并协助联系法律援助。",
	"经协调，相关部门已落实整改，{p}表示认可。",
}

// benchGen makes the cases; one rand source keeps every run alike.
type benchGen struct {
	rng      *rand.Rand
	corpus   *BenchCorpus
	ids      map[string]bool    // issued ID numbers: one per person
	regulars []cases.PartyInput // people who come back (and whom the queries name)
}

// BenchRegulars is how many recurring people the generator makes: the
// first BenchRegulars cases each bring one of them, later cases now and then.
const BenchRegulars = 500

func newBenchGen(corpus *BenchCorpus, seed int64) *benchGen {
	g := &benchGen{rng: rand.New(rand.NewSource(seed)), corpus: corpus, ids: map[string]bool{}}
	for i := 0; i < BenchRegulars; i++ {
		g.regulars = append(g.regulars, g.person(cases.PartyApplicant, true))
	}
	return g
}

func (g *benchGen) pick(list []string) string { return list[g.rng.Intn(len(list))] }

func (g *benchGen) name() string {
	s := string(benchSurnames[g.rng.Intn(len(benchSurnames))])
	n := 1 + g.rng.Intn(2)
	if g.rng.Intn(10) == 0 {
		n = 1
	}
	for i := 0; i < n; i++ {
		s += string(benchGivenChars[g.rng.Intn(len(benchGivenChars))])
	}
	return s
}

func (g *benchGen) phone() string {
	prefixes := []string{"130", "131", "133", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "177", "180", "186", "187", "189", "199"}
	return fmt.Sprintf("%s%08d", g.pick(prefixes), g.rng.Intn(100000000))
}

// idNumber is a valid, never repeated 身份证号码 of a person born 1940–2005
// in a Jiaxing district.
func (g *benchGen) idNumber() string {
	regions := []string{"330481", "330402", "330411", "330424", "330483"}
	for {
		birth := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.rng.Intn(65*365))
		id := cases.CompleteIDNumber(fmt.Sprintf("%s%s%03d", g.pick(regions), birth.Format("20060102"), g.rng.Intn(1000)))
		if !g.ids[id] {
			g.ids[id] = true
			return id
		}
	}
}

func (g *benchGen) person(role string, withID bool) cases.PartyInput {
	p := cases.PartyInput{Role: role, Kind: cases.PersonIndividual, Name: g.name()}
	if g.rng.Intn(10) < 9 {
		p.Phone = g.phone()
	}
	if withID {
		p.IDNumber = g.idNumber()
	}
	return p
}

func (g *benchGen) org(role string) cases.PartyInput {
	town := benchTowns[g.rng.Intn(len(benchTowns))].name
	return cases.PartyInput{Role: role, Kind: cases.PersonOrganisation,
		Name: "海宁市" + g.pick(benchCompanyHeads) + strings.TrimSuffix(strings.TrimSuffix(town, "街道"), "镇") + g.pick(benchCompanies)}
}

func (g *benchGen) fill(s string, vars map[string]string) string {
	for k, v := range vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// benchCase is one case to write: the intake and the steps after it.
type benchCase struct {
	in     cases.IntakeInput
	desk   string
	vars   map[string]string
	nSteps int // timeline entries after the intake: 2–9
}

var benchCategories = []string{"labor", "marriage_family", "neighbour", "neighbour", "property_mgmt", "land", "expropriation",
	"medical", "traffic", "consumer", "loan_contract", "loan_contract", "environment", "litigation_related", "other", "labor", "marriage_family"}

func (g *benchGen) next(i int) benchCase {
	cat := g.pick(benchCategories)
	town := benchTowns[g.rng.Intn(len(benchTowns))]
	village := g.pick(town.villages)
	var app cases.PartyInput
	switch {
	case i < BenchRegulars:
		app = g.regulars[i]
	case g.rng.Intn(20) == 0:
		app = g.regulars[g.rng.Intn(len(g.regulars))]
	default:
		app = g.person(cases.PartyApplicant, g.rng.Intn(10) < 4)
	}
	var resp cases.PartyInput
	if cat == "labor" || cat == "property_mgmt" || cat == "consumer" || g.rng.Intn(6) == 0 {
		resp = g.org(cases.PartyRespondent)
	} else {
		resp = g.person(cases.PartyRespondent, g.rng.Intn(10) < 2)
	}
	parties := []cases.PartyInput{app, resp}
	if g.rng.Intn(8) == 0 {
		parties = append(parties, g.person(cases.PartyThird, false))
	}
	amount := float64((1 + g.rng.Intn(300)) * 500)
	vars := map[string]string{
		"v": town.name + village, "r": resp.Name, "p": app.Name, "t": town.name,
		"a": fmt.Sprint(amount), "m": fmt.Sprintf("%d年%d月", 2023+g.rng.Intn(3), 1+g.rng.Intn(12)),
	}
	var sb strings.Builder
	sb.WriteString(fmt.Sprintf("申请人%s（%s%s）反映：", app.Name, town.name, village))
	sb.WriteString(g.fill(g.pick(benchFacts[cat]), vars))
	clauses := g.corpus.clauses[cat]
	if len(clauses) < 50 {
		clauses = g.corpus.clauses["other"]
	}
	for k := 1 + g.rng.Intn(4); k > 0 && len(clauses) > 0; k-- {
		sb.WriteString("，")
		sb.WriteString(g.pick(clauses))
	}
	sb.WriteString("。")
	title := g.pick(benchTitles[cat])
	if t := g.corpus.titles[cat]; len(t) > 0 && g.rng.Intn(4) == 0 {
		title = g.pick(t)
	}
	sources := []string{"walk_in", "walk_in", "walk_in", "phone", "hotline", "grid", "referral", "online", "letter"}
	return benchCase{
		in: cases.IntakeInput{Title: title, Category: cat, Source: g.pick(sources), Summary: sb.String(),
			Claims: g.fill(benchClaims[cat], vars), Town: town.name, Amount: &amount, PeopleCount: 1 + g.rng.Intn(3), Parties: parties},
		desk: cases.DeskForCategory(cat), vars: vars, nSteps: 2 + g.rng.Intn(8),
	}
}

// BenchActors are the staff the generated cases pass through.
type BenchActors struct {
	Intake   cases.Actor
	Leader   cases.Actor
	Handlers map[string]cases.Actor // by desk
}

var benchDesks = []string{"petition", "mediation", "litigation", "governance"}

// SetUpBenchActors creates (or signs in) the staff of the generated cases.
func SetUpBenchActors(ctx context.Context, svc *cases.Service) (BenchActors, error) {
	a := BenchActors{Handlers: map[string]cases.Actor{}}
	get := func(in cases.UserInput) (cases.Actor, error) {
		in.Password = "bench-password-" + in.Username
		if u, err := svc.Authenticate(ctx, in.Username, in.Password); err == nil {
			return u, nil
		}
		u, err := svc.CreateUser(ctx, cases.SystemActor, in)
		if err != nil {
			return cases.Actor{}, err
		}
		return *u, nil
	}
	var err error
	if a.Intake, err = get(cases.UserInput{Username: "bench-intake", Role: cases.RoleIntake, Name: "朱丽娟"}); err != nil {
		return a, err
	}
	if a.Leader, err = get(cases.UserInput{Username: "bench-leader", Role: cases.RoleLeader, Name: "王建国"}); err != nil {
		return a, err
	}
	names := map[string]string{"petition": "钱卫东", "mediation": "顾秀英", "litigation": "吴晓燕", "governance": "褚志明"}
	for _, d := range benchDesks {
		h, err := get(cases.UserInput{Username: "bench-" + d, Role: cases.RoleHandler, Desk: d, Name: names[d]})
		if err != nil {
			return a, err
		}
		a.Handlers[d] = h
	}
	return a, nil
}

// GenerateBenchCases writes n generated cases through svc, each with 3 to
// 10 timeline entries (intake, route, accept, then notes, visits, a
// transfer or an invitation, and for most a close), dated over the two
// years before 2026-06-30 by moving svc's clock. seed fixes the data: the
// same seed and n give the same cases. progress (may be nil) gets the count.
func GenerateBenchCases(ctx context.Context, svc *cases.Service, corpus *BenchCorpus, n int, seed int64, progress func(done int)) error {
	actors, err := SetUpBenchActors(ctx, svc)
	if err != nil {
		return err
	}
	g := newBenchGen(corpus, seed)
	end := time.Date(2026, 6, 30, 17, 0, 0, 0, time.UTC)
	start := end.AddDate(-2, 0, 0)
	span := end.Sub(start)
	var now time.Time
	svc.SetClock(func() time.Time { return now })
	defer svc.SetClock(time.Now)
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		c := g.next(i)
		// Cases arrive in order over the span, a few hours apart.
		now = start.Add(time.Duration(float64(span) * float64(i) / float64(n))).Add(time.Duration(g.rng.Intn(3600)) * time.Second)
		res, err := svc.Intake(ctx, actors.Intake, c.in, "")
		if err != nil {
			return fmt.Errorf("bench case %d intake: %w", i, err)
		}
		if err := g.timeline(ctx, svc, actors, res.Case.Number, c, &now); err != nil {
			return fmt.Errorf("bench case %d (%s): %w", i, res.Case.Number, err)
		}
		if progress != nil && ((i+1)%100 == 0 || i+1 == n) {
			progress(i + 1)
		}
	}
	return nil
}

func (g *benchGen) timeline(ctx context.Context, svc *cases.Service, actors BenchActors, number string, c benchCase, now *time.Time) error {
	do := func(a cases.Actor, r cases.ActionRequest) error {
		*now = now.Add(time.Duration(1+g.rng.Intn(48)) * time.Hour)
		_, err := svc.Do(ctx, a, number, r)
		return err
	}
	desk := c.desk
	deskNames := map[string]string{"petition": "信访", "mediation": "人民调解", "litigation": "诉讼服务", "governance": "综治"}
	if err := do(actors.Intake, cases.ActionRequest{Action: "route", Desk: desk,
		Note: g.fill("经初步了解，属"+c.in.Title+"，分流至"+deskNames[desk]+"窗口办理。", c.vars)}); err != nil {
		return err
	}
	if err := do(actors.Handlers[desk], cases.ActionRequest{Action: "accept"}); err != nil {
		return err
	}
	left := c.nSteps - 2
	closing := left > 0 && g.rng.Intn(10) < 7
	if closing {
		left--
	}
	for left > 0 {
		switch r := g.rng.Intn(20); {
		case r < 2 && left >= 2: // transfer and the new desk's acceptance
			to := benchDesks[g.rng.Intn(len(benchDesks))]
			if to == desk {
				continue
			}
			if err := do(actors.Handlers[desk], cases.ActionRequest{Action: "transfer", Desk: to,
				Reason: g.fill("涉及"+deskNames[to]+"职能，{p}的诉求需由"+deskNames[to]+"窗口牵头处理。", c.vars)}); err != nil {
				return err
			}
			desk = to
			if err := do(actors.Handlers[desk], cases.ActionRequest{Action: "accept"}); err != nil {
				return err
			}
			left -= 2
		case r < 4:
			if err := do(actors.Intake, cases.ActionRequest{Action: "visits",
				Note: g.fill("{p}再次来访，询问办理进度，情绪"+g.pick([]string{"平稳", "激动", "焦急"})+"。", c.vars)}); err != nil {
				return err
			}
			left--
		default:
			vis := ""
			if g.rng.Intn(5) == 0 {
				vis = cases.VisibilityPublic
			}
			if err := do(actors.Handlers[desk], cases.ActionRequest{Action: "notes", Visibility: vis,
				Body: g.fill(g.pick(benchNotes), c.vars)}); err != nil {
				return err
			}
			left--
		}
	}
	if closing {
		o := benchOutcomes[g.rng.Intn(len(benchOutcomes))]
		return do(actors.Handlers[desk], cases.ActionRequest{Action: "close", Outcome: o.outcome, ClosureType: o.closureType,
			Summary: g.fill(g.pick(benchCloseSummaries), c.vars)})
	}
	return nil
}

// BenchSeed fixes the generated cases, so the names and numbers the bench
// queries name exist.
const BenchSeed = 20260630

// EnsureBenchData makes dir hold a database of n generated cases (seed
// BenchSeed) unless a finished one is already there, and answers whether it
// built one. cailDir holds cail2019-rc-dev.json and cail2019-scm-dev.jsonl.
func EnsureBenchData(ctx context.Context, dir string, n int, cailDir string, progress func(done int)) (built bool, err error) {
	marker := filepath.Join(dir, "bench-ready")
	want := fmt.Sprintf("cases=%d seed=%d\n", n, BenchSeed)
	if b, err := os.ReadFile(marker); err == nil && string(b) == want {
		return false, nil
	}
	corpus, err := LoadBenchCorpus(filepath.Join(cailDir, "cail2019-rc-dev.json"), filepath.Join(cailDir, "cail2019-scm-dev.jsonl"))
	if err != nil {
		return false, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return false, err
	}
	store, err := cases.Open(ctx, dir)
	if err != nil {
		return false, err
	}
	defer store.Close()
	if err := GenerateBenchCases(ctx, cases.NewService(store), corpus, n, BenchSeed, progress); err != nil {
		return false, err
	}
	return true, os.WriteFile(marker, []byte(want), 0o600)
}
