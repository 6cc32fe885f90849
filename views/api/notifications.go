package api

import (
	"github.com/gofiber/fiber/v2"
)

// The desks' notification inbox (time-limit warnings).

func (s *server) notifications(c *fiber.Ctx) error {
	return listed(c, "notifications", s.Svc.DeskNotifications)
}
