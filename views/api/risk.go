package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// riskSettings serves GET /api/v1/admin/risk-rules: the rules that suggest
// a level and what each level requires.
func (s *server) riskSettings(c *fiber.Ctx) error {
	set, err := s.Svc.RiskSettings(c.UserContext(), web.ActorOf(c))
	if err != nil {
		return err
	}
	return c.JSON(set)
}

// saveRiskRule serves POST /api/v1/admin/risk-rules (a new rule, 201) and
// PUT /api/v1/admin/risk-rules/{id} (a change).
func (s *server) saveRiskRule(c *fiber.Ctx) error {
	var in cases.RiskRule
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	in.ID = 0
	status := fiber.StatusCreated
	if p := c.Params("id"); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id < 1 {
			return &cases.Error{Kind: cases.KindNotFound, Code: "rule_not_found", Message: "没有这条规则"}
		}
		in.ID, status = id, fiber.StatusOK
	}
	rule, err := s.Svc.SaveRiskRule(c.UserContext(), web.ActorOf(c), in)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(rule)
}
