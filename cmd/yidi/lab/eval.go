package lab

// The judged query set: queries typed the way a counter clerk types them
// (a name, a street, 欠薪, 被狗咬, a plate number), each with the imported
// CAIL2019 documents a clerk would have wanted to see, keyed by the import
// reference ("cail2019-rc:12"), which stays the same across imports while
// case numbers do not. EvaluateJudged runs them through Search, as a leader
// who sees everything, and scores the first ten hits.
//
// Metrics, per query, then averaged over queries:
//   - recall@10 = |relevant ∩ top 10| / min(|relevant|, 10): a query with
//     more than ten relevant documents is perfect when the first ten are
//     all relevant.
//   - P@5 (standard) = |relevant ∩ top 5| / 5: punishes queries with fewer
//     than five relevant documents, which most of ours are.
//   - P@5 (capped) = |relevant ∩ top 5| / min(|relevant|, 5): 1 when the
//     first five hold as many relevant documents as they could.
//   - MRR = 1 / rank of the first relevant hit (0 when none in the ten).
//   - recall@20 = |relevant ∩ top 20| / |relevant| (standard, uncapped:
//     the court-text measure of issue 14).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"yidi/cases"
	"yidi/search"
)

// JudgedQuery is one query of the set and the references of its relevant
// documents.
type JudgedQuery struct {
	Q        string   `json:"q"`
	Relevant []string `json:"relevant"`
	Note     string   `json:"note,omitempty"`
}

// LoadJudged reads a judged query set (a JSON array) and checks it: every
// query has text and at least one relevant reference, none twice.
func LoadJudged(path string) ([]JudgedQuery, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var set []JudgedQuery
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	seenQ := map[string]bool{}
	for i, j := range set {
		if strings.TrimSpace(j.Q) == "" {
			return nil, fmt.Errorf("%s: query %d has no text", path, i+1)
		}
		if seenQ[j.Q] {
			return nil, fmt.Errorf("%s: query %q appears twice", path, j.Q)
		}
		seenQ[j.Q] = true
		if len(j.Relevant) == 0 {
			return nil, fmt.Errorf("%s: query %q has no relevant document", path, j.Q)
		}
		seen := map[string]bool{}
		for _, r := range j.Relevant {
			if seen[r] {
				return nil, fmt.Errorf("%s: query %q lists %s twice", path, j.Q, r)
			}
			seen[r] = true
		}
	}
	return set, nil
}

// RankedHit is one of the first ten hits of a judged query.
type RankedHit struct {
	Ref      string // "" when the case was not imported from the judged corpus
	Number   string
	Title    string
	Relevant bool
}

// QueryOutcome is how one judged query fared.
type QueryOutcome struct {
	Query    JudgedQuery
	Top      []RankedHit // the first ten hits, best first
	Total    uint64      // all hits
	Missing  []string    // relevant references not in the first ten
	Recall10 float64
	P5       float64 // standard: hits in the first five / 5
	P5Capped float64 // hits in the first five / min(5, |relevant|)
	RR       float64 // 1 / rank of the first relevant hit; 0 when none in the ten
	Recall20 float64 // |relevant ∩ top 20| / |relevant|
	Took     time.Duration
	Err      error // Search refused the query
}

// Failed reports whether the query missed a relevant document it could
// have shown in the first ten, or errored.
func (o *QueryOutcome) Failed() bool { return o.Err != nil || o.Recall10 < 1 }

// EvalReport is the whole evaluation: every query's outcome and the means.
type EvalReport struct {
	Outcomes []QueryOutcome
	Recall10 float64
	P5       float64
	P5Capped float64
	MRR      float64
	Recall20 float64
	Docs     int           // documents imported
	Imported time.Duration // import of the corpus
	Indexed  time.Duration // catch-up of the index
	Searched time.Duration // all queries
}

// EvaluateJudged runs every query as viewer (a leader, to see everything)
// and scores the first ten hits against the judgments; refs maps a case
// number to its import reference.
func EvaluateJudged(ctx context.Context, ix *search.Index, viewer cases.Actor, docs search.DocSource, set []JudgedQuery, refs map[string]string) *EvalReport {
	rep := &EvalReport{}
	start := time.Now()
	for _, j := range set {
		rep.Outcomes = append(rep.Outcomes, evaluateOne(ctx, ix, viewer, docs, j, refs))
	}
	rep.Searched = time.Since(start)
	if n := float64(len(rep.Outcomes)); n > 0 {
		for _, o := range rep.Outcomes {
			rep.Recall10 += o.Recall10 / n
			rep.P5 += o.P5 / n
			rep.P5Capped += o.P5Capped / n
			rep.MRR += o.RR / n
			rep.Recall20 += o.Recall20 / n
		}
	}
	return rep
}

func evaluateOne(ctx context.Context, ix *search.Index, viewer cases.Actor, docs search.DocSource, j JudgedQuery, refs map[string]string) QueryOutcome {
	o := QueryOutcome{Query: j}
	start := time.Now()
	res, err := ix.Search(ctx, viewer, search.Query{Text: j.Q, PerPage: 20}, docs)
	o.Took = time.Since(start)
	if err != nil {
		o.Err = err
		o.Missing = slices.Clone(j.Relevant)
		return o
	}
	o.Total = res.Total
	var ranked []string
	for i, h := range res.Hits {
		ref := refs[h.Number]
		if i < 10 {
			o.Top = append(o.Top, RankedHit{Ref: ref, Number: h.Number, Title: h.Title, Relevant: ref != "" && slices.Contains(j.Relevant, ref)})
		}
		ranked = append(ranked, ref)
	}
	s := ScoreRanking(ranked, j.Relevant)
	o.Missing, o.Recall10, o.P5, o.P5Capped, o.RR, o.Recall20 = s.Missing, s.Recall10, s.P5, s.P5Capped, s.RR, s.Recall20
	return o
}

// RankingScore is how a ranked list of references fares against the
// relevant ones.
type RankingScore struct {
	Missing  []string // relevant references not in the first ten
	Recall10 float64
	P5       float64 // standard: hits in the first five / 5
	P5Capped float64 // hits in the first five / min(5, |relevant|)
	RR       float64 // 1 / rank of the first relevant hit; 0 when none in the ten
	Recall20 float64 // relevant in the first twenty / |relevant|
}

// ScoreRanking scores the first ten of ranked (best first; "" for a hit no
// judgement names) against relevant, and recall@20 the first twenty.
func ScoreRanking(ranked, relevant []string) RankingScore {
	var s RankingScore
	hits20 := 0
	for _, ref := range ranked[:min(len(ranked), 20)] {
		if ref != "" && slices.Contains(relevant, ref) {
			hits20++
		}
	}
	s.Recall20 = float64(hits20) / float64(len(relevant))
	ranked = ranked[:min(len(ranked), 10)]
	hits5, hits10 := 0, 0
	for i, ref := range ranked {
		if ref == "" || !slices.Contains(relevant, ref) {
			continue
		}
		hits10++
		if i < 5 {
			hits5++
		}
		if s.RR == 0 {
			s.RR = 1 / float64(i+1)
		}
	}
	for _, r := range relevant {
		if !slices.Contains(ranked, r) {
			s.Missing = append(s.Missing, r)
		}
	}
	s.Recall10 = float64(hits10) / float64(min(len(relevant), 10))
	s.P5 = float64(hits5) / 5
	s.P5Capped = float64(hits5) / float64(min(len(relevant), 5))
	return s
}

// Print writes the figures and, for each query that missed a relevant
// document, what it missed and what ranked instead; verbose adds every
// query's line.
func (r *EvalReport) Print(w io.Writer, verbose bool) {
	failed := 0
	for i := range r.Outcomes {
		o := &r.Outcomes[i]
		if !o.Failed() && !verbose {
			continue
		}
		if o.Failed() {
			failed++
		}
		mark := "ok  "
		if o.Failed() {
			mark = "MISS"
		}
		fmt.Fprintf(w, "%s %-22q recall@10 %.2f  P@5 %.2f (capped %.2f)  hits %d  %s\n",
			mark, o.Query.Q, o.Recall10, o.P5, o.P5Capped, o.Total, o.Took.Round(time.Millisecond))
		if o.Err != nil {
			fmt.Fprintf(w, "     error: %v\n", o.Err)
			continue
		}
		if !o.Failed() {
			continue
		}
		fmt.Fprintf(w, "     missing: %s\n", strings.Join(o.Missing, " "))
		var instead []string
		for k, h := range o.Top {
			if !h.Relevant {
				instead = append(instead, fmt.Sprintf("#%d %s %s", k+1, shortRef(h.Ref), h.Title))
			}
		}
		if len(instead) > 0 {
			fmt.Fprintf(w, "     ranked instead: %s\n", strings.Join(instead, "; "))
		}
	}
	fmt.Fprintf(w, "\n%d queries over %d documents, %d with a relevant document missing from the first ten\n",
		len(r.Outcomes), r.Docs, failed)
	fmt.Fprintf(w, "recall@10           %.3f\n", r.Recall10)
	fmt.Fprintf(w, "P@5 (standard, /5)  %.3f\n", r.P5)
	fmt.Fprintf(w, "P@5 (capped, /min(5,|rel|)) %.3f\n", r.P5Capped)
	fmt.Fprintf(w, "MRR@10              %.3f\n", r.MRR)
	fmt.Fprintf(w, "recall@20 (/|rel|)  %.3f\n", r.Recall20)
	if r.Imported > 0 || r.Indexed > 0 {
		fmt.Fprintf(w, "import %s, index catch-up %s, ", r.Imported.Round(time.Millisecond), r.Indexed.Round(time.Millisecond))
	}
	fmt.Fprintf(w, "%d queries in %s\n", len(r.Outcomes), r.Searched.Round(time.Millisecond))
}

func shortRef(ref string) string {
	if ref == "" {
		return "(not judged corpus)"
	}
	return ref
}

// JudgedRun is one whole evaluation from nothing: a fresh store in Dir,
// Corpus imported through cases.Service.ImportHistorical, the index caught
// up, the query set run.
type JudgedRun struct {
	Dir     string // an empty folder: the database and the index are made in it
	Corpus  []cases.HistoricalCase
	Queries []JudgedQuery
	// ExtraSynonyms are added to the database's synonym groups, to try a
	// group before writing its migration.
	ExtraSynonyms [][]string
}

// Run performs the evaluation.
func (jr JudgedRun) Run(ctx context.Context) (*EvalReport, error) {
	if len(jr.Corpus) == 0 {
		return nil, errors.New("judged evaluation: no documents to import")
	}
	store, err := cases.Open(ctx, jr.Dir)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	svc := cases.NewService(store)

	start := time.Now()
	refs := make(map[string]string, len(jr.Corpus))
	for _, h := range jr.Corpus {
		number, _, err := svc.ImportHistorical(ctx, cases.SystemActor, h)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", h.Ref, err)
		}
		refs[number] = h.Ref
	}
	imported := time.Since(start)
	rep, err := indexAndEvaluate(ctx, svc, jr.Dir, jr.ExtraSynonyms, jr.Queries, refs)
	if err != nil {
		return nil, err
	}
	rep.Docs, rep.Imported = len(jr.Corpus), imported
	return rep, nil
}

// indexAndEvaluate indexes svc's cases in dir/index with the database's
// synonym groups and extra, and runs the queries (refs: case number to
// reference) as a leader; the report's Indexed is filled in.
func indexAndEvaluate(ctx context.Context, svc *cases.Service, dir string, extra [][]string, queries []JudgedQuery, refs map[string]string) (*EvalReport, error) {
	ix, err := search.Open(filepath.Join(dir, "index"))
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	groups, err := svc.SynonymGroups(ctx)
	if err != nil {
		return nil, err
	}
	ix.SetSynonyms(append(groups, extra...))
	start := time.Now()
	if _, err := ix.CatchUp(ctx, svc); err != nil {
		return nil, err
	}
	indexed := time.Since(start)

	// A leader sees every case; Search asks no more of the actor than its role.
	leader := cases.Actor{Username: "eval-leader", Name: "评测", Role: cases.RoleLeader}
	rep := EvaluateJudged(ctx, ix, leader, svc, queries, refs)
	rep.Indexed = indexed
	return rep, nil
}

// LoadCAIL reads a cail2019-rc file as `yidi import cail` does.
func LoadCAIL(path string) ([]cases.HistoricalCase, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseCAIL(b)
}
