package staff

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/views/web"
)

// 中心设置 (admin): the centre's name, address, phone and hours that the
// receipt prints, the towns the intake form offers, and links to the
// rooms and the 一次性告知 materials. Each form posts one change; success
// redirects back with a flash (post/redirect/get), a refusal re-renders
// the page with the message and what was typed (400).

type settingsData struct {
	Centre cases.CentreSettings
	Towns  []string
	Rooms  []mediation.Room
	Cats   []cases.Category
	Error  string
	Form   string // which form failed: centre | town
	Town   string // the town as typed
	Room   string // the room as typed
}

// settingsFlash words the flash for what the redirect named; the text is
// never taken from the URL.
var settingsFlash = map[string]string{
	"centre":       "已保存中心信息。",
	"town_added":   "已保存：乡镇（街道）已加入列表。",
	"town_removed": "已保存：乡镇（街道）已移出列表。",
	"room_added":   "已保存：调解室已添加。",
}

func (s *server) settingsPage(c *fiber.Ctx, status int, d *settingsData) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	if err := cases.Authorize(a, cases.Administer); err != nil {
		return err
	}
	var err error
	if d.Form != "centre" {
		if d.Centre, err = s.Svc.Centre(ctx); err != nil {
			return err
		}
	}
	if d.Towns, err = s.Svc.Towns(ctx); err != nil {
		return err
	}
	if d.Rooms, err = s.Med.Rooms(ctx); err != nil {
		return err
	}
	if d.Cats, err = s.Svc.Categories(ctx); err != nil {
		return err
	}
	p := page{Title: "中心设置", Active: "settings", Data: d}
	if status == fiber.StatusOK {
		p.Flash = settingsFlash[c.Query("done")]
	}
	return s.render(c, status, "admin_settings", p)
}

func (s *server) adminSettings(c *fiber.Ctx) error {
	return s.settingsPage(c, fiber.StatusOK, &settingsData{})
}

// adminSettingsSave takes the page's forms by their op: centre, add_town,
// remove_town, add_room.
func (s *server) adminSettingsSave(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	var err error
	d := &settingsData{}
	done := c.FormValue("op")
	switch done {
	case "centre":
		d.Form = "centre"
		d.Centre = cases.CentreSettings{Name: c.FormValue("name"), Address: c.FormValue("address"),
			Phone: c.FormValue("phone"), Hours: c.FormValue("hours")}
		err = s.Svc.SetCentre(ctx, a, d.Centre)
	case "add_town":
		d.Form, d.Town, done = "town", c.FormValue("town"), "town_added"
		err = s.Svc.AddTown(ctx, a, d.Town)
	case "remove_town":
		d.Form, done = "town", "town_removed"
		err = s.Svc.RemoveTown(ctx, a, c.FormValue("town"))
	case "add_room":
		d.Form, d.Room, done = "room", c.FormValue("room"), "room_added"
		_, err = s.Med.AddRoom(ctx, a, d.Room)
	default:
		err = errUnknownOp
	}
	if e, fault := refusedBy(err); fault != nil || e != nil {
		if fault != nil {
			return fault
		}
		d.Error = e.Message
		return s.settingsPage(c, web.StatusOf(e.Kind), d)
	}
	return c.Redirect("/admin/settings?"+url.Values{"done": {done}}.Encode(), fiber.StatusSeeOther)
}
