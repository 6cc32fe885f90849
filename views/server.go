// Package views is the web layer: the JSON API of api.md, the public status
// lookup and (later) the staff pages. Handlers parse, call one cases method,
// and render; the rules live in cases.
package views

import (
	"errors"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"yidi/cases"
	"yidi/search"
)

// Options tune the server; the zero value is what production uses.
type Options struct {
	// PublicFailures is how many wrong number/code pairs one address may try
	// per PublicWindow before it gets 429.
	PublicFailures int
	PublicWindow   time.Duration
	// LoginFailures per LoginWindow for one username from one address.
	LoginFailures int
	LoginWindow   time.Duration
	// BodyLimit caps a request body in bytes.
	BodyLimit int
	// Index serves search and related cases; nil answers search_unavailable.
	Index *search.Index
}

func (o *Options) defaults() {
	if o.PublicFailures == 0 {
		o.PublicFailures = 10
	}
	if o.PublicWindow == 0 {
		o.PublicWindow = 15 * time.Minute
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
}

type server struct {
	svc           *cases.Service
	index         *search.Index
	publicLimiter *failureLimiter
	loginLimiter  *failureLimiter
}

// New builds the fiber app with every route.
func New(svc *cases.Service, opts Options) *fiber.App {
	opts.defaults()
	s := &server{
		svc:           svc,
		index:         opts.Index,
		publicLimiter: newFailureLimiter(opts.PublicFailures, opts.PublicWindow),
		loginLimiter:  newFailureLimiter(opts.LoginFailures, opts.LoginWindow),
	}
	app := fiber.New(fiber.Config{
		AppName: "yidi",
		// Strings from a request stay valid after the handler: the service
		// keeps some (cache keys, limiter keys, what the indexer reads).
		Immutable: true,
		BodyLimit: opts.BodyLimit,
		// Room for a long search pasted into the address (10,000 characters
		// of Chinese is 90 KB encoded), so it gets a clear 400, not a reset.
		ReadBufferSize:        128 << 10,
		ErrorHandler:          errorHandler,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           2 * time.Minute,
	})
	app.Use(recover.New())
	app.Use(requestid.New())

	app.Get("/", s.home)
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })

	api := app.Group("/api/v1")
	api.Post("/auth/token", s.createToken)
	api.Get("/meta", s.meta)
	api.Get("/openapi.json", openAPIDocument)
	api.Get("/public/status", s.publicStatus)

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
	api.Post("/cases/:number/:action", auth, s.caseAction)
	api.Post("/desks", auth, s.addDesk)
	api.Post("/users", auth, s.addUser)

	app.Use(func(c *fiber.Ctx) error {
		return &cases.Error{Kind: cases.KindNotFound, Code: "route_not_found", Message: "没有这个地址：" + c.Method() + " " + c.Path()}
	})
	return app
}

// errorHandler is the one place errors become HTTP answers, always in
// api.md's shape. Internal faults are logged and shown only as "internal".
func errorHandler(c *fiber.Ctx, err error) error {
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
	slog.Error("internal error", "method", c.Method(), "path", c.Path(),
		"request_id", c.Locals(requestid.ConfigDefault.ContextKey), "err", err)
	return writeError(c, fiber.StatusInternalServerError, "internal", "服务器内部错误，请稍后重试或联系管理员", "")
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
	}
	return fiber.StatusInternalServerError
}
