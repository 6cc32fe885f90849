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
	var codes []string
	for _, c := range list {
		codes = append(codes, c.Code)
	}
	slices.Sort(codes)
	if !slices.Equal(codes, iso3166) {
		t.Errorf("the countries differ from ISO 3166-1:\n got %v\nwant %v", codes, iso3166)
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
	at := func(code string) int {
		return slices.IndexFunc(list, func(c cases.Country) bool { return c.Code == code })
	}
	if !(at("AUS") < at("USA") && at("USA") < at("CHN")) {
		t.Errorf("not in pinyin order: AUS %d, USA %d, CHN %d", at("AUS"), at("USA"), at("CHN"))
	}
}

// iso3166 is ISO 3166-1's officially assigned alpha-3 codes (249, as the
// ISO Online Browsing Platform lists them), sorted.
var iso3166 = []string{
	"ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF", "ATG",
	"AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS", "BIH", "BLM",
	"BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF", "CAN", "CCK", "CHE",
	"CHL", "CHN", "CIV", "CMR", "COD", "COG", "COK", "COL", "COM", "CPV", "CRI", "CUB", "CUW", "CXR",
	"CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA", "ECU", "EGY", "ERI", "ESH", "ESP",
	"EST", "ETH", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM", "GAB", "GBR", "GEO", "GGY", "GHA", "GIB",
	"GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD", "GRL", "GTM", "GUF", "GUM", "GUY", "HKG", "HMD",
	"HND", "HRV", "HTI", "HUN", "IDN", "IMN", "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA",
	"JAM", "JEY", "JOR", "JPN", "KAZ", "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN",
	"LBR", "LBY", "LCA", "LIE", "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA",
	"MDG", "MDV", "MEX", "MHL", "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR",
	"MTQ", "MUS", "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR",
	"NPL", "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER", "PHL", "PLW", "PNG", "POL", "PRI", "PRK",
	"PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP", "SGS",
	"SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR", "SVK", "SVN",
	"SWE", "SWZ", "SXM", "SYC", "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL", "TKM", "TLS", "TON",
	"TTO", "TUN", "TUR", "TUV", "TWN", "TZA", "UGA", "UKR", "UMI", "URY", "USA", "UZB", "VAT", "VCT",
	"VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "ZAF", "ZMB", "ZWE",
}
