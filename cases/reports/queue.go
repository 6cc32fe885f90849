package reports

import (
	"context"
	"fmt"
	"strings"
	"time"

	"yidi/cases"
)

// CaseFilter selects a list of cases: a desk queue, a leader's drill-down,
// an export. Zero fields do not filter.
type CaseFilter struct {
	Desk       string         // held by this desk
	Statuses   []cases.Status // in one of these statuses
	Open       bool           // not closed (nor declined, once that exists)
	Warning    string         // "yellow" | "red"
	Supervised bool           // under 督办, awaiting a response
	CoDesk     string         // co-handled by this desk (联合调处)
	ReturnedBy string         // a desk that returned it to the window at some point
	Returned   bool           // returned to the window at least once
	CreatedBy  int64
	Repeat     bool // flagged as a repeat visit (重复来访)
	Unread     bool // has citizen messages nobody who must answer has opened
	Unheld     bool // held by no desk (at the window)
	Town       string
	Category   string
	From, To   time.Time // on created_at
	Sort       string    // "age" (oldest first, default) | "deadline" (soonest first; none first) | "new"
	Page       int       // from 1
	PerPage    int       // default 50, at most 200
}

// CaseSummary is one row of a case list.
type CaseSummary struct {
	Number      string       `db:"number" json:"number"`
	Title       string       `db:"title" json:"title"`
	Category    string       `db:"category" json:"category"`
	Status      cases.Status `db:"status" json:"status"`
	Desk        string       `db:"desk" json:"desk"`
	Town        string       `db:"town" json:"town"`
	RepeatVisit bool         `db:"repeat_visit" json:"repeat_visit"`
	Warning     string       `db:"warning" json:"warning"`
	Supervision string       `db:"supervision" json:"supervision"`
	CreatedAt   time.Time    `db:"created_at" json:"created_at"`
	DeadlineAt  *time.Time   `db:"deadline_at" json:"deadline_at"`
	// Unread counts citizen messages not yet opened by whoever must answer.
	Unread int `db:"unread_messages" json:"unread_messages"`
	// Applicant is the first applicant's name, for the 待受理 list: read
	// for submitted applications only, so other lists pay nothing for it.
	Applicant string `db:"applicant" json:"applicant"`
}

// CaseList is one page of a case list and the total count of the filter.
type CaseList struct {
	Total   int           `json:"total"`
	Page    int           `json:"page"`
	PerPage int           `json:"per_page"`
	Cases   []CaseSummary `json:"cases"`
}

// Queue is a named case list of a desk's workbench (工作台).
type Queue struct {
	Key    string
	Label  string
	Filter CaseFilter
}

// QueueCount is a queue with how many cases wait in it.
type QueueCount struct {
	Queue
	Count int
}

// QueuesFor lists the workbench queues of a user, in the order shown.
// Other parts append theirs here (e.g. online applications for intake).
func QueuesFor(a cases.Actor) []Queue {
	switch a.Role {
	case cases.RoleHandler:
		return []Queue{
			{Key: "routed", Label: "待签收", Filter: CaseFilter{Desk: a.Desk, Statuses: []cases.Status{cases.StatusRouted}}},
			{Key: "in_progress", Label: "办理中", Filter: CaseFilter{Desk: a.Desk, Statuses: []cases.Status{cases.StatusInProgress}}},
			{Key: "co", Label: "联合调处", Filter: CaseFilter{CoDesk: a.Desk, Open: true}},
			{Key: "returned", Label: "已退回", Filter: CaseFilter{ReturnedBy: a.Desk, Statuses: []cases.Status{cases.StatusRegistered}}},
			{Key: "unread", Label: "新留言", Filter: CaseFilter{Desk: a.Desk, Unread: true}},
		}
	case cases.RoleIntake, cases.RoleLeader:
		return []Queue{
			{Key: "registered", Label: "待分流", Filter: CaseFilter{Statuses: []cases.Status{cases.StatusRegistered}}},
			{Key: "returned", Label: "退回窗口", Filter: CaseFilter{Statuses: []cases.Status{cases.StatusRegistered}, Returned: true}},
			{Key: "routed", Label: "待签收", Filter: CaseFilter{Statuses: []cases.Status{cases.StatusRouted}}},
			// 网上申请 waiting to be registered or declined.
			{Key: "submitted", Label: "待受理", Filter: CaseFilter{Statuses: []cases.Status{cases.StatusSubmitted}, Sort: "age"}},
			// Messages on cases no desk holds are the window's to answer.
			{Key: "unread", Label: "新留言", Filter: CaseFilter{Unheld: true, Unread: true}},
		}
	}
	return nil
}

// QueueCounts answers every queue of a's workbench with its count, for the
// navigation and the workbench tabs.
func (s *Service) QueueCounts(ctx context.Context, a cases.Actor) ([]QueueCount, error) {
	var out []QueueCount
	for _, q := range QueuesFor(a) {
		where, args := q.Filter.where(a, true)
		var n int
		if err := s.r.GetContext(ctx, &n, s.r.Rebind(`SELECT COUNT(*) FROM cases c WHERE `+where), args...); err != nil {
			return nil, fmt.Errorf("store: unable to count queue %s: %w", q.Key, err)
		}
		out = append(out, QueueCount{Queue: q, Count: n})
	}
	return out, nil
}

// ListCases answers one page of the cases that match f and that a may see.
func (s *Service) ListCases(ctx context.Context, a cases.Actor, f CaseFilter) (CaseList, error) {
	if a.Role == cases.RoleAdmin {
		return CaseList{}, cases.Forbidden("管理员账号不办理案件")
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	if f.PerPage > 200 {
		f.PerPage = 200
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	list := CaseList{Page: f.Page, PerPage: f.PerPage, Cases: []CaseSummary{}}
	r := s.r
	where, args := f.where(a, true)
	if err := r.GetContext(ctx, &list.Total, r.Rebind(`SELECT COUNT(*) FROM cases c WHERE `+where), args...); err != nil {
		return CaseList{}, fmt.Errorf("store: unable to count cases: %w", err)
	}
	where, args = f.where(a, false)
	order := "c.created_at, c.id"
	switch f.Sort {
	case "deadline":
		// Plain ascending, so the (desk, status, deadline_at) index yields
		// the page without sorting; a case without a time limit sorts first.
		order = "c.deadline_at, c.id"
	case "new":
		order = "c.created_at DESC, c.id DESC"
	}
	q := `SELECT c.number, c.title, c.category, c.status, COALESCE(c.desk, '') AS desk, c.town,
		c.repeat_visit, c.warning, c.supervision, c.created_at, c.deadline_at, c.unread_messages,
		CASE WHEN c.status = 'submitted' THEN COALESCE((SELECT p.name FROM case_parties cp
			JOIN persons p ON p.id = cp.person_id
			WHERE cp.case_id = c.id AND cp.role = 'applicant' ORDER BY cp.position LIMIT 1), '') ELSE '' END AS applicant
		FROM cases c WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
	args = append(args, f.PerPage, (f.Page-1)*f.PerPage)
	if err := r.SelectContext(ctx, &list.Cases, r.Rebind(q), args...); err != nil {
		return CaseList{}, fmt.Errorf("store: unable to list cases: %w", err)
	}
	for i := range list.Cases {
		c := &list.Cases[i]
		c.CreatedAt = c.CreatedAt.UTC()
		if c.DeadlineAt != nil {
			t := c.DeadlineAt.UTC()
			c.DeadlineAt = &t
		}
	}
	return list, nil
}

// where spells the filter and the read rule of canSee in SQL, for a count
// or for a page in order (the two may want different indexes).
func (f CaseFilter) where(a cases.Actor, count bool) (string, []any) {
	conds := []string{}
	var args []any
	add := func(cond string, v ...any) {
		conds = append(conds, cond)
		args = append(args, v...)
	}
	switch a.Role {
	case cases.RoleIntake, cases.RoleLeader:
	case cases.RoleHandler:
		if a.Desk != "" && (f.Desk == a.Desk || f.CoDesk == a.Desk || f.ReturnedBy == a.Desk) {
			// The filter itself keeps to cases the desk holds, co-handles or
			// acted on: the read rule holds, and its ORs would defeat the indexes.
			break
		}
		add(`(c.desk = ? OR c.created_by = ?
			OR EXISTS (SELECT 1 FROM case_co_desks cd WHERE cd.case_id = c.id AND cd.desk = ?)
			OR EXISTS (SELECT 1 FROM events e WHERE e.desk = ? AND e.case_id = c.id))`, a.Desk, a.UserID, a.Desk, a.Desk)
	default:
		add(`1 = 0`)
	}
	if f.Desk != "" {
		add(`c.desk = ?`, f.Desk)
	}
	if len(f.Statuses) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
		conds = append(conds, `c.status IN (`+marks+`)`)
	}
	if f.Open {
		// For a page, spelled word for word as the WHERE of the partial
		// index cases_open_created, so the oldest open cases come in index
		// order without a sort; the unary + keeps the status indexes (a
		// sort of all open cases) out of it, and with 督办 asked for the
		// few supervised cases (partial index) are the start. A count
		// without 督办 reads the open statuses' ranges of a status index.
		col := "+c.status"
		if count && !f.Supervised {
			col = "c.status"
		}
		conds = append(conds, col+` IN (`+openStatusesSQL()+`)`)
	}
	if f.Warning != "" {
		// The redundant <> '' lets SQLite use the partial index
		// cases_warning_desk (desk, warning, status, deadline_at).
		add(`c.warning = ? AND c.warning <> ''`, f.Warning)
	}
	if f.Supervised {
		add(`c.supervision <> ''`)
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
	if f.Town != "" {
		add(`c.town = ?`, f.Town)
	}
	if f.Category != "" {
		add(`c.category = ?`, f.Category)
	}
	if !f.From.IsZero() {
		add(`c.created_at >= ?`, f.From.UTC())
	}
	if !f.To.IsZero() {
		add(`c.created_at <= ?`, f.To.UTC())
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

// openStatusesSQL spells openStatuses as SQL literals, word for word the
// WHERE of the partial index cases_open_created (migration 00012): SQLite
// uses a partial index only for a query term that matches it, and a bound
// parameter does not. The statuses are constants of this package.
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
