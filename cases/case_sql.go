package cases

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// The SQL behind cases: small helpers that compose inside one transaction
// (or run on the reader pool), in the order a service method calls them.

type caseRow struct {
	ID            int64          `db:"id"`
	Number        string         `db:"number"`
	Title         string         `db:"title"`
	Category      string         `db:"category"`
	Source        string         `db:"source"`
	Summary       string         `db:"summary"`
	Claims        string         `db:"claims"`
	Town          string         `db:"town"`
	AmountFen     sql.NullInt64  `db:"amount_fen"`
	PeopleCount   int            `db:"people_count"`
	Status        string         `db:"status"`
	Desk          sql.NullString `db:"desk"`
	DeadlineAt    sql.NullTime   `db:"deadline_at"`
	DeadlineRule  string         `db:"deadline_rule"`
	QueryCodeSalt string         `db:"query_code_salt"`
	QueryCodeHash string         `db:"query_code_hash"`
	RepeatVisit   bool           `db:"repeat_visit"`
	VisitCount    int            `db:"visit_count"`
	Outcome       string         `db:"outcome"`
	Version       int64          `db:"version"`
	CreatedBy     int64          `db:"created_by"`
	CreatedAt     time.Time      `db:"created_at"`
	UpdatedAt     time.Time      `db:"updated_at"`
	ClosedAt      sql.NullTime   `db:"closed_at"`
	ClosureType   string         `db:"closure_type"`
	ClosedOnTime  sql.NullBool   `db:"closed_on_time"`
	ReopenCount   int            `db:"reopen_count"`
	Warning       string         `db:"warning"`
	Supervision   string         `db:"supervision"`
	Unread        int            `db:"unread_messages"`
	MergedInto    sql.NullString `db:"merged_into"`
}

func (r *caseRow) toCase() *Case {
	c := &Case{
		ID: r.ID, Number: r.Number, Title: r.Title, Category: r.Category, Source: r.Source,
		Summary: r.Summary, Claims: r.Claims, Town: r.Town, PeopleCount: r.PeopleCount,
		Status: Status(r.Status), Desk: r.Desk.String, RepeatVisit: r.RepeatVisit,
		Visits: r.VisitCount, Outcome: r.Outcome, Version: r.Version, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), CoDesks: []string{},
		ClosureType: r.ClosureType, ReopenCount: r.ReopenCount, Warning: r.Warning,
		Supervision: r.Supervision, Deadlines: []DeadlineView{}, UnreadMessages: r.Unread,
		MergedInto: r.MergedInto.String, Links: []CaseLink{}, MergedFrom: []string{},
	}
	if r.ClosedOnTime.Valid {
		onTime := r.ClosedOnTime.Bool
		c.ClosedOnTime = &onTime
	}
	if r.AmountFen.Valid {
		yuan := float64(r.AmountFen.Int64) / 100
		c.Amount = &yuan
	}
	if r.DeadlineAt.Valid {
		c.Deadline = &Deadline{Due: r.DeadlineAt.Time.UTC(), Rule: r.DeadlineRule}
	}
	if r.ClosedAt.Valid {
		t := r.ClosedAt.Time.UTC()
		c.ClosedAt = &t
	}
	return c
}

// findCaseRow loads the bare row; the query-code columns stay inside cases.
func findCaseRow(ctx context.Context, q querier, number string) (*caseRow, error) {
	var row caseRow
	err := q.GetContext(ctx, &row, q.Rebind(`SELECT * FROM cases WHERE number = ?`), number)
	if isNoRows(err) {
		return nil, ErrCaseNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch case %s: %w", number, err)
	}
	return &row, nil
}

// findCase loads a case with its co-desks, parties and the desks that acted
// on it before (needed for the read rule).
func findCase(ctx context.Context, q querier, number string) (*Case, error) {
	row, err := findCaseRow(ctx, q, number)
	if err != nil {
		return nil, err
	}
	c := row.toCase()
	if err := q.SelectContext(ctx, &c.CoDesks,
		q.Rebind(`SELECT desk FROM case_co_desks WHERE case_id = ? ORDER BY invited_at, desk`), c.ID); err != nil {
		return nil, fmt.Errorf("store: unable to fetch co-desks: %w", err)
	}
	if err := q.SelectContext(ctx, &c.previousDesk,
		q.Rebind(`SELECT DISTINCT desk FROM events WHERE case_id = ? AND desk <> ''`), c.ID); err != nil {
		return nil, fmt.Errorf("store: unable to fetch case desks: %w", err)
	}
	if c.Parties, err = findParties(ctx, q, c.ID); err != nil {
		return nil, err
	}
	refs, err := externalRefsOf(ctx, q, []int64{c.ID})
	if err != nil {
		return nil, err
	}
	c.ExternalRefs = append([]ExternalRef{}, refs[c.ID]...)
	if c.deadlines, err = findOpenDeadlines(ctx, q, c.ID); err != nil {
		return nil, err
	}
	if err := findLinks(ctx, q, c); err != nil {
		return nil, err
	}
	if c.Materials, err = findCaseMaterials(ctx, q, c.ID, c.Category); err != nil {
		return nil, err
	}
	if c.Source == SourceCourtReferral {
		if c.Referral, err = findReferral(ctx, q, c.ID); err != nil {
			return nil, err
		}
	}
	if c.Risk, err = findRisk(ctx, q, c); err != nil {
		return nil, err
	}
	return c, nil
}

// findVisibleCase is findCase for the actor a: a case a may not see is
// ErrCaseNotFound, as one that does not exist; a merged case's number
// answers the surviving case.
func findVisibleCase(ctx context.Context, q querier, a Actor, number string) (*Case, error) {
	c, err := findCase(ctx, q, number)
	if err != nil {
		return nil, err
	}
	// A merged case's number answers the case it was merged into.
	if c, err = survivorOf(ctx, q, c); err != nil {
		return nil, err
	}
	if !canSee(a, c) {
		return nil, ErrCaseNotFound
	}
	return c, showLinks(ctx, q, a, c)
}

func findParties(ctx context.Context, q querier, caseID int64) ([]Party, error) {
	var rows []partyRow
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT `+partyColumns+`
		FROM case_parties cp JOIN persons p ON p.id = cp.person_id
		WHERE cp.case_id = ? ORDER BY cp.position`), caseID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch parties: %w", err)
	}
	parties := make([]Party, len(rows))
	for i, r := range rows {
		parties[i] = r.party()
	}
	return parties, nil
}

// partyColumns are a party's columns of case_parties cp joined with
// persons p: a document other than the 身份证 answers as id_number too.
const partyColumns = `cp.id AS party_id, cp.case_id, cp.role, p.kind, p.id AS person_id, p.name, p.id_type,
	COALESCE(p.id_number, p.doc_number) AS id_number, p.country, p.credit_code, p.legal_rep, p.phone,
	cp.claim_fen, cp.claim_period, cp.representative, cp.chain_role`

type partyRow struct {
	PartyID    int64          `db:"party_id"`
	CaseID     int64          `db:"case_id"`
	Role       string         `db:"role"`
	Kind       string         `db:"kind"`
	PersonID   int64          `db:"person_id"`
	Name       string         `db:"name"`
	IDType     string         `db:"id_type"`
	IDNumber   sql.NullString `db:"id_number"`
	Country    string         `db:"country"`
	CreditCode sql.NullString `db:"credit_code"`
	LegalRep   string         `db:"legal_rep"`
	Phone      string         `db:"phone"`
	ClaimFen   sql.NullInt64  `db:"claim_fen"`
	Period     string         `db:"claim_period"`
	Rep        bool           `db:"representative"`
	ChainRole  string         `db:"chain_role"`
}

func (r partyRow) party() Party {
	p := Party{PartyID: r.PartyID, Role: r.Role, Kind: r.Kind, PersonID: r.PersonID, Name: r.Name,
		IDType: r.IDType, IDNumber: r.IDNumber.String, Country: r.Country, CreditCode: r.CreditCode.String,
		LegalRep: r.LegalRep, Phone: r.Phone, ClaimPeriod: r.Period, Representative: r.Rep, ChainRole: r.ChainRole}
	if r.ClaimFen.Valid {
		fen := r.ClaimFen.Int64
		yuan := float64(fen) / 100
		p.claimFen, p.ClaimAmount = &fen, &yuan
	}
	return p
}

// deadlineColumns are the cases row's deadline_at and deadline_rule: the
// running limit's due time and rule, or NULL and "".
func (c *Case) deadlineColumns() (at any, rule string) {
	if c.Deadline != nil {
		return c.Deadline.Due, c.Deadline.Rule
	}
	return nil, ""
}

// saveCaseState writes what a transition may change, guarded by the version
// the transition read, so no two transitions can both apply to one version.
func saveCaseState(ctx context.Context, tx *sqlx.Tx, before, after *Case, now time.Time) error {
	deadlineAt, rule := after.deadlineColumns()
	var closedAt any
	if after.ClosedAt != nil {
		closedAt = *after.ClosedAt
	}
	var closedOnTime any
	if after.ClosedOnTime != nil {
		closedOnTime = *after.ClosedOnTime
	}
	res, err := tx.ExecContext(ctx, tx.Rebind(`
		UPDATE cases SET status = ?, desk = ?, deadline_at = ?, deadline_rule = ?, repeat_visit = ?,
			visit_count = ?, outcome = ?, closed_at = ?, closure_type = ?, closed_on_time = ?,
			reopen_count = ?, warning = ?, supervision = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`),
		after.Status, nullString(after.Desk), deadlineAt, rule, after.RepeatVisit,
		after.Visits, after.Outcome, closedAt, after.ClosureType, closedOnTime,
		after.ReopenCount, after.Warning, after.Supervision, now, after.ID, before.Version)
	if err == nil && after.newCode != "" {
		salt := newSalt()
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE cases SET query_code_salt = ?, query_code_hash = ? WHERE id = ?`),
			salt, hashQueryCode(salt, after.newCode), after.ID)
	}
	if err != nil {
		return fmt.Errorf("store: unable to update case: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrStaleVersion
	}
	for _, d := range after.CoDesks {
		if !slices.Contains(before.CoDesks, d) {
			if _, err := tx.ExecContext(ctx, tx.Rebind(
				`INSERT INTO case_co_desks (case_id, desk, invited_at) VALUES (?, ?, ?)`), after.ID, d, now); err != nil {
				return fmt.Errorf("store: unable to add co-desk: %w", err)
			}
		}
	}
	for _, d := range before.CoDesks {
		if !slices.Contains(after.CoDesks, d) {
			if _, err := tx.ExecContext(ctx, tx.Rebind(
				`DELETE FROM case_co_desks WHERE case_id = ? AND desk = ?`), after.ID, d); err != nil {
				return fmt.Errorf("store: unable to remove co-desk: %w", err)
			}
		}
	}
	after.Version = before.Version + 1
	after.UpdatedAt = now
	if err := saveReferral(ctx, tx, after); err != nil {
		return err
	}
	return saveDeadlines(ctx, tx, after)
}

// appendEvent is the writer of history, but for the warning sweep, which
// writes its warning events in batches (recordCrossings in sweep.go). It
// takes the next seq itself and links the event into both hash chains
// (chain.go); the transaction is IMMEDIATE on the single writer, so the
// heads it reads stay the heads until it commits.
func appendEvent(ctx context.Context, tx *sqlx.Tx, e *Event) error {
	if e.Visibility == "" {
		// An entry nobody marked is staff's alone (files_filed was once
		// stored with "", which the API did not document).
		e.Visibility = VisibilityInternal
	}
	head, prev, err := chainHead(ctx, tx)
	if err != nil {
		return err
	}
	prevCase, err := caseChainHead(ctx, tx, e.CaseID)
	if err != nil {
		return err
	}
	f := chainFields{Seq: head + 1, CaseID: e.CaseID, At: dialectFor(tx).storedTime(e.At), Kind: e.Kind, Desk: e.Desk,
		ActorName: e.ActorName, ActorRole: e.ActorRole, Body: e.Body, Visibility: e.Visibility, Data: string(e.Data)}
	if e.ActorID != nil {
		f.ActorID = sql.NullInt64{Int64: *e.ActorID, Valid: true}
	}
	content := f.canonical()
	_, err = tx.ExecContext(ctx, tx.Rebind(`
		INSERT INTO events (seq, case_id, at, kind, desk, actor_id, actor_name, actor_role, body, visibility, data, hash, case_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		f.Seq, f.CaseID, f.At, f.Kind, f.Desk, f.ActorID, f.ActorName, f.ActorRole, f.Body, f.Visibility, f.Data,
		chainHash(prev, content), chainHash(prevCase, content))
	if err != nil {
		return fmt.Errorf("store: unable to append event: %w", err)
	}
	e.Seq = f.Seq
	// Subscribers hear of it through the webhook outbox, in this transaction.
	return queueWebhooks(ctx, tx, f.Seq-1, f.Seq, e.At)
}

// valueRows is the VALUES list of a multi-row INSERT: rows tuples of cols
// placeholders each.
func valueRows(rows, cols int) string {
	tuple := "(?" + strings.Repeat(", ?", cols-1) + ")"
	return tuple + strings.Repeat(", "+tuple, rows-1)
}

// typedValueRows is valueRows whose first tuple casts its placeholders
// to types: PostgreSQL takes a VALUES column's type from its rows, and a
// column of bare placeholders would be text.
func typedValueRows(rows int, types ...string) string {
	first := make([]string, len(types))
	for i, t := range types {
		first[i] = "CAST(? AS " + t + ")"
	}
	s := "(" + strings.Join(first, ", ") + ")"
	if rows > 1 {
		s += ", " + valueRows(rows-1, len(types))
	}
	return s
}

// inChunks calls fn on consecutive slices of items, at most n long, so a
// set-wise statement stays under the database's limit on bound values.
func inChunks[T any](items []T, n int, fn func([]T) error) error {
	for len(items) > 0 {
		k := min(n, len(items))
		if err := fn(items[:k]); err != nil {
			return err
		}
		items = items[k:]
	}
	return nil
}

// placeholders is the inside of an IN (…) list of n values.
func placeholders(n int) string {
	return "?" + strings.Repeat(", ?", n-1)
}

func findEvents(ctx context.Context, q querier, caseID int64) ([]Event, error) {
	var events []Event
	if err := q.SelectContext(ctx, &events, q.Rebind(`
		SELECT seq, case_id, at, kind, desk, actor_id, actor_name, actor_role, body, visibility, data
		FROM events WHERE case_id = ? ORDER BY seq`), caseID); err != nil {
		return nil, fmt.Errorf("store: unable to fetch timeline: %w", err)
	}
	for i := range events {
		events[i].At = events[i].At.UTC()
	}
	return events, nil
}

func findDesks(ctx context.Context, q querier) ([]Desk, error) {
	var desks []Desk
	if err := q.SelectContext(ctx, &desks,
		`SELECT code, name, sort_order, active FROM desks ORDER BY sort_order, code`); err != nil {
		return nil, fmt.Errorf("store: unable to fetch desks: %w", err)
	}
	return desks, nil
}

func deskLookup(desks []Desk) func(string) (Desk, bool) {
	return func(code string) (Desk, bool) {
		for _, d := range desks {
			if d.Code == code {
				return d, true
			}
		}
		return Desk{}, false
	}
}

// nextCaseNumber allocates the next number of the year inside the intake
// transaction, so numbers are gapless unless an intake rolls back.
func nextCaseNumber(ctx context.Context, tx *sqlx.Tx, year int) (string, error) {
	var seq int64
	err := tx.GetContext(ctx, &seq, tx.Rebind(
		`UPDATE case_counters SET last_seq = last_seq + 1 WHERE year = ? RETURNING last_seq`), year)
	if isNoRows(err) {
		seq = 1
		_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO case_counters (year, last_seq) VALUES (?, 1)`), year)
	}
	if err != nil {
		return "", fmt.Errorf("store: unable to allocate case number: %w", err)
	}
	return FormatCaseNumber(year, seq), nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
