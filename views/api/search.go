package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/search"
	"yidi/views/web"
)

var errSearchUnavailable = &cases.Error{Kind: cases.KindInternal, Code: "search_unavailable", Message: "搜索暂不可用"}

func (s *server) search(c *fiber.Ctx) error {
	if s.Index == nil {
		return errSearchUnavailable
	}
	q := search.Query{
		Text:     c.Query("q"),
		Category: c.Query("category"),
		Desk:     c.Query("desk"),
		Status:   c.Query("status"),
		Town:     c.Query("town"),
		Month:    c.Query("month"),
	}
	var err error
	if q.Page, err = intParam(c, "page"); err != nil {
		return err
	}
	if q.PerPage, err = intParam(c, "per_page"); err != nil {
		return err
	}
	if q.From, err = dateParam(c, "from", false); err != nil {
		return err
	}
	if q.To, err = dateParam(c, "to", true); err != nil {
		return err
	}
	res, err := s.Index.Search(c.UserContext(), web.ActorOf(c), q, s.Svc)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func intParam(c *fiber.Ctx, name string) (int, error) { return intParamFrom(c, name, 1) }

// intParamFrom reads an optional whole number of at least least (0 when
// absent).
func intParamFrom(c *fiber.Ctx, name string, least int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < least {
		msg := "“" + name + "”应为正整数"
		if least == 0 {
			msg = "“" + name + "”应为不小于0的整数"
		}
		return 0, &cases.Error{Kind: cases.KindInvalid, Code: "invalid_" + name, Message: msg, Field: name}
	}
	return n, nil
}

// dateParam reads YYYY-MM-DD as a day in China time: its start, or with
// end its end (cases.EndOfDay, outside it), so a "to" day is included.
func dateParam(c *fiber.Ctx, name string, end bool) (time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := cases.ParseDay(name, v)
	if err != nil {
		// The search API's documented message (openapi.json).
		return time.Time{}, &cases.Error{Kind: cases.KindInvalid, Code: "invalid_date", Message: "日期格式应为 YYYY-MM-DD", Field: name}
	}
	if end {
		t = cases.EndOfDay(t)
	}
	return t, nil
}
