package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/views/web"
)

// importMembers serves POST /api/v1/cases/{number}/members: a member sheet
// (CSV or XLSX) imported all or nothing, answered 200 with the row errors
// when there are any.
func (s *server) importMembers(c *fiber.Ctx) error {
	sheet, err := web.ReadMemberSheet(c)
	if err != nil {
		return err
	}
	res, err := s.Svc.ImportMembers(c.UserContext(), web.ActorOf(c), c.Params("number"), sheet)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// memberTemplate serves GET /api/v1/members/template.csv and .xlsx.
func (s *server) memberTemplate(c *fiber.Ctx) error {
	return web.SendMemberTemplate(c, c.Params("format"))
}
