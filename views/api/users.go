package api

import (
	"github.com/gofiber/fiber/v2"
)

// addUser serves POST /api/v1/users: admins only.
func (s *server) addUser(c *fiber.Ctx) error {
	return added(c, s.Svc.CreateUser)
}
