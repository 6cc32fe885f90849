package staff

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// 纠纷类别管理: add, rename and retire dispute categories.

var categoryPage = namedListPage{page: "admin_categories", title: "纠纷类别管理", path: "/admin/categories",
	add: (*cases.Service).AddCategory, save: (*cases.Service).SaveCategory}

func (s *server) adminCategories(c *fiber.Ctx) error { return s.namedList(c, categoryPage) }

func (s *server) adminCategorySave(c *fiber.Ctx) error { return s.namedListSave(c, categoryPage) }
