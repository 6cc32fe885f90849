package search

import "strings"

// SetSynonyms replaces the synonym groups applied at query time: a term
// that equals, or contains, a member of a group is also searched as every
// other member (欠薪 → 拖欠工资, 工资没发, …). No reindex is needed.
func (ix *Index) SetSynonyms(groups [][]string) {
	m := map[string][]string{}
	for _, g := range groups {
		for _, term := range g {
			for _, other := range g {
				if other != term {
					m[term] = append(m[term], other)
				}
			}
		}
	}
	ix.mu.Lock()
	ix.synonyms = m
	ix.mu.Unlock()
}

const maxVariants = 8

// expand answers the term and its synonym variants, the term first.
func (ix *Index) expand(term string) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := []string{term}
	add := func(v string) {
		for _, x := range out {
			if x == v {
				return
			}
		}
		if len(out) < maxVariants {
			out = append(out, v)
		}
	}
	for _, other := range ix.synonyms[term] {
		add(other)
	}
	// A longer phrase holding known terms (拐卖小孩 holds 拐卖 and 小孩):
	// replace each, and combine the replacements, up to maxVariants.
	for i := 0; i < len(out) && len(out) < maxVariants; i++ {
		for member, others := range ix.synonyms {
			if len([]rune(member)) >= 2 && member != out[i] && strings.Contains(out[i], member) {
				for _, o := range others {
					add(strings.Replace(out[i], member, o, 1))
				}
			}
		}
	}
	return out
}
