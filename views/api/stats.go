package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// stats serves GET /api/v1/stats: JSON, or format=csv|xlsx for the same
// figures as a table.
func (s *server) stats(c *fiber.Ctx) error {
	format := c.Query("format")
	if format != "" && format != "csv" && format != "xlsx" {
		return &cases.Error{Kind: cases.KindInvalid, Code: "invalid_format", Message: "导出格式只能是 csv 或 xlsx", Field: "format"}
	}
	st, err := s.StatsOf(c, func(k string) string { return c.Query(k) })
	if err != nil {
		return err
	}
	if format == "" {
		return c.JSON(st)
	}
	return web.SendStats(c, format, st)
}

// listCases serves GET /api/v1/cases: one page as JSON, or with
// format=csv|xlsx every matching case as a streamed file.
func (s *server) listCases(c *fiber.Ctx) error {
	f, err := cases.CaseListFilterFromQuery(func(k string) string { return c.Query(k) })
	if err != nil {
		return err
	}
	a := web.ActorOf(c)
	switch format := c.Query("format"); format {
	case "":
		rows, total, err := s.Svc.CaseRows(c.UserContext(), a, f)
		if err != nil {
			return err
		}
		return c.JSON(caseListAnswer{Total: total, Page: f.Page, PerPage: f.PerPage, Cases: rows})
	case "csv", "xlsx":
		return s.SendCases(c, format, a, f)
	default:
		return &cases.Error{Kind: cases.KindInvalid, Code: "invalid_format", Message: "导出格式只能是 csv 或 xlsx", Field: "format"}
	}
}

type caseListAnswer struct {
	Total   int             `json:"total"`
	Page    int             `json:"page"`
	PerPage int             `json:"per_page"`
	Cases   []cases.CaseRow `json:"cases"`
}
