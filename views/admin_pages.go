package views

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
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
}

func (s *server) adminPage(c *fiber.Ctx, status int, name, title string, d *adminData) error {
	ctx, a := c.UserContext(), actorOf(c)
	if err := cases.Authorize(a, cases.Administer); err != nil {
		return err
	}
	var err error
	if d.Users, err = s.svc.Users(ctx, a); err != nil {
		return err
	}
	if d.Desks, err = s.svc.Desks(ctx); err != nil {
		return err
	}
	if d.Cats, err = s.svc.Categories(ctx); err != nil {
		return err
	}
	d.Roles = cases.Roles
	if d.New == nil {
		d.New = map[string]string{}
	}
	active := map[string]string{"admin_users": "users", "admin_desks": "desks", "admin_categories": "categories"}[name]
	return s.render(c, status, name, page{Title: title, Active: active, Data: d})
}

// adminFailed re-renders an admin page with a domain error, or passes a
// fault on.
func (s *server) adminFailed(c *fiber.Ctx, name, title string, err error, typed map[string]string) error {
	e := cases.ErrorOf(err)
	if e == nil || e.Kind == cases.KindInternal {
		return err
	}
	return s.adminPage(c, statusOf(e.Kind), name, title, &adminData{Error: e.Message, New: typed})
}

func (s *server) adminUsers(c *fiber.Ctx) error {
	return s.adminPage(c, fiber.StatusOK, "admin_users", "用户管理", &adminData{})
}

func (s *server) adminUserCreate(c *fiber.Ctx) error {
	in := cases.UserInput{Username: c.FormValue("username"), Password: c.FormValue("password"),
		Role: cases.Role(c.FormValue("role")), Desk: c.FormValue("desk"), Name: c.FormValue("name")}
	typed := map[string]string{"username": in.Username, "name": in.Name, "role": string(in.Role), "desk": in.Desk}
	if err := cases.Authorize(actorOf(c), cases.ManageUsers); err != nil {
		return err
	}
	if _, err := s.svc.CreateUser(c.UserContext(), actorOf(c), in); err != nil {
		return s.adminFailed(c, "admin_users", "用户管理", err, typed)
	}
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

func (s *server) adminUserUpdate(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	var u cases.UserUpdate
	switch c.FormValue("op") {
	case "role":
		u.Role, u.Desk = cases.Role(c.FormValue("role")), c.FormValue("desk")
	case "password":
		u.Password = c.FormValue("password")
		if u.Password == "" {
			return s.adminFailed(c, "admin_users", "用户管理",
				&cases.Error{Kind: cases.KindInvalid, Code: "required", Message: "请输入新密码", Field: "password"}, nil)
		}
	case "disable", "enable":
		off := c.FormValue("op") == "disable"
		u.Disabled = &off
	default:
		return s.adminFailed(c, "admin_users", "用户管理",
			&cases.Error{Kind: cases.KindInvalid, Code: "unknown_op", Message: "未知的操作"}, nil)
	}
	if err := s.svc.UpdateUser(c.UserContext(), actorOf(c), id, u); err != nil {
		return s.adminFailed(c, "admin_users", "用户管理", err, nil)
	}
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

func (s *server) adminDesks(c *fiber.Ctx) error {
	return s.adminPage(c, fiber.StatusOK, "admin_desks", "窗口管理", &adminData{})
}

func (s *server) adminDeskSave(c *fiber.Ctx) error {
	code, name := strings.TrimSpace(c.FormValue("code")), strings.TrimSpace(c.FormValue("name"))
	var err error
	if c.FormValue("op") == "create" {
		_, err = s.svc.AddDesk(c.UserContext(), actorOf(c), cases.Desk{Code: code, Name: name})
	} else {
		err = s.svc.SaveDesk(c.UserContext(), actorOf(c), code, name, c.FormValue("active") != "")
	}
	if err != nil {
		return s.adminFailed(c, "admin_desks", "窗口管理", err, map[string]string{"code": code, "name": name})
	}
	return c.Redirect("/admin/desks", fiber.StatusSeeOther)
}

func (s *server) adminCategories(c *fiber.Ctx) error {
	return s.adminPage(c, fiber.StatusOK, "admin_categories", "纠纷类别管理", &adminData{})
}

func (s *server) adminCategorySave(c *fiber.Ctx) error {
	code, name := strings.TrimSpace(c.FormValue("code")), strings.TrimSpace(c.FormValue("name"))
	var err error
	if c.FormValue("op") == "create" {
		err = s.svc.AddCategory(c.UserContext(), actorOf(c), code, name)
	} else {
		err = s.svc.SaveCategory(c.UserContext(), actorOf(c), code, name, c.FormValue("active") != "")
	}
	if err != nil {
		return s.adminFailed(c, "admin_categories", "纠纷类别管理", err, map[string]string{"code": code, "name": name})
	}
	return c.Redirect("/admin/categories", fiber.StatusSeeOther)
}
