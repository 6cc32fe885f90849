package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/views/web"
)

// The desks' notification inbox (time-limit warnings).

func (s *server) notifications(c *fiber.Ctx) error {
	list, err := s.Svc.DeskNotifications(c.UserContext(), web.ActorOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"notifications": list})
}
