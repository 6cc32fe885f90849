package api

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/search"
	"yidi/views/web"
)

// Related cases: the same person's cases and similar ones, for a stored
// case or for a draft at the window (the pre-check).

type relatedAnswer struct {
	SamePerson []cases.RelatedCase `json:"same_person"`
	Similar    []search.SimilarHit `json:"similar"`
}

func (s *server) related(c *fiber.Ctx) error {
	a := web.ActorOf(c)
	limit, err := intParam(c, "limit")
	if err != nil {
		return err
	}
	if limit > search.MaxSimilar {
		// Not served as the default: the caller would read a short list as
		// "no more similar cases" (issue 17).
		return &cases.Error{Kind: cases.KindInvalid, Code: "invalid_limit",
			Message: fmt.Sprintf("“limit”应为 1 至 %d 的整数", search.MaxSimilar), Field: "limit"}
	}
	kase, same, err := s.Svc.SamePersonCases(c.UserContext(), a, c.Params("number"))
	if err != nil {
		return err
	}
	similar, err := s.Similar(c, search.RelatedText(kase), kase.Number, same, limit)
	if err != nil {
		return err
	}
	return c.JSON(relatedAnswer{SamePerson: same, Similar: similar})
}

// checkIntake is the pre-check at the window: the draft is not stored.
func (s *server) checkIntake(c *fiber.Ctx) error {
	var in cases.IntakeInput
	if err := web.DecodeIntake(c, &in); err != nil {
		return err
	}
	a := web.ActorOf(c)
	same, err := s.Svc.SamePersonDraft(c.UserContext(), a, in)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(in.Title + "\n" + in.Summary + "\n" + in.Claims)
	similar, err := s.Similar(c, text, "", same, 0)
	if err != nil {
		return err
	}
	return c.JSON(relatedAnswer{SamePerson: same, Similar: similar})
}
