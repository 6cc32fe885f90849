package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// Related terms mined from the case texts (yidi vocab mine), reviewed by an
// admin before search uses them.

func (s *server) termProposals(c *fiber.Ctx) error {
	list, err := s.Svc.TermProposals(c.UserContext(), web.ActorOf(c), c.Query("status"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"proposals": list})
}

func (s *server) decideTermProposal(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return &cases.Error{Kind: cases.KindNotFound, Code: "not_found", Message: "没有这条相关词建议"}
	}
	var in struct {
		Status string `json:"status"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.Svc.DecideTermProposal(c.UserContext(), web.ActorOf(c), id, in.Status)
	if err != nil {
		return err
	}
	if s.Index != nil {
		if err := s.Index.LoadRelatedTerms(c.UserContext(), s.Svc); err != nil {
			return err
		}
	}
	return c.JSON(p)
}
