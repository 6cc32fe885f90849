package staff_test

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"yidi/cases/reports"
	"yidi/views/staff"
)

type svgBar struct{ href, title string }

// parseSVG checks that s is well-formed XML and answers its bars (with the
// link around each), its <title> and every text.
func parseSVG(t *testing.T, s string) (titles []string, bars []svgBar, texts []string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader("<root>" + s + "</root>"))
	href := ""
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v\n%s", err, s)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			stack = append(stack, e.Name.Local)
			attr := map[string]string{}
			for _, a := range e.Attr {
				attr[a.Name.Local] = a.Value
			}
			switch {
			case e.Name.Local == "svg" && (attr["role"] == "img") == strings.Contains(s, "<a "):
				// Links inside an image are nested interactive elements.
				t.Errorf("svg role=%q, want img without links and group with them", attr["role"])
			case e.Name.Local == "a":
				href = attr["href"]
			case e.Name.Local == "rect" && attr["class"] == "bar":
				bars = append(bars, svgBar{href: href})
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			if e.Name.Local == "a" {
				href = ""
			}
		case xml.CharData:
			switch {
			case len(stack) >= 2 && stack[len(stack)-1] == "title" && stack[len(stack)-2] == "svg":
				titles = append(titles, string(e))
			case len(stack) >= 2 && stack[len(stack)-1] == "title" && stack[len(stack)-2] == "rect":
				bars[len(bars)-1].title = string(e)
			case len(stack) > 0 && stack[len(stack)-1] == "text":
				texts = append(texts, string(e))
			}
		}
	}
	return titles, bars, texts
}

func TestStatsChartsAreAccessibleSVGWithLinkedBars(t *testing.T) {
	half, third := 0.5, 0.3333
	fig := func(received, closed int, link string) reports.Figures {
		return reports.Figures{Received: received, Closed: reports.ClosedCounts{Total: closed},
			Links: map[string]string{"received": "r&" + link, "closed": "c&" + link}}
	}
	st := &reports.Stats{Period: reports.Period{Label: "2026年第1季度"}}
	st.Figures = fig(30, 20, "all")
	st.ResolutionRate = reports.Rate{Num: 10, Den: 20, Value: &half}
	st.OnTimeRate = reports.Rate{Num: 1, Den: 3, Value: &third}
	st.SatisfactionRate = reports.Rate{}
	st.OverdueOpen = &reports.Rate{Num: 0, Den: 0}
	st.Links["resolution_rate"] = "closure_type=resolved"
	st.Breakdown.Month = []reports.StatsRow{{Key: "2026-01", Label: "2026年1月", Figures: fig(10, 7, "m1")},
		{Key: "2026-02", Label: "2026年2月", Figures: fig(12, 8, "m2")}, {Key: "2026-03", Label: "2026年3月", Figures: fig(8, 5, "m3")}}
	st.Breakdown.Desk = []reports.StatsRow{{Key: "mediation", Label: "人民调解<&>", Figures: fig(30, 20, "d")}}

	out := string(staff.StatsCharts(st, func(q string) string { return "/cases?" + q }))
	if !strings.Contains(out, "Noto Sans CJK SC") {
		t.Error("no Chinese font stack")
	}
	titles, bars, texts := parseSVG(t, out)
	if len(titles) != 3 || titles[0] != "2026年第1季度 按月受理与办结" {
		t.Errorf("titles %v", titles)
	}
	// Month chart: 3 months × (received, closed); desk chart: 1 × 2; rates: 6.
	if len(bars) != 3*2+2+6 {
		t.Fatalf("%d bars: %+v", len(bars), bars)
	}
	if bars[2].href != "/cases?r&m2" || bars[2].title != "2026年2月 受理：12" || bars[3].href != "/cases?c&m2" {
		t.Errorf("February's bars %+v %+v", bars[2], bars[3])
	}
	if bars[6].title != "人民调解<&> 受理：30" {
		t.Errorf("desk bar %+v (escaping)", bars[6])
	}
	if bars[8].href != "/cases?closure_type=resolved" || bars[8].title != "化解率：50%（10/20）" {
		t.Errorf("resolution bar %+v", bars[8])
	}
	for _, want := range []string{"12", "8", "50%（10/20）", "33.3%（1/3）", "无数据（0/0）", "2026年3月"} {
		found := false
		for _, x := range texts {
			found = found || x == want
		}
		if !found {
			t.Errorf("no text %q in %v", want, texts)
		}
	}
}
