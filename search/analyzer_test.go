package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"yidi/internal/shareddata"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// bleveChain builds bleve's own four-stage analyzer that bigramTokenizer
// replaces: unicode tokenizer, cjk_width, to_lower, cjk_bigram.
func bleveChain(t testing.TB, unigrams bool) analysis.Analyzer {
	t.Helper()
	im := mapping.NewIndexMapping()
	if err := im.AddCustomTokenFilter("bigram", map[string]any{"type": cjk.BigramName, "output_unigram": unigrams}); err != nil {
		t.Fatal(err)
	}
	if err := im.AddCustomAnalyzer("chain", map[string]any{"type": custom.Name, "tokenizer": unicode.Name,
		"token_filters": []string{cjk.WidthName, lowercase.Name, "bigram"}}); err != nil {
		t.Fatal(err)
	}
	return im.AnalyzerNamed("chain")
}

func terms(ts analysis.TokenStream) []string {
	var out []string
	for _, tk := range ts {
		out = append(out, string(tk.Term))
	}
	slices.Sort(out)
	return out
}

func TestBigramTokenizerMatchesBleveChain(t *testing.T) {
	for _, uni := range []bool{false, true} {
		mine := &bigramTokenizer{unigrams: uni}
		chain := bleveChain(t, uni)
		for _, text := range []string{"楼上卫生间漏水", "张三，欠款12,000元（约1.5万）", "ＡＢＣ公司 Phone 13800000000", "昆KS58061", "", "王某某于2019年3月", "“我”说"} {
			got := strings.Join(terms(mine.Tokenize([]byte(text))), " ")
			want := strings.Join(terms(chain.Analyze([]byte(text))), " ")
			if got != want {
				t.Errorf("unigrams %v %q: %q, chain %q", uni, text, got, want)
			}
		}
	}
}

// On the 1,000 CAIL court texts, the tokenizer makes the same tokens, with
// the same byte spans, as bleve's chain. Texts with full-width digits are
// left out: the chain splits 2０15 (typed with one wide zero) into pieces
// before it folds the width; folding first keeps 2015 whole.
func TestBigramTokenizerMatchesBleveChainOnCourtTexts(t *testing.T) {
	docs, err := courtTexts(shareddata.File(t, shareddata.RC))
	if err != nil {
		t.Fatal(err)
	}
	mine := &bigramTokenizer{}
	chain := bleveChain(t, false)
	differ, compared := 0, 0
	for _, d := range docs {
		text := []byte(d.text)
		if bytes.ContainsFunc(text, func(r rune) bool { return r >= '０' && r <= '９' }) {
			continue
		}
		compared++
		a, b := mine.Tokenize(text), chain.Analyze(text)
		f := newBigramField(fText, string(text))
		f.Analyze()
		if want := analysis.TokenFrequency(b, nil, index.IndexField); f.AnalyzedLength() != len(b) || !sameFrequencies(f.AnalyzedTokenFrequencies(), want) {
			t.Errorf("%s: the text field counts %d tokens, %d terms; the chain %d tokens, %d terms",
				d.ref, f.AnalyzedLength(), len(f.AnalyzedTokenFrequencies()), len(b), len(want))
		}
		same := len(a) == len(b)
		for i := 0; same && i < len(a); i++ {
			same = string(a[i].Term) == string(b[i].Term) && a[i].Start == b[i].Start && a[i].End == b[i].End
		}
		if !same {
			if differ < 3 {
				ta, tb := terms(a), terms(b)
				var onlyMine, onlyChain []string
				for _, x := range ta {
					if !slices.Contains(tb, x) {
						onlyMine = append(onlyMine, x)
					}
				}
				for _, x := range tb {
					if !slices.Contains(ta, x) {
						onlyChain = append(onlyChain, x)
					}
				}
				t.Logf("%s: only mine %q, only the chain's %q", d.ref, onlyMine, onlyChain)
			}
			differ++
		}
	}
	t.Logf("%d texts compared", compared)
	if differ > 0 || compared < 950 {
		t.Fatalf("%d of %d texts tokenized differently", differ, compared)
	}
}

func sameFrequencies(a, b index.TokenFrequencies) bool {
	if len(a) != len(b) {
		return false
	}
	for term, tf := range a {
		if other, ok := b[term]; !ok || other.Frequency() != tf.Frequency() || string(other.Term) != string(tf.Term) {
			return false
		}
	}
	return true
}

type courtText struct{ ref, text string }

// courtTexts reads the court texts of a CAIL2019 reading-comprehension file
// (SQuAD layout, one text per paragraph); cmd/yidi/lab turns them into
// cases, but this package cannot import the lab.
func courtTexts(path string) ([]courtText, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rc struct {
		Data []struct {
			Paragraphs []struct {
				Context string `json:"context"`
			} `json:"paragraphs"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &rc); err != nil {
		return nil, err
	}
	var out []courtText
	for i, d := range rc.Data {
		for j, p := range d.Paragraphs {
			out = append(out, courtText{ref: fmt.Sprintf("cail2019-rc:%d.%d", i, j), text: p.Context})
		}
	}
	return out, nil
}
