package search

import (
	"context"
	"slices"
	"strings"
	"yidi/cases"
)

// Synonyms maps each member of a synonym group to the group's other members.
type Synonyms map[string][]string

// NewSynonyms builds the map from groups (欠薪 = 拖欠工资 = 工资没发 …).
func NewSynonyms(groups [][]string) Synonyms {
	m := Synonyms{}
	for _, g := range groups {
		for _, term := range g {
			for _, other := range g {
				if other != term {
					m[term] = append(m[term], other)
				}
			}
		}
	}
	return m
}

const maxVariants = 8

// Expand answers the term and its synonym variants, the term first: its
// group's other members, then, for a longer phrase holding known terms
// (拐卖小孩 holds 拐卖 and 小孩), each replaced and the replacements
// combined, up to maxVariants.
func (s Synonyms) Expand(term string) []string {
	out := []string{term}
	add := func(v string) {
		if !slices.Contains(out, v) && len(out) < maxVariants {
			out = append(out, v)
		}
	}
	for _, other := range s[term] {
		add(other)
	}
	for i := 0; i < len(out) && len(out) < maxVariants; i++ {
		for member, others := range s {
			if len([]rune(member)) >= 2 && member != out[i] && strings.Contains(out[i], member) {
				for _, o := range others {
					add(strings.Replace(out[i], member, o, 1))
				}
			}
		}
	}
	return out
}

// LoadSynonyms applies the synonym groups svc keeps (SetSynonyms), as a
// server does when it starts.
func (ix *Index) LoadSynonyms(ctx context.Context, svc *cases.Service) error {
	groups, err := svc.SynonymGroups(ctx)
	if err != nil {
		return err
	}
	ix.SetSynonyms(groups)
	return nil
}

// SetSynonyms replaces the synonym groups applied at query time: a term
// that equals, or contains, a member of a group is also searched as every
// other member. No reindex is needed.
func (ix *Index) SetSynonyms(groups [][]string) {
	s := NewSynonyms(groups)
	ix.mu.Lock()
	ix.synonyms = s
	ix.mu.Unlock()
}

// variantKind says how a spelling of a typed term came about, which
// decides how strictly it must match.
type variantKind int

const (
	typed           variantKind = iota // as typed: may be words run together
	member                             // another member of the typed term's group: a whole phrase
	rewritten                          // the typed phrase with a member inside it replaced (楼上漏水 → 楼上渗水)
	vocabMember                        // another member of the typed term's group in the built-in vocabulary
	vocabRewritten                     // the typed phrase with a vocabulary member inside it replaced
	thesaurusMember                    // the typed word's pair in the general thesaurus
	minedRelated                       // a word an admin accepted as related (mined from the case texts)
)

// boost weighs a spelling's matches: the typed word first, the admin
// groups' spellings next, the built-in vocabulary's last, so that literal
// matches rank above expansions.
func (k variantKind) boost() float64 {
	switch k {
	case member, rewritten:
		return 0.8
	case vocabMember:
		return 0.5
	case vocabRewritten:
		return 0.4
	case thesaurusMember:
		return 0.3
	case minedRelated:
		return 0.2
	}
	return 1
}

// variant is one spelling a typed term is searched as.
type variant struct {
	text string
	kind variantKind
}

// variants answers the spellings term is searched as, the term first.
func (ix *Index) variants(term string) []variant {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	expanded := ix.synonyms.Expand(term)
	out := make([]variant, len(expanded))
	for i, v := range expanded {
		out[i].text, out[i].kind = v, rewritten
		switch {
		case i == 0:
			out[i].kind = typed
		case slices.Contains(ix.synonyms[term], v):
			out[i].kind = member
		}
	}
	domain, general := builtinVocab()
	out = append(out, vocabVariants(domain, general, term, expanded)...)
	return append(out, relatedVariants(ix.related, term, out)...)
}
