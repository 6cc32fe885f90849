package views

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

type intakeAnswer struct {
	*cases.Case
	QueryCode string          `json:"query_code,omitempty"`
	Warnings  []cases.Warning `json:"warnings"`
}

func (s *server) intake(c *fiber.Ctx) error {
	var in cases.IntakeInput
	if err := decodeIntake(c, &in); err != nil {
		return err
	}
	res, err := s.svc.Intake(c.UserContext(), actorOf(c), in, c.Get("Idempotency-Key"))
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
	kase, err := s.svc.Case(c.UserContext(), actorOf(c), c.Params("number"))
	if err != nil {
		return err
	}
	return c.JSON(kase)
}

func (s *server) timeline(c *fiber.Ctx) error {
	events, err := s.svc.Timeline(c.UserContext(), actorOf(c), c.Params("number"))
	if err != nil {
		return err
	}
	if events == nil {
		events = []cases.Event{}
	}
	return c.JSON(fiber.Map{"events": events})
}

// caseAction serves every POST /cases/{number}/{action} of docs/api.md's table.
func (s *server) caseAction(c *fiber.Ctx) error {
	var req cases.ActionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	req.Action = c.Params("action")
	if req.Action == "reissue_code" {
		kase, code, err := s.svc.ReissueCode(c.UserContext(), actorOf(c), c.Params("number"), req.Version)
		if err != nil {
			return err
		}
		// The new code is shown this once, like an intake's.
		return c.JSON(reissueAnswer{Case: kase, QueryCode: code})
	}
	kase, err := s.svc.Do(c.UserContext(), actorOf(c), c.Params("number"), req)
	if err != nil {
		return err
	}
	return c.JSON(kase)
}
