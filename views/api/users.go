package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// addUser serves POST /api/v1/users: admins only.
func (s *server) addUser(c *fiber.Ctx) error {
	var in cases.UserInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.Svc.CreateUser(c.UserContext(), web.ActorOf(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}
