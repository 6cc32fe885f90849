package staff

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/views/web"
)

// 纠纷类别管理: add, rename and retire dispute categories.

func (s *server) adminCategories(c *fiber.Ctx) error {
	return s.adminPage(c, fiber.StatusOK, "admin_categories", "纠纷类别管理", &adminData{})
}

func (s *server) adminCategorySave(c *fiber.Ctx) error {
	code, name := strings.TrimSpace(c.FormValue("code")), strings.TrimSpace(c.FormValue("name"))
	var err error
	if c.FormValue("op") == "create" {
		err = s.Svc.AddCategory(c.UserContext(), web.ActorOf(c), code, name)
	} else {
		err = s.Svc.SaveCategory(c.UserContext(), web.ActorOf(c), code, name, c.FormValue("active") != "")
	}
	if err != nil {
		return s.adminFailed(c, "admin_categories", "纠纷类别管理", err, map[string]string{"code": code, "name": name})
	}
	return c.Redirect("/admin/categories", fiber.StatusSeeOther)
}
