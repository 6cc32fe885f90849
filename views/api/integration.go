package api

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// Other systems following and feeding cases (issue 17): the event feed,
// webhooks, machine clients, and people's token refresh and logout.

// events serves GET /api/v1/events?after=SEQ&limit=N.
func (s *server) events(c *fiber.Ctx) error {
	after, err := intParamFrom(c, "after", 0)
	if err != nil {
		return err
	}
	limit, err := intParamFrom(c, "limit", 0)
	if err != nil {
		return err
	}
	page, err := s.Svc.Events(c.UserContext(), web.ActorOf(c), int64(after), limit)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (s *server) addWebhook(c *fiber.Ctx) error { return added(c, s.Svc.CreateWebhook) }

func (s *server) webhooks(c *fiber.Ctx) error { return listed(c, "webhooks", s.Svc.Webhooks) }

// byID calls fn with the signed-in user and the route's {id}.
func byID[T any](c *fiber.Ctx, fn func(context.Context, cases.Actor, int64) (T, error)) (T, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		var zero T
		return zero, err
	}
	return fn(c.UserContext(), web.ActorOf(c), id)
}

// done answers 204 for what fn did to the route's {id}.
func done(c *fiber.Ctx, fn func(context.Context, cases.Actor, int64) error) error {
	_, err := byID(c, func(ctx context.Context, a cases.Actor, id int64) (struct{}, error) {
		return struct{}{}, fn(ctx, a, id)
	})
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *server) deleteWebhook(c *fiber.Ctx) error { return done(c, s.Svc.DeleteWebhook) }

func (s *server) resumeWebhook(c *fiber.Ctx) error { return done(c, s.Svc.ResumeWebhook) }

func (s *server) webhookDeliveries(c *fiber.Ctx) error {
	list, err := byID(c, s.Svc.WebhookDeliveries)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"deliveries": list})
}

func (s *server) addClient(c *fiber.Ctx) error { return added(c, s.Svc.CreateClient) }

func (s *server) clients(c *fiber.Ctx) error { return listed(c, "clients", s.Svc.Clients) }

func (s *server) rotateClient(c *fiber.Ctx) error {
	client, err := byID(c, s.Svc.RotateClient)
	if err != nil {
		return err
	}
	return c.JSON(client)
}

func (s *server) revokeClient(c *fiber.Ctx) error {
	return done(c, func(ctx context.Context, a cases.Actor, id int64) error {
		return s.Svc.RevokeClient(ctx, a, id, "")
	})
}

// bearer is the request's token (requireToken has checked it).
func bearer(c *fiber.Ctx) string {
	return strings.TrimSpace(c.Get(fiber.HeaderAuthorization)[len("Bearer "):])
}

// refreshToken serves POST /api/v1/auth/refresh: a new token for the
// signed-in person; the one presented stops working.
func (s *server) refreshToken(c *fiber.Ctx) error {
	a := web.ActorOf(c)
	token, expires, err := s.Svc.RefreshToken(c.UserContext(), a, bearer(c))
	if err != nil {
		return err
	}
	return tokenAnswer(c, a, token, expires)
}

// logout serves POST /api/v1/auth/logout: the token presented stops working.
func (s *server) logout(c *fiber.Ctx) error {
	if err := s.Svc.RevokeToken(c.UserContext(), web.ActorOf(c), bearer(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
