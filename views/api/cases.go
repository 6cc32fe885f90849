package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/reports"
	"yidi/views/web"
)

// Cases: intake, list and export, one case, its timeline, and the actions
// of docs/api.md's table.

type intakeAnswer struct {
	*cases.Case
	QueryCode string          `json:"query_code,omitempty"`
	Warnings  []cases.Warning `json:"warnings"`
}

func (s *server) intake(c *fiber.Ctx) error {
	var in cases.IntakeInput
	if err := web.DecodeIntake(c, &in); err != nil {
		return err
	}
	res, err := s.Svc.Intake(c.UserContext(), web.ActorOf(c), in, c.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	if res.Replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	if res.Warnings == nil {
		res.Warnings = []cases.Warning{}
	}
	return c.Status(fiber.StatusCreated).JSON(intakeAnswer{Case: res.Case, QueryCode: res.QueryCode, Warnings: res.Warnings})
}

type reissueAnswer struct {
	*cases.Case
	QueryCode string `json:"query_code"`
}

func (s *server) timeline(c *fiber.Ctx) error {
	events, err := s.Svc.Timeline(c.UserContext(), web.ActorOf(c), c.Params("number"))
	if err != nil {
		return err
	}
	if events == nil {
		events = []cases.Event{}
	}
	return c.JSON(fiber.Map{"events": events})
}

// caseAction serves every POST /cases/{number}/{action} of docs/api.md's table.
func (s *server) caseAction(c *fiber.Ctx) error {
	var req cases.ActionRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	req.Action = c.Params("action")
	if req.Action == "reissue_code" {
		kase, code, err := s.Svc.ReissueCode(c.UserContext(), web.ActorOf(c), c.Params("number"), req.Version)
		if err != nil {
			return err
		}
		// The new code is shown this once, like an intake's.
		return c.JSON(reissueAnswer{Case: kase, QueryCode: code})
	}
	kase, err := s.Svc.Do(c.UserContext(), web.ActorOf(c), c.Params("number"), req)
	if err != nil {
		return err
	}
	return c.JSON(kase)
}

// listCases serves GET /api/v1/cases: one page as JSON, or with
// format=csv|xlsx every matching case as a streamed file.
func (s *server) listCases(c *fiber.Ctx) error {
	f, err := reports.CaseFilterFromQuery(func(k string) string { return c.Query(k) })
	if err != nil {
		return err
	}
	a := web.ActorOf(c)
	switch format := c.Query("format"); format {
	case "":
		rows, total, err := s.Rep.CaseRows(c.UserContext(), a, f)
		if err != nil {
			return err
		}
		return c.JSON(caseListAnswer{Total: total, Page: f.Page, PerPage: f.PerPage, Cases: rows})
	case "csv", "xlsx":
		return s.SendCases(c, format, a, f)
	default:
		return &cases.Error{Kind: cases.KindInvalid, Code: "invalid_format", Message: "导出格式只能是 csv 或 xlsx", Field: "format"}
	}
}

type caseListAnswer struct {
	Total   int               `json:"total"`
	Page    int               `json:"page"`
	PerPage int               `json:"per_page"`
	Cases   []reports.CaseRow `json:"cases"`
}
