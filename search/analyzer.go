package search

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	index "github.com/blevesearch/bleve_index_api"
)

// bigramTokenizerType is a tokenizer that does in one pass what bleve's
// unicode tokenizer, cjk_width, to_lower and cjk_bigram filters do in four:
// runs of Chinese (and Japanese, Korean) characters become overlapping
// bigrams (a lone character stays a unigram; with "unigrams" every
// character is also a token of its own), runs of letters and digits become
// one lower-cased token, full-width forms are folded to ASCII, and
// everything else separates. Its tokens carry byte offsets into the
// original text, for highlights and shared phrases.
//
// The four-stage chain allocated a token per character before pairing
// them and cost a third of a reindex; this one allocates one slab per
// text. A number keeps its inner point or comma (12,000 and 3.5 are one
// token), as Unicode word segmentation keeps them.
const bigramTokenizerType = "yidi_cjk_bigram"

func init() {
	if err := registry.RegisterTokenizer(bigramTokenizerType, func(config map[string]any, _ *registry.Cache) (analysis.Tokenizer, error) {
		unigrams, _ := config["unigrams"].(bool)
		return &bigramTokenizer{unigrams: unigrams}, nil
	}); err != nil {
		panic(err)
	}
}

type bigramTokenizer struct{ unigrams bool }

// char is one character of the input after folding, with its byte span.
type char struct {
	r          rune
	start, end int
}

func (t *bigramTokenizer) Tokenize(input []byte) analysis.TokenStream {
	// About one token per character of Chinese text.
	slab := make([]analysis.Token, 0, utf8.RuneCount(input)+8)
	scan(input, t.unigrams, func(term []byte, start, end int, typ analysis.TokenType) {
		slab = append(slab, analysis.Token{Term: term, Start: start, End: end, Position: len(slab) + 1, Type: typ})
	})
	stream := make(analysis.TokenStream, len(slab))
	for i := range slab {
		stream[i] = &slab[i]
	}
	return stream
}

// scan calls emit with each token of input in order. A term is cut from one
// buffer and never changes once cut (growing the buffer leaves it alone),
// so it may be kept.
func scan(input []byte, unigrams bool, emit func(term []byte, start, end int, typ analysis.TokenType)) {
	buf := make([]byte, 0, 2*len(input)+8)
	cut := func(from, start, end int, typ analysis.TokenType) {
		emit(buf[from:len(buf):len(buf)], start, end, typ)
	}
	var run []char // the current run of CJK characters or of letters and digits
	runCJK := false
	flush := func() {
		switch {
		case len(run) == 0:
		case runCJK && len(run) == 1:
			from := len(buf)
			buf = utf8.AppendRune(buf, run[0].r)
			cut(from, run[0].start, run[0].end, analysis.Ideographic)
		case runCJK:
			for i := range run {
				if unigrams {
					from := len(buf)
					buf = utf8.AppendRune(buf, run[i].r)
					cut(from, run[i].start, run[i].end, analysis.Single)
				}
				if i+1 < len(run) {
					from := len(buf)
					buf = utf8.AppendRune(utf8.AppendRune(buf, run[i].r), run[i+1].r)
					cut(from, run[i].start, run[i+1].end, analysis.Double)
				}
			}
		default:
			from := len(buf)
			numeric := true
			for _, c := range run {
				buf = utf8.AppendRune(buf, c.r)
				numeric = numeric && !unicode.IsLetter(c.r)
			}
			typ := analysis.AlphaNumeric
			if numeric {
				typ = analysis.Numeric
			}
			cut(from, run[0].start, run[len(run)-1].end, typ)
		}
		run = run[:0]
	}
	for i := 0; i < len(input); {
		r, size := utf8.DecodeRune(input[i:])
		c := char{r: foldWidth(r), start: i, end: i + size}
		i += size
		switch {
		case isCJK(c.r):
			if !runCJK {
				flush()
				runCJK = true
			}
			run = append(run, c)
		case unicode.IsLetter(c.r) || unicode.IsDigit(c.r) || unicode.Is(unicode.Nl, c.r): // Nl: Ⅲ
			if runCJK {
				flush()
				runCJK = false
			}
			c.r = unicode.ToLower(c.r)
			run = append(run, c)
		case !runCJK && len(run) > 0 && i < len(input) && joins(run[len(run)-1].r, c.r, foldWidth(peekRune(input[i:]))):
			run = append(run, c)
		default:
			flush()
		}
	}
	flush()
}

// bigramField is the long text field as the index takes it: its terms
// counted straight from the text by scan, with no token stream between
// (bleve's TextField tokenizes, then counts the tokens in a second map).
// It is indexed only, like the mapping's fText, whose analyzer queries and
// the similarity use: both come to the same terms.
type bigramField struct {
	name   string
	value  []byte
	length int
	freqs  index.TokenFrequencies
}

func newBigramField(name, value string) *bigramField {
	return &bigramField{name: name, value: []byte(value)}
}

func (f *bigramField) Name() string                                     { return f.name }
func (f *bigramField) ArrayPositions() []uint64                         { return nil }
func (f *bigramField) Options() index.FieldIndexingOptions              { return index.IndexField }
func (f *bigramField) Value() []byte                                    { return f.value }
func (f *bigramField) NumPlainTextBytes() uint64                        { return uint64(len(f.value)) }
func (f *bigramField) EncodedFieldType() byte                           { return 't' }
func (f *bigramField) AnalyzedLength() int                              { return f.length }
func (f *bigramField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }
func (f *bigramField) Size() int                                        { return len(f.value) + 64*len(f.freqs) }

func (f *bigramField) Analyze() {
	f.freqs = make(index.TokenFrequencies, len(f.value)/3)
	f.length = 0
	scan(f.value, false, func(term []byte, _, _ int, _ analysis.TokenType) {
		f.length++
		tf, ok := f.freqs[string(term)]
		if !ok {
			tf = &index.TokenFreq{Term: term}
			f.freqs[string(term)] = tf
		}
		tf.SetFrequency(tf.Frequency() + 1)
	})
}

func isCJK(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r))
}

// joins reports whether mid, between prev and next, stays inside a word as
// Unicode word segmentation keeps it: a point, colon or apostrophe between
// letters (www.example.com, no:123), a point, comma, semicolon or
// apostrophe between digits (12,000, 3.5).
func joins(prev, mid, next rune) bool {
	isLetter := func(r rune) bool { return unicode.IsLetter(r) && !isCJK(r) }
	switch {
	case isLetter(prev) && isLetter(next):
		return mid == '.' || mid == ':' || mid == '\'' || mid == '’' || mid == '·'
	case unicode.IsDigit(prev) && unicode.IsDigit(next):
		return mid == '.' || mid == ',' || mid == ';' || mid == '\'' || mid == '’'
	}
	return false
}

func peekRune(b []byte) rune {
	r, _ := utf8.DecodeRune(b)
	return r
}

// foldWidth maps full-width ASCII forms (ＡＢ１２，) to ASCII and the
// ideographic space to a space, as cjk_width does for Latin text.
func foldWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}
