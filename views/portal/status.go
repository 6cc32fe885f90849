package portal

// The status page and its forms; the online application. Forms carry a
// CSRF token (fiber's csrf middleware, double-submit cookie: these pages
// have no session).

import (
	"html/template"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"

	"yidi/cases"
	"yidi/views/web"
)

// publicFuncs are what the citizen's pages use besides the staff pages' functions.
var publicFuncs = template.FuncMap{
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
	Form                       map[string]string
	Categories                 []cases.Category
	Receipt                    *cases.ApplicationReceipt
}

// renderPublic writes a citizen page: phone-first, no session, nothing cached.
func (s *server) renderPublic(c *fiber.Ctx, status int, page string, d pageData) error {
	if tok := web.CSRFToken(c); tok != "" {
		d.CSRF = tok
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

func (s *server) publicRoutes(app *fiber.App) {
	protect := csrf.New(csrf.Config{
		KeyLookup: "form:_csrf",
		// Not the staff pages' yidi_csrf: any page request (a browser's own
		// /favicon.ico, the login page) passes the staff check, which would
		// overwrite a shared cookie and fail the citizen's next form.
		CookieName:     "yidi_public_csrf",
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
}

// publicPageError renders a failed public call: the one not-found answer,
// the 429 page, or the form again with the Chinese message (400/409).
func (s *server) publicPageError(c *fiber.Ctx, number, code string, err error, body string) error {
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
		View: view, Number: view.Number, Code: code, Body: body})
}

func (s *server) statusPage(c *fiber.Ctx) error {
	number, code := c.Query("number"), c.Query("code")
	if number == "" && code == "" {
		return s.renderPublic(c, fiber.StatusOK, "status", pageData{Title: "查询办理进度"})
	}
	if err := s.Citizens.Blocked(c, number); err != nil {
		return s.publicPageError(c, number, code, err, "")
	}
	view, err := s.Svc.PublicStatus(c.UserContext(), number, code)
	if err != nil {
		s.Citizens.Failed(c, number, err)
		return s.publicPageError(c, number, code, err, "")
	}
	return s.renderPublic(c, fiber.StatusOK, "status", pageData{Title: "案件办理进度", View: view, Number: view.Number, Code: code})
}

func (s *server) messagePage(c *fiber.Ctx) error {
	req, files, err := web.ReadMessage(c)
	if err == nil {
		err = s.Citizens.Blocked(c, req.Number)
	}
	if err == nil {
		_, err = s.Svc.PublicMessage(c.UserContext(), req.Number, req.Code, req.Body, files)
		s.Citizens.Failed(c, req.Number, err)
	}
	if err != nil {
		return s.publicPageError(c, req.Number, req.Code, err, req.Body)
	}
	view, err := s.Svc.PublicStatus(c.UserContext(), req.Number, req.Code)
	if err != nil {
		return s.publicPageError(c, req.Number, req.Code, err, "")
	}
	return s.renderPublic(c, fiber.StatusOK, "status", pageData{Title: "案件办理进度", View: view, Number: view.Number,
		Code: req.Code, Notice: "留言已收到，办理窗口会尽快查看。"})
}

func (s *server) ratingPage(c *fiber.Ctx) error {
	number, code := c.FormValue("number"), c.FormValue("code")
	err := s.Citizens.Blocked(c, number)
	if err == nil {
		score, convErr := strconv.Atoi(c.FormValue("score"))
		if convErr != nil {
			score = 0 // the service refuses it with a clear message
		}
		_, err = s.Svc.Rate(c.UserContext(), number, code, score, c.FormValue("comment"))
		s.Citizens.Failed(c, number, err)
	}
	if err != nil {
		return s.publicPageError(c, number, code, err, "")
	}
	view, err := s.Svc.PublicStatus(c.UserContext(), number, code)
	if err != nil {
		return s.publicPageError(c, number, code, err, "")
	}
	return s.renderPublic(c, fiber.StatusCreated, "status", pageData{Title: "案件办理进度", View: view, Number: view.Number,
		Code: code, Notice: "感谢您的评价！"})
}

// applyFields are the form's inputs, kept to fill the form in again.
var applyFields = []string{"applicant_name", "applicant_id_number", "phone", "respondent_name",
	"category", "town", "title", "summary", "claims"}

func (s *server) applyForm(c *fiber.Ctx, status int, form map[string]string, msg string) error {
	cats, err := s.Svc.Categories(c.UserContext())
	if err != nil {
		return err
	}
	active := make([]cases.Category, 0, len(cats))
	for _, cat := range cats {
		if cat.Active {
			active = append(active, cat)
		}
	}
	return s.renderPublic(c, status, "apply", pageData{Title: "网上申请调解", Form: form, Categories: active, Error: msg})
}

func (s *server) applyPage(c *fiber.Ctx) error {
	return s.applyForm(c, fiber.StatusOK, map[string]string{}, "")
}

func (s *server) applySubmit(c *fiber.Ctx) error {
	form := map[string]string{}
	for _, k := range applyFields {
		form[k] = c.FormValue(k)
	}
	if err := s.Citizens.ApplicationBlocked(c); err != nil {
		return s.renderPublic(c, fiber.StatusTooManyRequests, "message", pageData{Title: "提交过于频繁",
			Body: cases.ErrorOf(err).Message, Back: "/apply"})
	}
	in := cases.ApplicationInput{
		IntakeInput: cases.IntakeInput{Title: form["title"], Category: form["category"], Town: form["town"],
			Summary: form["summary"], Claims: form["claims"], Parties: []cases.PartyInput{
				{Role: cases.PartyApplicant, Kind: cases.PersonIndividual, Name: form["applicant_name"], IDNumber: form["applicant_id_number"]},
				{Role: cases.PartyRespondent, Name: form["respondent_name"]},
			}},
		Phone: form["phone"], Website: c.FormValue("website"),
	}
	receipt, err := s.Svc.Apply(c.UserContext(), in)
	s.Citizens.ApplicationCounted(c, err)
	if err != nil {
		e := cases.ErrorOf(err)
		if e == nil {
			return err
		}
		return s.applyForm(c, web.StatusOf(e.Kind), form, applyMessage(e))
	}
	return s.renderPublic(c, fiber.StatusCreated, "applied", pageData{Title: "申请已提交", Receipt: receipt})
}

// applyMessage names the form's own labels where the intake rules name
// party fields.
func applyMessage(e *cases.Error) string {
	switch e.Field {
	case "parties[0].name", "parties[0].id_number", "parties[0].phone":
		return "申请人信息有误：" + e.Message
	case "parties[1].name", "parties[1].kind", "parties[1].credit_code":
		return "对方当事人信息有误：" + e.Message
	}
	return e.Message
}
