package staff

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 窗口管理: add, rename and retire desks.

func (s *server) adminDesks(c *fiber.Ctx) error {
	return s.adminPage(c, fiber.StatusOK, "admin_desks", "窗口管理", &adminData{})
}

func (s *server) adminDeskSave(c *fiber.Ctx) error {
	code, name := strings.TrimSpace(c.FormValue("code")), strings.TrimSpace(c.FormValue("name"))
	var err error
	if c.FormValue("op") == "create" {
		_, err = s.Svc.AddDesk(c.UserContext(), web.ActorOf(c), cases.Desk{Code: code, Name: name})
	} else {
		err = s.Svc.SaveDesk(c.UserContext(), web.ActorOf(c), code, name, c.FormValue("active") != "")
	}
	if err != nil {
		return s.adminFailed(c, "admin_desks", "窗口管理", err, map[string]string{"code": code, "name": name})
	}
	return c.Redirect("/admin/desks", fiber.StatusSeeOther)
}
