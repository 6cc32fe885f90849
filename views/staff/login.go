package staff

import (
	"net/url"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"

	"yidi/cases"
	"yidi/views/web"
)

// Browser sign-in: a session cookie (web.NewSessions) whose data lives in
// the database; every form carries a CSRF token that the session also
// holds (synchronizer pattern).

func (s *server) csrfMiddleware() fiber.Handler {
	return csrf.New(csrf.Config{
		Session:        s.sessions,
		CookieName:     "yidi_csrf",
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		CookieSecure:   s.SecureCookies,
		Expiration:     web.SessionLifetime,
		ContextKey:     web.CSRFKey,
		// Forms send _csrf; the few fetches of app.js send the header.
		Extractor: func(c *fiber.Ctx) (string, error) {
			if t := c.FormValue("_csrf"); t != "" {
				return t, nil
			}
			if t := c.Get("X-Csrf-Token"); t != "" {
				return t, nil
			}
			return "", csrf.ErrTokenNotFound
		},
		ErrorHandler: s.csrfFailed,
	})
}

// requireLogin admits page requests of a signed-in, enabled user.
func (s *server) requireLogin(c *fiber.Ctx) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	uid, _ := sess.Get(web.SessionUser).(int64)
	if uid != 0 {
		a, err := s.Svc.ActorForSession(c.UserContext(), sess.ID(), uid)
		if err == nil {
			web.SetActor(c, a)
			return c.Next()
		}
		if cases.ErrorOf(err) == nil {
			return err
		}
	}
	next := c.OriginalURL()
	if c.Method() != fiber.MethodGet {
		next = "/"
	}
	return c.Redirect("/login?next="+url.QueryEscape(next), fiber.StatusSeeOther)
}

type loginData struct {
	Username string
	Next     string
	Error    string
}

func (s *server) loginPage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "login", page{Title: "登录", Data: loginData{Next: safeNext(c.Query("next"))}})
}

func (s *server) login(c *fiber.Ctx) error {
	in := loginData{Username: strings.TrimSpace(c.FormValue("username")), Next: safeNext(c.FormValue("next"))}
	fail := func(status int, msg string) error {
		in.Error = msg
		return s.render(c, status, "login", page{Title: "登录", Data: in})
	}
	if in.Username == "" || c.FormValue("password") == "" {
		return fail(fiber.StatusBadRequest, "请输入用户名和密码")
	}
	key := c.IP() + "|" + strings.ToLower(in.Username)
	if s.Logins.Blocked(key) {
		return fail(fiber.StatusTooManyRequests, "登录失败次数过多，请稍后再试（约5分钟后）")
	}
	a, err := s.Svc.Authenticate(c.UserContext(), in.Username, c.FormValue("password"))
	if err != nil {
		if cases.ErrorOf(err) == cases.ErrBadCredentials {
			s.Logins.Fail(key)
			return fail(fiber.StatusUnauthorized, "用户名或密码错误，请重新输入")
		}
		return err
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	// A new id at sign-in: a session id planted before cannot be ridden.
	if err := sess.Regenerate(); err != nil {
		return err
	}
	sess.Set(web.SessionUser, a.UserID)
	id := sess.ID()
	if err := sess.Save(); err != nil {
		return err
	}
	if err := s.Svc.SignInSession(c.UserContext(), id, a.UserID); err != nil {
		return err
	}
	dest := in.Next
	if dest == "" {
		dest = homeOf(a)
	}
	return c.Redirect(dest, fiber.StatusSeeOther)
}

func (s *server) logout(c *fiber.Ctx) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// homeOf is each role's natural first page.
func homeOf(a cases.Actor) string {
	switch a.Role {
	case cases.RoleIntake:
		return "/intake"
	case cases.RoleHandler:
		return "/desk"
	case cases.RoleLeader:
		return "/leader"
	case cases.RoleAdmin:
		return "/admin/users"
	}
	return "/"
}

// safeNext keeps redirects after sign-in on this site. It parses rather
// than pattern-matches, and refuses what a browser would rewrite into
// another host: control characters (browsers drop TAB and newlines, so
// "/\t/evil" becomes "//evil"), backslashes (read as slashes), and those
// same characters percent-encoded in the path.
func safeNext(next string) string {
	bad := func(s string) bool {
		return strings.ContainsRune(s, '\\') || strings.IndexFunc(s, unicode.IsControl) >= 0
	}
	if bad(next) {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || bad(u.Path) ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.HasPrefix(u.Path, "/login") {
		return ""
	}
	return next
}

// csrfFailed answers a staff form whose CSRF token does not match. The
// token lives in the session table: on a full disk it was never saved, and
// "refresh and retry" would not help, so the page says why instead.
func (s *server) csrfFailed(c *fiber.Ctx, _ error) error {
	if s.Svc.StorageFullRecently() {
		return s.errorPage(c, fiber.StatusInsufficientStorage, "存储空间不足，请联系管理员。暂时无法登录或提交表单；已登录的用户仍可查看案件。")
	}
	return s.errorPage(c, fiber.StatusForbidden, "页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")
}
