package search

// Related terms mined from the case texts (issue 14): words of the
// vocabulary that occur together in the same field of many cases. Mining
// proposes pairs (yidi vocab mine); only those an admin accepted apply at
// query time, as the last and lightest layer of expansion.

import (
	"context"
	"math"
	"slices"
	"sort"
	"strings"

	"yidi/cases"
)

// MineOptions are the thresholds of mining.
type MineOptions struct {
	MinSupport int     // fields holding both words
	MinScore   float64 // normalised PMI
	PerTerm    int     // strongest pairs kept for each word
}

// DefaultMine: a pair seen together in at least five fields, much more
// often than chance, at most five partners a word.
var DefaultMine = MineOptions{MinSupport: 5, MinScore: 0.35, PerTerm: 5}

// lexicon is the words mining looks for: every member of the built-in
// vocabulary and thesaurus and of the admin's groups, indexed by first rune.
type lexicon map[rune][]string

func newLexicon(extra [][]string) lexicon {
	domain, general := builtinVocab()
	lx := lexicon{}
	add := func(w string) {
		r := []rune(w)
		if len(r) < 2 {
			return
		}
		if !slices.Contains(lx[r[0]], w) {
			lx[r[0]] = append(lx[r[0]], w)
		}
	}
	for _, s := range []Synonyms{domain, general} {
		for w := range s {
			add(w)
		}
	}
	for _, g := range extra {
		for _, w := range g {
			add(w)
		}
	}
	return lx
}

// words answers the lexicon's words in text, each once; a word inside a
// longer word found at the same place is not counted apart.
func (lx lexicon) words(text string) []string {
	var out []string
	rs := []rune(text)
	for i, r := range rs {
		best := ""
		for _, w := range lx[r] {
			if len(w) > len(best) && strings.HasPrefix(string(rs[i:min(len(rs), i+maxVocabMemberRunes)]), w) {
				best = w
			}
		}
		if best != "" && !slices.Contains(out, best) {
			out = append(out, best)
		}
	}
	return out
}

// Miner counts which words occur together, a field at a time.
type Miner struct {
	lx     lexicon
	fields int
	df     map[string]int
	co     map[[2]string]int
}

// NewMiner starts a count; extra are the admin's synonym groups, whose
// words are looked for too.
func NewMiner(extra [][]string) *Miner {
	return &Miner{lx: newLexicon(extra), df: map[string]int{}, co: map[[2]string]int{}}
}

// Add counts one field's text.
func (m *Miner) Add(text string) {
	ws := m.lx.words(text)
	if len(ws) == 0 {
		return
	}
	m.fields++
	slices.Sort(ws)
	for i, a := range ws {
		m.df[a]++
		for _, b := range ws[i+1:] {
			m.co[[2]string{a, b}]++
		}
	}
}

// Pairs answers the pairs that pass o, strongest first: neither word holds
// the other, they are not already in one vocabulary group, and each word
// keeps only its o.PerTerm strongest partners.
func (m *Miner) Pairs(o MineOptions) []cases.TermPair {
	domain, general := builtinVocab()
	n := float64(m.fields)
	var cand []cases.TermPair
	for k, c := range m.co {
		if c < o.MinSupport || strings.Contains(k[0], k[1]) || strings.Contains(k[1], k[0]) ||
			slices.Contains(domain[k[0]], k[1]) || slices.Contains(general[k[0]], k[1]) {
			continue
		}
		p12 := float64(c) / n
		p1, p2 := float64(m.df[k[0]])/n, float64(m.df[k[1]])/n
		score := 1.0
		if p12 < 1 {
			score = math.Log(p12/(p1*p2)) / -math.Log(p12)
		}
		if score < o.MinScore {
			continue
		}
		cand = append(cand, cases.TermPair{Term: k[0], Related: k[1], Support: c, Score: math.Round(score*1000) / 1000})
	}
	sort.Slice(cand, func(i, j int) bool {
		if cand[i].Score != cand[j].Score {
			return cand[i].Score > cand[j].Score
		}
		return cand[i].Term+cand[i].Related < cand[j].Term+cand[j].Related
	})
	kept := map[string]int{}
	var out []cases.TermPair
	for _, p := range cand {
		if kept[p.Term] >= o.PerTerm || kept[p.Related] >= o.PerTerm {
			continue
		}
		kept[p.Term]++
		kept[p.Related]++
		out = append(out, p)
	}
	return out
}

// maxRelatedVariants bounds what accepted related terms add to one typed
// word.
const maxRelatedVariants = 3

// SetRelatedTerms replaces the accepted related-term pairs applied at query
// time (a typed word equal to one word of a pair is also searched as the
// other, lightest of all expansions).
func (ix *Index) SetRelatedTerms(pairs [][2]string) {
	m := map[string][]string{}
	for _, p := range pairs {
		m[p[0]] = append(m[p[0]], p[1])
		m[p[1]] = append(m[p[1]], p[0])
	}
	ix.mu.Lock()
	ix.related = m
	ix.mu.Unlock()
}

// LoadRelatedTerms applies the pairs an admin accepted, as a server does
// when it starts.
func (ix *Index) LoadRelatedTerms(ctx context.Context, svc *cases.Service) error {
	pairs, err := svc.AcceptedTermPairs(ctx)
	if err != nil {
		return err
	}
	ix.SetRelatedTerms(pairs)
	return nil
}

// relatedVariants answers the accepted related words of term not in have.
func relatedVariants(related map[string][]string, term string, have []variant) []variant {
	var out []variant
	for _, r := range related[term] {
		if len(out) == maxRelatedVariants {
			break
		}
		if !slices.ContainsFunc(have, func(v variant) bool { return v.text == r }) {
			out = append(out, variant{r, minedRelated})
		}
	}
	return out
}
