package lab

// Intake-style evaluation sets (issue 14): records written the way a clerk
// registers a dispute at the window, and queries the way staff type them,
// each of a kind (keyword, colloquial, name_phone, place_topic,
// several_words). The records go in through cases.Service.Intake as an
// intake clerk, as at the counter, so everything the index sees (category,
// desk, parties, timeline) is what production makes of them.
//
// A set is a folder holding records.jsonl and queries.json. The tuning set
// (testdata/tuning-intake) may be read, printed and tuned on; the held-out
// set (testdata/heldout-intake) is a test set: only its aggregate figures
// are ever printed (see IntakeReport.Print).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"yidi/cases"
)

// IntakeRecord is one registered dispute of a set.
type IntakeRecord struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Category string   `json:"category"`
	Town     string   `json:"town"`
	Summary  string   `json:"summary"`
	Claims   string   `json:"claims"`
	Amount   *float64 `json:"amount"`
	Parties  []struct {
		Role  string `json:"role"`
		Kind  string `json:"kind"`
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"parties"`
}

// IntakeQuery is one judged query of a set, with its kind.
type IntakeQuery struct {
	Q        string   `json:"q"`
	Kind     string   `json:"kind"`
	Relevant []string `json:"relevant"`
	Note     string   `json:"note,omitempty"`
}

// IntakeSet is a folder's records and queries.
type IntakeSet struct {
	Name    string
	Records []IntakeRecord
	Queries []IntakeQuery
	// Test marks a held-out set: its per-query outcomes are never printed.
	Test bool
}

// LoadIntakeSet reads dir/records.jsonl and dir/queries.json and checks
// that every relevant id names a record.
func LoadIntakeSet(dir string, test bool) (*IntakeSet, error) {
	set := &IntakeSet{Name: filepath.Base(dir), Test: test}
	raw, err := os.ReadFile(filepath.Join(dir, "records.jsonl"))
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var r IntakeRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s records.jsonl line %d: %w", dir, line, err)
		}
		if r.ID == "" || ids[r.ID] {
			return nil, fmt.Errorf("%s records.jsonl line %d: missing or repeated id %q", dir, line, r.ID)
		}
		ids[r.ID] = true
		set.Records = append(set.Records, r)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	raw, err = os.ReadFile(filepath.Join(dir, "queries.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &set.Queries); err != nil {
		return nil, fmt.Errorf("%s queries.json: %w", dir, err)
	}
	for i, q := range set.Queries {
		if q.Q == "" || q.Kind == "" || len(q.Relevant) == 0 {
			return nil, fmt.Errorf("%s queries.json: query %d lacks text, kind or relevant records", dir, i+1)
		}
		for _, r := range q.Relevant {
			if !ids[r] {
				return nil, fmt.Errorf("%s queries.json: query %d names unknown record %q", dir, i+1, r)
			}
		}
	}
	return set, nil
}

// KindFigures are the means over one kind of query (or all, Kind "all").
type KindFigures struct {
	Kind     string
	N        int
	Recall10 float64
	P5       float64 // standard: relevant in the first five / 5
	P5Capped float64 // relevant in the first five / min(5, |relevant|)
	MRR      float64
}

// IntakeReport is one set's evaluation.
type IntakeReport struct {
	Set    *IntakeSet
	ByKind []KindFigures // "all" first, then the kinds in name order
	Eval   *EvalReport   // per-query outcomes: printed only for a tuning set
}

// Figures answers the figures of kind ("all" for every query).
func (r *IntakeReport) Figures(kind string) KindFigures {
	for _, f := range r.ByKind {
		if f.Kind == kind {
			return f
		}
	}
	return KindFigures{Kind: kind}
}

// IntakeRun evaluates sets, each in its own fresh store under Dir.
type IntakeRun struct {
	Dir  string
	Sets []*IntakeSet
}

// Run performs the evaluation of every set.
func (ir IntakeRun) Run(ctx context.Context) ([]*IntakeReport, error) {
	var out []*IntakeReport
	for i, set := range ir.Sets {
		dir := filepath.Join(ir.Dir, fmt.Sprintf("set-%d", i))
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
		rep, err := runIntakeSet(ctx, dir, set)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", set.Name, err)
		}
		out = append(out, rep)
	}
	return out, nil
}

// openEvalStore makes a fresh store in dir and an intake clerk to register
// records with, as at the counter.
func openEvalStore(ctx context.Context, dir string) (*cases.Store, *cases.Service, *cases.Actor, error) {
	store, err := cases.Open(ctx, dir)
	if err != nil {
		return nil, nil, nil, err
	}
	svc := cases.NewService(store)
	clerk, err := svc.CreateUser(ctx, cases.SystemActor, cases.UserInput{
		Username: "eval-intake", Password: "eval-intake-password", Role: cases.RoleIntake, Name: "评测窗口"})
	if err != nil {
		store.Close()
		return nil, nil, nil, err
	}
	return store, svc, clerk, nil
}

func runIntakeSet(ctx context.Context, dir string, set *IntakeSet) (*IntakeReport, error) {
	store, svc, clerk, err := openEvalStore(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	start := time.Now()
	refs := make(map[string]string, len(set.Records))
	for _, r := range set.Records {
		in := cases.IntakeInput{Title: r.Title, Category: r.Category, Summary: r.Summary, Claims: r.Claims,
			Town: r.Town, Amount: r.Amount}
		for _, p := range r.Parties {
			in.Parties = append(in.Parties, cases.PartyInput{Role: p.Role, Kind: p.Kind, Name: p.Name, Phone: p.Phone})
		}
		res, err := svc.Intake(ctx, *clerk, in, "")
		if err != nil {
			return nil, fmt.Errorf("intake %s: %w", r.ID, err)
		}
		refs[res.Case.Number] = r.ID
	}
	imported := time.Since(start)
	judged := make([]JudgedQuery, len(set.Queries))
	for i, q := range set.Queries {
		judged[i] = JudgedQuery{Q: q.Q, Relevant: q.Relevant}
	}
	ev, err := indexAndEvaluate(ctx, svc, dir, nil, judged, refs)
	if err != nil {
		return nil, err
	}
	ev.Docs, ev.Imported = len(set.Records), imported
	rep := &IntakeReport{Set: set, Eval: ev}
	kinds := map[string]*KindFigures{"all": {Kind: "all"}}
	for i, o := range ev.Outcomes {
		for _, k := range []string{"all", set.Queries[i].Kind} {
			f := kinds[k]
			if f == nil {
				f = &KindFigures{Kind: k}
				kinds[k] = f
			}
			f.N++
			f.Recall10 += o.Recall10
			f.P5 += o.P5
			f.P5Capped += o.P5Capped
			f.MRR += o.RR
		}
	}
	var names []string
	for k := range kinds {
		if k != "all" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range append([]string{"all"}, names...) {
		f := *kinds[k]
		if f.N > 0 {
			f.Recall10 /= float64(f.N)
			f.P5 /= float64(f.N)
			f.P5Capped /= float64(f.N)
			f.MRR /= float64(f.N)
		}
		rep.ByKind = append(rep.ByKind, f)
	}
	return rep, nil
}

// PrintIntakeReports writes the sets' figures side by side, by kind. With
// verbose, the queries of tuning sets that missed are listed after; a test
// set's never are.
func PrintIntakeReports(w io.Writer, reps []*IntakeReport, verbose bool) {
	if verbose {
		for _, r := range reps {
			if r.Set.Test {
				continue
			}
			fmt.Fprintf(w, "== %s (tuning): queries that missed\n", r.Set.Name)
			r.Eval.Print(w, false)
			fmt.Fprintln(w)
		}
	}
	kinds := map[string]bool{}
	var order []string
	for _, r := range reps {
		for _, f := range r.ByKind {
			if !kinds[f.Kind] {
				kinds[f.Kind] = true
				order = append(order, f.Kind)
			}
		}
	}
	fmt.Fprintf(w, "%-14s", "kind")
	for _, r := range reps {
		role := "tuning"
		if r.Set.Test {
			role = "TEST"
		}
		fmt.Fprintf(w, " | %-39s", fmt.Sprintf("%s (%s, %d rec)", r.Set.Name, role, len(r.Set.Records)))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-14s", "")
	for range reps {
		fmt.Fprintf(w, " | %4s %6s %6s %8s %6s ", "n", "R@10", "P@5", "P@5cap", "MRR")
	}
	fmt.Fprintln(w)
	for _, k := range order {
		fmt.Fprintf(w, "%-14s", k)
		for _, r := range reps {
			f := r.Figures(k)
			fmt.Fprintf(w, " | %4d %6.3f %6.3f %8.3f %6.3f ", f.N, f.Recall10, f.P5, f.P5Capped, f.MRR)
		}
		fmt.Fprintln(w)
	}
}
