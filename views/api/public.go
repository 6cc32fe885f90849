package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/views/web"
)

// The citizen's calls in JSON; the limits of web.CitizenLimits refuse
// guessing, counted together with the citizen's pages.

// publicStatus is the citizen's lookup by case number and query code. Every
// failure looks the same, and an address that fails too often is refused.
func (s *server) publicStatus(c *fiber.Ctx) error {
	number := c.Query("number")
	if err := s.Citizens.Blocked(c, number); err != nil {
		return err
	}
	view, err := s.Svc.PublicStatus(c.UserContext(), number, c.Query("code"))
	if err != nil {
		s.Citizens.Failed(c, number, err)
		return err
	}
	info, err := s.Med.Public(c.UserContext(), view.Number)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(publicStatusAnswer{PublicView: view, Mediation: info})
}

// publicStatusAnswer is the public view with its mediation part.
type publicStatusAnswer struct {
	*cases.PublicView
	Mediation *mediation.PublicInfo `json:"mediation"`
}

// publicMessage takes a citizen's message: JSON, or multipart with up to
// three files in "files".
func (s *server) publicMessage(c *fiber.Ctx) error {
	req, files, err := web.ReadMessage(c)
	if err != nil {
		return err
	}
	if err := s.Citizens.Blocked(c, req.Number); err != nil {
		return err
	}
	if err := s.Volume.Check(c.IP(), web.FilesSize(files)); err != nil {
		return err
	}
	receipt, err := s.Svc.PublicMessage(c.UserContext(), req.Number, req.Code, req.Body, files)
	if err != nil {
		s.Citizens.Failed(c, req.Number, err)
		return err
	}
	s.Volume.Accepted(c.IP(), web.FilesSize(files))
	return c.Status(fiber.StatusCreated).JSON(receipt)
}

// RatingRequest is the JSON body of a citizen's rating.
type RatingRequest struct {
	Number  string `json:"number"`
	Code    string `json:"code"`
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// publicRating takes the citizen's one satisfaction rating.
func (s *server) publicRating(c *fiber.Ctx) error {
	var req RatingRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.Citizens.Blocked(c, req.Number); err != nil {
		return err
	}
	r, err := s.Svc.Rate(c.UserContext(), req.Number, req.Code, req.Score, req.Comment)
	if err != nil {
		s.Citizens.Failed(c, req.Number, err)
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

// publicApplication takes an online application (网上申请).
func (s *server) publicApplication(c *fiber.Ctx) error {
	var in cases.ApplicationInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.Citizens.ApplicationBlocked(c); err != nil {
		return err
	}
	receipt, err := s.Svc.Apply(c.UserContext(), in)
	s.Citizens.ApplicationCounted(c, err)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(receipt)
}
