package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

type intakeAnswer struct {
	*cases.Case
	QueryCode string          `json:"query_code,omitempty"`
	Warnings  []cases.Warning `json:"warnings"`
}

func (s *server) intake(c *fiber.Ctx) error {
	var in cases.IntakeInput
	if err := web.DecodeIntake(c, &in); err != nil {
		return err
	}
	res, err := s.Svc.Intake(c.UserContext(), web.ActorOf(c), in, c.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	if res.Replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	if res.Warnings == nil {
		res.Warnings = []cases.Warning{}
	}
	return c.Status(fiber.StatusCreated).JSON(intakeAnswer{Case: res.Case, QueryCode: res.QueryCode, Warnings: res.Warnings})
}

type reissueAnswer struct {
	*cases.Case
	QueryCode string `json:"query_code"`
}

func (s *server) getCase(c *fiber.Ctx) error {
	kase, err := s.Svc.Case(c.UserContext(), web.ActorOf(c), c.Params("number"))
	if err != nil {
		return err
	}
	return c.JSON(kase)
}

func (s *server) timeline(c *fiber.Ctx) error {
	events, err := s.Svc.Timeline(c.UserContext(), web.ActorOf(c), c.Params("number"))
	if err != nil {
		return err
	}
	if events == nil {
		events = []cases.Event{}
	}
	return c.JSON(fiber.Map{"events": events})
}

// caseAction serves every POST /cases/{number}/{action} of api.md's table.
func (s *server) caseAction(c *fiber.Ctx) error {
	var req cases.ActionRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	req.Action = c.Params("action")
	if req.Action == "reissue_code" {
		kase, code, err := s.Svc.ReissueCode(c.UserContext(), web.ActorOf(c), c.Params("number"), req.Version)
		if err != nil {
			return err
		}
		// The new code is shown this once, like an intake's.
		return c.JSON(reissueAnswer{Case: kase, QueryCode: code})
	}
	kase, err := s.Svc.Do(c.UserContext(), web.ActorOf(c), c.Params("number"), req)
	if err != nil {
		return err
	}
	return c.JSON(kase)
}
