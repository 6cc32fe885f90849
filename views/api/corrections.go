package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// correct serves POST /api/v1/cases/{number}/corrections: a 补正 of the
// registered details, answered with the corrected case.
func (s *server) correct(c *fiber.Ctx) error {
	var in cases.CorrectionInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	kase, err := s.Svc.Correct(c.UserContext(), web.ActorOf(c), c.Params("number"), in)
	if err != nil {
		return err
	}
	return c.JSON(kase)
}
