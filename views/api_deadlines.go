package views

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// The deadline engine's admin endpoints (time-limit rules, the working-day
// calendar) and the desks' notification inbox.

func (s *server) deadlineRules(c *fiber.Ctx) error {
	rules, err := s.svc.DeadlineRules(c.UserContext(), actorOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"rules": rules})
}

func (s *server) saveDeadlineRule(c *fiber.Ctx) error {
	var in cases.DeadlineRuleInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	rule, err := s.svc.SaveDeadlineRule(c.UserContext(), actorOf(c), c.Params("code"), in)
	if err != nil {
		return err
	}
	return c.JSON(rule)
}

func (s *server) calendarDays(c *fiber.Ctx) error {
	year := 0
	if y := c.Query("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			return &cases.Error{Kind: cases.KindInvalid, Code: "invalid_year", Message: "年份应为2000-2100之间的数字", Field: "year"}
		}
		year = n
	}
	days, err := s.svc.CalendarDays(c.UserContext(), actorOf(c), year)
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
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	day := cases.CalendarDay{Date: c.Params("date"), Working: in.Working, Name: in.Name}
	days := []cases.CalendarDay{day}
	if err := s.svc.SetCalendarDays(c.UserContext(), actorOf(c), days); err != nil {
		return err
	}
	return c.JSON(days[0])
}

func (s *server) deleteCalendarDay(c *fiber.Ctx) error {
	if err := s.svc.DeleteCalendarDay(c.UserContext(), actorOf(c), c.Params("date")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// importCalendar takes next year's list as text, one `YYYY-MM-DD,休|班,名称` a line.
func (s *server) importCalendar(c *fiber.Ctx) error {
	n, err := s.svc.ImportCalendar(c.UserContext(), actorOf(c), bytes.NewReader(c.Body()))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"imported": n})
}

func (s *server) notifications(c *fiber.Ctx) error {
	list, err := s.svc.DeskNotifications(c.UserContext(), actorOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"notifications": list})
}
