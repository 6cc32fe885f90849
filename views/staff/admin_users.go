package staff

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 用户管理: create users, change a role or desk, reset a password, disable.

func (s *server) adminUsers(c *fiber.Ctx) error {
	return s.adminPage(c, fiber.StatusOK, "admin_users", "用户管理", &adminData{})
}

func (s *server) adminUserCreate(c *fiber.Ctx) error {
	in := cases.UserInput{Username: c.FormValue("username"), Password: c.FormValue("password"),
		Role: cases.Role(c.FormValue("role")), Desk: c.FormValue("desk"), Name: c.FormValue("name")}
	typed := map[string]string{"username": in.Username, "name": in.Name, "role": string(in.Role), "desk": in.Desk}
	if err := cases.Authorize(web.ActorOf(c), cases.ManageUsers); err != nil {
		return err
	}
	u, err := s.Svc.CreateUser(c.UserContext(), web.ActorOf(c), in)
	if err != nil {
		return s.adminFailed(c, "admin_users", "用户管理", err, typed)
	}
	return adminDone(c, "/admin/users", "created", strconv.FormatInt(u.UserID, 10))
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
		if off && !confirmed(c) {
			return s.adminFailed(c, "admin_users", "用户管理",
				&cases.Error{Kind: cases.KindInvalid, Code: "not_confirmed", Message: "请勾选“确认停用”：停用后该用户立即退出登录", Field: "confirm"}, nil)
		}
		u.Disabled = &off
	default:
		return s.adminFailed(c, "admin_users", "用户管理",
			&cases.Error{Kind: cases.KindInvalid, Code: "unknown_op", Message: "未知的操作"}, nil)
	}
	if err := s.Svc.UpdateUser(c.UserContext(), web.ActorOf(c), id, u); err != nil {
		return s.adminFailed(c, "admin_users", "用户管理", err, nil)
	}
	return adminDone(c, "/admin/users", c.FormValue("op"), strconv.FormatInt(id, 10))
}
