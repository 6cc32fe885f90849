package search

// Related cases by text: a "more like this". A draft's (or case's) bigrams
// are weighted 1+ln(tf) × idf, with idf from the index itself and the terms
// of legal elements weighing more; its heaviest terms, as a disjunction of
// term queries on the text field, find candidates, and the cosine of the
// two weighted vectors ranks them. scm.go measures that cosine on the
// CAIL2019-SCM triplets.

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

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

// minSimilarity is the cosine below which two texts share little more than
// the wording of every application (申请人, 请求, 未果): not a related case.
const minSimilarity = 0.1

// MaxSimilar bounds how many similar cases one call may ask for.
const MaxSimilar = 50

// simOptions are the knobs of the similarity; scm.go measures variants of
// them and defaultSim is the one that scored best there.
type simOptions struct {
	unigrams   bool    // keep single characters as terms
	numbers    bool    // keep Latin words and numbers as terms
	logTF      bool    // 1+ln(tf); otherwise saturated (k1) or raw tf
	k1         float64 // tf saturation tf·(k1+1)/(tf+k1) when not logTF; 0 means raw tf
	idfPower   float64 // idf^idfPower
	minDocFreq uint64  // terms found in fewer documents are dropped
	maxDFRatio float64 // terms in more than this share of documents are dropped; 0 means none
	facts      bool    // weigh the fact part of a judgment, not its heading
	elements   float64 // factor for the bigrams of legal elements (利息, 担保…); 0 or 1 means none
	topK       int     // terms of the candidate query (the cosine uses all)
}

// defaultSim: bigrams only, 1+ln(tf) × idf, the legal elements ×3, the
// fact part of judgments (SCM accuracy 0.732; see scm.go).
var defaultSim = simOptions{logTF: true, idfPower: 1, facts: true, elements: 3, topK: 80}

type weightedTerm struct {
	term   string
	weight float64
}

// docFreqs answers document frequencies on the text field from one reader
// of the index, remembering what it looked up.
type docFreqs struct {
	reader index.IndexReader
	total  uint64
	seen   map[string]uint64
}

func (ix *Index) docFreqs() (*docFreqs, error) {
	a, err := ix.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := a.Reader()
	if err != nil {
		return nil, err
	}
	total, err := r.DocCount()
	if err != nil {
		r.Close()
		return nil, err
	}
	return &docFreqs{reader: r, total: total, seen: map[string]uint64{}}, nil
}

func (d *docFreqs) Close() error { return d.reader.Close() }

func (d *docFreqs) of(term string) (uint64, error) {
	if n, ok := d.seen[term]; ok {
		return n, nil
	}
	tfr, err := d.reader.TermFieldReader(context.Background(), []byte(term), fText, false, false, false)
	if err != nil {
		return 0, err
	}
	n := tfr.Count()
	tfr.Close()
	d.seen[term] = n
	return n, nil
}

// vector analyses text as the index does and weighs each of its terms:
// saturated tf × idf^idfPower (bleve's idf, from the index), with the
// terms of legal elements weighing more.
func (ix *Index) vector(text string, o simOptions, df *docFreqs) (map[string]float64, error) {
	if o.facts {
		text = factPart(text)
	}
	an := ix.textAnalyzer()
	if an == nil {
		return nil, fmt.Errorf("search: no analyzer for field %s", fText)
	}
	tf := map[string]float64{}
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
	out := make(map[string]float64, len(tf))
	for term, n := range tf {
		d, err := df.of(term)
		if err != nil {
			return nil, err
		}
		if d < o.minDocFreq {
			continue
		}
		if o.maxDFRatio > 0 && df.total > 20 && float64(d) > o.maxDFRatio*float64(df.total) {
			continue
		}
		idf := 1 + math.Log(float64(df.total+1)/float64(1+d))
		w := n
		switch {
		case o.logTF:
			w = 1 + math.Log(n)
		case o.k1 > 0:
			w = n * (o.k1 + 1) / (n + o.k1)
		}
		w *= math.Pow(idf, o.idfPower)
		if o.elements > 1 && isElementTerm(term) {
			w *= o.elements
		}
		out[term] = w
	}
	return out, nil
}

// textAnalyzer is the analyzer of the text field: the similarity's terms
// are the terms the index holds.
func (ix *Index) textAnalyzer() analysis.Analyzer {
	m := ix.idx.Mapping()
	return m.AnalyzerNamed(m.AnalyzerNameForPath(fText))
}

// topTerms answers the k heaviest terms of v (all with k 0), heaviest first.
func topTerms(v map[string]float64, k int) []weightedTerm {
	out := make([]weightedTerm, 0, len(v))
	for t, w := range v {
		out = append(out, weightedTerm{t, w})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].weight != out[j].weight {
			return out[i].weight > out[j].weight
		}
		return out[i].term < out[j].term
	})
	if k > 0 && len(out) > k {
		out = out[:k]
	}
	return out
}

// Cosine is the similarity itself: the cosine of two weighted vectors (the
// lab measures with it too).
func Cosine(a, b map[string]float64) float64 {
	if len(b) < len(a) {
		a, b = b, a
	}
	var dot, na, nb float64
	for t, w := range a {
		dot += w * b[t]
		na += w * w
	}
	for _, w := range b {
		nb += w * w
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// similarQuery finds the candidates: a disjunction of the query's heaviest
// terms on the text field, each boosted by its weight. bleve's own scoring
// only picks candidates; Similar ranks them by cosine.
func similarQuery(terms []weightedTerm) query.Query {
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
// claims read most like text, best first, skipping the case exclude. The
// index finds candidates sharing the text's heaviest terms; each is then
// scored by the cosine of the two weighted term vectors — the similarity
// EvaluateSCM measures.
func (ix *Index) Similar(ctx context.Context, viewer cases.Actor, text string, exclude []string, limit int, docs DocSource) ([]SimilarHit, error) {
	ix.swap.RLock()
	defer ix.swap.RUnlock()
	if ix.idx == nil {
		return nil, ErrIndexUnavailable
	}
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
	df, err := ix.docFreqs()
	if err != nil {
		return nil, err
	}
	defer df.Close()
	qv, err := ix.vector(text, defaultSim, df)
	if err != nil {
		return nil, err
	}
	terms := topTerms(qv, defaultSim.topK)
	sim := similarQuery(terms)
	if sim == nil {
		return []SimilarHit{}, nil
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(sim)
	if perm != nil {
		b.AddMust(perm)
	}
	if len(exclude) > 0 {
		b.AddMustNot(bleve.NewDocIDQuery(exclude))
	}
	req := bleve.NewSearchRequestOptions(b, max(100, 4*limit), 0, false)
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	found, err := hitDocs(ctx, docs, res.Hits)
	if err != nil {
		return nil, err
	}
	queryText := text
	if defaultSim.facts {
		queryText = factPart(text)
	}
	an := ix.textAnalyzer()
	out := []SimilarHit{}
	for _, h := range res.Hits {
		d, ok := found[h.ID]
		if !ok || !d.Viewable(viewer) || slices.Contains(exclude, d.Number) {
			continue // deleted or changed since indexed: the next catch-up fixes the index
		}
		other := candidateText(d.Summary, d.Claims)
		dv, err := ix.vector(other, defaultSim, df)
		if err != nil {
			return nil, err
		}
		score := Cosine(qv, dv)
		if score < minSimilarity {
			continue
		}
		phrases := sharedPhrases(an, queryText, other, terms, 5)
		if len(phrases) == 0 {
			continue
		}
		out = append(out, SimilarHit{Number: d.Number, Title: d.Title, Status: string(d.Status), Score: score,
			Why: "相似内容：" + strings.Join(phrases, "、")})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// RelatedText is what a stored case is compared by: GET
// /api/v1/cases/{n}/related asks Similar for it with the case excluded.
func RelatedText(k *cases.Case) string { return k.Title + "\n" + k.Summary + "\n" + k.Claims }

// candidateText is what a candidate is compared by.
func candidateText(summary, claims string) string { return summary + "\n" + claims }

// PairwiseSimilar tells whether b reads more like a than c does, by the
// cosine Similar ranks with for a stored case, whatever the list's cuts: the
// lab compares the served order with it.
func (ix *Index) PairwiseSimilar(a, b, c *cases.Case) (bool, error) {
	ix.swap.RLock()
	defer ix.swap.RUnlock()
	if ix.idx == nil {
		return false, ErrIndexUnavailable
	}
	df, err := ix.docFreqs()
	if err != nil {
		return false, err
	}
	defer df.Close()
	var v [3]map[string]float64
	for i, text := range []string{RelatedText(a), candidateText(b.Summary, b.Claims), candidateText(c.Summary, c.Claims)} {
		if v[i], err = ix.vector(text, defaultSim, df); err != nil {
			return false, err
		}
	}
	return Cosine(v[0], v[1]) > Cosine(v[0], v[2]), nil
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
		tw, picked := weight[string(tok.Term)]
		if !picked || !has[string(tok.Term)] {
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
