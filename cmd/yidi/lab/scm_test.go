package lab

import (
	"testing"
	"time"

	"yidi/internal/shareddata"
)

func TestSimilarityOrdersSCMTripletsAboveTarget(t *testing.T) {
	start := time.Now()
	acc, n, err := EvaluateSCM(shareddata.File(t, shareddata.SCM))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SCM accuracy %.3f on %d triplets in %s", acc, n, time.Since(start).Round(time.Millisecond))
	if acc < 0.70 {
		t.Errorf("SCM accuracy %.3f, want ≥ 0.70", acc)
	}
}

// The reference the similarity is measured against: a plain character-bigram
// TF-IDF cosine orders the dev triplets well above chance.
func TestTFIDFReferenceOnSCMTriplets(t *testing.T) {
	trips, err := ReadSCM(shareddata.File(t, shareddata.SCM))
	if err != nil {
		t.Fatal(err)
	}
	acc := TFIDFCosineAccuracy(trips, CharBigrams)
	t.Logf("reference: character-bigram TF-IDF cosine %.3f", acc)
	if acc < 0.6 || acc > 0.7 {
		t.Errorf("reference accuracy %.3f, the issue measured 0.652", acc)
	}
}
