package staff

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// errorPage answers a Chinese error page (never JSON, never a trace).
func (s *server) errorPage(c *fiber.Ctx, status int, msg string) error {
	title := "出错了"
	switch status {
	case fiber.StatusNotFound:
		title = "未找到"
	case fiber.StatusForbidden:
		title = "无权操作"
	}
	return s.render(c, status, "error", page{Title: title, Data: msg})
}

// pageError turns an error of a page handler into an HTML answer: the
// error handler of the staff pages and of any address outside the API.
func (s *server) pageError(c *fiber.Ctx, err error) error {
	err = web.Classify(c, err)
	if e := cases.ErrorOf(err); e != nil {
		switch e.Kind {
		case cases.KindUnauthorized:
			return c.Redirect("/login", fiber.StatusSeeOther)
		case cases.KindNotFound:
			if e.Code == "case_not_found" {
				return s.errorPage(c, fiber.StatusNotFound, "案件不存在，或您无权查看该案件。")
			}
			return s.errorPage(c, fiber.StatusNotFound, "没有这个页面。")
		case cases.KindInternal:
		default:
			return s.errorPage(c, web.StatusOf(e.Kind), e.Message)
		}
	}
	var fe *fiber.Error
	if errors.As(err, &fe) && fe.Code < 500 {
		msg := "请求有误。"
		switch fe.Code {
		case fiber.StatusNotFound:
			msg = "没有这个页面。"
		case fiber.StatusMethodNotAllowed:
			msg = "不支持该请求方法。"
		case fiber.StatusRequestEntityTooLarge:
			msg = "提交的内容过大。"
		}
		return s.errorPage(c, fe.Code, msg)
	}
	web.LogInternal(c, err)
	return s.errorPage(c, fiber.StatusInternalServerError, "服务器内部错误，请稍后重试或联系管理员。")
}

// errUnknownOp refuses a form posted with an op the page does not have.
var errUnknownOp = &cases.Error{Kind: cases.KindInvalid, Code: "unknown_op", Message: "未知的操作"}

// refusedBy sorts a form's error: a refusal (bad input, a conflict, no
// permission) is shown on the page again; anything else is a fault for
// the error page.
func refusedBy(err error) (*cases.Error, error) {
	e := cases.ErrorOf(err)
	if e == nil || e.Kind == cases.KindInternal {
		return nil, err
	}
	return e, nil
}
