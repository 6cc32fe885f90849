package search

import (
	"html"
	"sort"
	"strings"
	"unicode"

	"yidi/cases"
)

// Highlights are cut from the database's text, not from the index (which
// stores none): a window around each match, escaped, matches in <mark>.

const (
	maxFragments   = 3
	fragmentBefore = 24 // runes of context before a match
	fragmentAfter  = 56
)

// markTerms answers what to mark: each term and its synonyms, and, for
// terms matched only by their bigrams, the bigrams.
func (ix *Index) markTerms(terms []string) (whole, bigrams []string) {
	for _, t := range terms {
		for _, vr := range ix.variants(t) {
			v := vr.text
			whole = append(whole, strings.ToLower(v))
			r := []rune(strings.ToLower(v))
			for i := 0; i+1 < len(r) && len(r) > 2; i++ {
				if unicode.Is(unicode.Han, r[i]) && unicode.Is(unicode.Han, r[i+1]) {
					bigrams = append(bigrams, string(r[i:i+2]))
				}
			}
		}
	}
	return whole, bigrams
}

func highlight(d *cases.SearchDoc, whole, bigrams []string) []string {
	out := []string{}
	if len(whole) == 0 {
		return out
	}
	texts := append([]string{d.Summary, d.Claims}, d.Notes...)
	texts = append(texts, d.Title)
	for _, marks := range [][]string{whole, bigrams} {
		for _, t := range texts {
			for _, f := range fragments(t, marks) {
				if len(out) == maxFragments {
					return out
				}
				out = append(out, f)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return out
}

type span struct{ start, end int } // rune offsets

// fragments finds the marks in text and answers up to maxFragments
// escaped windows with every match inside them marked.
func fragments(text string, marks []string) []string {
	if text == "" || len(marks) == 0 {
		return nil
	}
	runes := []rune(text)
	lower := []rune(strings.ToLower(text))
	if len(lower) != len(runes) {
		lower = runes // a case fold that changed length: match as typed
	}
	var hits []span
	for _, m := range marks {
		mr := []rune(m)
		if len(mr) == 0 {
			continue
		}
		for i := 0; i+len(mr) <= len(lower); i++ {
			if equalRunes(lower[i:i+len(mr)], mr) {
				hits = append(hits, span{i, i + len(mr)})
			}
		}
	}
	if len(hits) == 0 {
		return nil
	}
	hits = mergeSpans(hits)
	var windows []span
	for _, h := range hits {
		w := span{max(0, h.start-fragmentBefore), min(len(runes), h.end+fragmentAfter)}
		if n := len(windows); n > 0 && w.start <= windows[n-1].end {
			windows[n-1].end = max(windows[n-1].end, w.end)
			continue
		}
		windows = append(windows, w)
	}
	var out []string
	for _, w := range windows {
		if len(out) == maxFragments {
			break
		}
		var b strings.Builder
		if w.start > 0 {
			b.WriteString("…")
		}
		pos := w.start
		for _, h := range hits {
			if h.end <= w.start || h.start >= w.end {
				continue
			}
			s, e := max(h.start, w.start), min(h.end, w.end)
			b.WriteString(html.EscapeString(string(runes[pos:s])))
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(string(runes[s:e])))
			b.WriteString("</mark>")
			pos = e
		}
		b.WriteString(html.EscapeString(string(runes[pos:w.end])))
		if w.end < len(runes) {
			b.WriteString("…")
		}
		out = append(out, b.String())
	}
	return out
}

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// mergeSpans sorts spans and joins the overlapping ones.
func mergeSpans(s []span) []span {
	sort.Slice(s, func(i, j int) bool { return s[i].start < s[j].start })
	out := s[:1]
	for _, x := range s[1:] {
		last := &out[len(out)-1]
		if x.start <= last.end {
			last.end = max(last.end, x.end)
			continue
		}
		out = append(out, x)
	}
	return out
}
