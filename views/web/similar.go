package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/search"
)

// Similar finds up to limit cases like text (20 when limit is 0, at most
// search.MaxSimilar) that the request's user may see, exclude left out, and
// those among same (the same person's cases, listed beside them) left out
// too, so that no list shows a case twice: the API's related cases and
// pre-check, and the case and intake pages'. Without an index there are none.
func (d Deps) Similar(c *fiber.Ctx, text, exclude string, same []cases.RelatedCase, limit int) ([]search.SimilarHit, error) {
	if limit == 0 {
		limit = 20
	}
	if d.Index == nil || strings.TrimSpace(text) == "" {
		return []search.SimilarHit{}, nil
	}
	// The index leaves them out before it ranks, so that the list still
	// has limit cases when the same person has many.
	skip := make([]string, 0, len(same)+1)
	if exclude != "" {
		skip = append(skip, exclude)
	}
	for _, r := range same {
		skip = append(skip, r.Number)
	}
	return d.Index.Similar(c.UserContext(), ActorOf(c), text, skip, limit, d.Svc)
}
