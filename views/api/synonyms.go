package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/views/web"
)

// The search's synonym groups, kept by admins.

func (s *server) synonyms(c *fiber.Ctx) error {
	groups, err := s.Svc.SynonymGroups(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"groups": groups})
}

func (s *server) setSynonyms(c *fiber.Ctx) error {
	var in struct {
		Groups [][]string `json:"groups"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	groups, err := s.Svc.SetSynonymGroups(c.UserContext(), web.ActorOf(c), in.Groups)
	if err != nil {
		return err
	}
	if s.Index != nil {
		s.Index.SetSynonyms(groups)
	}
	return c.JSON(fiber.Map{"groups": groups})
}
