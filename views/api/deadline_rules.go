package api

import (
	"github.com/gofiber/fiber/v2"
)

// The deadline engine's time-limit rules, for admins.

func (s *server) deadlineRules(c *fiber.Ctx) error {
	return listed(c, "rules", s.Svc.DeadlineRules)
}
