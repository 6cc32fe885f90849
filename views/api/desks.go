package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// addDesk serves POST /api/v1/desks.
func (s *server) addDesk(c *fiber.Ctx) error {
	var in cases.Desk
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.Svc.AddDesk(c.UserContext(), web.ActorOf(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(d)
}
