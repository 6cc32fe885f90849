package cases_test

import (
	"slices"
	"testing"

	"yidi/cases"
)

// The passport's country list is ISO 3166-1's: 249 officially assigned
// alpha-3 codes, without the withdrawn (YUG, ANT), the exceptionally
// reserved (ASC) or the user-assigned (XKK) that CLDR still knows.
func TestCountriesAreISO3166(t *testing.T) {
	list := cases.Countries()
	if len(list) != 249 {
		t.Errorf("%d countries, ISO 3166-1 has 249", len(list))
	}
	for code, name := range map[string]string{"CHN": "中国", "USA": "美国", "JPN": "日本", "DEU": "德国", "SSD": "南苏丹"} {
		if !cases.ValidCountry(code) || cases.CountryName(code) != name {
			t.Errorf("%s: valid %v, name %q, want %q", code, cases.ValidCountry(code), cases.CountryName(code), name)
		}
	}
	for _, code := range []string{"YUG", "ANT", "ASC", "XKK", "BUR", "ZZZ", "usa", "US", ""} {
		if cases.ValidCountry(code) {
			t.Errorf("%q is not an ISO 3166-1 alpha-3 country code", code)
		}
	}
	// In pinyin order for the form's list: 澳大利亚 (ao) < 美国 (mei) < 中国 (zhong).
	at := func(code string) int { return slices.IndexFunc(list, func(c cases.Country) bool { return c.Code == code }) }
	if !(at("AUS") < at("USA") && at("USA") < at("CHN")) {
		t.Errorf("not in pinyin order: AUS %d, USA %d, CHN %d", at("AUS"), at("USA"), at("CHN"))
	}
}
