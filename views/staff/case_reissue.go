package staff

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// confirmed: the form's confirmation box was ticked, for an action that
// cannot be undone by the same click (the browser requires the box; this
// holds without one).
func confirmed(c *fiber.Ctx) bool { return c.FormValue("confirm") == "yes" }

// 补发查询码: the reissue_code action from the case page. The generic action
// handler would lose the new code, which exists only in this answer, so it
// has its own route and answers the receipt with the new code and its QR
// code for printing. The old code stops working at once.
func (s *server) caseReissue(c *fiber.Ctx) error {
	number := cases.NormalizeCaseNumber(c.Params("number"))
	var version *int64
	if v := c.FormValue("version"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return s.actionFailed(c, number, "reissue_code", &cases.Error{Kind: cases.KindInvalid,
				Code: "invalid_version", Message: "版本号有误，请刷新页面", Field: "version"})
		}
		version = &n
	}
	if !confirmed(c) {
		return s.actionFailed(c, number, "reissue_code", &cases.Error{Kind: cases.KindInvalid, Code: "not_confirmed",
			Message: "请勾选确认：补发后原查询码立即失效", Field: "confirm"})
	}
	kase, code, err := s.Svc.ReissueCode(c.UserContext(), web.ActorOf(c), number, version)
	if err != nil {
		return s.actionFailed(c, number, "reissue_code", err)
	}
	done := []cases.Warning{{Code: "code_reissued", Message: "已补发查询码：原查询码已失效，请将本回执交给群众。"}}
	return s.renderReceipt(c, kase, code, done, "")
}
