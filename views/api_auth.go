package views

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

const actorKey = "actor"

func actorOf(c *fiber.Ctx) cases.Actor {
	a, _ := c.Locals(actorKey).(cases.Actor)
	return a
}

// requireToken admits API calls that carry a valid bearer token.
func (s *server) requireToken(c *fiber.Ctx) error {
	// The scheme is case-insensitive (RFC 7235).
	auth := c.Get(fiber.HeaderAuthorization)
	if len(auth) < 7 || !strings.EqualFold(auth[:7], "Bearer ") {
		return cases.ErrTokenInvalid
	}
	a, err := s.svc.ActorForToken(c.UserContext(), strings.TrimSpace(auth[7:]))
	if err != nil {
		return err
	}
	c.Locals(actorKey, a)
	return c.Next()
}

var errTooManyLogins = &cases.Error{Kind: cases.KindTooMany, Code: "too_many_attempts", Message: "登录失败次数过多，请稍后再试"}

func (s *server) createToken(c *fiber.Ctx) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	key := c.IP() + "|" + strings.ToLower(in.Username)
	if s.loginLimiter.blocked(key) {
		return errTooManyLogins
	}
	a, err := s.svc.Authenticate(c.UserContext(), in.Username, in.Password)
	if err != nil {
		if cases.ErrorOf(err) == cases.ErrBadCredentials {
			s.loginLimiter.fail(key)
		}
		return err
	}
	token, expires, err := s.svc.IssueToken(c.UserContext(), a)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"token": token, "expires_at": expires.Format(time.RFC3339), "user": a})
}

func (s *server) addUser(c *fiber.Ctx) error {
	var in cases.UserInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.svc.CreateUser(c.UserContext(), actorOf(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}

func (s *server) addDesk(c *fiber.Ctx) error {
	var in cases.Desk
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.svc.AddDesk(c.UserContext(), actorOf(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(d)
}
