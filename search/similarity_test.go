package search

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"yidi/internal/shareddata"
)

// TestSCMVariants prints the accuracy of each variant measured while
// choosing defaultSim; it runs only with YIDI_SCM_VARIANTS=1.
func TestSCMVariants(t *testing.T) {
	if os.Getenv("YIDI_SCM_VARIANTS") == "" {
		t.Skip("set YIDI_SCM_VARIANTS=1 to measure the similarity variants")
	}
	// The CAIL2019-SCM triplets (see cmd/yidi/lab/scm.go for the measurements).
	trips, err := readTriplets(shareddata.File(t, shareddata.SCM))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, tr := range trips {
		texts = append(texts, tr[:]...)
	}
	for _, corpus := range []struct {
		name string
		prep func(string) string
	}{
		{"triplets", func(s string) string { return s }},
		{"facts-indexed", factPart},
	} {
		sim, err := newSimilarity(texts, corpus.prep)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range scmVariants() {
			sim.with(v.o)
			right := 0
			for _, tr := range trips {
				ab, err1 := sim.Cosine(tr[0], tr[1])
				ac, err2 := sim.Cosine(tr[0], tr[2])
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if ab > ac {
					right++
				}
			}
			t.Logf("%-14s %-44s %.3f", corpus.name, v.name, float64(right)/float64(len(trips)))
		}
		sim.Close()
	}
}

// readTriplets reads a CAIL2019-SCM file as [A, B, C] (cmd/yidi/lab reads
// it for the command; this package cannot import the lab).
func readTriplets(path string) ([][3]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out [][3]string
	for _, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var t struct{ A, B, C string }
		if err := json.Unmarshal(line, &t); err != nil {
			return nil, err
		}
		out = append(out, [3]string{t.A, t.B, t.C})
	}
	return out, nil
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

// with scores by other options from now on (the variants measured while
// choosing defaultSim).
func (s *Similarity) with(o simOptions) {
	s.o, s.vecs = o, map[string]map[string]float64{}
}
