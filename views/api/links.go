package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/views/web"
)

// 并案 and links: the rules are in cases/links.go.

func (s *server) unlinkCase(c *fiber.Ctx) error {
	kase, err := s.Svc.Unlink(c.UserContext(), web.ActorOf(c), c.Params("number"), c.Params("other"))
	if err != nil {
		return err
	}
	return c.JSON(kase)
}
