// Package staff is the staff's pages behind the session login: intake,
// the desks' workbench, case pages, lists, search, the leader's views and
// statistics, and administration. Handlers parse, call one cases method,
// and render; the rules live in cases.
package staff

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"

	"yidi/views/web"
)

type server struct {
	web.Deps
	views    *renderer
	sessions *session.Store
}

// Pages are the staff pages, ready to be registered on an app.
type Pages struct{ s *server }

// New parses the page templates; they are embedded, so a parse error is a
// programming error and panics.
func New(d web.Deps) *Pages {
	s := &server{Deps: d, sessions: web.NewSessions(d.Svc, d.SecureCookies)}
	var err error
	if s.views, err = newRenderer(d.Svc); err != nil {
		panic(err)
	}
	return &Pages{s: s}
}

// ErrorHandler answers an error as a Chinese page (never JSON, never a
// trace): the staff pages' own, and the site's for any address outside
// the API.
func (p *Pages) ErrorHandler(c *fiber.Ctx, err error) error { return p.s.pageError(c, err) }

// Routes registers the session-backed CSRF check and the pages on app.
// Everything registered after them passes the CSRF check too.
func (p *Pages) Routes(app *fiber.App) {
	app.Use(p.s.csrfMiddleware())
	p.s.pageRoutes(app)
}
