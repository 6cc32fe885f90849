package lab

// The CAIL2019 court texts (cail2019-rc, https://github.com/china-ai-law-challenge/CAIL2019)
// as closed historical cases: yidi import cail loads them so that search and
// related-case detection have a past to find; the search evaluations load
// the same cases.

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"yidi/cases"
)

// cailFile is the SQuAD-like layout of cail2019-rc: documents of paragraphs,
// each a court text with its case name and the questions asked about it.
type cailFile struct {
	Data []cailDoc `json:"data"`
}

type cailDoc struct {
	CaseID     json.RawMessage `json:"caseid"`
	Domain     string          `json:"domain"` // civil or criminal
	Paragraphs []struct {
		Context  string `json:"context"`
		Casename string `json:"casename"`
		Qas      []struct {
			ID string `json:"id"`
		} `json:"qas"`
	} `json:"paragraphs"`
}

// cailRefPrefix names the source in every imported case's reference.
const cailRefPrefix = "cail2019-rc:"

// ParseCAIL reads a CAIL2019 reading-comprehension file (cail2019-rc: SQuAD
// layout, one court text per paragraph) as historical cases, one per
// paragraph, in file order. References are stable across imports.
func ParseCAIL(raw []byte) ([]cases.HistoricalCase, error) {
	var f cailFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("不是 CAIL2019 阅读理解格式的 JSON：%w", err)
	}
	return cailCases(f), nil
}

// cailCases turns the file into historical cases, one per paragraph, in
// file order.
func cailCases(f cailFile) []cases.HistoricalCase {
	var hs []cases.HistoricalCase
	for i, d := range f.Data {
		for j, p := range d.Paragraphs {
			ref := cailRefPrefix + cailKey(d, i)
			if j > 0 {
				ref += fmt.Sprintf("/%d", j+1)
			}
			criminal := d.Domain == "criminal" || strings.Contains(p.Casename, "罪")
			text := cleanText(p.Context)
			at, closedAt := cailDates(i)
			title := truncateRunes(strings.TrimSpace(p.Casename), cases.MaxTitle)
			if title == "" {
				title = "案由不详"
			}
			outcome := "人民法院已审理终结"
			if criminal {
				outcome = "人民法院已作出刑事判决"
			}
			hs = append(hs, cases.HistoricalCase{
				Ref:      ref,
				Title:    title,
				Category: cailCategory(p.Casename),
				Source:   "referral",
				Summary:  truncateRunes(text, cases.MaxSummary),
				Town:     cailTown(text),
				Parties:  cailParties(text, criminal),
				At:       at,
				ClosedAt: closedAt,
				Outcome:  outcome,
			})
		}
	}
	return hs
}

// cailKey is the document's own number: the prefix of its questions' ids
// ("12_3" → "12"), else its caseid, else its place in the file.
func cailKey(d cailDoc, i int) string {
	for _, p := range d.Paragraphs {
		for _, q := range p.Qas {
			if k, _, _ := strings.Cut(q.ID, "_"); strings.TrimSpace(k) != "" {
				return strings.TrimSpace(k)
			}
		}
	}
	if id := strings.Trim(strings.TrimSpace(string(d.CaseID)), `"`); id != "" && id != "null" {
		return id
	}
	return fmt.Sprintf("doc%d", i+1)
}

// cailCategoryRules map a court's case name (案由) to a category; the first
// rule with a word in the name wins, so the specific come before the
// general: 劳务合同纠纷 is labour, not contract; 土地承包经营权转让合同纠纷
// is land. Crimes have their own short table: most are 涉法涉诉 for the
// centre, but a few are the disputes it sees every day.
var cailCategoryRules = []struct {
	category string
	words    []string
}{
	{"traffic", []string{"交通事故", "机动车", "交通肇事", "危险驾驶"}},
	{"medical", []string{"医疗", "非法行医"}},
	{"labor", []string{"劳动", "工资", "劳务", "工伤", "经济补偿金", "竞业限制", "失业保险", "福利待遇", "职工"}},
	{"property_mgmt", []string{"物业"}},
	{"expropriation", []string{"拆迁", "征收", "征地"}},
	{"land", []string{"土地", "宅基地", "承包", "农用地", "农地"}},
	{"neighbour", []string{"相邻", "邻里"}},
	{"environment", []string{"环境", "噪声", "污染"}},
	{"marriage_family", []string{"离婚", "婚姻", "婚约", "抚养", "扶养", "赡养", "探望", "收养", "同居", "继承", "分家析产", "重婚", "遗弃", "虐待"}},
	{"consumer", []string{"消费", "产品", "网络购物", "旅游", "食品", "假药", "教育培训"}},
	{"loan_contract", []string{"民间借贷", "借款", "借贷", "合同", "保险", "买卖", "保证", "担保", "债", "租赁", "信用卡", "票据", "典当", "追偿", "不当得利"}},
}

// cailCriminalCategories are the categories a crime may fall into; every
// other crime is litigation_related.
var cailCriminalCategories = []string{"traffic", "medical", "labor", "environment", "land", "marriage_family"}

func cailCategory(casename string) string {
	criminal := strings.Contains(casename, "罪")
	for _, r := range cailCategoryRules {
		if criminal && !slices.Contains(cailCriminalCategories, r.category) {
			continue
		}
		for _, w := range r.words {
			if strings.Contains(casename, w) {
				return r.category
			}
		}
	}
	if criminal {
		return "litigation_related"
	}
	return "other"
}

// Parties are named after their role: 原告曹0与被告张x1…, 被告人李某甲、狄某…
// CAIL anonymises names (曹0, 张x1, 李某甲, 刘某某, 河xxxx2) and mostly
// leaves organisations' names (随州创捷公司); the patterns below match those
// shapes only, so that 原告因… or 被告对… yield no name.
var (
	partyRole = regexp.MustCompile(`被申请人|被上诉人|被告人|被害人|申请人|上诉人|原告|被告`)
	// A surname of one or two characters, then the anonymisation.
	// A long mask must end in a digit: 河xxxxxxxxxxx2 is a party, 于×××× a
	// masked place.
	anonPerson = regexp.MustCompile(`^\p{Han}{1,2}?(?:[xX×]{3,}\d{1,2}|[xX×]{1,2}\d{0,2}|\d{1,2}(?:某{1,2}[甲乙丙丁戊己庚辛壬癸]?)?|某{1,2}[甲乙丙丁戊己庚辛壬癸]?)`)
	// What may not follow a name ending in a digit: more digits or a unit
	// (被告于2019年, 拖欠2万元).
	afterName = "0123456789年月日元万千百余多号个次岁米周天时分秒%％"
	orgName   = regexp.MustCompile(`^([\p{Han}A-Za-z0-9（）()]{2,14}?(?:股份有限公司|有限责任公司|有限公司|支公司|分公司|公司|银行|支行|分行|医院|委员会|合作社|学校|厂))`)
	// Characters that real organisation names hardly contain but a clause
	// running on from 被告… does (被告对…医院, 原告即从本人工商银行).
	notInOrgName = "与向对在因将于被原和及是系称诉的了从由该其本每叫持购认把给已未应即并就等为以也都这那到往"
	orgVerbs     = []string{"委托", "入住", "通过", "赔偿", "转入", "承担", "支付", "没有", "利用", "理睬", "嘱", "再次", "当时", "自行", "妻子"}
	// A word like this first is the clause going on (原告与蔡x11…, 被告为徐x16…).
	notFirstInName = "与为以将在系接的向和及对从由把被给让又另至"
	prosecutor     = regexp.MustCompile(`(?:^|[，。,：:；;])(\p{Han}{2,10}?人民检察院)`)
	countyTown     = regexp.MustCompile(`\p{Han}{1,5}?[县市区](\p{Han}{2,4}?(?:镇|乡|街道))`)
)

const maxPartiesPerRole = 4

// cailParties finds the parties a court text names: applicants (原告,
// 申请人, 上诉人, 被害人, else the prosecuting 人民检察院) and respondents
// (被告, 被告人, …). Without names it falls back to placeholders, since a
// case needs an applicant.
func cailParties(text string, criminal bool) []cases.PartyInput {
	var applicants, respondents []string
	seen := map[string]bool{}
	for _, loc := range partyRole.FindAllStringIndex(text, -1) {
		role := text[loc[0]:loc[1]]
		if role == "被告人" && !criminal {
			// In a civil text it is mostly 被告 人保…公司, 被告 人寿…公司: an insurer.
			if name, _ := partyName(text[loc[1]-len("人"):]); orgSuffix(name) != "" {
				role, loc[1] = "被告", loc[1]-len("人")
			}
		}
		list := &respondents
		if role == "原告" || role == "申请人" || role == "上诉人" || role == "被害人" {
			list = &applicants
		}
		rest := text[loc[1]:]
		// 被告人李某甲、狄某: a list after one role word.
		for {
			name, n := partyName(rest)
			if name == "" {
				break
			}
			if !seen[name] && len(*list) < maxPartiesPerRole {
				seen[name] = true
				*list = append(*list, name)
			}
			rest = rest[n:]
			if !strings.HasPrefix(rest, "、") {
				break
			}
			rest = rest[len("、"):]
		}
	}
	var parties []cases.PartyInput
	switch {
	case len(applicants) > 0:
		for _, n := range applicants {
			parties = append(parties, cases.PartyInput{Role: cases.PartyApplicant, Name: n})
		}
	case criminal:
		name := "公诉机关"
		if m := prosecutor.FindStringSubmatch(text); m != nil {
			name = m[1]
		}
		parties = append(parties, cases.PartyInput{Role: cases.PartyApplicant, Kind: cases.PersonOrganisation, Name: name})
	default:
		parties = append(parties, cases.PartyInput{Role: cases.PartyApplicant, Name: "原告"})
	}
	if len(respondents) == 0 {
		placeholder := "被告"
		if criminal {
			placeholder = "被告人"
		}
		respondents = []string{placeholder}
	}
	for _, n := range respondents {
		parties = append(parties, cases.PartyInput{Role: cases.PartyRespondent, Name: n})
	}
	return parties
}

// partyName reads the name at the start of s and how many bytes of s it
// took; "" when there is none.
func partyName(s string) (string, int) {
	if rest, ok := strings.CutPrefix(s, "单位"); ok { // 被告单位X公司
		name, n := partyName(rest)
		if name == "" {
			return "", 0
		}
		return name, n + len("单位")
	}
	person := anonPerson.FindString(s)
	next, _ := utf8.DecodeRuneInString(s[len(person):])
	if last, _ := utf8.DecodeLastRuneInString(person); strings.ContainsRune("xX×", next) ||
		unicode.IsDigit(last) && strings.ContainsRune(afterName, next) {
		person = ""
	}
	if first, _ := utf8.DecodeRuneInString(s); strings.ContainsRune(notFirstInName, first) {
		return "", 0
	}
	if person != "" && !strings.HasPrefix(person, "某") {
		return person, len(person)
	}
	if m := orgName.FindStringSubmatchIndex(s); m != nil {
		org := s[m[2]:m[3]]
		prefix := strings.TrimSuffix(org, orgSuffix(org))
		if !strings.ContainsAny(prefix, notInOrgName) &&
			!slices.ContainsFunc(orgVerbs, func(v string) bool { return strings.Contains(prefix, v) }) {
			return org, m[3]
		}
	}
	return person, len(person) // 某某, when nothing better
}

// orgSuffix is the kind-of-organisation word that ends name.
func orgSuffix(name string) string {
	for _, suf := range []string{"股份有限公司", "有限责任公司", "有限公司", "支公司", "分公司", "公司", "银行", "支行", "分行", "医院", "委员会", "合作社", "学校", "厂"} {
		if strings.HasSuffix(name, suf) {
			return suf
		}
	}
	return ""
}

// cailTown is the 乡镇/街道 of the first "X县Y镇" the text names, or "".
func cailTown(text string) string {
	if m := countyTown.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}

// cailDates spreads the documents over 2019–2025, deterministically by
// their place in the file: registered on a working day in office hours,
// settled one to twelve weeks later, never after 2025.
func cailDates(i int) (at, closedAt time.Time) {
	first := time.Date(2019, 1, 1, 0, 0, 0, 0, cstZone)
	last := time.Date(2025, 12, 31, 17, 0, 0, 0, cstZone)
	days := int(last.Sub(first).Hours()/24) + 1
	// 7919 is prime and coprime to the span: consecutive documents land far
	// apart, and the first thousands hardly repeat a day.
	day := first.AddDate(0, 0, (i*7919)%days)
	switch day.Weekday() {
	case time.Saturday:
		day = day.AddDate(0, 0, 2)
	case time.Sunday:
		day = day.AddDate(0, 0, 1)
	}
	at = day.Add(8*time.Hour + 30*time.Minute + time.Duration((i*37)%480)*time.Minute)
	closedAt = at.AddDate(0, 0, 7+(i*13)%78).Add(time.Duration((i*53)%300) * time.Minute)
	if closedAt.After(last) {
		closedAt = last
	}
	if at.After(closedAt) {
		at = closedAt.Add(-time.Hour)
	}
	return at, closedAt
}

// cleanText drops control characters other than line breaks and tabs,
// which the case core rightly refuses.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s))
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// cstZone is the centre's time zone, in which the spread dates are drawn.
var cstZone = time.FixedZone("CST", 8*3600)
