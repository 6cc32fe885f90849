package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 并案 and links: the rules are in cases/links.go.

// caseChange decodes a body of type T and answers the case that do returns
// for the path's case.
func caseChange[T any](do func(ctx context.Context, a cases.Actor, number string, in T) (*cases.Case, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in T
		if err := web.DecodeJSON(c, &in); err != nil {
			return err
		}
		kase, err := do(c.UserContext(), web.ActorOf(c), c.Params("number"), in)
		if err != nil {
			return err
		}
		return c.JSON(kase)
	}
}

func (s *server) unlinkCase(c *fiber.Ctx) error {
	kase, err := s.Svc.Unlink(c.UserContext(), web.ActorOf(c), c.Params("number"), c.Params("other"))
	if err != nil {
		return err
	}
	return c.JSON(kase)
}
