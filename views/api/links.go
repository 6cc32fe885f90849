package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 并案 and links: the rules are in cases/links.go.

func (s *server) linkCase(c *fiber.Ctx) error {
	var in cases.LinkInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	kase, err := s.Svc.Link(c.UserContext(), web.ActorOf(c), c.Params("number"), in)
	if err != nil {
		return err
	}
	return c.JSON(kase)
}

func (s *server) unlinkCase(c *fiber.Ctx) error {
	kase, err := s.Svc.Unlink(c.UserContext(), web.ActorOf(c), c.Params("number"), c.Params("other"))
	if err != nil {
		return err
	}
	return c.JSON(kase)
}

// mergeCase answers the surviving case.
func (s *server) mergeCase(c *fiber.Ctx) error {
	var in cases.MergeInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	kase, err := s.Svc.Merge(c.UserContext(), web.ActorOf(c), c.Params("number"), in)
	if err != nil {
		return err
	}
	return c.JSON(kase)
}
