package staff

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 一次性告知材料 (admin): per category, the materials an applicant brings —
// name, required or optional, a note — edited row by row or added.
// Success redirects back with a flash; a refusal re-renders with the
// message (400).

type materialsData struct {
	Cats      []cases.Category
	Category  cases.Category
	Materials []cases.Material
	Error     string
	New       cases.Material // the add form as typed
}

func (s *server) materialsPage(c *fiber.Ctx, status int, category string, d *materialsData) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	if err := cases.Authorize(a, cases.Administer); err != nil {
		return err
	}
	var err error
	if d.Cats, err = s.Svc.Categories(ctx); err != nil {
		return err
	}
	if len(d.Cats) == 0 {
		return &cases.Error{Kind: cases.KindNotFound, Code: "no_categories", Message: "尚无纠纷类别"}
	}
	d.Category = d.Cats[0]
	for _, cat := range d.Cats {
		if cat.Code == category {
			d.Category = cat
		}
	}
	if d.Materials, err = s.Svc.CategoryMaterials(ctx, a, d.Category.Code); err != nil {
		return err
	}
	p := page{Title: "一次性告知材料", Active: "settings", Data: d}
	if status == fiber.StatusOK && c.Query("done") == "saved" {
		p.Flash = "已保存。"
	}
	return s.render(c, status, "admin_materials", p)
}

func (s *server) adminMaterials(c *fiber.Ctx) error {
	return s.materialsPage(c, fiber.StatusOK, c.Query("category"), &materialsData{New: cases.Material{Required: true}})
}

// adminMaterialSave adds a material or saves one row (same form fields).
func (s *server) adminMaterialSave(c *fiber.Ctx) error {
	category := c.FormValue("category")
	m := cases.Material{Code: c.FormValue("code"), Name: c.FormValue("name"), Note: c.FormValue("note"),
		Required: c.FormValue("required") != "", Active: c.FormValue("active") != ""}
	isNew := c.FormValue("op") == "create"
	if err := s.Svc.SaveMaterial(c.UserContext(), web.ActorOf(c), category, m, isNew); err != nil {
		e, fault := refusedBy(err)
		if fault != nil {
			return fault
		}
		d := &materialsData{Error: e.Message, New: cases.Material{Required: true}}
		if isNew {
			d.New = m
		}
		return s.materialsPage(c, web.StatusOf(e.Kind), category, d)
	}
	return c.Redirect("/admin/materials?"+url.Values{"category": {category}, "done": {"saved"}}.Encode(), fiber.StatusSeeOther)
}
