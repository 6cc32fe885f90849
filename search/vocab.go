package search

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// vocabText is the built-in dispute vocabulary: everyday words beside the
// words intake records use (车祸 / 交通事故, 退休金 / 养老金, 吵架 / 发生争执).
// Unlike the admin-edited synonym groups (migrations 00004/00005, table
// synonym_groups), it ships with the program; both apply at query time, and
// its variants score below the typed word and below the admin groups'.
//
//go:embed vocab.txt
var vocabText string

// maxVocabVariants bounds what the vocabulary adds to one typed term, so no
// query fans out to hundreds of clauses.
const maxVocabVariants = 8

// maxVocabMemberRunes is the longest member; substrings longer than it are
// not looked up.
const maxVocabMemberRunes = 12

var (
	vocabOnce sync.Once
	vocab     Synonyms
)

// builtinVocab parses vocabText once (about a hundred groups: microseconds).
func builtinVocab() Synonyms {
	vocabOnce.Do(func() { vocab = parseVocab(vocabText) })
	return vocab
}

func parseVocab(text string) Synonyms {
	var groups [][]string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if g := strings.Fields(line); len(g) >= 2 {
			groups = append(groups, g)
		}
	}
	s := NewSynonyms(groups)
	for k, v := range s { // a member in several groups: each other member once
		slices.Sort(v)
		s[k] = slices.Compact(v)
	}
	return s
}

// vocabVariants answers the spellings the vocabulary adds to term, none of
// them in have: the other members of term's groups (whole phrases), then
// term with a member inside it replaced (老板跑路 → 老板联系不上), longest
// member first, up to maxVocabVariants.
func vocabVariants(v Synonyms, term string, have []string) []variant {
	var out []variant
	add := func(text string, kind variantKind) {
		if len(out) >= maxVocabVariants || slices.Contains(have, text) ||
			slices.ContainsFunc(out, func(o variant) bool { return o.text == text }) {
			return
		}
		out = append(out, variant{text, kind})
	}
	for _, o := range v[term] {
		add(o, vocabMember)
	}
	r := []rune(term)
	for n := min(len(r)-1, maxVocabMemberRunes); n >= 2; n-- {
		for i := 0; i+n <= len(r); i++ {
			sub := string(r[i : i+n])
			for _, o := range v[sub] {
				add(string(r[:i])+o+string(r[i+n:]), vocabRewritten)
			}
		}
	}
	return out
}

// runeLen is utf8.RuneCountInString, short.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
