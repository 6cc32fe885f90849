package staff

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 管理: users, desks and categories, for admins. Each form posts one
// change; an error re-renders the page with the message and the typed
// values (400), a success redirects back (POST-redirect-GET).

type adminData struct {
	Users []cases.UserInfo
	Desks []cases.Desk
	Cats  []cases.Category
	Roles []cases.Role
	Error string
	New   map[string]string // the create form as typed

	// The desk and category pages share code_admin.html: the rows, where
	// the forms post, and what a row is called.
	Codes any
	Path  string
	Noun  string
}

func (s *server) adminPage(c *fiber.Ctx, status int, name, title string, d *adminData) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	if err := cases.Authorize(a, cases.Administer); err != nil {
		return err
	}
	var err error
	if d.Users, err = s.Svc.Users(ctx, a); err != nil {
		return err
	}
	if d.Desks, err = s.Svc.Desks(ctx); err != nil {
		return err
	}
	if d.Cats, err = s.Svc.Categories(ctx); err != nil {
		return err
	}
	d.Roles = cases.Roles
	switch name {
	case "admin_desks":
		d.Codes, d.Path, d.Noun = d.Desks, "/admin/desks", "窗口"
	case "admin_categories":
		d.Codes, d.Path, d.Noun = d.Cats, "/admin/categories", "纠纷类别"
	}
	if d.New == nil {
		d.New = map[string]string{}
	}
	active := map[string]string{"admin_users": "users", "admin_desks": "desks", "admin_categories": "categories"}[name]
	p := page{Title: title, Active: active, Data: d}
	if status == fiber.StatusOK {
		p.Flash = adminFlash(c, d)
	}
	return s.render(c, status, name, p)
}

// adminDone is where a saved admin form leads: back to its page, naming
// what was done to whom (a user's id, a desk's or category's code).
func adminDone(c *fiber.Ctx, path, done, who string) error {
	return c.Redirect(path+"?"+url.Values{"done": {done}, "who": {who}}.Encode(), fiber.StatusSeeOther)
}

// adminFlash words what adminDone named. The flash is built here from the
// rows on the page, never taken as text from the URL.
func adminFlash(c *fiber.Ctx, d *adminData) string {
	done, who := c.Query("done"), c.Query("who")
	if d.Path != "" {
		for _, row := range namedRows(d) {
			if row.code == who {
				switch done {
				case "created":
					return "已添加" + d.Noun + "“" + row.name + "”。"
				case "saved":
					return "已保存" + d.Noun + "“" + row.name + "”。"
				}
			}
		}
		return ""
	}
	for _, u := range d.Users {
		if strconv.FormatInt(u.ID, 10) != who {
			continue
		}
		name := u.Name + "（" + u.Username + "）"
		return map[string]string{
			"created":  "已添加用户 " + name + "。",
			"role":     "已修改 " + name + " 的角色和窗口。",
			"password": "已重置 " + name + " 的密码，请告知本人。",
			"disable":  "已停用 " + name + "，其登录已失效。",
			"enable":   "已启用 " + name + "。",
		}[done]
	}
	return ""
}

type namedRow struct{ code, name string }

// namedRows are the desk or category rows of a named-list page.
func namedRows(d *adminData) []namedRow {
	var out []namedRow
	switch rows := d.Codes.(type) {
	case []cases.Desk:
		for _, r := range rows {
			out = append(out, namedRow{r.Code, r.Name})
		}
	case []cases.Category:
		for _, r := range rows {
			out = append(out, namedRow{r.Code, r.Name})
		}
	}
	return out
}

// adminFailed re-renders an admin page with a domain error, or passes a
// fault on.
func (s *server) adminFailed(c *fiber.Ctx, name, title string, err error, typed map[string]string) error {
	e, fault := refusedBy(err)
	if fault != nil {
		return fault
	}
	return s.adminPage(c, web.StatusOf(e.Kind), name, title, &adminData{Error: e.Message, New: typed})
}

// namedListPage is the admin page of a list of coded, named rows that are
// added, renamed and retired: the desks and the categories of dispute.
type namedListPage struct {
	page, title, path string
	add               func(svc *cases.Service, ctx context.Context, a cases.Actor, code, name string) error
	save              func(svc *cases.Service, ctx context.Context, a cases.Actor, code, name string, active bool) error
}

func (s *server) namedList(c *fiber.Ctx, l namedListPage) error {
	return s.adminPage(c, fiber.StatusOK, l.page, l.title, &adminData{})
}

// namedListSave takes the page's form: op=create adds a row, anything else
// saves one; a refusal shows the page again with what was typed.
func (s *server) namedListSave(c *fiber.Ctx, l namedListPage) error {
	code, name := strings.TrimSpace(c.FormValue("code")), strings.TrimSpace(c.FormValue("name"))
	var err error
	done := "saved"
	if c.FormValue("op") == "create" {
		done = "created"
		err = l.add(s.Svc, c.UserContext(), web.ActorOf(c), code, name)
	} else {
		err = l.save(s.Svc, c.UserContext(), web.ActorOf(c), code, name, c.FormValue("active") != "")
	}
	if err != nil {
		return s.adminFailed(c, l.page, l.title, err, map[string]string{"code": code, "name": name})
	}
	return adminDone(c, l.path, done, code)
}
