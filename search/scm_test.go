package search

import (
	"os"
	"testing"
	"time"
)

const scmFile = "../../shared/data/cail2019-scm-dev.jsonl"

func TestSimilarityOrdersSCMTripletsAboveTarget(t *testing.T) {
	if _, err := os.Stat(scmFile); err != nil {
		t.Skipf("%s not here: %v", scmFile, err)
	}
	start := time.Now()
	acc, n, err := EvaluateSCM(scmFile)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SCM accuracy %.3f on %d triplets in %s", acc, n, time.Since(start).Round(time.Millisecond))
	if acc < 0.70 {
		t.Errorf("SCM accuracy %.3f, want ≥ 0.70", acc)
	}
}

// TestSCMVariants prints the accuracy of each variant measured while
// choosing defaultSim; it runs only with YIDI_SCM_VARIANTS=1.
func TestSCMVariants(t *testing.T) {
	if os.Getenv("YIDI_SCM_VARIANTS") == "" {
		t.Skip("set YIDI_SCM_VARIANTS=1 to measure the similarity variants")
	}
	trips, err := readSCM(scmFile, 0)
	if err != nil {
		t.Skip(err)
	}
	t.Logf("reference: character-bigram TF-IDF cosine %.3f", bigramCosineAccuracy(trips))
	for _, corpus := range []struct {
		name  string
		extra []string
		prep  func(string) string
	}{
		{"triplets", nil, func(s string) string { return s }},
		{"triplets+rc", extraCorpus(scmFile), func(s string) string { return s }},
		{"facts-indexed+rc", extraCorpus(scmFile), factPart},
	} {
		ev, err := newSCMEvalWith(trips, corpus.extra, corpus.prep)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range scmVariants() {
			acc, err := ev.accuracy(v.o)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%-18s %-44s %.3f", corpus.name, v.name, acc)
		}
		ev.Close()
	}
}

type scmVariant struct {
	name string
	o    simOptions
}

func scmVariants() []scmVariant {
	with := func(f func(*simOptions)) simOptions {
		o := defaultSim
		f(&o)
		return o
	}
	return []scmVariant{
		{"raw tf, uni+bigrams+numbers, all terms", simOptions{unigrams: true, numbers: true, idfPower: 2}},
		{"raw tf, bigrams only", simOptions{idfPower: 2}},
		{"bm25 tf, bigrams", simOptions{k1: 1.2, idfPower: 2}},
		{"bm25 tf, bigrams, idf¹", simOptions{k1: 1.2, idfPower: 1}},
		{"bm25 tf, bigrams, top 80", simOptions{k1: 1.2, idfPower: 2, topK: 80}},
		{"+ facts", simOptions{k1: 1.2, idfPower: 2, topK: 80, facts: true}},
		{"+ facts, drop df>50%", simOptions{k1: 1.2, idfPower: 2, topK: 80, facts: true, maxDFRatio: 0.5}},
		{"default", defaultSim},
		{"default, elements ×1", with(func(o *simOptions) { o.elements = 1 })},
		{"default, elements ×2", with(func(o *simOptions) { o.elements = 2 })},
		{"default, elements ×3", with(func(o *simOptions) { o.elements = 3 })},
		{"default, top 40", with(func(o *simOptions) { o.topK = 40 })},
		{"default, top 150", with(func(o *simOptions) { o.topK = 150 })},
		{"default, all terms", with(func(o *simOptions) { o.topK = 0 })},
		{"default, numbers", with(func(o *simOptions) { o.numbers = true })},
		{"default, unigrams", with(func(o *simOptions) { o.unigrams = true })},
		{"default, no facts", with(func(o *simOptions) { o.facts = false })},
		{"default, k1 0.5", with(func(o *simOptions) { o.k1 = 0.5 })},
		{"default, k1 3", with(func(o *simOptions) { o.k1 = 3 })},
		{"default, idf³", with(func(o *simOptions) { o.idfPower = 3 })},
		{"default, idf¹", with(func(o *simOptions) { o.idfPower = 1 })},
		{"default, min df 2", with(func(o *simOptions) { o.minDocFreq = 2 })},
	}
}
