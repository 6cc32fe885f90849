package cases

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
)

// SearchDoc is everything the search index knows of one case: its fields,
// its parties unmasked (staff search by ID number and phone; the index never
// shows them), every timeline text, and what the read rule needs.
type SearchDoc struct {
	ID        int64
	Number    string
	Title     string
	Category  string
	Source    string
	Summary   string
	Claims    string
	Town      string
	Status    Status
	Desk      string
	CoDesks   []string
	PastDesks []string // desks that acted on it
	CreatedBy int64
	CreatedAt time.Time
	Parties   []Party
	Notes     []string // the bodies of its events, oldest first
	// What staff also search by (issue 14): the category's and the desk's
	// names as the pages show them, and how the case ended.
	CategoryName string
	DeskName     string
	ClosureType  string
	Outcome      string
	// ExternalRefs: found exactly by "system:id" or the id alone.
	ExternalRefs []ExternalRef
}

// Labels are the names and closing texts of the case that staff see beside
// its text: category, desk, closure type, outcome.
func (d *SearchDoc) Labels() []string {
	var out []string
	for _, l := range []string{d.CategoryName, d.DeskName, closureLabels[d.ClosureType], d.Outcome} {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Viewable reports whether a may see the case, by the same rule as Case.
func (d *SearchDoc) Viewable(a Actor) bool {
	return canSee(a, &Case{Desk: d.Desk, CoDesks: d.CoDesks, previousDesk: d.PastDesks, CreatedBy: d.CreatedBy})
}

// LastEventSeq is the newest event's sequence number (0 with no events).
func (s *Service) LastEventSeq(ctx context.Context) (int64, error) {
	var seq *int64
	if err := s.store.r.GetContext(ctx, &seq, `SELECT MAX(seq) FROM events`); err != nil {
		return 0, fmt.Errorf("store: unable to read the last event: %w", err)
	}
	if seq == nil {
		return 0, nil
	}
	return *seq, nil
}

// SeqRange is the sequence numbers from Lo to Hi, both included.
type SeqRange struct{ Lo, Hi int64 }

// ChangesAfter answers the cases touched by up to limit events after seq or
// inside one of the ranges gaps, as they are now, and those events' seqs in
// order: the search index follows the event log with it. Sequence numbers
// are handed out before commit, so on PostgreSQL a transaction may commit a
// seq below one already read (SQLite's one writer commits them in order);
// the follower remembers such gaps and asks for them again here, in the
// same read as what is new, so nothing between the two is missed.
func (s *Service) ChangesAfter(ctx context.Context, seq int64, gaps []SeqRange, limit int) ([]SearchDoc, []int64, error) {
	var rows []struct {
		Seq    int64  `db:"seq"`
		CaseID int64  `db:"case_id"`
		Kind   string `db:"kind"`
	}
	where := "seq > ?"
	args := []any{seq}
	for _, g := range gaps {
		where += " OR seq BETWEEN ? AND ?"
		args = append(args, g.Lo, g.Hi)
	}
	args = append(args, limit)
	r := s.store.r
	if err := r.SelectContext(ctx, &rows, r.Rebind(
		`SELECT seq, case_id, kind FROM events WHERE `+where+` ORDER BY seq LIMIT ?`), args...); err != nil {
		return nil, nil, fmt.Errorf("store: unable to read events: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil, nil
	}
	seen := map[int64]bool{}
	var ids []int64
	seqs := make([]int64, 0, len(rows))
	for _, row := range rows {
		seqs = append(seqs, row.Seq)
		touched := []int64{row.CaseID}
		if row.Kind == EventCorrection {
			// A corrected name or phone is the person's in every case: the
			// other cases of the same persons change in the index too.
			if err := r.SelectContext(ctx, &touched, r.Rebind(`SELECT DISTINCT other.case_id FROM case_parties cp
				JOIN case_parties other ON other.person_id = cp.person_id WHERE cp.case_id = ?`), row.CaseID); err != nil {
				return nil, nil, fmt.Errorf("store: unable to find the cases of corrected persons: %w", err)
			}
		}
		for _, id := range touched {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	docs, err := loadSearchDocs(ctx, r, ids)
	return docs, seqs, err
}

// AllCases answers up to limit cases with an id above afterID, in id order:
// a full rebuild of the index pages through them.
func (s *Service) AllCases(ctx context.Context, afterID int64, limit int) ([]SearchDoc, error) {
	var ids []int64
	r := s.store.r
	if err := r.SelectContext(ctx, &ids, r.Rebind(`SELECT id FROM cases WHERE id > ? ORDER BY id LIMIT ?`), afterID, limit); err != nil {
		return nil, fmt.Errorf("store: unable to list cases: %w", err)
	}
	return loadSearchDocs(ctx, r, ids)
}

// SearchDocs answers the documents of the given case numbers (for hits).
func (s *Service) SearchDocs(ctx context.Context, numbers []string) (map[string]*SearchDoc, error) {
	out := map[string]*SearchDoc{}
	if len(numbers) == 0 {
		return out, nil
	}
	r := s.store.r
	q, args, err := sqlx.In(`SELECT id FROM cases WHERE number IN (?)`, numbers)
	if err != nil {
		return nil, err
	}
	var ids []int64
	if err := r.SelectContext(ctx, &ids, r.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: unable to find cases: %w", err)
	}
	docs, err := loadSearchDocs(ctx, r, ids)
	for i := range docs {
		out[docs[i].Number] = &docs[i]
	}
	return out, err
}

// loadSearchDocs reads many cases in four queries, whatever their number.
func loadSearchDocs(ctx context.Context, q querier, ids []int64) ([]SearchDoc, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in := func(query string) (string, []any) {
		s, args, err := sqlx.In(query, ids)
		if err != nil {
			panic(err) // only for an empty list, excluded above
		}
		return q.Rebind(s), args
	}
	var rows []caseRow
	query, args := in(`SELECT id, number, title, category, source, summary, claims, town, status, desk, created_by, created_at
		FROM cases WHERE id IN (?) ORDER BY id`)
	if err := q.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("store: unable to load cases: %w", err)
	}
	docs := make([]SearchDoc, len(rows))
	byID := make(map[int64]*SearchDoc, len(rows))
	for i, row := range rows {
		docs[i] = SearchDoc{ID: row.ID, Number: row.Number, Title: row.Title, Category: row.Category,
			Source: row.Source, Summary: row.Summary, Claims: row.Claims, Town: row.Town,
			Status: Status(row.Status), Desk: row.Desk.String, CreatedBy: row.CreatedBy, CreatedAt: row.CreatedAt.UTC()}
		byID[row.ID] = &docs[i]
	}
	var labels []struct {
		ID           int64  `db:"id"`
		CategoryName string `db:"category_name"`
		DeskName     string `db:"desk_name"`
		ClosureType  string `db:"closure_type"`
		Outcome      string `db:"outcome"`
	}
	query, args = in(`SELECT c.id, COALESCE(cat.name, '') AS category_name, COALESCE(d.name, '') AS desk_name,
		COALESCE(c.closure_type, '') AS closure_type, COALESCE(c.outcome, '') AS outcome
		FROM cases c LEFT JOIN categories cat ON cat.code = c.category LEFT JOIN desks d ON d.code = c.desk
		WHERE c.id IN (?)`)
	if err := q.SelectContext(ctx, &labels, query, args...); err != nil {
		return nil, fmt.Errorf("store: unable to load case labels: %w", err)
	}
	for _, l := range labels {
		d := byID[l.ID]
		d.CategoryName, d.DeskName, d.ClosureType, d.Outcome = l.CategoryName, l.DeskName, l.ClosureType, l.Outcome
	}
	var parties []partyRow
	query, args = in(`SELECT ` + partyColumns + `
		FROM case_parties cp JOIN persons p ON p.id = cp.person_id WHERE cp.case_id IN (?) ORDER BY cp.case_id, cp.position`)
	if err := q.SelectContext(ctx, &parties, query, args...); err != nil {
		return nil, fmt.Errorf("store: unable to load parties: %w", err)
	}
	for _, p := range parties {
		byID[p.CaseID].Parties = append(byID[p.CaseID].Parties, p.party())
	}
	var events []struct {
		CaseID int64  `db:"case_id"`
		Desk   string `db:"desk"`
		Body   string `db:"body"`
	}
	query, args = in(`SELECT case_id, desk, body FROM events WHERE case_id IN (?) ORDER BY seq`)
	if err := q.SelectContext(ctx, &events, query, args...); err != nil {
		return nil, fmt.Errorf("store: unable to load events: %w", err)
	}
	for _, e := range events {
		d := byID[e.CaseID]
		if e.Body != "" {
			d.Notes = append(d.Notes, e.Body)
		}
		if e.Desk != "" && !slices.Contains(d.PastDesks, e.Desk) {
			d.PastDesks = append(d.PastDesks, e.Desk)
		}
	}
	refs, err := externalRefsOf(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for id, r := range refs {
		byID[id].ExternalRefs = r
	}
	var coDesks []struct {
		CaseID int64  `db:"case_id"`
		Desk   string `db:"desk"`
	}
	query, args = in(`SELECT case_id, desk FROM case_co_desks WHERE case_id IN (?)`)
	if err := q.SelectContext(ctx, &coDesks, query, args...); err != nil {
		return nil, fmt.Errorf("store: unable to load co-desks: %w", err)
	}
	for _, c := range coDesks {
		byID[c.CaseID].CoDesks = append(byID[c.CaseID].CoDesks, c.Desk)
	}
	return docs, nil
}
