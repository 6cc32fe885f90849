package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// The deadline engine's time-limit rules, for admins.

func (s *server) deadlineRules(c *fiber.Ctx) error {
	return listed(c, "rules", s.Svc.DeadlineRules)
}

func (s *server) saveDeadlineRule(c *fiber.Ctx) error {
	var in cases.DeadlineRuleInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	rule, err := s.Svc.SaveDeadlineRule(c.UserContext(), web.ActorOf(c), c.Params("code"), in)
	if err != nil {
		return err
	}
	return c.JSON(rule)
}
