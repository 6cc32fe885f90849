// Package search is the full-text index of cases: a bleve index that follows
// the event log by sequence number, with analysis made for Chinese, exact
// fields for numbers, facets, highlights and related-case detection.
//
// The index is a disposable projection: it holds no stored text (hits are
// highlighted from the database) and is rebuilt whenever it cannot be opened
// or its mapping version changes.
package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// mappingVersion changes whenever the mapping or the document shape does;
// an index built with another version is rebuilt at start.
const mappingVersion = "15"

// chineseAnalyzer indexes CJK text as overlapping bigrams plus single
// characters (so a surname or 房 alone still matches), after folding
// full-width forms and case. Latin words and numbers stay whole tokens.
// It serves the short fields (title, party names).
const chineseAnalyzer = "zh_bigram"

// bigramAnalyzer is the same without the single characters, for the long
// fields (facts, claims, timeline): single characters doubled their tokens
// and made every two-character query also walk the huge postings of its
// two characters. Measured at 100k cases: p95 139 ms before.
const bigramAnalyzer = "zh_bigram_only"

// Field names of the index document.
const (
	fNumber     = "number"      // YD-2026-00042, exact
	fNumberTail = "number_tail" // 00042, exact: what people read off a receipt
	fTitle      = "title"
	fText       = "text"    // summary, claims and every timeline text: one field, one dictionary
	fParties    = "parties" // party names, analysed: 张 finds 张三
	fNames      = "names"   // party names, exact
	fTown       = "town"
	fPhone      = "phone"
	fPhoneTail  = "phone_tail"
	fIDNumber   = "id_number"
	fCategory   = "category"
	fDesk       = "desk"
	fStatus     = "status"
	fMonth      = "month"
	fCreated    = "created"
	fViewers    = "viewers" // desk:mediation, user:12 — who besides intake and leaders may see it (in fExact)
	fExtRef     = "ext_ref" // 12345:2026-000123, exact: another system's reference (system lower-case)
	fExtID      = "ext_id"  // 2026-000123, exact: its id alone
	// fExact holds every exact value as "field=value" (number=YD-2026-00042,
	// phone_tail=2345, names=张三, town=长安镇…): one field instead of seven,
	// because each field costs its own dictionary in every segment.
	fExact = "exact"
	// fFacets holds every facet value as "field=value" in one field: one
	// doc-value read per hit instead of five (facets took 38% of a broad
	// search at 100k cases).
	fFacets = "facets"
)

func newMapping() (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	for _, a := range []struct {
		name     string
		unigrams bool
	}{{chineseAnalyzer, true}, {bigramAnalyzer, false}} {
		tokenizer := a.name + "_tokenizer"
		if err := im.AddCustomTokenizer(tokenizer, map[string]any{"type": bigramTokenizerType, "unigrams": a.unigrams}); err != nil {
			return nil, err
		}
		if err := im.AddCustomAnalyzer(a.name, map[string]any{"type": custom.Name, "tokenizer": tokenizer}); err != nil {
			return nil, err
		}
	}
	text := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	exact := func(docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = docValues
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	for _, name := range []string{fTitle, fParties} {
		doc.AddFieldMappingsAt(name, text(chineseAnalyzer))
	}
	for _, name := range []string{fText} {
		doc.AddFieldMappingsAt(name, text(bigramAnalyzer))
	}
	doc.AddFieldMappingsAt(fExact, exact(false))
	// fText is added by Index.document as a bigramField, which makes the
	// same terms as this mapping's analyzer, used by queries and the
	// similarity; fFacets too, with options a mapping cannot set.
	doc.AddFieldMappingsAt(fCreated, exact(true)) // sorted on: doc values
	// No _all field: every field is excluded from it and no query reads it,
	// yet bleve would still compose it for every document (a tenth of
	// the reindex time).
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	im.DefaultMapping = doc
	im.DefaultAnalyzer = chineseAnalyzer
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im, nil
}
