package lab

// The CAIL2019-SCM evaluation of the similarity in similar.go: each line of
// the file is a triplet {"A","B","C"} of private-lending judgments where B
// is the more similar to A. The texts go into search.Similarity, an
// in-memory index built with the production mapping, which supplies the
// document frequencies; a triplet is right when search.Cosine(A,B) > search.Cosine(A,C)
// with the vectors Similar ranks its candidates by. The variants below are
// measured by search's TestSCMVariants.
//
// Measured on the 250 dev triplets (± 0.03 is noise at this size):
//
//	character-bigram TF-IDF cosine (the reference)    0.652
//	raw tf × idf, bigrams only                                 0.656
//	  with unigrams and numbers                                0.624
//	1+ln(tf) × idf, bigrams                                    0.676
//	  BM25 saturation (k1 1.2) instead                         0.672
//	  idf² instead of idf                                      0.664
//	  dropping terms in over 50% / 20% of texts                0.668 / 0.616
//	  the fact part only                                       0.692
//	  legal-element bigrams ×1.5 / ×3 / ×4 / ×6                0.692 / 0.708 / 0.716 / 0.708
//	  fact part and elements ×3 (defaultSim)                   0.732
//	  legal-element flags (regexps) mixed into the score       0.69–0.72: dropped
//	idf over the triplets plus the 1,000 rc-dev texts          0.67–0.70: dropped
//	bleve's own tf-idf score of a top-80-term query            0.40–0.64: ranks poorly
//	  (coord and the √tf·norm of long judgments), so bleve only picks candidates

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"

	"yidi/search"
)

type scmTriplet struct {
	A, B, C string
}

// EvaluateSCM answers the share of triplets in the file at path that the
// production similarity orders right, and how many triplets it read; a tie
// counts as wrong.
func EvaluateSCM(path string) (accuracy float64, n int, err error) {
	trips, err := readSCM(path, 0)
	if err != nil {
		return 0, 0, err
	}
	var corpus []string
	for _, t := range trips {
		corpus = append(corpus, t.A, t.B, t.C)
	}
	sim, err := search.NewSimilarity(corpus)
	if err != nil {
		return 0, 0, err
	}
	defer sim.Close()
	right := 0
	for _, t := range trips {
		ab, err := sim.Cosine(t.A, t.B)
		if err != nil {
			return 0, 0, err
		}
		ac, err := sim.Cosine(t.A, t.C)
		if err != nil {
			return 0, 0, err
		}
		if ab > ac {
			right++
		}
	}
	return float64(right) / float64(len(trips)), len(trips), nil
}

// readSCM reads up to limit triplets (0: all).
func readSCM(path string, limit int) ([]scmTriplet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []scmTriplet
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var t scmTriplet
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			return nil, fmt.Errorf("scm: line %d: %w", len(out)+1, err)
		}
		out = append(out, t)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("scm: %s holds no triplets", path)
	}
	return out, nil
}

// ReadSCM reads the triplets of a CAIL2019-SCM file as [A, B, C].
func ReadSCM(path string) ([][3]string, error) {
	trips, err := readSCM(path, 0)
	out := make([][3]string, len(trips))
	for i, t := range trips {
		out[i] = [3]string{t.A, t.B, t.C}
	}
	return out, err
}

// CharBigrams is every pair of adjacent characters of s: the issue's
// reference tokenization.
func CharBigrams(s string) []string {
	rs := []rune(s)
	out := make([]string, 0, len(rs))
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, string(rs[i:i+2]))
	}
	return out
}

// TFIDFCosineAccuracy orders each triplet with a plain TF-IDF cosine over
// tok's tokens (smoothed idf over the triplets' texts): the reference the
// production similarity is measured against, and the yardstick for
// comparing tokenizers.
func TFIDFCosineAccuracy(trips [][3]string, tok func(string) []string) float64 {
	docs := map[string]map[string]float64{}
	df := map[string]float64{}
	for _, t := range trips {
		for _, s := range t {
			if _, ok := docs[s]; ok {
				continue
			}
			v := map[string]float64{}
			for _, g := range tok(s) {
				v[g]++
			}
			docs[s] = v
			for g := range v {
				df[g]++
			}
		}
	}
	n := float64(len(docs))
	vec := func(s string) map[string]float64 { // cosine normalises
		out := map[string]float64{}
		for g, tf := range docs[s] {
			out[g] = tf * (math.Log((1+n)/(1+df[g])) + 1)
		}
		return out
	}
	right := 0
	for _, t := range trips {
		a := vec(t[0])
		if search.Cosine(a, vec(t[1])) > search.Cosine(a, vec(t[2])) {
			right++
		}
	}
	return float64(right) / float64(len(trips))
}
