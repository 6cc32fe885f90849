package portal

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/views/web"
)

// 查询办理进度: the lookup by case number and query code, and the message
// and rating forms on the status page.

func (s *server) statusPage(c *fiber.Ctx) error {
	number, code := c.Query("number"), c.Query("code")
	if number == "" && code == "" {
		return s.renderPublic(c, fiber.StatusOK, "status", pageData{Title: "查询办理进度"})
	}
	if err := s.Citizens.Blocked(c, number); err != nil {
		return s.publicPageError(c, number, code, err, "")
	}
	view, err := s.Svc.PublicStatus(c.UserContext(), number, code)
	if err != nil {
		s.Citizens.Failed(c, number, err)
		return s.publicPageError(c, number, code, err, "")
	}
	return s.renderPublic(c, fiber.StatusOK, "status", pageData{Title: "案件办理进度", View: view, Number: view.Number, Code: code,
		Notice: doneNotices[c.Query("done")]})
}

// doneNotices are what the status page says after a form of it succeeded:
// the form answers with a redirect to the page (post/redirect/get, so a
// refresh never sends the form again) naming what was done.
var doneNotices = map[string]string{
	"message": "留言已收到，办理窗口会尽快查看。",
	"rating":  "感谢您的评价！",
}

// statusDone answers a succeeded form with the way back to its case's
// status page, saying what was done.
func statusDone(c *fiber.Ctx, number, code, done string) error {
	return c.Redirect("/status?"+url.Values{"number": {number}, "code": {code}, "done": {done}}.Encode(), fiber.StatusSeeOther)
}

func (s *server) messagePage(c *fiber.Ctx) error {
	req, files, err := web.ReadMessage(c)
	if err == nil {
		err = s.Citizens.Blocked(c, req.Number)
	}
	if err == nil {
		err = s.Volume.Check(c.IP(), web.FilesSize(files))
	}
	if err == nil {
		_, err = s.Svc.PublicMessage(c.UserContext(), req.Number, req.Code, req.Body, files)
		s.Citizens.Failed(c, req.Number, err)
		if err == nil {
			s.Volume.Accepted(c.IP(), web.FilesSize(files))
		}
	}
	if err != nil {
		return s.publicPageError(c, req.Number, req.Code, err, req.Body)
	}
	return statusDone(c, req.Number, req.Code, "message")
}

func (s *server) ratingPage(c *fiber.Ctx) error {
	number, code := c.FormValue("number"), c.FormValue("code")
	err := s.Citizens.Blocked(c, number)
	if err == nil {
		score, convErr := strconv.Atoi(c.FormValue("score"))
		if convErr != nil {
			score = 0 // the service refuses it with a clear message
		}
		_, err = s.Svc.Rate(c.UserContext(), number, code, score, c.FormValue("comment"))
		s.Citizens.Failed(c, number, err)
	}
	if err != nil {
		return s.publicPageError(c, number, code, err, "")
	}
	return statusDone(c, number, code, "rating")
}
