package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

type statusInfo struct {
	Code  cases.Status `json:"code"`
	Label string       `json:"label"`
}

// meta serves the lists a client needs to build its forms.
func (s *server) meta(c *fiber.Ctx) error {
	desks, err := s.Svc.Desks(c.UserContext())
	if err != nil {
		return err
	}
	cats, err := s.metaCategories(c)
	if err != nil {
		return err
	}
	towns, err := s.Svc.Towns(c.UserContext())
	if err != nil {
		return err
	}
	centre, err := s.Svc.Centre(c.UserContext())
	if err != nil {
		return err
	}
	statuses := make([]statusInfo, len(cases.Statuses))
	for i, st := range cases.Statuses {
		statuses[i] = statusInfo{st, cases.StatusLabel(st)}
	}
	return c.JSON(fiber.Map{
		"desks":      desks,
		"categories": cats,
		"statuses":   statuses,
		"actions":    cases.Actions(),
		"sources":    cases.Sources,
		"roles":      cases.Roles,
		"towns":      towns,
		"centre":     centre,
	})
}
