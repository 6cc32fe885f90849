package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// Idempotency-Key on the writes besides intake (cases/idempotency.go):
// staff keys are the signed-in user's, a citizen's are the address's.

// idempotentStaffWrite: a staff write other than intake (which keeps its
// own keys), under the user's key.
func (s *server) idempotentStaffWrite(c *fiber.Ctx) error {
	if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead || c.Route().Path == "/api/v1/cases" {
		return c.Next()
	}
	return s.idempotent(c, "user:"+strconv.FormatInt(web.ActorOf(c).UserID, 10))
}

// idempotentPublic: a citizen's write, under the address's key.
func (s *server) idempotentPublic(c *fiber.Ctx) error {
	return s.idempotent(c, "public:"+c.IP())
}

// idempotent runs the rest of the chain once per key: a retry of the same
// request gets the first successful answer back, marked Idempotent-Replayed.
func (s *server) idempotent(c *fiber.Ctx, scope string) error {
	key := c.Get("Idempotency-Key")
	if key == "" {
		return c.Next()
	}
	ctx := c.UserContext()
	kept, err := s.Svc.ClaimIdempotencyKey(ctx, scope, key, cases.RequestFingerprint(c.Method(), c.Path(), c.Body()))
	if err != nil {
		return err
	}
	if kept != nil {
		c.Set("Idempotent-Replayed", "true")
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Status(kept.Status).Send(kept.Body)
	}
	// The error is answered here so that the status is the client's.
	if err := c.Next(); err != nil {
		if err := c.App().ErrorHandler(c, err); err != nil {
			return err
		}
	}
	if status := c.Response().StatusCode(); status >= 200 && status < 300 {
		return s.Svc.RememberAnswer(ctx, scope, key, cases.StoredAnswer{Status: status, Body: c.Response().Body()})
	}
	return s.Svc.ReleaseIdempotencyKey(ctx, scope, key)
}
