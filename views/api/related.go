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

// maxRelatedLimit is the most similar cases one call answers.
const maxRelatedLimit = 50

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
	if limit > maxRelatedLimit {
		// Not quietly the default: the client asked for what it cannot get.
		return &cases.Error{Kind: cases.KindInvalid, Code: "invalid_limit", Message: fmt.Sprintf("“limit”应在1到%d之间", maxRelatedLimit), Field: "limit"}
	}
	kase, same, err := s.Svc.SamePersonCases(c.UserContext(), a, c.Params("number"))
	if err != nil {
		return err
	}
	similar, err := s.Similar(c, kase.Title+"\n"+kase.Summary+"\n"+kase.Claims, kase.Number, same, limit)
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
