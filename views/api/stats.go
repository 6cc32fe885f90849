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
