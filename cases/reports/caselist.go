package reports

// The case list, one for every caller: the desk queues and the leader's
// page (ListCases), the /cases page and GET /api/v1/cases (CaseRows), the
// CSV/XLSX exports (EachCase, row by row, so 100k cases never sit in
// memory), and the statistics' click-throughs, whose filters match each
// statistic's numerator exactly.

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"yidi/cases"
)

// CaseFilter selects cases; zero fields do not filter.
type CaseFilter struct {
	Statuses    []cases.Status // in one of these statuses
	Open        bool           // in an open status (cases.OpenStatuses)
	Desk        string         // held (or, once closed, closed) by this desk
	Category    string
	Town        string
	Warning     string // "yellow" | "red"
	ClosureType string // a closure type, or ClosureUnspecified for none
	CoDesk      string // co-handled by this desk (联合调处)
	ReturnedBy  string // a desk that returned it to the window at some point
	Returned    bool   // returned to the window at least once
	Repeat      bool   // flagged as a repeat visit (重复来访)
	Unread      bool   // has citizen messages nobody who must answer has opened
	Unheld      bool   // held by no desk (at the window)
	CreatedBy   int64
	// ExternalRef: the case another system names so (external_ref=SYSTEM:ID).
	ExternalRef *cases.ExternalRef
	// Instants, each range [from, to): intake (created_at) and closing
	// (closed_at). A day given as "to" ends at cases.EndOfDay.
	From, To             time.Time
	ClosedFrom, ClosedTo time.Time
	UpdatedSince         time.Time // changed at or after (updated_at): other systems keep in step
	// Either way or not at all (nil).
	OnTime     *bool // closed within its time limit
	Reopened   *bool // reopened at least once
	Overdue    *bool // open and past its deadline or red (as overdue_open)
	Received   *bool // neither submitted nor declined (as received)
	Satisfied  *bool // rated 4 or 5 (false: rated below 4)
	Supervised *bool // open and under 督办, awaiting a response
	// A statistic of what mediation achieved (OutcomeNames, outcomes.go):
	// the cases behind its numerator, or with OutcomeDen its denominator,
	// over the days [OutcomeFrom, OutcomeTo] (YYYY-MM-DD; "" is open).
	Outcome                string
	OutcomeFrom, OutcomeTo string
	OutcomeDen             bool
	// Risk (cases/risk.go): the current level is one of Risk (RiskNone:
	// never assessed); RiskEver: ever assessed above green; Group: a group
	// case (cases.GroupCaseMinPeople or more people involved).
	Risk     []string
	RiskEver *bool
	Group    *bool
	Sort     string
	Page     int // from 1
	PerPage  int
}

// Orders of a case list.
const (
	SortAge      = "age"      // oldest intake first (the default)
	SortDeadline = "deadline" // soonest deadline first; none first
	SortNew      = "new"      // newest intake first
	// For other systems that keep in step (GET /api/v1/cases?sort=…).
	SortUpdated     = "updated_at"  // least recently changed first
	SortUpdatedDesc = "-updated_at" // most recently changed first
)

// sortNames are the API's words for the orders: intake order either way,
// or by last change.
var sortNames = map[string]string{
	SortAge: SortAge, SortNew: SortNew, SortDeadline: SortDeadline,
	"intake": SortAge, "-intake": SortNew, SortUpdated: SortUpdated, SortUpdatedDesc: SortUpdatedDesc,
}

// CaseRow is one case in a list or export: no ID numbers or phones, only
// the parties' names. The API sends the fields with a JSON name.
type CaseRow struct {
	Number       string       `json:"number"`
	Title        string       `json:"title"`
	Status       cases.Status `json:"status"`
	Desk         string       `json:"desk"`
	Category     string       `json:"category"`
	Town         string       `json:"town"`
	CreatedAt    time.Time    `json:"created_at"`
	ClosedAt     *time.Time   `json:"closed_at"`
	ClosureType  string       `json:"closure_type"`
	ClosedOnTime *bool        `json:"closed_on_time"`
	Warning      string       `json:"warning"`
	Parties      string       `json:"parties"` // names, 、-separated, in intake order
	UpdatedAt    time.Time    `json:"updated_at"`
	Version      int64        `json:"version"`
	Risk         string       `json:"risk"` // the current risk level, "" when never assessed
	// For the pages' tables.
	RepeatVisit bool       `json:"-"`
	Supervision string     `json:"-"`
	DeadlineAt  *time.Time `json:"-"`
	Unread      int        `json:"-"` // citizen messages not yet opened by whoever must answer
	// The first applicant's name, for the 待受理 list: read for submitted
	// applications only, so other lists pay nothing for it.
	Applicant string `json:"-"`
}

// CaseList is one page of a case list and the total count of the filter.
type CaseList struct {
	Total   int
	Page    int
	PerPage int
	Cases   []CaseRow
}

// Case list paging limits.
const (
	MaxListPerPage = 200
	MaxListPage    = 10000
	listPerPage    = 50 // the default
)

// CaseFilterFromQuery reads the list's query parameters (GET
// /api/v1/cases, the /cases page, and the links statistics give), newest
// first, and validates them.
func CaseFilterFromQuery(get func(string) string) (CaseFilter, error) {
	f := CaseFilter{Desk: get("desk"), Category: get("category"), Town: get("town"),
		ClosureType: get("closure_type"), Warning: get("warning"), Sort: SortNew,
		Outcome: get("outcome"), OutcomeFrom: get("outcome_from"), OutcomeTo: get("outcome_to"), OutcomeDen: get("outcome_den") == "true"}
	if v := get("outcome_den"); v != "" && v != "true" && v != "false" {
		return f, cases.Invalid("outcome_den", "invalid_boolean", "只能是 true 或 false")
	}
	if v := get("risk"); v != "" {
		f.Risk = strings.Split(v, ",")
	}
	switch get("open") {
	case "", "false":
	case "true":
		f.Open = true
	default:
		return f, cases.Invalid("open", "invalid_boolean", "只能是 true 或 false")
	}
	if st := get("status"); st != "" {
		f.Statuses = []cases.Status{cases.Status(st)}
	}
	if v := get("sort"); v != "" {
		sort, ok := sortNames[v]
		if !ok {
			return f, cases.Invalid("sort", "unknown_sort", "排序只能是 intake、-intake、updated_at、-updated_at、deadline")
		}
		f.Sort = sort
	}
	if v := get("updated_since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return f, cases.Invalid("updated_since", "invalid_time", "应为 RFC 3339 时间，如 2026-05-01T08:00:00+08:00")
		}
		f.UpdatedSince = t.UTC()
	}
	if v := get("external_ref"); v != "" {
		r, err := cases.ParseExternalRef(v, "external_ref")
		if err != nil {
			return f, err
		}
		f.ExternalRef = &r
	}
	for _, d := range []struct {
		name string
		to   *time.Time
		end  bool
	}{{"from", &f.From, false}, {"to", &f.To, true}, {"closed_from", &f.ClosedFrom, false}, {"closed_to", &f.ClosedTo, true}} {
		if v := get(d.name); v != "" {
			t, err := cases.ParseDay(d.name, v)
			if err != nil {
				return f, err
			}
			if d.end {
				t = cases.EndOfDay(t)
			}
			*d.to = t.UTC()
		}
	}
	for _, b := range []struct {
		name string
		to   **bool
	}{{"on_time", &f.OnTime}, {"reopened", &f.Reopened}, {"overdue", &f.Overdue},
		{"received", &f.Received}, {"satisfied", &f.Satisfied}, {"supervised", &f.Supervised},
		{"risk_ever", &f.RiskEver}, {"group", &f.Group}} {
		switch get(b.name) {
		case "":
		case "true", "false":
			v := get(b.name) == "true"
			*b.to = &v
		default:
			return f, cases.Invalid(b.name, "invalid_boolean", "只能是 true 或 false")
		}
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
			if n < 1 {
				// Given, it must be meant: 0 is not quietly the first page.
				return f, cases.Invalid(p.name, p.name+"_out_of_range", "应为正整数")
			}
			*p.to = n
		}
	}
	return f, f.Validate()
}

// Validate checks values from fixed lists and paging, and fills the
// default page and page size.
func (f *CaseFilter) Validate() error {
	// A typo is an error, not an empty list that looks like "no such cases".
	for _, st := range f.Statuses {
		if !slices.Contains(cases.Statuses, st) {
			return cases.Invalid("status", "unknown_status", fmt.Sprintf("没有“%s”这个状态", st))
		}
	}
	if f.ClosureType != "" && !slices.Contains(StatsClosureTypes, f.ClosureType) {
		return cases.Invalid("closure_type", "unknown_closure_type", fmt.Sprintf("没有“%s”这种结案方式", f.ClosureType))
	}
	if f.Outcome != "" && !slices.Contains(OutcomeNames(), f.Outcome) {
		return cases.Invalid("outcome", "unknown_outcome", fmt.Sprintf("没有“%s”这项调解成效指标", f.Outcome))
	}
	for _, d := range []struct{ name, v string }{{"outcome_from", f.OutcomeFrom}, {"outcome_to", f.OutcomeTo}} {
		if d.v != "" {
			if _, err := cases.ParseDay(d.name, d.v); err != nil {
				return err
			}
		}
	}
	for _, r := range f.Risk {
		if r != RiskNone && !slices.Contains(cases.RiskLevelNames, r) {
			return cases.Invalid("risk", "unknown_risk", "风险等级只能是 red、orange、yellow、green 或 none（未评估），可用逗号分隔多个")
		}
	}
	if f.Warning != "" && f.Warning != "yellow" && f.Warning != "red" {
		return cases.Invalid("warning", "unknown_warning", "预警只能是 yellow（黄色）或 red（红色）")
	}
	f.defaults()
	if f.Page < 1 || f.Page > MaxListPage {
		return cases.Invalid("page", "page_out_of_range", fmt.Sprintf("页码应在1到%d之间", MaxListPage))
	}
	if f.PerPage < 1 || f.PerPage > MaxListPerPage {
		return cases.Invalid("per_page", "per_page_out_of_range", fmt.Sprintf("每页条数应在1到%d之间", MaxListPerPage))
	}
	return nil
}

func (f *CaseFilter) defaults() {
	if f.Page == 0 {
		f.Page = 1
	}
	if f.PerPage == 0 {
		f.PerPage = listPerPage
	}
}

// ListCases answers one page of the cases that match f and that a may see,
// for the pages' tables: the page and its size are brought within limits.
func (s *Service) ListCases(ctx context.Context, a cases.Actor, f CaseFilter) (CaseList, error) {
	if a.Role == cases.RoleAdmin {
		return CaseList{}, cases.Forbidden("管理员账号不办理案件")
	}
	f.defaults()
	f.Page, f.PerPage = max(f.Page, 1), min(max(f.PerPage, 1), MaxListPerPage)
	rows, total, err := s.page(ctx, a, f)
	if err != nil {
		return CaseList{}, err
	}
	return CaseList{Total: total, Page: f.Page, PerPage: f.PerPage, Cases: rows}, nil
}

// CaseRows answers one page of the list and the total; the filter is
// validated first.
func (s *Service) CaseRows(ctx context.Context, a cases.Actor, f CaseFilter) ([]CaseRow, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	return s.page(ctx, a, f)
}

// CountCases counts the cases of the filter that a may see.
func (s *Service) CountCases(ctx context.Context, a cases.Actor, f CaseFilter) (int, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	return s.count(ctx, a, f)
}

// EachCase streams every case of the filter that a may see, in the
// filter's order, one row at a time (paging is ignored); fn's error stops
// it.
func (s *Service) EachCase(ctx context.Context, a cases.Actor, f CaseFilter, fn func(CaseRow) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return s.eachCase(ctx, a, f, "", fn)
}

func (s *Service) count(ctx context.Context, a cases.Actor, f CaseFilter) (int, error) {
	where, args := f.where(cases.SQLOf(s.r), a, s.cases.Now().UTC(), true)
	var n int
	if err := s.r.GetContext(ctx, &n, s.r.Rebind(`SELECT COUNT(*) FROM cases c`+where), args...); err != nil {
		return 0, fmt.Errorf("store: unable to count cases: %w", err)
	}
	return n, nil
}

func (s *Service) page(ctx context.Context, a cases.Actor, f CaseFilter) ([]CaseRow, int, error) {
	total, err := s.count(ctx, a, f)
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

// caseRowColumns is what a case row reads, the parties' names joined as
// the engine spells it.
func caseRowColumns(sql cases.SQL) string {
	return `SELECT c.number, c.title, c.status, COALESCE(c.desk, '') AS desk, c.category, c.town,
	c.created_at, c.closed_at, c.closure_type, c.closed_on_time, c.warning,
	COALESCE((SELECT ` + sql.GroupConcat("name", "'、'") + ` FROM (SELECT p.name FROM case_parties cp JOIN persons p ON p.id = cp.person_id
		WHERE cp.case_id = c.id ORDER BY cp.position) names), '') AS parties,
	c.repeat_visit, c.supervision, c.deadline_at, c.unread_messages, c.updated_at, c.version,
	` + riskLevelSQL + ` AS risk,
	CASE WHEN c.status = 'submitted' THEN COALESCE((SELECT p.name FROM case_parties cp
		JOIN persons p ON p.id = cp.person_id
		WHERE cp.case_id = c.id AND cp.role = 'applicant' ORDER BY cp.position LIMIT 1), '') ELSE '' END AS applicant
	FROM cases c`
}

func (s *Service) eachCase(ctx context.Context, a cases.Actor, f CaseFilter, limit string, fn func(CaseRow) error) error {
	where, args := f.where(cases.SQLOf(s.r), a, s.cases.Now().UTC(), false)
	order := "c.created_at, c.id"
	switch f.Sort {
	case SortDeadline:
		// Plain ascending, so the (desk, status, deadline_at) index yields
		// the page without sorting; a case without a time limit sorts first.
		order = "c.deadline_at, c.id"
	case SortNew:
		order = "c.created_at DESC, c.id DESC"
	case SortUpdated:
		order = "c.updated_at, c.id"
	case SortUpdatedDesc:
		order = "c.updated_at DESC, c.id DESC"
	}
	rows, err := s.r.QueryContext(ctx, s.r.Rebind(caseRowColumns(cases.SQLOf(s.r))+where+` ORDER BY `+order+limit), args...)
	if err != nil {
		return fmt.Errorf("store: unable to list cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r CaseRow
		if err := rows.Scan(&r.Number, &r.Title, &r.Status, &r.Desk, &r.Category, &r.Town, &r.CreatedAt, &r.ClosedAt,
			&r.ClosureType, &r.ClosedOnTime, &r.Warning, &r.Parties,
			&r.RepeatVisit, &r.Supervision, &r.DeadlineAt, &r.Unread, &r.UpdatedAt, &r.Version, &r.Risk, &r.Applicant); err != nil {
			return fmt.Errorf("store: unable to list cases: %w", err)
		}
		r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
		cases.InUTC(&r.ClosedAt, &r.DeadlineAt)
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// where is the read rule and the filter as SQL over cases c, at now, for a
// count or for a page in order (the two may want different indexes).
func (f *CaseFilter) where(sql cases.SQL, a cases.Actor, now time.Time, count bool) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v ...any) { conds = append(conds, cond); args = append(args, v...) }
	// The filter itself may keep to cases the desk holds, co-handles or
	// acted on: the read rule holds, and its ORs would defeat the indexes.
	if d := a.Desk; a.Role != cases.RoleHandler || d == "" || (f.Desk != d && f.CoDesk != d && f.ReturnedBy != d) {
		if rule, v := cases.ReadRuleSQL(a); rule != "" {
			add(rule, v...)
		}
	}
	eq := func(col, v string) {
		if v != "" {
			add(col+` = ?`, v)
		}
	}
	if len(f.Statuses) > 0 {
		add(`c.status IN (?`+strings.Repeat(", ?", len(f.Statuses)-1)+`)`, anys(f.Statuses)...)
	}
	eq("c.desk", f.Desk)
	eq("c.category", f.Category)
	eq("c.town", f.Town)
	if f.Warning != "" {
		// The redundant <> '' lets SQLite use the partial index
		// cases_warning_desk (desk, warning, status, deadline_at).
		add(`c.warning = ? AND c.warning <> ''`, f.Warning)
	}
	if f.ClosureType == ClosureUnspecified {
		add(`c.closure_type = ''`)
	} else {
		eq("c.closure_type", f.ClosureType)
	}
	open := openStatusesSQL()
	supervised := f.Supervised != nil && *f.Supervised
	if f.Open && !supervised {
		// For a page, spelled word for word as the WHERE of the partial
		// index cases_open_created, so the oldest open cases come in index
		// order without a sort; the unary + keeps the status indexes (a
		// sort of all open cases) out of it. A count reads the open
		// statuses' ranges of a status index.
		col := sql.NoIndex("c.status")
		if count {
			col = "c.status"
		}
		add(col + ` IN (` + open + `)`)
	}
	// A closed case keeps its supervision level but awaits nothing.
	if f.Supervised != nil {
		// The unary + leaves the start to the partial index on supervision
		// (the few supervised cases).
		add(not(!*f.Supervised, `c.supervision <> '' AND `+sql.NoIndex("c.status")+` IN (`+open+`)`))
	}
	if f.CoDesk != "" {
		add(`c.id IN (SELECT cd.case_id FROM case_co_desks cd WHERE cd.desk = ?)`, f.CoDesk)
	}
	if f.ReturnedBy != "" {
		add(`c.id IN (SELECT e.case_id FROM events e WHERE e.kind = ? AND e.desk = ?)`, cases.EventReturn, f.ReturnedBy)
	}
	if f.Returned {
		add(`c.id IN (SELECT e.case_id FROM events e WHERE e.kind = ?)`, cases.EventReturn)
	}
	if f.Unread {
		add(`c.unread_messages > 0`)
	}
	if f.Unheld {
		add(`COALESCE(c.desk, '') = ''`)
	}
	if f.Repeat {
		add(`c.repeat_visit = ?`, true)
	}
	if f.CreatedBy != 0 {
		add(`c.created_by = ?`, f.CreatedBy)
	}
	if r := f.ExternalRef; r != nil {
		add(`c.id IN (SELECT x.case_id FROM case_external_refs x WHERE x.system = ? AND x.ext_id = ?)`, r.System, r.ID)
	}
	if !f.From.IsZero() {
		add(`c.created_at >= ?`, f.From.UTC())
	}
	if !f.UpdatedSince.IsZero() {
		add(`c.updated_at >= ?`, f.UpdatedSince)
	}
	if !f.To.IsZero() {
		add(`c.created_at < ?`, f.To.UTC())
	}
	// With a status given, the (status, created_at, …, closed_at, …) index
	// answers the count from the index alone and the page in list order;
	// the unary + keeps SQLite from reading a closed_at range of wide rows
	// and sorting it. Without a status the closed_at index is the start.
	closedAt := "c.closed_at"
	if len(f.Statuses) > 0 {
		closedAt = sql.NoIndex("c.closed_at")
	}
	if !f.ClosedFrom.IsZero() {
		add(closedAt+` >= ?`, f.ClosedFrom.UTC())
	}
	if !f.ClosedTo.IsZero() {
		add(closedAt+` < ?`, f.ClosedTo.UTC())
	}
	if f.OnTime != nil {
		add(`c.closed_on_time = ?`, *f.OnTime)
	}
	if f.Reopened != nil {
		add(not(!*f.Reopened, `(c.reopen_count > 0 OR EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.id AND e.kind = 'reopen'))`))
	}
	if f.Overdue != nil {
		if *f.Overdue {
			add(`c.status IN (`+open+`) AND (c.warning = 'red' OR c.deadline_at < ?)`, now)
		} else {
			add(`NOT (c.status IN (`+open+`) AND (c.warning = 'red' OR COALESCE(c.deadline_at < ?, FALSE)))`, now)
		}
	}
	if f.Received != nil {
		add(not(*f.Received, `c.status IN (?, ?, ?)`), cases.StatusSubmitted, cases.StatusDeclined, cases.StatusMerged)
	}
	if f.Satisfied != nil {
		op := map[bool]string{true: ">= 4", false: "< 4"}[*f.Satisfied]
		add(`EXISTS (SELECT 1 FROM case_ratings r WHERE r.case_id = c.id AND r.score ` + op + `)`)
	}
	if len(f.Risk) > 0 {
		levels := make([]any, len(f.Risk))
		for i, r := range f.Risk {
			levels[i] = strings.TrimPrefix(r, RiskNone) // none is the empty level
		}
		add(riskLevelSQL+` IN (?`+strings.Repeat(", ?", len(levels)-1)+`)`, levels...)
	}
	if f.RiskEver != nil {
		add(not(!*f.RiskEver, `EXISTS (SELECT 1 FROM case_risk r WHERE r.case_id = c.id AND r.peak IN (?, ?, ?))`),
			cases.RiskRed, cases.RiskOrange, cases.RiskYellow)
	}
	if f.Group != nil {
		add(not(!*f.Group, `c.people_count >= ?`), cases.GroupCaseMinPeople)
	}
	if f.Outcome != "" {
		cond, v := outcomeCond(f.Outcome, f.OutcomeFrom, f.OutcomeTo, f.OutcomeDen)
		add(cond, v...)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// RiskNone is the risk filter's word for a case never assessed.
const RiskNone = "none"

// riskLevelSQL is a case's current risk level over cases c, "" for none.
const riskLevelSQL = `COALESCE((SELECT r.level FROM case_risk r WHERE r.case_id = c.id), '')`

// not is cond, negated when neg.
func not(neg bool, cond string) string {
	if neg {
		return "NOT (" + cond + ")"
	}
	return cond
}

func anys[T any](v []T) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

// openStatusesSQL spells cases.OpenStatuses as SQL literals, word for word
// the WHERE of the partial index cases_open_created (migration 00012):
// SQLite uses a partial index only for a query term that matches it, and a
// bound parameter does not. The statuses are constants of package cases.
func openStatusesSQL() string {
	var b strings.Builder
	for i, st := range cases.OpenStatuses() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + string(st) + "'")
	}
	return b.String()
}
