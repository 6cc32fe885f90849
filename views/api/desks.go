package api

import (
	"github.com/gofiber/fiber/v2"
)

// addDesk serves POST /api/v1/desks.
func (s *server) addDesk(c *fiber.Ctx) error {
	return added(c, s.Svc.AddDesk)
}
