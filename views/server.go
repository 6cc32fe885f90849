// Package views is the web layer: the JSON API of docs/api.md (views/api), the
// staff pages behind a session login (views/staff), and the citizen's pages
// — status, messages, rating, online application (views/portal) — over
// what they share (views/web). New assembles them into one app. Handlers
// parse, call one cases method, and render; the rules live in cases.
package views

import (
	"io"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/logger"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/valyala/fasthttp"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/cases/reports"
	"yidi/search"
	"yidi/views/api"
	"yidi/views/portal"
	"yidi/views/staff"
	"yidi/views/web"
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
	// What the public may send, beyond failures (docs/operations.md, "Hardening and limits").
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
	// Med is the mediation service over the same cases.Service; nil: New
	// builds one. Pass the one already built (serve builds it before the
	// demo data) so that its rules are installed on svc exactly once.
	Med *mediation.Service
	// TrustedProxies are the addresses and CIDR ranges of reverse proxies
	// whose X-Forwarded-For names the client (ParseCIDRs); none: the
	// connection's own address is the client's.
	TrustedProxies []string
	// CORSOrigins may call the API from a browser (ParseOrigins); none:
	// no cross-origin calls.
	CORSOrigins []string
	// AccessLog receives one line per request (accessLogFormat); nil: none.
	AccessLog io.Writer
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

// New builds the fiber app with every route: the API mounted at /api with
// its JSON errors, the citizen's pages, the static files, and the staff
// pages, whose Chinese error page answers every other address.
func New(svc *cases.Service, opts Options) *fiber.App {
	opts.defaults()
	med := opts.Med
	if med == nil {
		// Installs the rule that closing as resolved needs an agreement.
		med = mediation.New(svc)
	}
	d := web.Deps{
		Svc:    svc,
		Med:    med,
		Rep:    reports.New(svc),
		Index:  opts.Index,
		Logins: web.NewFailureLimiter(opts.LoginFailures, opts.LoginWindow),
		Citizens: web.NewCitizenLimits(opts.PublicFailures, opts.PublicCaseFailures, opts.PublicWindow,
			opts.Applications, opts.ApplicationWindow),
		Volume:        web.NewVolumeLimiter(opts.AddressMessages, opts.AddressBytes, addressWindow),
		PublicURL:     strings.TrimSuffix(opts.PublicURL, "/"),
		SecureCookies: opts.SecureCookies,
	}
	if opts.CaseQuota != (cases.Quota{}) {
		svc.SetQuota(opts.CaseQuota)
	}
	pages := staff.New(d)
	cfg := fiber.Config{
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
		// The API mounted below has its own; this one answers the rest.
		ErrorHandler:          pages.ErrorHandler,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           2 * time.Minute,
	}
	proxyConfig(&cfg, opts.TrustedProxies)
	app := fiber.New(cfg)
	// Only the upload routes take more than BodyLimit; fasthttp refuses a
	// larger body from its Content-Length alone, before reading it.
	app.Server().HeaderReceived = func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
		if isUploadPath(string(h.RequestURI())) {
			return fasthttp.RequestConfig{MaxRequestBodySize: opts.UploadLimit}
		}
		return fasthttp.RequestConfig{MaxRequestBodySize: opts.BodyLimit}
	}
	app.Use(recover.New())
	if h := forwardedClient(opts.TrustedProxies); h != nil {
		app.Use(h)
	}
	app.Use(requestid.New())
	if opts.AccessLog != nil {
		app.Use(logger.New(logger.Config{Format: accessLogFormat, TimeFormat: time.RFC3339, Output: opts.AccessLog}))
	}
	// Inside the access log, which answers errors itself: this one must
	// see the chain's error to know a lasting 429.
	app.Use(retryAfterOnEvery429)
	if h := corsMiddleware(opts.CORSOrigins); h != nil {
		app.Use("/api", h)
	}

	app.Get("/healthz", d.Health)
	// Neither the health check nor the static files are pages: another
	// method on them is the JSON not-found, not the pages' CSRF check.
	app.Use("/healthz", web.NotFound)
	app.Mount("/api", api.New(d))
	portal.Routes(app, d)
	app.Get("/static/*", web.ServeStatic)
	// Browsers ask for /favicon.ico whatever the pages link; the icon (一地's
	// 一) is the SVG the pages name.
	app.Get("/favicon.ico", func(c *fiber.Ctx) error { return c.Redirect("/static/favicon.svg", fiber.StatusMovedPermanently) })
	app.Use("/static", web.NotFound)
	pages.Routes(app)
	app.Use(web.RouteNotFound)
	// The mounted API's routes join the app's when it starts; start now so
	// that the app lists them (GetRoutes) before it serves anything.
	app.Handler()
	return app
}

// Per-address defaults for what the public sends (see Options). An
// address may be a village's shared connection, so it gets more than
// one case: 30 messages and 100 MiB of files an hour.
const (
	defaultAddressMessages = 30
	defaultAddressBytes    = 100 << 20
	addressWindow          = time.Hour
)

// isUploadPath: the routes that take files — citizens' messages and
// applications with their evidence, and what
// staff file with a case (any query ignored).
func isUploadPath(uri string) bool {
	path, _, _ := strings.Cut(uri, "?")
	return path == "/api/v1/public/messages" || path == "/status/message" || path == "/apply" ||
		(strings.HasPrefix(path, "/api/v1/cases/") && strings.HasSuffix(path, "/attachments")) ||
		(strings.HasPrefix(path, "/cases/") && strings.HasSuffix(path, "/dossier/files"))
}
