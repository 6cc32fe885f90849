package search

import (
	"strconv"

	"github.com/blevesearch/bleve/v2"
)

// Similarity scores pairs of texts as Similar ranks related cases: the
// cosine of weighted term vectors (defaultSim), with document frequencies
// from an in-memory index of a corpus built with the production mapping.
// It is the seam through which outside data (the CAIL2019-SCM triplets of
// cmd/yidi/lab) measures the similarity without reaching into the index.
type Similarity struct {
	ix   *Index
	df   *docFreqs
	o    simOptions
	vecs map[string]map[string]float64
}

// NewSimilarity indexes the corpus, each distinct text once.
func NewSimilarity(corpus []string) (*Similarity, error) {
	return newSimilarity(corpus, func(s string) string { return s })
}

// newSimilarity indexes prep(text) for every text: prep may cut the
// boilerplate as a counter's summary would.
func newSimilarity(corpus []string, prep func(string) string) (*Similarity, error) {
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		return nil, err
	}
	s := &Similarity{ix: &Index{idx: idx}, o: defaultSim, vecs: map[string]map[string]float64{}}
	seen := map[string]bool{}
	b := idx.NewBatch()
	for _, text := range corpus {
		if seen[text] {
			continue
		}
		seen[text] = true
		if err := b.Index("t"+strconv.Itoa(len(seen)), map[string]any{fText: prep(text)}); err != nil {
			idx.Close()
			return nil, err
		}
		if b.Size() >= batchSize {
			if err := idx.Batch(b); err != nil {
				idx.Close()
				return nil, err
			}
			b.Reset()
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return nil, err
	}
	if s.df, err = s.ix.docFreqs(); err != nil {
		idx.Close()
		return nil, err
	}
	return s, nil
}

// Cosine answers how alike a and b read; each text's vector is kept for
// the next pair.
func (s *Similarity) Cosine(a, b string) (float64, error) {
	va, err := s.vector(a)
	if err != nil {
		return 0, err
	}
	vb, err := s.vector(b)
	if err != nil {
		return 0, err
	}
	return Cosine(va, vb), nil
}

func (s *Similarity) vector(text string) (map[string]float64, error) {
	if v, ok := s.vecs[text]; ok {
		return v, nil
	}
	v, err := s.ix.vector(text, s.o, s.df)
	if err == nil {
		s.vecs[text] = v
	}
	return v, err
}

// Close releases the index.
func (s *Similarity) Close() error {
	s.df.Close()
	return s.ix.Close()
}
