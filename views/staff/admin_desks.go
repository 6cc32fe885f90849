package staff

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// 窗口管理: add, rename and retire desks.

var deskPage = namedListPage{page: "admin_desks", title: "窗口管理", path: "/admin/desks",
	add: func(svc *cases.Service, ctx context.Context, a cases.Actor, code, name string) error {
		_, err := svc.AddDesk(ctx, a, cases.Desk{Code: code, Name: name})
		return err
	},
	save: (*cases.Service).SaveDesk,
}

func (s *server) adminDesks(c *fiber.Ctx) error { return s.namedList(c, deskPage) }

func (s *server) adminDeskSave(c *fiber.Ctx) error { return s.namedListSave(c, deskPage) }
