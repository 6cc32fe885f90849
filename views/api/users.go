package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// addUser serves POST /api/v1/users: admins only.
func (s *server) addUser(c *fiber.Ctx) error {
	if web.ActorOf(c).Role != cases.RoleAdmin {
		return &cases.Error{Kind: cases.KindForbidden, Code: "forbidden", Message: "只有管理员可以新增用户"}
	}
	var in cases.UserInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.Svc.CreateUser(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}
