package cases

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
)

// FailureWindows counts failures per subject (an address, an address and
// a username, a case number) in fixed windows in the failure_windows
// table: the sign-in throttle and the public lockouts when several app
// servers share the database, so a guesser cannot spread his attempts over
// them. One node on SQLite counts in memory instead (views/web), faster and
// as safe.
type FailureWindows struct {
	store  *Store
	scope  string
	window time.Duration
	now    func() time.Time
	swept  atomic.Int64 // when this process last removed ended windows (unix ms)
}

// FailureWindows answers the counts of one limit, scope, whose windows
// last window each.
func (s *Service) FailureWindows(scope string, window time.Duration) *FailureWindows {
	return &FailureWindows{store: s.store, scope: scope, window: window, now: time.Now}
}

// Engine is the database engine the service runs on: EngineSQLite or
// EnginePostgres (where several nodes may share the database).
func (s *Service) Engine() string { return s.store.d.engine }

// Failures answers subject's failures in its running window and how long
// that window still runs; 0 and 0 when none is open.
func (f *FailureWindows) Failures(ctx context.Context, subject string) (int, time.Duration, error) {
	now := f.now().UnixMilli()
	var row struct {
		Failures  int   `db:"failures"`
		ExpiresMS int64 `db:"expires_ms"`
	}
	r := f.store.r
	err := r.GetContext(ctx, &row, r.Rebind(`SELECT failures, expires_ms FROM failure_windows
		WHERE scope = ? AND subject = ? AND expires_ms > ?`), f.scope, subject, now)
	if isNoRows(err) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("store: unable to read failures: %w", err)
	}
	return row.Failures, time.Duration(row.ExpiresMS-now) * time.Millisecond, nil
}

// Fail counts one failure for subject, opening a window when none runs.
// Ended windows are removed on the way, every ten minutes or so.
func (f *FailureWindows) Fail(ctx context.Context, subject string) error {
	now := f.now().UnixMilli()
	sweep := false
	if last := f.swept.Load(); now-last > (10 * time.Minute).Milliseconds() {
		sweep = f.swept.CompareAndSwap(last, now)
	}
	return f.store.write(ctx, func(tx *sqlx.Tx) error {
		if sweep {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM failure_windows WHERE expires_ms <= ?`), now); err != nil {
				return fmt.Errorf("store: unable to remove ended failure windows: %w", err)
			}
		}
		// One statement: two nodes counting the same subject at once both count.
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO failure_windows (scope, subject, failures, expires_ms)
			VALUES (?, ?, 1, ?)
			ON CONFLICT (scope, subject) DO UPDATE SET
				failures = CASE WHEN failure_windows.expires_ms <= ? THEN 1 ELSE failure_windows.failures + 1 END,
				expires_ms = CASE WHEN failure_windows.expires_ms <= ? THEN excluded.expires_ms ELSE failure_windows.expires_ms END`),
			f.scope, subject, now+f.window.Milliseconds(), now, now)
		if err != nil {
			return fmt.Errorf("store: unable to count a failure: %w", err)
		}
		return nil
	})
}
