package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// requireToken admits API calls that carry a valid bearer token.
func (s *server) requireToken(c *fiber.Ctx) error {
	// The scheme is case-insensitive (RFC 7235).
	auth := c.Get(fiber.HeaderAuthorization)
	if len(auth) < 7 || !strings.EqualFold(auth[:7], "Bearer ") {
		return cases.ErrTokenInvalid
	}
	a, err := s.Svc.ActorForToken(c.UserContext(), strings.TrimSpace(auth[7:]))
	if err != nil {
		return err
	}
	web.SetActor(c, a)
	return s.idempotentStaffWrite(c)
}

func (s *server) createToken(c *fiber.Ctx) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	key := c.IP() + "|" + strings.ToLower(in.Username)
	if s.Logins.Blocked(key) {
		return &cases.Error{Kind: cases.KindTooMany, Code: "too_many_attempts", Message: "登录失败次数过多，请稍后再试",
			RetryAfter: s.Logins.RetryAfter(key)}
	}
	a, err := s.Svc.Authenticate(c.UserContext(), in.Username, in.Password)
	if err != nil {
		if cases.ErrorOf(err) == cases.ErrBadCredentials {
			s.Logins.Fail(key)
		}
		return err
	}
	token, expires, err := s.Svc.IssueToken(c.UserContext(), a)
	if err != nil {
		return err
	}
	return tokenAnswer(c, a, token, expires)
}

// tokenAnswer is the answer of a sign-in or a refresh.
func tokenAnswer(c *fiber.Ctx, a cases.Actor, token string, expires time.Time) error {
	return c.JSON(fiber.Map{"token": token, "expires_at": expires.Format(time.RFC3339), "user": a})
}
