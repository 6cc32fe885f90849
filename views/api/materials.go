package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// metaCategory is a category as GET /api/v1/meta lists it: with its
// materials, for a client's intake checklist.
type metaCategory struct {
	cases.Category
	Materials []cases.Material `json:"materials"`
}

func (s *server) metaCategories(c *fiber.Ctx) ([]metaCategory, error) {
	cats, err := s.Svc.Categories(c.UserContext())
	if err != nil {
		return nil, err
	}
	materials, err := s.Svc.Materials(c.UserContext())
	if err != nil {
		return nil, err
	}
	out := make([]metaCategory, len(cats))
	for i, cat := range cats {
		out[i] = metaCategory{Category: cat, Materials: materials[cat.Code]}
		if out[i].Materials == nil {
			out[i].Materials = []cases.Material{}
		}
	}
	return out, nil
}
