package cases

// What the read models of cases/reports need of this package besides
// Reader (extension.go) and RecoverTo (storage.go), and no more: the error
// constructors, the open statuses and the read rule in SQL.

import (
	"slices"
)

// Invalid is the error for bad input in field.
func Invalid(field, code, msg string) *Error { return invalid(field, code, msg) }

// Forbidden is the error for an actor not allowed to do or see this.
func Forbidden(msg string) *Error { return forbidden(msg) }

// OpenStatuses are the statuses of a case still being handled.
func OpenStatuses() []Status { return slices.Clone(openStatuses) }

// ReadRuleSQL is canSee in SQL over cases c, for read models' WHERE (""
// when a sees every case): intake and leaders see all; a handler what the
// desk holds, co-handles or held before (an event of the desk), and what
// the user registered; anyone else (admins) nothing. Desk and created_by
// come from the cases_list index; a desk's few co-handled cases are read
// once (IN), its events probed per case.
func ReadRuleSQL(a Actor) (string, []any) {
	if a.IsClient() {
		switch {
		case a.Allows(ScopeReadAll):
			return "", nil
		case a.Allows(ScopeReadOwn):
			return `c.created_by = ?`, []any{a.UserID}
		}
		return `1 = 0`, nil
	}
	switch a.Role {
	case RoleIntake, RoleLeader:
		return "", nil
	case RoleHandler:
		if a.Desk != "" {
			return `(c.desk = ? OR c.created_by = ? OR c.id IN (SELECT d.case_id FROM case_co_desks d WHERE d.desk = ?)
			OR EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.id AND e.desk = ?))`, []any{a.Desk, a.UserID, a.Desk, a.Desk}
		}
	}
	return `1 = 0`, nil
}
