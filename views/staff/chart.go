package staff

// Charts for the leader's statistics page, drawn as SVG on the server: no
// chart JavaScript, readable by screen readers (<title>, every number
// written as text), and each bar a link to the cases it counts.

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"

	"yidi/cases/reports"
)

const chartFont = `"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif`

// Series is one kind of bar in a grouped bar chart.
type Series struct {
	Name  string
	Color string
}

// BarGroup is one label on the x axis with one value per series; Links[i]
// is where the i-th bar leads ("" for none).
type BarGroup struct {
	Label  string
	Values []int
	Links  []string
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// svgOpen writes a chart's <svg> start and its <title>. A chart without
// links is one image to a screen reader; a chart whose bars are links is a
// group, since an image's content is presentational and links inside it
// are nested interactive elements no one can reach.
func svgOpen(b *strings.Builder, title string, w, h, fontSize int, linked bool) {
	role := "img"
	if linked {
		role = "group"
	}
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" role="%s" aria-label="%s" viewBox="0 0 %d %d" width="%d" height="%d" font-family='%s' font-size="%d">`,
		role, esc(title), w, h, w, h, chartFont, fontSize)
	fmt.Fprintf(b, `<title>%s</title>`, esc(title))
}

// BarChart draws grouped vertical bars with their values written on top.
func BarChart(title string, series []Series, groups []BarGroup) template.HTML {
	const h, top, bottom, left = 220, 30, 40, 10
	bw := 18
	gw := bw*len(series) + 14
	w := left*2 + gw*max(len(groups), 1)
	maxV := 1
	for _, g := range groups {
		for _, v := range g.Values {
			maxV = max(maxV, v)
		}
	}
	linked := false
	for _, g := range groups {
		linked = linked || slices.ContainsFunc(g.Links, func(l string) bool { return l != "" })
	}
	var b strings.Builder
	svgOpen(&b, title, w, h+top+bottom, 11, linked)
	// Legend.
	for i, s := range series {
		fmt.Fprintf(&b, `<rect x="%d" y="8" width="10" height="10" fill="%s"/><text x="%d" y="17">%s</text>`,
			left+i*90, s.Color, left+i*90+14, esc(s.Name))
	}
	for gi, g := range groups {
		x0 := left + gi*gw
		for si, v := range g.Values {
			bh := int(math.Round(float64(v) / float64(maxV) * h))
			x, y := x0+si*bw, top+h-bh
			name := fmt.Sprintf("%s %s：%d", g.Label, series[si].Name, v)
			bar := fmt.Sprintf(`<rect class="bar" x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s</title></rect><text x="%d" y="%d" text-anchor="middle">%d</text>`,
				x, y, bw-2, bh, series[si].Color, esc(name), x+bw/2-1, y-3, v)
			if si < len(g.Links) && g.Links[si] != "" {
				fmt.Fprintf(&b, `<a href="%s" aria-label="%s">%s</a>`, esc(g.Links[si]), esc(name), bar)
			} else {
				b.WriteString(bar)
			}
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, x0+bw*len(series)/2, top+h+16, esc(g.Label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// RateBar is one rate to draw with its numerator and denominator.
type RateBar struct {
	Label string
	Rate  reports.Rate
	Link  string
}

// RateChart draws horizontal bars of 0–100% labelled "62.5%（5/8）"; a
// rate without a denominator is written "无数据（0/0）" with no bar.
func RateChart(title string, rates []RateBar) template.HTML {
	const rowH, labelW, barW = 26, 150, 300
	w, h := labelW+barW+130, 24+rowH*len(rates)
	linked := slices.ContainsFunc(rates, func(r RateBar) bool { return r.Link != "" })
	var b strings.Builder
	svgOpen(&b, title, w, h, 12, linked)
	for i, r := range rates {
		y := 20 + i*rowH
		text := fmt.Sprintf("无数据（%d/%d）", r.Rate.Num, r.Rate.Den)
		bw := 0
		if r.Rate.Value != nil {
			text = fmt.Sprintf("%s%%（%d/%d）", trimFloat(*r.Rate.Value*100), r.Rate.Num, r.Rate.Den)
			bw = int(math.Round(*r.Rate.Value * barW))
		}
		fmt.Fprintf(&b, `<text x="0" y="%d">%s</text>`, y+13, esc(r.Label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" fill="#eef1f5"/>`, labelW, y, barW)
		name := r.Label + "：" + text
		bar := fmt.Sprintf(`<rect class="bar" x="%d" y="%d" width="%d" height="16" fill="#2f6fb3"><title>%s</title></rect><text x="%d" y="%d">%s</text>`,
			labelW, y, bw, esc(name), labelW+barW+6, y+13, esc(text))
		if r.Link != "" {
			fmt.Fprintf(&b, `<a href="%s" aria-label="%s">%s</a>`, esc(r.Link), esc(name), bar)
		} else {
			b.WriteString(bar)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	return strings.TrimSuffix(s, ".0")
}

// StatsCharts draws the leader page's three charts: received and closed by
// month, received and closed by desk, and the rates with their
// denominators. listURL turns a figure's case-list query (Figures.Links)
// into the address of the case-list page, e.g.
// func(q string) string { return "/cases?" + q }.
func StatsCharts(st *reports.Stats, listURL func(query string) string) template.HTML {
	link := func(f *reports.Figures, key string) string {
		if q, ok := f.Links[key]; ok {
			return listURL(q)
		}
		return ""
	}
	series := []Series{{"受理", "#2f6fb3"}, {"办结", "#3c9a5f"}}
	groups := func(rows []reports.StatsRow) []BarGroup {
		var out []BarGroup
		for i := range rows {
			r := &rows[i]
			out = append(out, BarGroup{Label: r.Label, Values: []int{r.Received, r.Closed.Total},
				Links: []string{link(&r.Figures, "received"), link(&r.Figures, "closed")}})
		}
		return out
	}
	f := &st.Figures
	rates := []RateBar{
		{"化解率", f.ResolutionRate, link(f, "resolution_rate")},
		{"按期办结率", f.OnTimeRate, link(f, "on_time_rate")},
		{"满意率", f.SatisfactionRate, link(f, "satisfaction_rate")},
		{"90天内重复来访率", f.RepeatVisitRate90, ""},
		{"90天内重新办理率", f.ReopenRate90, ""},
	}
	if f.OverdueOpen != nil {
		rates = append(rates, RateBar{"超期未办结", *f.OverdueOpen, link(f, "overdue_open")})
	}
	months := groups(st.Breakdown.Month)
	if len(st.Period.From) >= 4 && len(st.Period.To) >= 4 && st.Period.From[:4] == st.Period.To[:4] {
		// "2026年1月" does not fit under its bars; the title names the year.
		for i := range months {
			months[i].Label = strings.TrimLeft(st.Breakdown.Month[i].Key[5:], "0") + "月"
		}
	}
	return BarChart(st.Period.Label+" 按月受理与办结", series, months) +
		BarChart(st.Period.Label+" 各窗口受理与办结", series, groups(st.Breakdown.Desk)) +
		RateChart(st.Period.Label+" 主要比率（分子/分母）", rates)
}
