package views

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// 提醒: the desk's notifications (time-limit warnings), newest first, each
// linking to its case; one form marks them all read.

type notesData struct {
	Notes  []cases.DeskNotification
	Unread int
}

func (s *server) notificationsPage(c *fiber.Ctx) error {
	a := actorOf(c)
	if err := cases.Authorize(a, cases.ReceiveReminders); err != nil {
		return err
	}
	list, err := s.svc.DeskNotifications(c.UserContext(), a)
	if err != nil {
		return err
	}
	d := notesData{Notes: list}
	for _, n := range list {
		if !n.Read {
			d.Unread++
		}
	}
	p := page{Title: "提醒", Active: "notifications", Data: d}
	if n := c.Query("marked"); n != "" {
		p.Flash = "已将 " + n + " 条提醒标为已读。"
	}
	return s.render(c, fiber.StatusOK, "notifications", p)
}

// notificationsRead marks every unread notification of the user's desk
// read, or only the one named by the form's id.
func (s *server) notificationsRead(c *fiber.Ctx) error {
	var ids []int64
	if v := c.FormValue("id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return s.errorPage(c, fiber.StatusBadRequest, "提醒编号有误。")
		}
		ids = append(ids, id)
	}
	n, err := s.svc.MarkNotificationsRead(c.UserContext(), actorOf(c), ids)
	if err != nil {
		return err
	}
	return c.Redirect("/notifications?marked="+strconv.Itoa(n), fiber.StatusSeeOther)
}
