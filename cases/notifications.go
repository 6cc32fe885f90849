package cases

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// The desks' notification inbox (written by the warning sweep): how many a
// user has not read, and marking them read.

// notificationScope is the table and the part of a query that keep a user
// to their own notifications: a handler's desk, the intake window's (” —
// cases not yet routed), every desk for a leader, and for admins their own
// notices (admin_notices: a paused webhook).
func notificationScope(a Actor) (table, cond string, args []any, err error) {
	if a.IsClient() {
		return "", "", nil, errClientsNotAllowed
	}
	switch a.Role {
	case RoleHandler:
		return "desk_notifications", `desk = ?`, []any{a.Desk}, nil
	case RoleIntake:
		return "desk_notifications", `desk = ''`, nil, nil
	case RoleLeader:
		return "desk_notifications", `1 = 1`, nil, nil
	case RoleAdmin:
		return "admin_notices", `1 = 1`, nil, nil
	}
	return "", "", nil, forbidden("无权查看提醒")
}

// UnreadNotifications counts the notifications a's desk has not read, for
// the badge in the navigation; for admins, their own notices.
func (s *Service) UnreadNotifications(ctx context.Context, a Actor) (int, error) {
	table, scope, args, err := notificationScope(a)
	if err != nil {
		return 0, nil
	}
	var n int
	if err := s.store.r.GetContext(ctx, &n, s.store.r.Rebind(
		`SELECT COUNT(*) FROM `+table+` WHERE read_at IS NULL AND `+scope), args...); err != nil {
		return 0, fmt.Errorf("store: unable to count notifications: %w", err)
	}
	return n, nil
}

// MarkNotificationsRead marks the given notifications read, or every unread
// one a may see when ids is empty, in one transaction. Ids of other desks'
// notifications are left alone (a leader sees, and so marks, all). It
// answers how many it marked.
func (s *Service) MarkNotificationsRead(ctx context.Context, a Actor, ids []int64) (int, error) {
	table, scope, args, err := notificationScope(a)
	if err != nil {
		return 0, err
	}
	if len(ids) > 1000 {
		return 0, invalid("ids", "too_many", "一次最多标记1000条")
	}
	q := `UPDATE ` + table + ` SET read_at = ? WHERE read_at IS NULL AND ` + scope
	args = append([]any{s.now().UTC()}, args...)
	if len(ids) > 0 {
		q += ` AND id IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	n := 0
	err = s.store.write(ctx, func(tx *sqlx.Tx) error {
		r, err := tx.ExecContext(ctx, tx.Rebind(q), args...)
		if err != nil {
			return fmt.Errorf("store: unable to mark notifications read: %w", err)
		}
		m, _ := r.RowsAffected()
		n = int(m)
		return nil
	})
	return n, err
}
