package staff

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"fmt"
	"html/template"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/cases/reports"
	"yidi/views/web"
)

// The staff pages: each page template is parsed into its own set together
// with the layout and the partials, so every page may define "content"
// without the last-define-wins trap of one shared set. Sets are parsed once.

//go:embed templates
var templates embed.FS

type renderer struct {
	svc   *cases.Service // desk and category names (cached by the service)
	pages map[string]*template.Template
}

func newRenderer(svc *cases.Service) (*renderer, error) {
	r := &renderer{svc: svc}
	var err error
	if r.pages, err = web.ParsePages(templates, r.funcs(), "templates/pages/*.html",
		"templates/layouts/*.html", "templates/partials/*.html"); err != nil {
		return nil, err
	}
	return r, nil
}

// page is what every template gets: the layout's needs and the page's own Data.
type page struct {
	Title  string
	Actor  *cases.Actor
	CSRF   string
	Nav    []navItem
	Active string // nav key of this page
	Desk   string // the user's desk, by name
	Q      string // the header search box
	Flash  string
	Data   any
}

// render writes a page in the layout with status.
func (s *server) render(c *fiber.Ctx, status int, name string, p page) error {
	t, ok := s.views.pages[name]
	if !ok {
		return fmt.Errorf("views: no page template %q", name)
	}
	if p.Actor == nil {
		if a, ok := web.SignedIn(c); ok {
			p.Actor = &a
		}
	}
	if p.CSRF == "" {
		p.CSRF = web.CSRFToken(c)
	}
	if p.Actor != nil && p.Actor.Desk != "" {
		if names, err := s.Svc.DeskNames(c.UserContext()); err == nil {
			p.Desk = names(p.Actor.Desk)
		}
	}
	if p.Actor != nil && p.Nav == nil {
		p.Nav = s.navFor(c, *p.Actor, p.Active)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("views: render %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).Send(buf.Bytes())
}

func (r *renderer) funcs() template.FuncMap {
	m := web.Funcs()
	extra := template.FuncMap{
		"statusLabel":   func(s any) string { return cases.StatusLabel(cases.Status(fmt.Sprint(s))) },
		"relationLabel": cases.RelationLabel,
		"riskTag":       riskTag,
		"riskLabel":     cases.RiskLabel,
		"riskKind":      cases.RiskRuleKindLabel,
		"riskLevels":    func() []string { return cases.RiskLevelNames },
		"day": func(t *time.Time) string {
			if t == nil || t.IsZero() {
				return "—"
			}
			return t.In(cases.ChinaZone).Format("2006-01-02")
		},
		"whenp": func(t *time.Time) string {
			if t == nil {
				return "—"
			}
			return t.In(cases.ChinaZone).Format("2006-01-02 15:04")
		},
		"ageDays":   func(t time.Time) int { return int(time.Since(t).Hours() / 24) },
		"overdue":   func(t *time.Time) bool { return t != nil && t.Before(time.Now()) },
		"roleLabel": roleLabel,
		"partyRole": cases.PartyRoleLabel,
		"chainRole": cases.ChainRoleLabel,
		// Parties of every kind: a document's type and a passport's country.
		"idTypeLabel": cases.IDTypeLabel,
		"countryName": cases.CountryName,
		"countries":   cases.Countries,
		"source":      func(code string) string { return cases.Sources[code] },
		"add":         func(a, b int) int { return a + b },
		"itoa":        itoa,
		"deskName": func(code string) string {
			if code == "" {
				return "—"
			}
			if names, err := r.svc.DeskNames(context.Background()); err == nil {
				return names(code)
			}
			return code
		},
		"catName": func(code string) string {
			if name, err := r.svc.CategoryName(context.Background(), code); err == nil {
				return name
			}
			return code
		},
		"eq1":            func(a, b string) bool { return a == b },
		"has":            slices.Contains[[]string],
		"dueText":        dueText,
		"daysKind":       daysKindLabel,
		"stateTag":       stateTag,
		"warnTag":        warnTag,
		"supLabel":       cases.SupervisionLabel,
		"pct":            pct,
		"listCond":       listCond,
		"qs":             func() []string { return []string{"1", "2", "3", "4"} },
		"closureLabel":   reports.ClosureTypeLabel,
		"deref":          func(b *bool) bool { return b != nil && *b },
		"fileType":       web.FileType,
		"fileSize":       web.FileSize,
		"kindIcon":       cases.EventIcon,
		"choices":        func(field string) []mediation.Choice { return mediation.Choices[field] },
		"choiceLabel":    mediation.ChoiceLabel,
		"obligationCols": func() []obligationCol { return obligationCols },
		"yuanFen":        func(fen *int64) string { return mediation.Yuan(*fen) },
		"kindLabel":      cases.EventLabel,
		// safeHighlight: search highlights are escaped by the search package,
		// with only <mark> added; nothing else is ever trusted as HTML.
		"safeHighlight": func(s string) template.HTML { return template.HTML(s) },
		"yuan": func(a *float64) string {
			if a == nil {
				return "—"
			}
			return fmt.Sprintf("%.2f 元", *a)
		},
		"fenYuan": func(f sql.NullInt64) string {
			if !f.Valid {
				return "—"
			}
			return fmt.Sprintf("%.2f 元", float64(f.Int64)/100)
		},
		// rows names a table's rows for a partial that labels its region.
		"rows": func(label string, rows any) map[string]any { return map[string]any{"Label": label, "Rows": rows} },
	}
	for k, f := range extra {
		m[k] = f
	}
	return m
}

func roleLabel(r cases.Role) string {
	switch r {
	case cases.RoleAdmin:
		return "管理员"
	case cases.RoleIntake:
		return "窗口受理员"
	case cases.RoleHandler:
		return "窗口工作人员"
	case cases.RoleLeader:
		return "领导"
	}
	return string(r)
}

// dueText is a limit's end in China time as the counters say it: a limit
// that runs to the end of a day is "2026年11月30日 24:00 前".
func dueText(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(cases.ChinaZone)
	if t.Hour() == 23 && t.Minute() == 59 {
		return t.Format("2006年1月2日") + " 24:00 前"
	}
	return t.Format("2006年1月2日 15:04") + " 前"
}

func daysKindLabel(k string) string {
	switch k {
	case cases.DaysWorking:
		return "工作日"
	case cases.DaysCalendar:
		return "自然日"
	}
	return k
}

// tagView is a state badge: its words and its class. The words carry the
// meaning; the colour only repeats it.
type tagView struct{ Class, Text string }

func stateTag(state string) tagView {
	switch state {
	case cases.StateYellow:
		return tagView{"warn", "黄色预警"}
	case cases.StateRed:
		return tagView{"bad", "红色超期"}
	case cases.StatePaused:
		return tagView{"int", "已中止"}
	}
	return tagView{"pub", "正常"}
}

// warnTag is a case's warning level as a badge ("" for none).
func warnTag(w string) tagView {
	switch w {
	case cases.StateYellow, cases.StateRed:
		return stateTag(w)
	}
	return tagView{}
}

// pct is num/den as a percentage with one decimal, "—" without a denominator.
func pct(num, den int) string {
	if den == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", float64(num)*100/float64(den))
}
