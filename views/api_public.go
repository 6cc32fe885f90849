package views

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

var errTooManyLookups = &cases.Error{Kind: cases.KindTooMany, Code: "too_many_attempts",
	Message: "查询失败次数过多，请15分钟后再试；如忘记查询码，请携带身份证到受理窗口补发"}

// publicStatus is the citizen's lookup by case number and query code. Every
// failure looks the same, and an address that fails too often is refused.
func (s *server) publicStatus(c *fiber.Ctx) error {
	ip := c.IP()
	if s.publicLimiter.blocked(ip) {
		return errTooManyLookups
	}
	view, err := s.svc.PublicStatus(c.UserContext(), c.Query("number"), c.Query("code"))
	if err != nil {
		if cases.ErrorOf(err) == cases.ErrPublicNotFound {
			s.publicLimiter.fail(ip)
		}
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(view)
}
