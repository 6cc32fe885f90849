package api

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// The working-day calendar (节假日安排) the deadline engine counts on.

func (s *server) calendarDays(c *fiber.Ctx) error {
	year := 0
	if y := c.Query("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			return &cases.Error{Kind: cases.KindInvalid, Code: "invalid_year", Message: "年份应为2000-2100之间的数字", Field: "year"}
		}
		year = n
	}
	days, err := s.Svc.CalendarDays(c.UserContext(), web.ActorOf(c), year)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"days": days})
}

// calendarDayInput is the body of PUT /admin/calendar/{date}.
type calendarDayInput struct {
	Working bool   `json:"working"`
	Name    string `json:"name"`
}

func (s *server) setCalendarDay(c *fiber.Ctx) error {
	var in calendarDayInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	day := cases.CalendarDay{Date: c.Params("date"), Working: in.Working, Name: in.Name}
	days := []cases.CalendarDay{day}
	if err := s.Svc.SetCalendarDays(c.UserContext(), web.ActorOf(c), days); err != nil {
		return err
	}
	return c.JSON(days[0])
}

func (s *server) deleteCalendarDay(c *fiber.Ctx) error {
	if err := s.Svc.DeleteCalendarDay(c.UserContext(), web.ActorOf(c), c.Params("date")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// importCalendar takes next year's list as text, one `YYYY-MM-DD,休|班,名称` a line.
func (s *server) importCalendar(c *fiber.Ctx) error {
	n, err := s.Svc.ImportCalendar(c.UserContext(), web.ActorOf(c), bytes.NewReader(c.Body()))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"imported": n})
}
