package search

// Related cases by text: a "more like this" query. The draft's (or case's)
// most characteristic bigrams, weighted by a saturated term frequency times
// the index's own inverse document frequency, become a disjunction of term
// queries on the text field; bleve's scoring then ranks the cases that share
// the most of the rarest of them. scm.go measures this very query on the
// CAIL2019-SCM triplets.

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"yidi/cases"
)

// SimilarHit is one textually similar case and why it matched.
type SimilarHit struct {
	Number string  `json:"number"`
	Title  string  `json:"title"`
	Status string  `json:"status"`
	Score  float64 `json:"score"`
	Why    string  `json:"why"`
}

// MaxSimilar bounds how many similar cases one call may ask for.
const MaxSimilar = 50

// simOptions are the knobs of the similarity; scm.go measures variants of
// them and defaultSim is the one that scored best.
type simOptions struct {
	unigrams   bool    // keep single characters as terms
	numbers    bool    // keep Latin words and numbers as terms
	k1         float64 // tf saturation tf·(k1+1)/(tf+k1); 0 means raw tf
	idfPower   float64 // the boost carries idf^(idfPower-2): bleve already multiplies by idf²
	topK       int     // characteristic terms kept; 0 means all
	minDocFreq uint64  // terms found in fewer documents are dropped (typos, names)
	facts      bool    // weigh the fact part of a judgment, not its boilerplate
	elements   float64 // extra factor for terms of legal elements (利息, 担保…); 0 or 1 means none
	maxDFRatio float64 // terms in more than this share of documents are dropped; 0 means none
}

var defaultSim = simOptions{
	k1: 1.2, idfPower: 2, topK: 80, facts: true, elements: 1.5, maxDFRatio: 0.5,
}

type weightedTerm struct {
	term   string
	weight float64
}

// similarTerms analyses text as the index does and answers its top terms
// by weight, heaviest first.
func (ix *Index) similarTerms(text string, o simOptions) ([]weightedTerm, error) {
	if o.facts {
		text = factPart(text)
	}
	an := ix.idx.Mapping().AnalyzerNamed(chineseAnalyzer)
	if an == nil {
		return nil, fmt.Errorf("search: analyzer %s missing", chineseAnalyzer)
	}
	tf := map[string]int{}
	for _, tok := range an.Analyze([]byte(text)) {
		switch tok.Type {
		case analysis.Single:
			if !o.unigrams {
				continue
			}
		case analysis.Double:
		default:
			if !o.numbers {
				continue
			}
		}
		tf[string(tok.Term)]++
	}
	if len(tf) == 0 {
		return nil, nil
	}
	r, err := ix.idx.Advanced()
	if err != nil {
		return nil, err
	}
	reader, err := r.Reader()
	if err != nil {
		return nil, err
	}
	defer reader.Close()
	total, err := reader.DocCount()
	if err != nil {
		return nil, err
	}
	out := make([]weightedTerm, 0, len(tf))
	for term, n := range tf {
		tfr, err := reader.TermFieldReader(context.Background(), []byte(term), fText, false, false, false)
		if err != nil {
			return nil, err
		}
		df := tfr.Count()
		tfr.Close()
		if df == 0 || df < o.minDocFreq {
			continue // a term no other case has cannot make a case similar
		}
		if o.maxDFRatio > 0 && total > 20 && float64(df) > o.maxDFRatio*float64(total) {
			continue
		}
		// bleve's own idf, so that the boost composes with its scoring.
		idf := 1 + math.Log(float64(total)/float64(1+df))
		w := float64(n)
		if o.k1 > 0 {
			w = w * (o.k1 + 1) / (w + o.k1)
		}
		w *= math.Pow(idf, o.idfPower)
		if o.elements > 1 && isElementTerm(term) {
			w *= o.elements
		}
		out = append(out, weightedTerm{term, w})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].weight != out[j].weight {
			return out[i].weight > out[j].weight
		}
		return out[i].term < out[j].term
	})
	if o.topK > 0 && len(out) > o.topK {
		out = out[:o.topK]
	}
	return out, nil
}

// similarQuery is the disjunction of the terms, each boosted by its weight
// over idf²: bleve's term score is boost·idf²·√tf·norm, so the final score
// of a case is Σ weight·√tf·norm over the terms it shares.
func (ix *Index) similarQuery(terms []weightedTerm) query.Query {
	if len(terms) == 0 {
		return nil
	}
	clauses := make([]query.Query, 0, len(terms))
	for _, t := range terms {
		q := bleve.NewTermQuery(t.term)
		q.SetField(fText)
		q.SetBoost(t.weight)
		clauses = append(clauses, q)
	}
	return bleve.NewDisjunctionQuery(clauses...)
}

// Similar answers up to limit cases the viewer may see whose summary and
// claims read most like text, best first, skipping the case exclude.
func (ix *Index) Similar(ctx context.Context, viewer cases.Actor, text string, exclude string, limit int, docs DocSource) ([]SimilarHit, error) {
	if limit <= 0 {
		limit = 20
	}
	if limit > MaxSimilar {
		limit = MaxSimilar
	}
	perm, ok := permissionQuery(viewer)
	if !ok {
		return []SimilarHit{}, nil
	}
	terms, err := ix.similarTerms(text, defaultSim)
	if err != nil {
		return nil, err
	}
	sim := ix.similarQuery(terms)
	if sim == nil {
		return []SimilarHit{}, nil
	}
	must := []query.Query{sim}
	if perm != nil {
		must = append(must, perm)
	}
	root := query.Query(bleve.NewConjunctionQuery(must...))
	if exclude != "" {
		not := bleve.NewDocIDQuery([]string{exclude})
		b := bleve.NewBooleanQuery()
		b.AddMust(root)
		b.AddMustNot(not)
		root = b
	}
	// A little more than asked: hits the database no longer lets the
	// viewer see are dropped below.
	req := bleve.NewSearchRequestOptions(root, limit+5, 0, false)
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	numbers := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		numbers[i] = h.ID
	}
	found, err := docs.SearchDocs(ctx, numbers)
	if err != nil {
		return nil, err
	}
	queryText := text
	if defaultSim.facts {
		queryText = factPart(text)
	}
	an := ix.idx.Mapping().AnalyzerNamed(chineseAnalyzer)
	out := []SimilarHit{}
	for _, h := range res.Hits {
		d, ok := found[h.ID]
		if !ok || !d.Viewable(viewer) || d.Number == exclude {
			continue
		}
		why := "相似内容：" + strings.Join(sharedPhrases(an, queryText, d.Summary+"\n"+d.Claims, terms, 5), "、")
		out = append(out, SimilarHit{Number: d.Number, Title: d.Title, Status: string(d.Status), Score: h.Score, Why: why})
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// sharedPhrases names what two texts have in common: runs of consecutive
// query bigrams that the other text also has, so 拖欠+欠工+工资 reads as
// 拖欠工资, ranked by the weight of their terms.
func sharedPhrases(an analysis.Analyzer, queryText, other string, terms []weightedTerm, max int) []string {
	if an == nil {
		return nil
	}
	weight := make(map[string]float64, len(terms))
	for _, t := range terms {
		weight[t.term] = t.weight
	}
	has := map[string]bool{}
	for _, tok := range an.Analyze([]byte(other)) {
		if tok.Type == analysis.Double {
			has[string(tok.Term)] = true
		}
	}
	type phrase struct {
		text   string
		weight float64
	}
	var phrases []phrase
	seen := map[string]bool{}
	var start, end int
	var w float64
	flush := func() {
		if w > 0 {
			p := queryText[start:end]
			if utf8.RuneCountInString(p) <= 8 && !seen[p] {
				seen[p] = true
				phrases = append(phrases, phrase{p, w})
			}
		}
		w = 0
	}
	for _, tok := range an.Analyze([]byte(queryText)) {
		if tok.Type != analysis.Double {
			continue
		}
		t := string(tok.Term)
		tw, picked := weight[t]
		if !picked || !has[t] {
			flush()
			continue
		}
		if w > 0 && tok.Start < end {
			end = tok.End // overlaps the run: extend it
			w += tw
			continue
		}
		flush()
		start, end, w = tok.Start, tok.End, tw
	}
	flush()
	sort.SliceStable(phrases, func(i, j int) bool { return phrases[i].weight > phrases[j].weight })
	// A phrase inside a heavier one says nothing new.
	var out []string
	for _, p := range phrases {
		inside := false
		for _, q := range out {
			if strings.Contains(q, p.text) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, p.text)
		}
		if len(out) == max {
			break
		}
	}
	return out
}

// factPart drops what every judgment has — the heading with parties and
// counsel, and everything from the court's reasoning and costs on — keeping
// what the parties claimed and what the court found. Text without these
// markers (a counter's summary) is kept whole.
func factPart(text string) string {
	start := -1
	for _, m := range []string{"诉称", "诉讼请求", "起诉称", "事实与理由"} {
		if i := strings.Index(text, m); i >= 0 && (start < 0 || i < start) {
			start = i
		}
	}
	if start < 0 {
		return text
	}
	body := text[start:]
	if i := strings.Index(body, "本院认为"); i > 0 {
		body = body[:i]
	}
	return body
}

// elementTerms are bigrams of the legal elements that tell one private
// lending dispute from another (interest, security, the spouse's share,
// how the money moved) and of the counter's common disputes.
var elementTerms = map[string]bool{}

func init() {
	for _, w := range []string{
		"利息", "利率", "年利率", "月利率", "月息", "年息", "逾期", "违约金", "复利", "砍头息",
		"担保", "保证", "保证人", "连带责任", "抵押", "质押",
		"夫妻", "共同债务", "配偶",
		"转账", "现金", "借条", "欠条", "收条", "银行", "汇款", "微信", "支付宝",
		"还款", "结算", "利滚利", "公司", "工程", "承包",
		"工资", "欠薪", "漏水", "彩礼", "离婚", "赡养", "抚养", "宅基地", "拆迁", "工伤", "交通事故",
	} {
		rs := []rune(w)
		for i := 0; i+1 < len(rs); i++ {
			elementTerms[string(rs[i:i+2])] = true
		}
	}
}

func isElementTerm(t string) bool { return elementTerms[t] }
