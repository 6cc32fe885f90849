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
	all, _ := ReadSCM(scmFile)
	t.Logf("reference: character-bigram TF-IDF cosine %.3f", TFIDFCosineAccuracy(all, CharBigrams))
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
		{"raw tf, bigrams", simOptions{idfPower: 1}},
		{"log tf, bigrams", simOptions{idfPower: 1, logTF: true}},
		{"log tf, facts, elements ×3", simOptions{idfPower: 1, logTF: true, elements: 3, facts: true}},
		{"log tf, elements ×3", simOptions{idfPower: 1, logTF: true, elements: 3}},
		{"log tf, elements ×4", simOptions{idfPower: 1, logTF: true, elements: 4}},
		{"log tf, elements ×6", simOptions{idfPower: 1, logTF: true, elements: 6}},
		{"log tf, elements ×3, numbers", simOptions{idfPower: 1, logTF: true, elements: 3, numbers: true}},
		{"default", defaultSim},
		{"default, unigrams", with(func(o *simOptions) { o.unigrams = true })},
	}
}
