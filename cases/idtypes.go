package cases

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Identity documents of a person (issue 16): besides the 居民身份证, the
// permits of Hong Kong, Macao and Taiwan residents and foreign passports,
// which overseas Chinese and foreign residents bring. Each is checked by
// its own rules; dedup goes by type, country and number, so that the same
// passport number issued by two countries is two people.

// Identity document types of a person (PartyInput.IDType).
const (
	IDResident = "resident_id"     // 居民身份证 (GB 11643), the default
	IDHKMacao  = "hk_macao_permit" // 港澳居民来往内地通行证
	IDTaiwan   = "taiwan_permit"   // 台湾居民来往大陆通行证
	IDPassport = "passport"        // 护照, with its issuing country
)

// IDType is a document type as forms offer it.
type IDType struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// IDTypes lists the document types of a person, the default first.
var IDTypes = []IDType{
	{IDResident, "居民身份证"},
	{IDHKMacao, "港澳居民来往内地通行证"},
	{IDTaiwan, "台湾居民来往大陆通行证"},
	{IDPassport, "护照"},
}

// IDTypeLabel is a type's name; an organisation's code is its 统一社会信用代码.
func IDTypeLabel(code string) string {
	for _, t := range IDTypes {
		if t.Code == code {
			return t.Label
		}
	}
	if code == "" {
		return "统一社会信用代码"
	}
	return code
}

var (
	// 公安部《港澳居民来往内地通行证号码规则》: H (Hong Kong) or M (Macao),
	// the holder's 8-digit lifelong number, then (on the booklet-era and
	// 1999 cards) 2 digits counting renewals; the 2013 cards print the
	// first 9 characters only. The first 9 name the holder for life.
	hkMacaoPermit = regexp.MustCompile(`^[HM][0-9]{8}([0-9]{2})?$`)
	// 台胞证: since 2008-09-25 the 8-digit lifelong number ("一人一号、终身不变");
	// older ones add 2 digits counting issues and, in brackets, the
	// issuing office's code, e.g. 0561682001(D). The first 8 name the holder.
	taiwanPermit = regexp.MustCompile(`^[0-9]{8}([0-9]{2}(\([0-9A-Z]\))?)?$`)
	// ICAO 9303's document number is up to 9 characters, longer ones run
	// on into the optional data; letters and digits only.
	passportNumber = regexp.MustCompile(`^[0-9A-Z]{5,17}$`)
	// 中华人民共和国护照: E + 8 digits, or E + a letter (no I, O) + 7 digits
	// since the letters ran out; G (older ordinary), D, S, P + 8 digits;
	// DE, SE, PE + 7 digits.
	chinesePassport = regexp.MustCompile(`^(E[0-9A-HJ-NP-Z][0-9]{7}|[GDSP][0-9]{8}|[DSP]E[0-9]{7})$`)
)

// normalizeDocument checks number as a document of idType (and country,
// for a passport) and answers the form it is stored and deduplicated in.
// field names the party ("parties[0]"); the error names its own field.
func normalizeDocument(field, idType, country, number string) (string, string, error) {
	number = strings.ToUpper(strings.Join(strings.Fields(number), ""))
	country = strings.ToUpper(strings.TrimSpace(country))
	if idType != IDPassport && country != "" {
		return "", "", invalid(field+".country", "not_for_type", "只有护照填写签发国家")
	}
	switch idType {
	case IDResident:
		if number != "" && !ValidIDNumber(number) {
			return "", "", invalid(field+".id_number", "invalid_id_number", "身份证号码有误，请核对（18位，末位校验码不符或出生日期无效）")
		}
	case IDHKMacao:
		if number != "" && !hkMacaoPermit.MatchString(number) {
			return "", "", invalid(field+".id_number", "invalid_id_number",
				"港澳居民来往内地通行证号码有误：H（香港）或M（澳门）开头，后接8位或10位数字")
		}
		if len(number) > 9 {
			number = number[:9]
		}
	case IDTaiwan:
		if number != "" && !taiwanPermit.MatchString(number) {
			return "", "", invalid(field+".id_number", "invalid_id_number",
				"台湾居民来往大陆通行证号码有误：8位数字（旧证为10位数字，可带括号内的签发机关代码）")
		}
		if len(number) > 8 {
			number = number[:8]
		}
	case IDPassport:
		if country == "" {
			return "", "", invalid(field+".country", "required", "持护照的当事人请选择护照签发国家")
		}
		if !ValidCountry(country) {
			return "", "", invalid(field+".country", "unknown_country",
				fmt.Sprintf("“%s”不是ISO 3166-1三位字母国家代码（如USA、JPN、KOR）", country))
		}
		if country == "HKG" || country == "MAC" || country == "TWN" {
			return "", "", invalid(field+".country", "use_permit",
				"港澳台居民请选择“港澳居民来往内地通行证”或“台湾居民来往大陆通行证”")
		}
		if number == "" {
			return "", "", invalid(field+".id_number", "required", "请填写护照号码")
		}
		if !passportNumber.MatchString(number) || (country == "CHN" && !chinesePassport.MatchString(number)) {
			return "", "", invalid(field+".id_number", "invalid_id_number", "护照号码有误，请按护照资料页核对（字母和数字，5至17位）")
		}
	default:
		return "", "", invalid(field+".id_type", "unknown_id_type",
			"证件类型只能是 resident_id（居民身份证）、hk_macao_permit（港澳居民来往内地通行证）、taiwan_permit（台湾居民来往大陆通行证）或 passport（护照）")
	}
	return number, country, nil
}

// Country is an ISO 3166-1 country as the forms list it.
type Country struct {
	Code string `json:"code"` // alpha-3
	Name string `json:"name"` // in Chinese
}

// notCountries are alpha-3 codes golang.org/x/text (CLDR) still knows that
// ISO 3166-1 no longer assigns (ANT, SCG, SUN, YUG, NTZ, PCI), reserves
// only exceptionally (ASC, CPT, DGA, TAA) or never assigned (XKK, CLDR's
// user-assigned code for Kosovo); without them the list is ISO 3166-1's
// 249 countries (idtypes_test.go compares them with ISO 3166-1's list).
var notCountries = []string{"ANT", "ASC", "CPT", "DGA", "NTZ", "PCI", "SCG", "SUN", "TAA", "XKK", "YUG"}

// Countries lists ISO 3166-1's countries by their alpha-3 codes, with
// CLDR's simplified-Chinese names (golang.org/x/text), in pinyin order.
var Countries = sync.OnceValue(func() []Country {
	names := display.Regions(language.SimplifiedChinese)
	var out []Country
	code := []byte("AAA")
	for a := byte('A'); a <= 'Z'; a++ {
		for b := byte('A'); b <= 'Z'; b++ {
			for c := byte('A'); c <= 'Z'; c++ {
				code[0], code[1], code[2] = a, b, c
				r, err := language.ParseRegion(string(code))
				// Deprecated codes parse too but canonicalise elsewhere (BUR → MMR).
				if err != nil || !r.IsCountry() || r.ISO3() != string(code) || r.Canonicalize() != r ||
					slices.Contains(notCountries, string(code)) {
					continue
				}
				out = append(out, Country{Code: string(code), Name: names.Name(r)})
			}
		}
	}
	col := collate.New(language.SimplifiedChinese)
	slices.SortFunc(out, func(x, y Country) int { return col.CompareString(x.Name, y.Name) })
	return out
})

// ValidCountry reports whether code is an ISO 3166-1 alpha-3 country code.
func ValidCountry(code string) bool {
	return slices.ContainsFunc(Countries(), func(c Country) bool { return c.Code == code })
}

// CountryName is a country's Chinese name, or the code itself.
func CountryName(code string) string {
	for _, c := range Countries() {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}
