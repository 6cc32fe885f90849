// Package portal is the citizen's pages, no login: progress lookup
// (/status, also the QR URL with ?number=&code=), message and rating forms
// on it, and the online application (/apply). Each page is parsed into its
// own template set with the portal's layout; they work without JavaScript.
package portal

import (
	"embed"
	"html/template"
	"maps"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/views/web"
)

//go:embed templates
var templates embed.FS

type server struct {
	web.Deps
	pages map[string]*template.Template
}

// Routes registers the citizen's pages on app. They come before the staff
// pages' session-backed CSRF check: their forms carry a cookie-bound token
// of their own. Their errors are the forms' own messages; a fault goes to
// the app's error handler.
func Routes(app *fiber.App, d web.Deps) {
	funcs := web.Funcs()
	maps.Copy(funcs, publicFuncs)
	pages, err := web.ParsePages(templates, funcs, "templates/*.html", "templates/layout.html")
	if err != nil {
		// The templates are embedded: a parse error is a programming error.
		panic(err)
	}
	s := &server{Deps: d, pages: pages}
	s.publicRoutes(app)
}

// publicFuncs are what the citizen's pages use besides web.Funcs.
var publicFuncs = template.FuncMap{
	// tel is a phone number to call from a phone's browser; html/template
	// lets no tel: address through, so it is built here of digits only.
	"tel": func(phone string) template.URL {
		return template.URL("tel:" + strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r == '+' {
				return r
			}
			return -1
		}, phone))
	},
	"scores": func() []struct {
		Value int
		Label string
	} {
		return []struct {
			Value int
			Label string
		}{{5, "5分 非常满意"}, {4, "4分 满意"}, {3, "3分 基本满意"}, {2, "2分 不满意"}, {1, "1分 非常不满意"}}
	},
}

// pageData is what every public template reads; each page uses a part.
type pageData struct {
	Title, Error, Notice, CSRF string
	Number, Code, Body         string
	Back                       string
	View                       *cases.PublicView
	Mediation                  *mediation.PublicInfo // with View: the next session, the agreement
	Form                       map[string]string
	Categories                 []cases.Category
	Receipt                    *cases.ApplicationReceipt
	Centre                     cases.CentreSettings // how to reach the centre, in every page's footer
	PrivacyNotice              string               // the privacy notice's version (/apply)
	IDTypes                    []cases.IDType       // /apply: the applicant's 证件类型
	Countries                  []cases.Country      // /apply: a passport's country
}

// renderPublic writes a citizen page: phone-first, no session, nothing cached.
func (s *server) renderPublic(c *fiber.Ctx, status int, page string, d pageData) error {
	if tok := web.CSRFToken(c); tok != "" {
		d.CSRF = tok
	}
	centre, err := s.Contact(c.UserContext())
	if err != nil {
		return err
	}
	d.Centre = centre
	// A View is only ever built after the query code was checked.
	if d.View != nil && s.Med != nil {
		info, err := s.Med.Public(c.UserContext(), d.View.Number)
		if err != nil {
			return err
		}
		d.Mediation = info
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "no-referrer") // the QR URL carries the code
	c.Status(status)
	return s.pages[page].ExecuteTemplate(c.Response().BodyWriter(), "layout", d)
}

// The HTML pages say the same for every failed lookup, in fewer words
// than the API.
const pageNotFound = "案号或查询码不正确"

// publicRoutes: every form carries a CSRF token (fiber's csrf middleware,
// double-submit cookie: these pages have no session).
func (s *server) publicRoutes(app *fiber.App) {
	protect := csrf.New(csrf.Config{
		KeyLookup: "form:_csrf",
		// Not the staff pages' yidi_csrf: any page request (a browser's own
		// /favicon.ico, the login page) passes the staff check, which would
		// overwrite a shared cookie and fail the citizen's next form.
		CookieName:     "yidi_public_csrf",
		CookieSecure:   s.SecureCookies,
		CookieSameSite: "Lax",
		CookieHTTPOnly: true,
		Expiration:     2 * time.Hour,
		ContextKey:     web.CSRFKey,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			return s.renderPublic(c, fiber.StatusForbidden, "message", pageData{Title: "页面已过期",
				Body: "页面已过期或来源不明，请返回重新打开页面后再提交。", Back: "/status"})
		},
	})
	app.Get("/status", protect, s.statusPage)
	app.Post("/status/message", protect, s.messagePage)
	app.Post("/status/rating", protect, s.ratingPage)
	app.Get("/apply", protect, s.applyPage)
	app.Post("/apply", protect, s.applySubmit)
	app.Get("/apply/done", protect, s.appliedPage)
}

// publicPageError renders a failed public call: the one not-found answer,
// the 429 page, or the form again with the Chinese message (400/409).
func (s *server) publicPageError(c *fiber.Ctx, number, code string, err error, body string) error {
	web.SetRetryAfter(c, err)
	e := cases.ErrorOf(err)
	switch {
	case e == nil:
		return err
	case e == cases.ErrPublicNotFound:
		return s.renderPublic(c, fiber.StatusNotFound, "status", pageData{Title: "查询办理进度", Error: pageNotFound, Number: number})
	case e.Kind == cases.KindTooMany:
		return s.renderPublic(c, fiber.StatusTooManyRequests, "message", pageData{Title: "尝试次数过多", Body: e.Message, Back: "/status"})
	}
	view, verr := s.Svc.PublicStatus(c.UserContext(), number, code)
	if verr != nil {
		// Only the not-found and too-many answers end the recursion; any
		// other failure of the status itself is the server's.
		if ve := cases.ErrorOf(verr); ve != nil && (ve == cases.ErrPublicNotFound || ve.Kind == cases.KindTooMany) {
			return s.publicPageError(c, number, code, verr, body)
		}
		return verr
	}
	return s.renderPublic(c, web.StatusOf(e.Kind), "status", pageData{Title: "案件办理进度", Error: e.Message,
		View: view, Number: view.CodeNumber(), Code: code, Body: body})
}
