package web

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"

	"yidi/cases"
)

const actorKey = "actor"

// ActorOf is the signed-in user of the request (by token or session).
func ActorOf(c *fiber.Ctx) cases.Actor {
	a, _ := c.Locals(actorKey).(cases.Actor)
	return a
}

// SetActor records the request's signed-in user.
func SetActor(c *fiber.Ctx, a cases.Actor) { c.Locals(actorKey, a) }

// SignedIn is the request's signed-in user, if any.
func SignedIn(c *fiber.Ctx) (cases.Actor, bool) {
	a, ok := c.Locals(actorKey).(cases.Actor)
	return a, ok
}

// CSRFKey is where the CSRF middlewares leave the form token.
const CSRFKey = "csrf"

// CSRFToken is the request's form token ("" without one).
func CSRFToken(c *fiber.Ctx) string {
	t, _ := c.Locals(CSRFKey).(string)
	return t
}

// Browser sign-in: a session cookie (HttpOnly, SameSite=Lax, Secure behind
// TLS) whose data lives in the database.

const (
	// SessionUser is the session's key for the user id.
	SessionUser = "uid"
	// SessionLifetime is one working day and a bit, like API tokens.
	SessionLifetime = 12 * time.Hour
)

// NewSessions is the session store of the staff pages.
func NewSessions(svc *cases.Service, secure bool) *session.Store {
	return session.New(session.Config{
		Storage:        svc.Sessions(),
		Expiration:     SessionLifetime,
		KeyLookup:      "cookie:yidi_session",
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		CookieSecure:   secure,
	})
}
