package search

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	blevesearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"yidi/cases"
)

// Query is one staff search.
type Query struct {
	Text     string
	Category string
	Desk     string
	Status   string
	Town     string
	Month    string
	From, To time.Time // intake in [From, To) (To: cases.EndOfDay of the last day); zero means open
	Page     int       // from 1
	PerPage  int
}

// Limits on what a search may ask.
const (
	MaxQueryRunes = 200
	MaxTerms      = 12
	MaxPerPage    = 100
	MaxPage       = 500
)

// Result is one page of hits with the facets of the whole result.
type Result struct {
	Total  uint64             `json:"total"`
	Page   int                `json:"page"`
	Hits   []Hit              `json:"hits"`
	Facets map[string][]Facet `json:"facets"`
	// IndexLag is how many committed events the index has not seen yet;
	// IndexBehind says indexing is failing (a full disk), so recent
	// changes may be missing from the hits until it recovers.
	IndexLag    int64 `json:"index_lag"`
	IndexBehind bool  `json:"index_behind"`
}

// Hit is one case found. Highlights are HTML: text escaped, matches in <mark>.
type Hit struct {
	Number     string   `json:"number"`
	Title      string   `json:"title"`
	Status     string   `json:"status"`
	Desk       string   `json:"desk"`
	Score      float64  `json:"score"`
	Highlights []string `json:"highlights"`
	// Why says what matched, a line a word: "电话尾号 0724 · 申请人 周建明",
	// "“车祸” → 交通事故（近义词，事实）", "未含：丢失".
	Why []string `json:"why"`
}

// Facet is one value of a facet and how many hits have it.
type Facet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

var facetFields = []string{fCategory, fDesk, fStatus, fTown, fMonth}

func invalidQuery(field, msg string) error {
	return &cases.Error{Kind: cases.KindInvalid, Code: "invalid_query", Message: msg, Field: field}
}

// Search runs q for viewer: only cases the viewer may see are counted,
// faceted or returned. It answers from what the index holds and says how
// far behind the event log that is (when docs can tell).
func (ix *Index) Search(ctx context.Context, viewer cases.Actor, q Query, docs DocSource) (*Result, error) {
	res, err := ix.searchLocked(ctx, viewer, q, docs)
	if err != nil {
		return nil, err
	}
	if feed, ok := docs.(interface {
		LastEventSeq(ctx context.Context) (int64, error)
	}); ok {
		if lag, err := ix.Lag(ctx, feed); err == nil {
			res.IndexLag = lag
		}
	}
	res.IndexBehind = res.IndexLag > 0 && ix.Failing()
	return res, nil
}

func (ix *Index) searchLocked(ctx context.Context, viewer cases.Actor, q Query, docs DocSource) (*Result, error) {
	ix.swap.RLock()
	defer ix.swap.RUnlock()
	if ix.idx == nil {
		return nil, ErrIndexUnavailable
	}
	return ix.search(ctx, viewer, q, docs)
}

func (ix *Index) search(ctx context.Context, viewer cases.Actor, q Query, docs DocSource) (*Result, error) {
	if utf8.RuneCountInString(q.Text) > MaxQueryRunes {
		return nil, invalidQuery("q", fmt.Sprintf("搜索内容过长，最多%d字", MaxQueryRunes))
	}
	if q.PerPage == 0 {
		q.PerPage = 20
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PerPage < 1 || q.PerPage > MaxPerPage {
		return nil, invalidQuery("per_page", fmt.Sprintf("每页条数应在1至%d之间", MaxPerPage))
	}
	if q.Page < 1 || q.Page > MaxPage {
		return nil, invalidQuery("page", fmt.Sprintf("页码应在1至%d之间", MaxPage))
	}
	terms := SplitTerms(q.Text)
	if len(terms) > MaxTerms {
		return nil, invalidQuery("q", fmt.Sprintf("关键词过多，最多%d个", MaxTerms))
	}
	textQuery := ix.textQuery(terms, false)
	if strings.TrimSpace(q.Text) != "" && textQuery == nil {
		// Only punctuation or symbols: nothing to look for.
		return &Result{Page: q.Page, Hits: []Hit{}, Facets: map[string][]Facet{}}, nil
	}
	filters, err := filterQueries(q)
	if err != nil {
		return nil, err
	}
	perm, ok := permissionQuery(viewer)
	if !ok {
		return &Result{Page: q.Page, Hits: []Hit{}, Facets: map[string][]Facet{}}, nil
	}
	if perm != nil {
		filters = append(filters, perm)
	}
	root := allOf(textQuery, filters)
	req := bleve.NewSearchRequestOptions(root, q.PerPage, (q.Page-1)*q.PerPage, false)
	// With text, bleve's default order by score needs no doc values.
	if textQuery == nil {
		req.SortBy([]string{"-" + fCreated, "-_id"})
	}
	counting := root
	if textQuery != nil {
		counting = allOf(ix.textQuery(terms, true), filters)
	}
	res, facets, err := ix.pageAndFacets(ctx, req, counting)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &Result{Total: res.Total, Page: q.Page, Hits: make([]Hit, 0, len(res.Hits)), Facets: map[string][]Facet{}}
	for _, name := range facetFields {
		out.Facets[name] = []Facet{}
	}
	if facets != nil && facets.Terms != nil {
		for _, t := range facets.Terms.Terms() { // by count, highest first
			name, value, ok := strings.Cut(t.Term, "=")
			if ok {
				out.Facets[name] = append(out.Facets[name], Facet{Value: value, Count: t.Count})
			}
		}
	}
	found, err := hitDocs(ctx, docs, res.Hits)
	if err != nil {
		return nil, err
	}
	whole, bigrams := ix.markTerms(terms)
	variants := make([][]variant, len(terms))
	for i, t := range terms {
		variants[i] = ix.variants(t)
	}
	var matched, literal []int
	for _, h := range res.Hits {
		d, ok := found[h.ID]
		if !ok || !d.Viewable(viewer) {
			continue // deleted or changed since indexed: the next catch-up fixes the index
		}
		why, n, lit := ix.explain(d, terms, variants)
		out.Hits = append(out.Hits, Hit{Number: d.Number, Title: d.Title, Status: string(d.Status), Desk: d.Desk,
			Score: finiteScore(h.Score), Highlights: highlight(d, whole, bigrams), Why: why})
		matched, literal = append(matched, n), append(literal, lit)
	}
	if len(terms) > 0 {
		rerank(out.Hits, matched, literal)
	}
	return out, nil
}

// rerank puts the page's hits that have more of the typed words first,
// then those that have more of them as typed (not through a related word),
// keeping the index's order otherwise. The index scores a hit by the share
// of words it matches (coord) and weighs expansions lower, but one word's
// high term frequency in a short text can still lift a hit lacking a word,
// or having only its synonym, above one that has it; this settles that
// within the page, from the same text the why lines are read from.
func rerank(hits []Hit, matched, literal []int) {
	idx := make([]int, len(hits))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if matched[idx[a]] != matched[idx[b]] {
			return matched[idx[a]] > matched[idx[b]]
		}
		return literal[idx[a]] > literal[idx[b]]
	})
	sorted := make([]Hit, len(hits))
	for i, j := range idx {
		sorted[i] = hits[j]
	}
	copy(hits, sorted)
}

// finiteScore: a search without text scores nothing, and bleve's score of
// such a hit may be NaN, which JSON cannot carry (the empty search
// answered 500 "json: unsupported value: NaN").
func finiteScore(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// allOf requires text (when there is any) and every filter.
func allOf(text query.Query, filters []query.Query) query.Query {
	must := filters
	if text != nil {
		must = append([]query.Query{text}, filters...)
	}
	if len(must) == 0 {
		return bleve.NewMatchAllQuery()
	}
	return bleve.NewConjunctionQuery(must...)
}

// pageAndFacets answers the page that req asks for and the facets of all
// the documents that count matches (the same documents as req's query),
// found by two searches on the two cores at once: the page is scored (or
// sorted) without facets, and the facets come from a search that scores
// nothing, which bleve answers with bitmap operations before reading each
// hit's facet values. One search doing both took the sum of the two: at
// 100k cases facets were 40% of a broad search.
func (ix *Index) pageAndFacets(ctx context.Context, req *bleve.SearchRequest, count query.Query) (*bleve.SearchResult, *blevesearch.FacetResult, error) {
	counting := bleve.NewSearchRequestOptions(count, 0, 0, false)
	counting.Score = bleve.ScoreNone
	// Every value of the five facets: a county has a dozen towns, and a
	// year of months; 1,000 leaves room for many years of data.
	counting.AddFacet(fFacets, bleve.NewFacetRequest(fFacets, 1000))
	type answer struct {
		res *bleve.SearchResult
		err error
	}
	facetsDone := make(chan answer, 1)
	go func() {
		// A panic here would end the process: fiber's recover middleware
		// sees only the handler's goroutine.
		defer func() {
			if r := recover(); r != nil {
				slog.Error("search: panic while counting facets recovered", "panic", r, "stack", string(debug.Stack()))
				facetsDone <- answer{nil, fmt.Errorf("search: panic while counting facets: %v", r)}
			}
		}()
		res, err := ix.idx.SearchInContext(ctx, counting)
		facetsDone <- answer{res, err}
	}()
	page, err := ix.idx.SearchInContext(ctx, req)
	facets := <-facetsDone
	if err != nil {
		return nil, nil, err
	}
	if facets.err != nil {
		return nil, nil, facets.err
	}
	return page, facets.res.Facets[fFacets], nil
}

// DocSource loads the current text of hits, for highlights and a final
// permission check against the database rather than the index.
type DocSource interface {
	SearchDocs(ctx context.Context, numbers []string) (map[string]*cases.SearchDoc, error)
}

// hitDocs loads the current documents of the hits from docs.
func hitDocs(ctx context.Context, docs DocSource, hits blevesearch.DocumentMatchCollection) (map[string]*cases.SearchDoc, error) {
	numbers := make([]string, len(hits))
	for i, h := range hits {
		numbers[i] = h.ID
	}
	return docs.SearchDocs(ctx, numbers)
}

// SplitTerms splits what was typed on white space and drops what cannot be
// searched (lone punctuation, quotes, operators, emoji).
func SplitTerms(text string) []string {
	var terms []string
	for _, f := range strings.Fields(text) {
		f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
		if f != "" {
			terms = append(terms, f)
		}
	}
	return terms
}

var (
	caseNumberPattern = regexp.MustCompile(`^(?i)YD-\d{4}-\d{1,7}$`)
	digitsPattern     = regexp.MustCompile(`^\d+$`)
	idNumberPattern   = regexp.MustCompile(`^(?i)\d{17}[\dX]$|^[0-9A-HJ-NPQRTUWXY]{18}$`)
)

// textQuery is one clause per typed term, all required. Each clause is a
// disjunction: exact fields first (case number, phone and its tail, ID
// number, a party's full name, the town) boosted far above the analysed
// text fields, and the term's synonyms beside it.
//
// Counting (for the total and the facets, scored by nothing) asks for the
// same documents in a shape bleve can answer with bitmaps: "all but one"
// becomes a union of conjunctions instead of a disjunction with a minimum,
// which bleve walks document by document.
func (ix *Index) textQuery(terms []string, counting bool) query.Query {
	var clauses []query.Query
	for _, t := range terms {
		var any []query.Query
		exact := func(field, value string, boost float64) {
			q := bleve.NewTermQuery(field + "=" + value)
			q.SetField(fExact)
			q.SetBoost(boost)
			any = append(any, q)
		}
		upper := strings.ToUpper(t)
		switch {
		case caseNumberPattern.MatchString(t):
			exact(fNumber, upper, 50)
		case idNumberPattern.MatchString(t):
			exact(fIDNumber, upper, 50)
		case digitsPattern.MatchString(t):
			exact(fPhone, t, 40)
			exact(fPhoneTail, t, 20)
			exact(fNumberTail, t, 20)
			if len(t) < 5 {
				exact(fNumberTail, fmt.Sprintf("%05s", t), 20)
			}
		}
		exact(fNames, t, 20)
		exact(fTown, t, 10)
		exact(fExtID, t, 40)
		if system, id, ok := strings.Cut(t, ":"); ok {
			exact(fExtRef, strings.ToLower(system)+":"+id, 50)
		}
		for _, v := range ix.variants(t) {
			any = append(any, ix.analysedClauses(v.text, v.kind, counting)...)
		}
		clauses = append(clauses, bleve.NewDisjunctionQuery(any...))
	}
	if len(clauses) == 0 {
		return nil
	}
	if len(clauses) == 1 {
		return clauses[0]
	}
	// Every term required, but as a disjunction with a minimum: bleve's
	// conjunction leapfrogs its children with Advance, which costs a
	// disjunction of many clauses dearly (长安镇 工伤: 200 ms against 20 ms
	// for each term alone at 100k cases); the disjunction walks them once.
	// Three or more words: a case missing one still shows, below those that
	// have them all.
	// A case lacking a word (or matching it only through a related term)
	// still shows, below those that have them all: bleve's disjunction
	// scores by the share of clauses matched (coord), so all words first.
	// 快递 丢失 must not come back empty when the text says 遗失.
	return atLeast(clauses, 1, counting)
}

// atLeast matches documents matching need of qs. Scoring, it is one
// disjunction with a minimum. Counting, it is a conjunction (need all) or
// the union of the conjunctions that leave one out (need all but one; up to
// five clauses, beyond which the union grows faster than it saves); bleve
// answers both with bitmaps when it scores nothing.
func atLeast(qs []query.Query, need int, counting bool) query.Query {
	switch {
	case len(qs) == 1 && need >= 1:
		return qs[0]
	case need <= 1:
		return bleve.NewDisjunctionQuery(qs...)
	case counting && need >= len(qs):
		return bleve.NewConjunctionQuery(qs...)
	case counting && need == len(qs)-1 && len(qs) <= 5:
		var union []query.Query
		for skip := range qs {
			part := make([]query.Query, 0, len(qs)-1)
			part = append(part, qs[:skip]...)
			part = append(part, qs[skip+1:]...)
			union = append(union, atLeast(part, len(part), true))
		}
		return bleve.NewDisjunctionQuery(union...)
	}
	d := bleve.NewDisjunctionQuery(qs...)
	d.SetMin(float64(need))
	return d
}

// analysedClauses match a term in every text field, the title weighing
// most. Strictly, every bigram of the term must occur (a near-phrase without
// position data). Loosely, for a Chinese term of four or more characters,
// one bigram may be missing: people type two words run together (楼上漏水)
// whose joining bigram (上漏) is in no text. Strict matches score higher.
// Another member of the typed term's synonym group is matched strictly: it
// is a phrase someone wrote down, and loosely each of a group's long
// phrases walked the postings of all its bigrams (欠薪 has four such: p95
// of the bench queries 40 -> 19-27 ms at 100k cases, the judged set's
// recall@10 unchanged). A typed phrase with a member replaced inside it
// (楼上渗水 for 楼上漏水) is still words run together, matched loosely.
//
// The long fields hold bigrams only, so a lone character of the term (昆 in
// 昆KS58061, indexed inside 驶昆) cannot be required there; the rest must.
//
// Party names are matched only as typed: a synonym is never a name.
func (ix *Index) analysedClauses(term string, kind variantKind, counting bool) []query.Query {
	grams := HanBigrams(term)
	var out []query.Query
	for _, f := range []struct {
		name  string
		boost float64
	}{{fTitle, 3}, {fParties, 2}} {
		if f.name == fParties && kind != typed {
			continue
		}
		m := bleve.NewMatchQuery(term)
		m.SetField(f.name)
		m.SetOperator(query.MatchQueryOperatorAnd)
		m.SetBoost(2 * f.boost * kind.boost())
		out = append(out, m)
	}
	tokens := ix.longFieldTokens(term)
	if len(tokens) == 0 {
		return out
	}
	for _, field := range []string{fText} {
		strict := make([]query.Query, len(tokens))
		for i, t := range tokens {
			tq := bleve.NewTermQuery(t)
			tq.SetField(field)
			strict[i] = tq
		}
		if len(grams) >= 3 && kind != member && kind != vocabMember && kind != thesaurusMember && kind != minedRelated {
			// One clause serves both: a disjunction scores a document by the
			// bigrams it has, so those with all of them still rank first.
			// Longer phrases (小孩被狗咬, 房东不退押金) are how people
			// describe, not how files word it: half their bigrams suffice.
			d := atLeast(strict, min(max(1, len(grams)/2), len(strict)), counting)
			d.(query.BoostableQuery).SetBoost(2 * kind.boost())
			out = append(out, d)
			continue
		}
		c := bleve.NewConjunctionQuery(strict...)
		c.SetBoost(2 * kind.boost())
		out = append(out, c)
	}
	return out
}

// longFieldTokens analyses a term as the long fields were, without the
// lone characters that those fields do not hold on their own.
func (ix *Index) longFieldTokens(term string) []string {
	an := ix.idx.Mapping().AnalyzerNamed(bigramAnalyzer)
	if an == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, tk := range an.Analyze([]byte(term)) {
		t := string(tk.Term)
		if r := []rune(t); len(r) == 1 && unicode.Is(unicode.Han, r[0]) || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// HanBigrams answers the term's character bigrams as the analyzer makes
// them, or nil unless the term is Chinese characters only.
func HanBigrams(term string) []string {
	r := []rune(term)
	for _, c := range r {
		if !unicode.Is(unicode.Han, c) {
			return nil
		}
	}
	var out []string
	for i := 0; i+1 < len(r); i++ {
		out = append(out, string(r[i:i+2]))
	}
	return out
}

func filterQueries(q Query) ([]query.Query, error) {
	var out []query.Query
	for field, value := range map[string]string{fCategory: q.Category, fDesk: q.Desk, fStatus: q.Status, fTown: q.Town, fMonth: q.Month} {
		if value == "" {
			continue
		}
		t := bleve.NewTermQuery(field + "=" + value)
		t.SetField(fFacets)
		out = append(out, t)
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
			return nil, invalidQuery("to", "结束日期不能早于开始日期")
		}
		inclusive, exclusive := true, false
		var from, to string
		if !q.From.IsZero() {
			from = createdKey(q.From)
		}
		if !q.To.IsZero() {
			to = createdKey(q.To)
		}
		r := bleve.NewTermRangeInclusiveQuery(from, to, &inclusive, &exclusive)
		r.SetField(fCreated)
		out = append(out, r)
	}
	// Deterministic order keeps query plans (and tests) stable.
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out, nil
}

// permissionQuery mirrors cases' read rule: intake and leaders see all, a
// handler what their desk holds, co-handles or held, or what they
// registered; anyone else nothing (ok false).
func permissionQuery(a cases.Actor) (query.Query, bool) {
	switch a.Role {
	case cases.RoleIntake, cases.RoleLeader:
		return nil, true
	case cases.RoleHandler:
		desk := bleve.NewTermQuery(fViewers + "=desk:" + a.Desk)
		desk.SetField(fExact)
		desk.SetBoost(0)
		user := bleve.NewTermQuery(fmt.Sprintf("%s=user:%d", fViewers, a.UserID))
		user.SetField(fExact)
		user.SetBoost(0)
		return bleve.NewDisjunctionQuery(desk, user), true
	}
	return nil, false
}
