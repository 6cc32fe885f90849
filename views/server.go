// Package views is the web layer: the JSON API of docs/api.md, the staff pages
// behind a session login, and the citizen's pages (status, messages, rating,
// online application). Handlers parse, call one cases method, and render;
// the rules live in cases.
package views

import (
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/valyala/fasthttp"

	"yidi/cases"
	"yidi/search"
)

// Options tune the server; the zero value is what production uses.
type Options struct {
	// PublicFailures is how many wrong number/code pairs one address may try
	// per PublicWindow before it gets 429.
	PublicFailures int
	PublicWindow   time.Duration
	// PublicCaseFailures is how many wrong codes one case number (known or
	// not) may get per PublicWindow, from any address, before 429.
	PublicCaseFailures int
	// Applications per ApplicationWindow from one address (网上申请).
	Applications      int
	ApplicationWindow time.Duration
	// LoginFailures per LoginWindow for one username from one address.
	LoginFailures int
	LoginWindow   time.Duration
	// BodyLimit caps a request body in bytes; UploadLimit the bodies of
	// the routes that take citizens' files.
	BodyLimit   int
	UploadLimit int
	// What the public may send, beyond failures (docs/hardening-notes.md).
	// AddressMessages and AddressBytes: accepted citizen messages and
	// bytes of files per address per hour (defaults 30 and 100 MiB; a
	// village may share one address). CaseQuota: per case, counted from
	// the database (cases.Quota; defaults 10 messages and 30 MiB an hour,
	// 200 MiB in all); zero leaves the service's setting as it is.
	AddressMessages int
	AddressBytes    int64
	CaseQuota       cases.Quota
	// Index serves search and related cases; nil answers search_unavailable.
	Index *search.Index
	// PublicURL is where citizens reach this server (the QR code on the
	// receipt); empty: taken from the request.
	PublicURL string
	// SecureCookies marks the session cookies Secure (serve behind TLS).
	SecureCookies bool
}

func (o *Options) defaults() {
	if o.PublicFailures == 0 {
		o.PublicFailures = 10
	}
	if o.PublicWindow == 0 {
		o.PublicWindow = 15 * time.Minute
	}
	if o.PublicCaseFailures == 0 {
		o.PublicCaseFailures = 20
	}
	if o.Applications == 0 {
		o.Applications = 5
	}
	if o.ApplicationWindow == 0 {
		o.ApplicationWindow = time.Hour
	}
	if o.LoginFailures == 0 {
		o.LoginFailures = 5
	}
	if o.LoginWindow == 0 {
		o.LoginWindow = 5 * time.Minute
	}
	if o.BodyLimit == 0 {
		o.BodyLimit = 1 << 20
	}
	if o.AddressMessages == 0 {
		o.AddressMessages = defaultAddressMessages
	}
	if o.AddressBytes == 0 {
		o.AddressBytes = defaultAddressBytes
	}
	if o.UploadLimit == 0 {
		o.UploadLimit = 32 << 20 // three files of 10 MiB and the form around them
	}
}

type server struct {
	svc           *cases.Service
	index         *search.Index
	publicLimiter *failureLimiter
	caseLimiter   *failureLimiter
	applyLimiter  *failureLimiter
	loginLimiter  *failureLimiter
	volume        *volumeLimiter
	views         *renderer
	sessions      *session.Store
	publicURL     string
}

// New builds the fiber app with every route.
func New(svc *cases.Service, opts Options) *fiber.App {
	opts.defaults()
	s := &server{
		svc:           svc,
		index:         opts.Index,
		publicLimiter: newFailureLimiter(opts.PublicFailures, opts.PublicWindow),
		caseLimiter:   newFailureLimiter(opts.PublicCaseFailures, opts.PublicWindow),
		applyLimiter:  newFailureLimiter(opts.Applications, opts.ApplicationWindow),
		loginLimiter:  newFailureLimiter(opts.LoginFailures, opts.LoginWindow),
		volume:        newVolumeLimiter(opts.AddressMessages, opts.AddressBytes, addressWindow),
		sessions:      newSessions(svc, opts.SecureCookies),
		publicURL:     strings.TrimSuffix(opts.PublicURL, "/"),
	}
	if opts.CaseQuota != (cases.Quota{}) {
		svc.SetQuota(opts.CaseQuota)
	}
	var err error
	if s.views, err = newRenderer(svc); err != nil {
		// The templates are embedded: a parse error is a programming error.
		panic(err)
	}
	app := fiber.New(fiber.Config{
		AppName: "yidi",
		// Strings from a request stay valid after the handler: the service
		// keeps some (cache keys, limiter keys, what the indexer reads).
		Immutable: true,
		BodyLimit: opts.UploadLimit,
		// Room for a long search pasted into the address (10,000 characters
		// of Chinese is 90 KB encoded), so it gets a clear 400, not a reset.
		ReadBufferSize: 128 << 10,
		// Multipart bodies are parsed by the handler (c.MultipartForm), whose
		// error is a 400 invalid_form in the route's own shape; parsed while
		// reading the request, a broken one reached the error handler
		// without its path and got the staff HTML page under /api.
		DisablePreParseMultipartForm: true,
		ErrorHandler:                 s.errorHandler,
		DisableStartupMessage:        true,
		ReadTimeout:                  30 * time.Second,
		WriteTimeout:                 30 * time.Second,
		IdleTimeout:                  2 * time.Minute,
	})
	// Only the upload routes take more than BodyLimit; fasthttp refuses a
	// larger body from its Content-Length alone, before reading it.
	app.Server().HeaderReceived = func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
		if isUploadPath(string(h.RequestURI())) {
			return fasthttp.RequestConfig{MaxRequestBodySize: opts.UploadLimit}
		}
		return fasthttp.RequestConfig{MaxRequestBodySize: opts.BodyLimit}
	}
	app.Use(recover.New())
	app.Use(requestid.New())

	app.Get("/healthz", s.health)
	// The citizen's pages have no session: their forms carry a cookie-bound
	// token of their own (public_pages.go), so they come before the staff
	// pages' session-backed CSRF check.
	s.publicRoutes(app)
	app.Get("/static/*", serveStatic)
	app.Use(s.csrfMiddleware(opts.SecureCookies))
	s.pageRoutes(app)

	api := app.Group("/api/v1")
	api.Post("/auth/token", s.createToken)
	api.Get("/meta", s.meta)
	api.Get("/openapi.json", openAPIDocument)
	api.Get("/public/status", s.publicStatus)
	api.Post("/public/messages", s.publicMessage)
	api.Post("/public/rating", s.publicRating)
	api.Post("/public/applications", s.publicApplication)

	// The token check sits on each staff route, not on a group, so that an
	// unknown address is a 404 rather than a 401.
	auth := s.requireToken
	api.Post("/cases", auth, s.intake)
	api.Get("/cases", auth, s.listCases)
	api.Post("/cases/check", auth, s.checkIntake)
	api.Get("/cases/:number/related", auth, s.related)
	api.Get("/search", auth, s.search)
	api.Get("/stats", auth, s.stats)
	api.Get("/synonyms", auth, s.synonyms)
	api.Put("/synonyms", auth, s.setSynonyms)
	api.Get("/cases/:number", auth, s.getCase)
	api.Get("/cases/:number/timeline", auth, s.timeline)
	api.Get("/cases/:number/attachments/:id", auth, s.attachment)
	api.Post("/cases/:number/:action", auth, s.caseAction)
	api.Post("/desks", auth, s.addDesk)
	api.Post("/users", auth, s.addUser)
	api.Get("/notifications", auth, s.notifications)
	api.Get("/admin/deadline-rules", auth, s.deadlineRules)
	api.Put("/admin/deadline-rules/:code", auth, s.saveDeadlineRule)
	api.Get("/admin/calendar", auth, s.calendarDays)
	api.Post("/admin/calendar/import", auth, s.importCalendar)
	api.Put("/admin/calendar/:date", auth, s.setCalendarDay)
	api.Delete("/admin/calendar/:date", auth, s.deleteCalendarDay)

	app.Use(func(c *fiber.Ctx) error {
		return &cases.Error{Kind: cases.KindNotFound, Code: "route_not_found", Message: "没有这个地址：" + c.Method() + " " + c.Path()}
	})
	return app
}

// errorHandler is the one place errors become HTTP answers: in docs/api.md's
// shape under /api/, a Chinese page elsewhere. Internal faults are logged
// and shown only as "internal".
func (s *server) errorHandler(c *fiber.Ctx, err error) error {
	setRetryAfter(c, err)
	if storageFull(err) {
		err = cases.ErrStorageFull
	}
	if isPagePath(c.Path()) {
		return s.pageError(c, err)
	}
	if e := cases.ErrorOf(err); e != nil {
		return writeError(c, statusOf(e.Kind), e.Code, e.Message, e.Field)
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case fiber.StatusRequestEntityTooLarge:
			return writeError(c, fe.Code, "too_large", "请求内容过大", "")
		case fiber.StatusNotFound:
			return writeError(c, fe.Code, "route_not_found", "没有这个地址", "")
		case fiber.StatusMethodNotAllowed:
			return writeError(c, fe.Code, "method_not_allowed", "不支持该请求方法", "")
		}
		if fe.Code < 500 {
			return writeError(c, fe.Code, "bad_request", "请求有误："+fe.Message, "")
		}
	}
	logInternal(c, err)
	return writeError(c, fiber.StatusInternalServerError, "internal", "服务器内部错误，请稍后重试或联系管理员", "")
}

func logInternal(c *fiber.Ctx, err error) {
	slog.Error("internal error", "method", c.Method(), "path", c.Path(),
		"request_id", c.Locals(requestid.ConfigDefault.ContextKey), "err", err)
}

func writeError(c *fiber.Ctx, status int, code, message, field string) error {
	body := fiber.Map{"code": code, "message": message}
	if field != "" {
		body["field"] = field
	}
	return c.Status(status).JSON(fiber.Map{"error": body})
}

func statusOf(k cases.Kind) int {
	switch k {
	case cases.KindInvalid:
		return fiber.StatusBadRequest
	case cases.KindNotFound:
		return fiber.StatusNotFound
	case cases.KindConflict:
		return fiber.StatusConflict
	case cases.KindForbidden:
		return fiber.StatusForbidden
	case cases.KindUnauthorized:
		return fiber.StatusUnauthorized
	case cases.KindTooMany:
		return fiber.StatusTooManyRequests
	case cases.KindStorageFull:
		return fiber.StatusInsufficientStorage
	}
	return fiber.StatusInternalServerError
}

var urlQueryEscape = url.QueryEscape

// isUploadPath: the routes that take citizens' files (any query ignored).
func isUploadPath(uri string) bool {
	path, _, _ := strings.Cut(uri, "?")
	return path == "/api/v1/public/messages" || path == "/status/message"
}
