package web

import (
	"slices"
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
	hits, err := d.Index.Similar(c.UserContext(), ActorOf(c), text, exclude, limit+len(same), d.Svc)
	out := make([]search.SimilarHit, 0, len(hits))
	for _, h := range hits {
		if len(out) < limit && !slices.ContainsFunc(same, func(r cases.RelatedCase) bool { return r.Number == h.Number }) {
			out = append(out, h)
		}
	}
	return out, err
}
