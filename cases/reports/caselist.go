package reports

// The case list behind statistics click-throughs and exports: filters that
// match each statistic's numerator exactly, paged for the API and streamed
// row by row for CSV/XLSX so 100k cases never sit in memory.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"yidi/cases"
)

// CaseListFilter selects cases; empty fields do not filter. Dates are China
// time days, inclusive.
type CaseListFilter struct {
	Status      string // one status
	Desk        string
	Category    string
	Town        string
	From, To    string // intake day
	ClosedFrom  string // closed_at day
	ClosedTo    string
	ClosureType string // a closure type, or "unspecified" for none
	OnTime      string // "true" | "false"
	Reopened    string // "true": reopened at least once
	Warning     string // "", "yellow", "red"
	Overdue     string // "true": open and past its deadline or red (as overdue_open)
	Received    string // "true": not submitted/declined (as received)
	Satisfied   string // "true": rated 4 or 5
	Supervised  string // "true": open and under 督办, awaiting a response
	Page        int
	PerPage     int

	from, to, closedFrom, closedTo time.Time
}

// CaseRow is one case in a list or export: no ID numbers or phones, only
// the parties' names.
type CaseRow struct {
	Number       string       `json:"number" db:"number"`
	Title        string       `json:"title" db:"title"`
	Status       cases.Status `json:"status" db:"status"`
	Desk         string       `json:"desk" db:"desk"`
	Category     string       `json:"category" db:"category"`
	Town         string       `json:"town" db:"town"`
	CreatedAt    time.Time    `json:"created_at" db:"created_at"`
	ClosedAt     *time.Time   `json:"closed_at" db:"closed_at"`
	ClosureType  string       `json:"closure_type" db:"closure_type"`
	ClosedOnTime *bool        `json:"closed_on_time" db:"closed_on_time"`
	Warning      string       `json:"warning" db:"warning"`
	Parties      string       `json:"parties" db:"parties"` // names, 、-separated, in intake order
}

// Case list paging limits.
const (
	MaxListPerPage = 200
	MaxListPage    = 10000
)

// Validate checks dates, booleans and paging, and fills the defaults.
func (f *CaseListFilter) Validate() error {
	day := func(field, s string, next bool) (time.Time, error) {
		if s == "" {
			return time.Time{}, nil
		}
		t, err := cases.ParseDay(field, s)
		if err != nil {
			return t, err
		}
		if next {
			t = cases.EndOfDay(t)
		}
		return t.UTC(), nil
	}
	var err error
	if f.from, err = day("from", f.From, false); err != nil {
		return err
	}
	if f.to, err = day("to", f.To, true); err != nil {
		return err
	}
	if f.closedFrom, err = day("closed_from", f.ClosedFrom, false); err != nil {
		return err
	}
	if f.closedTo, err = day("closed_to", f.ClosedTo, true); err != nil {
		return err
	}
	for _, b := range []struct{ field, v string }{{"on_time", f.OnTime}, {"reopened", f.Reopened}, {"overdue", f.Overdue},
		{"received", f.Received}, {"satisfied", f.Satisfied}, {"supervised", f.Supervised}} {
		if b.v != "" && b.v != "true" && b.v != "false" {
			return cases.Invalid(b.field, "invalid_boolean", "只能是 true 或 false")
		}
	}
	// Values from fixed lists: a typo is an error, not an empty list that
	// looks like "no such cases".
	if f.Status != "" && !slices.Contains(cases.Statuses, cases.Status(f.Status)) {
		return cases.Invalid("status", "unknown_status", fmt.Sprintf("没有“%s”这个状态", f.Status))
	}
	if f.ClosureType != "" && !slices.Contains(StatsClosureTypes, f.ClosureType) {
		return cases.Invalid("closure_type", "unknown_closure_type", fmt.Sprintf("没有“%s”这种结案方式", f.ClosureType))
	}
	if f.Warning != "" && f.Warning != "yellow" && f.Warning != "red" {
		return cases.Invalid("warning", "unknown_warning", "预警只能是 yellow（黄色）或 red（红色）")
	}
	if f.Page == 0 {
		f.Page = 1
	}
	if f.PerPage == 0 {
		f.PerPage = 50
	}
	if f.Page < 1 || f.Page > MaxListPage {
		return cases.Invalid("page", "page_out_of_range", fmt.Sprintf("页码应在1到%d之间", MaxListPage))
	}
	if f.PerPage < 1 || f.PerPage > MaxListPerPage {
		return cases.Invalid("per_page", "per_page_out_of_range", fmt.Sprintf("每页条数应在1到%d之间", MaxListPerPage))
	}
	return nil
}

// where is the filter and the read rule as SQL over cases c.
func (f *CaseListFilter) where(a cases.Actor, now time.Time) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v ...any) { conds = append(conds, cond); args = append(args, v...) }
	switch a.Role {
	case cases.RoleIntake, cases.RoleLeader:
	case cases.RoleHandler:
		// canSee in SQL: holds, co-handles, held before, or registered it.
		// desk and created_by come from the cases_list index; a desk's few
		// co-handled cases are read once (IN), its events probed per case.
		add(`(c.desk = ? OR c.created_by = ? OR c.id IN (SELECT d.case_id FROM case_co_desks d WHERE d.desk = ?)
			OR EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.id AND e.desk = ?))`, a.Desk, a.UserID, a.Desk, a.Desk)
		if a.Desk == "" {
			add(`1 = 0`)
		}
	default:
		add(`1 = 0`)
	}
	eq := func(col, v string) {
		if v != "" {
			add(col+` = ?`, v)
		}
	}
	eq("c.status", f.Status)
	eq("c.desk", f.Desk)
	eq("c.category", f.Category)
	eq("c.town", f.Town)
	if f.Warning != "" {
		// The redundant <> '' lets SQLite use the partial index cases_warning_desk.
		add(`c.warning = ? AND c.warning <> ''`, f.Warning)
	}
	if f.ClosureType == ClosureUnspecified {
		add(`c.closure_type = ''`)
	} else {
		eq("c.closure_type", f.ClosureType)
	}
	if !f.from.IsZero() {
		add(`c.created_at >= ?`, f.from)
	}
	if !f.to.IsZero() {
		add(`c.created_at < ?`, f.to)
	}
	// With a status given, the (status, created_at, …, closed_at, …) index
	// answers the count from the index alone and the page in list order;
	// the unary + keeps SQLite from reading a closed_at range of wide rows
	// and sorting it. Without a status the closed_at index is the start.
	closedAt := "c.closed_at"
	if f.Status != "" {
		closedAt = "+c.closed_at"
	}
	if !f.closedFrom.IsZero() {
		add(closedAt+` >= ?`, f.closedFrom)
	}
	if !f.closedTo.IsZero() {
		add(closedAt+` < ?`, f.closedTo)
	}
	switch f.OnTime {
	case "true":
		add(`c.closed_on_time = ?`, true)
	case "false":
		add(`c.closed_on_time = ?`, false)
	}
	switch f.Reopened {
	case "true":
		add(`(c.reopen_count > 0 OR EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.id AND e.kind = 'reopen'))`)
	case "false":
		add(`(c.reopen_count = 0 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.id AND e.kind = 'reopen'))`)
	}
	open := cases.OpenStatuses()
	openIn := `c.status IN (?` + strings.Repeat(", ?", len(open)-1) + `)`
	var openArgs []any
	for _, s := range open {
		openArgs = append(openArgs, string(s))
	}
	switch f.Overdue {
	case "true":
		add(openIn+` AND (c.warning = 'red' OR c.deadline_at < ?)`, append(openArgs, now)...)
	case "false":
		add(`NOT (`+openIn+` AND (c.warning = 'red' OR COALESCE(c.deadline_at < ?, 0)))`, append(openArgs, now)...)
	}
	switch f.Received {
	case "true":
		add(`c.status NOT IN (?, ?)`, cases.StatusSubmitted, cases.StatusDeclined)
	case "false":
		add(`c.status IN (?, ?)`, cases.StatusSubmitted, cases.StatusDeclined)
	}
	switch f.Satisfied {
	case "true":
		add(`EXISTS (SELECT 1 FROM case_ratings r WHERE r.case_id = c.id AND r.score >= 4)`)
	case "false":
		add(`EXISTS (SELECT 1 FROM case_ratings r WHERE r.case_id = c.id AND r.score < 4)`)
	}
	// A closed case keeps its supervision level but awaits nothing.
	switch f.Supervised {
	case "true":
		// The unary + leaves the start to the partial index on supervision.
		add(`c.supervision <> '' AND +`+openIn, openArgs...)
	case "false":
		add(`NOT (c.supervision <> '' AND `+openIn+`)`, openArgs...)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

const caseRowColumns = `SELECT c.number, c.title, c.status, COALESCE(c.desk, '') AS desk, c.category, c.town,
	c.created_at, c.closed_at, c.closure_type, c.closed_on_time, c.warning,
	COALESCE((SELECT group_concat(name, '、') FROM (SELECT p.name FROM case_parties cp JOIN persons p ON p.id = cp.person_id
		WHERE cp.case_id = c.id ORDER BY cp.position)), '') AS parties
	FROM cases c`

// CountCases counts the cases of the filter that a may see.
func (s *Service) CountCases(ctx context.Context, a cases.Actor, f CaseListFilter) (int, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	where, args := f.where(a, s.cases.Now().UTC())
	var n int
	if err := s.r.GetContext(ctx, &n, s.r.Rebind(`SELECT COUNT(*) FROM cases c`+where), args...); err != nil {
		return 0, fmt.Errorf("store: unable to count cases: %w", err)
	}
	return n, nil
}

// CaseRows answers one page of the list, newest intake first, and the total.
func (s *Service) CaseRows(ctx context.Context, a cases.Actor, f CaseListFilter) ([]CaseRow, int, error) {
	total, err := s.CountCases(ctx, a, f)
	if err != nil {
		return nil, 0, err
	}
	out := []CaseRow{}
	err = s.eachCase(ctx, a, f, ` LIMIT `+strconv.Itoa(f.PerPage)+` OFFSET `+strconv.Itoa((f.Page-1)*f.PerPage), func(r CaseRow) error {
		out = append(out, r)
		return nil
	})
	return out, total, err
}

// EachCase streams every case of the filter that a may see, newest intake
// first, one row at a time (paging is ignored); fn's error stops it.
func (s *Service) EachCase(ctx context.Context, a cases.Actor, f CaseListFilter, fn func(CaseRow) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return s.eachCase(ctx, a, f, "", fn)
}

func (s *Service) eachCase(ctx context.Context, a cases.Actor, f CaseListFilter, limit string, fn func(CaseRow) error) error {
	where, args := f.where(a, s.cases.Now().UTC())
	rows, err := s.r.QueryxContext(ctx, s.r.Rebind(caseRowColumns+where+` ORDER BY c.created_at DESC, c.id DESC`+limit), args...)
	if err != nil {
		return fmt.Errorf("store: unable to list cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r CaseRow
		var onTime sql.NullBool
		var closed sql.NullTime
		if err := rows.Scan(&r.Number, &r.Title, &r.Status, &r.Desk, &r.Category, &r.Town, &r.CreatedAt, &closed,
			&r.ClosureType, &onTime, &r.Warning, &r.Parties); err != nil {
			return fmt.Errorf("store: unable to list cases: %w", err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		if closed.Valid {
			t := closed.Time.UTC()
			r.ClosedAt = &t
		}
		if onTime.Valid {
			b := onTime.Bool
			r.ClosedOnTime = &b
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CaseListFilterFromQuery reads the list's query parameters (GET
// /api/v1/cases, and the links statistics give) and validates them.
func CaseListFilterFromQuery(get func(string) string) (CaseListFilter, error) {
	f := CaseListFilter{
		Status: get("status"), Desk: get("desk"), Category: get("category"), Town: get("town"),
		From: get("from"), To: get("to"), ClosedFrom: get("closed_from"), ClosedTo: get("closed_to"),
		ClosureType: get("closure_type"), OnTime: get("on_time"), Reopened: get("reopened"),
		Warning: get("warning"), Overdue: get("overdue"), Received: get("received"), Satisfied: get("satisfied"), Supervised: get("supervised"),
	}
	for _, p := range []struct {
		name string
		to   *int
	}{{"page", &f.Page}, {"per_page", &f.PerPage}} {
		if v := get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return f, cases.Invalid(p.name, "invalid_"+p.name, "应为整数")
			}
			*p.to = n
		}
	}
	return f, f.Validate()
}
