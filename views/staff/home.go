package staff

import (
	"github.com/gofiber/fiber/v2"

	"yidi/views/web"
)

// home sends a signed-in user to their natural page; anyone else sees the
// landing page with the citizen's status lookup.
func (s *server) home(c *fiber.Ctx) error {
	if sess, err := s.sessions.Get(c); err == nil {
		if uid, _ := sess.Get(web.SessionUser).(int64); uid != 0 {
			if a, err := s.Svc.ActorForSession(c.UserContext(), sess.ID(), uid); err == nil {
				return c.Redirect(homeOf(a), fiber.StatusSeeOther)
			}
		}
	}
	centre, err := s.Contact(c.UserContext())
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "home", page{Title: "矛盾纠纷调处化解中心", Data: centre})
}
