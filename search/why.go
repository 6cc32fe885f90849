package search

import (
	"fmt"
	"strings"

	"yidi/cases"
)

// Why a hit matched (issue 14): for each typed word, where it was found —
// "电话尾号 0724 · 申请人 周建明", "“车祸” → 交通事故（事实）" — or that it
// was not ("未含：丢失"). Computed from the database's text of the hit, as
// the highlights are; it also counts the words a hit has, which orders the
// page (all words first, see rerank).

// docField is one searchable text of a hit and its name on the page.
type docField struct{ name, text string }

func docFields(d *cases.SearchDoc) []docField {
	f := []docField{{"标题", d.Title}, {"事实", d.Summary}, {"诉求", d.Claims}}
	for _, n := range d.Notes {
		f = append(f, docField{"办理记录", n})
	}
	f = append(f, docField{"类别", d.CategoryName}, docField{"窗口", d.DeskName},
		docField{"结案方式", cases.ClosureLabel(d.ClosureType)}, docField{"办理结果", d.Outcome})
	return f
}

// explain answers the why lines of d for terms, how many terms it has
// (literally, through a related word, or most of a long phrase's bigrams)
// and how many of them literally.
func (ix *Index) explain(d *cases.SearchDoc, terms []string, variants [][]variant) (why []string, matched, literal int) {
	fields := docFields(d)
	why = []string{}
	var missing []string
	for i, t := range terms {
		if line := exactWhy(d, t); line != "" {
			why = append(why, line)
			matched++
			literal++
			continue
		}
		found := false
		for _, v := range variants[i] {
			where := ""
			for _, f := range fields {
				if f.text != "" && strings.Contains(strings.ToLower(f.text), strings.ToLower(v.text)) {
					where = f.name
					break
				}
			}
			if where == "" && v.kind == typed {
				for _, p := range d.Parties {
					if strings.Contains(p.Name, t) {
						where = cases.PartyRoleLabel(p.Role) + " " + p.Name
						break
					}
				}
			}
			if where == "" {
				continue
			}
			found = true
			switch v.kind {
			case typed:
				why = append(why, fmt.Sprintf("“%s”（%s）", shown(t), where))
				literal++
			case member, rewritten:
				why = append(why, fmt.Sprintf("“%s” → %s（同义词，%s）", t, v.text, where))
			case minedRelated:
				why = append(why, fmt.Sprintf("“%s” → %s（相关词，%s）", t, v.text, where))
			default:
				why = append(why, fmt.Sprintf("“%s” → %s（近义词，%s）", t, v.text, where))
			}
			break
		}
		if !found {
			if grams := HanBigrams(t); len(grams) >= 3 && bigramShare(fields, grams) >= max(2, len(grams)/2) {
				why = append(why, fmt.Sprintf("“%s”部分匹配", t))
				found = true
			}
		}
		if found {
			matched++
		} else {
			missing = append(missing, shown(t))
		}
	}
	if len(missing) > 0 {
		why = append(why, "未含："+strings.Join(missing, "、"))
	}
	return why, matched, literal
}

// exactWhy explains a match on an exact field: a phone or its last four
// digits, a case number, an ID number, a party's full name, the town.
func exactWhy(d *cases.SearchDoc, t string) string {
	up := strings.ToUpper(t)
	if up == d.Number {
		return "案件编号 " + d.Number
	}
	if digitsPattern.MatchString(t) {
		for _, p := range d.Parties {
			if p.Phone != "" && p.Phone == t {
				return fmt.Sprintf("电话号码 · %s %s", cases.PartyRoleLabel(p.Role), p.Name) // never the number itself
			}
			if len(t) == 4 && strings.HasSuffix(p.Phone, t) {
				return fmt.Sprintf("电话尾号 %s · %s %s", t, cases.PartyRoleLabel(p.Role), p.Name)
			}
		}
		if i := strings.LastIndexByte(d.Number, '-'); i >= 0 && strings.TrimLeft(d.Number[i+1:], "0") == strings.TrimLeft(t, "0") {
			return "案件编号 " + d.Number
		}
	}
	for _, p := range d.Parties {
		if p.Name == t {
			return cases.PartyRoleLabel(p.Role) + " " + p.Name
		}
		if (p.IDNumber != "" && p.IDNumber == up) || (p.CreditCode != "" && p.CreditCode == up) {
			return fmt.Sprintf("证件号码 · %s %s", cases.PartyRoleLabel(p.Role), p.Name)
		}
	}
	if d.Town != "" && d.Town == t {
		return "乡镇 " + d.Town
	}
	for _, r := range d.ExternalRefs {
		if r.ID == t || strings.EqualFold(r.String(), t) {
			return "外部编号 " + r.String()
		}
	}
	return ""
}

// bigramShare counts the bigrams found in any field.
func bigramShare(fields []docField, grams []string) int {
	n := 0
	for _, g := range grams {
		for _, f := range fields {
			if strings.Contains(f.text, g) {
				n++
				break
			}
		}
	}
	return n
}

// shown is a typed word as a why line may repeat it: a search answer never
// shows a full phone or ID number, even the one typed.
func shown(t string) string {
	switch {
	case idNumberPattern.MatchString(t):
		return "证件号码"
	case digitsPattern.MatchString(t) && len(t) > 4:
		return "号码"
	}
	return t
}
