package search_test

// Fuzz target (issue 15): go test -run '^$' -fuzz '^FuzzSearchQuery$' ./search.

import (
	"encoding/json"
	"slices"
	"testing"

	"yidi/cases"
	"yidi/search"
)

// Whatever a search asks, it answers a 400-kind error or a page that
// encodes as JSON (a NaN score did not), holds at most a page of hits, all
// of them cases that exist, and nothing the viewer may not see: the
// petition desk sees none of the three unrouted cases.
func FuzzSearchQuery(f *testing.F) {
	w := newWorld(f)
	wage, leak, dowry := w.seed()
	all := []string{wage, leak, dowry}
	f.Fuzz(func(t *testing.T, text, category, desk, status, town, month string, page, perPage int) {
		q := search.Query{Text: text, Category: category, Desk: desk, Status: status, Town: town, Month: month, Page: page, PerPage: perPage}
		for _, viewer := range []string{"leader", "petition"} {
			res, err := w.ix.Search(w.ctx, w.actors[viewer], q, w.svc)
			if err != nil {
				if e := cases.ErrorOf(err); e == nil || e.Kind != cases.KindInvalid || e.Message == "" {
					t.Fatalf("%+v as %s: %v, want nil or an invalid-kind error", q, viewer, err)
				}
				continue
			}
			if _, err := json.Marshal(res); err != nil {
				t.Fatalf("%+v as %s: the answer does not encode: %v", q, viewer, err)
			}
			if len(res.Hits) > search.MaxPerPage || uint64(len(res.Hits)) > res.Total {
				t.Fatalf("%+v as %s: %d hits of %d", q, viewer, len(res.Hits), res.Total)
			}
			for _, h := range res.Hits {
				if !slices.Contains(all, h.Number) {
					t.Fatalf("%+v as %s: hit %q is no case", q, viewer, h.Number)
				}
			}
			if viewer == "petition" && (res.Total != 0 || len(res.Hits) != 0) {
				t.Fatalf("%+v: the petition desk found %v (total %d) it may not see", q, numbers(res), res.Total)
			}
		}
	})
}
