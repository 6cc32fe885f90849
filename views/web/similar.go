package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/search"
)

// Similar finds up to limit cases like text (20 when limit is 0, at most
// search.MaxSimilar) that the request's user may see, exclude left out: the API's related
// cases and pre-check, and the case and intake pages'. Without an index
// there are none.
func (d Deps) Similar(c *fiber.Ctx, text, exclude string, limit int) ([]search.SimilarHit, error) {
	if limit == 0 {
		limit = 20
	}
	if d.Index == nil || strings.TrimSpace(text) == "" {
		return []search.SimilarHit{}, nil
	}
	hits, err := d.Index.Similar(c.UserContext(), ActorOf(c), text, exclude, limit, d.Svc)
	if hits == nil {
		hits = []search.SimilarHit{}
	}
	return hits, err
}
