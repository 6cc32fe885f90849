package cases

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkSweep100k: the warning sweep over 100,000 open cases, each with a
// running stage limit.
//
//	go test ./cases/ -run '^$' -bench Sweep100k -benchtime 20x
//
// "none" is the every-minute pass that finds nothing to write; "5k" writes
// 5,000 yellow crossings (events, notifications, case warnings) per pass;
// "all" is the worst case, every open case crossing in one pass (the first
// sweep after an upgrade or a long outage): 100,000 crossings, some yellow,
// most red.
func BenchmarkSweep100k(b *testing.B) {
	ctx := context.Background()
	store := openTestStore(b)
	svc := NewService(store)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, ChinaZone).UTC()
	const total, crossing = 100_000, 5_000
	seedSweepCases(b, store, now, total, crossing)

	b.Run("none", func(b *testing.B) {
		// The crossings due at now are written once; every later pass
		// finds nothing.
		if _, err := svc.SweepWarnings(ctx, now); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			res, err := svc.SweepWarnings(ctx, now)
			if err != nil || res != (SweepResult{}) {
				b.Fatalf("%+v %v", res, err)
			}
		}
	})
	b.Run("5k", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			if _, err := store.w.ExecContext(ctx, `UPDATE case_deadlines SET level = '', next_warn_at = yellow_at WHERE id <= ?`, crossing); err != nil {
				b.Fatal(err)
			}
			if _, err := store.w.ExecContext(ctx, `UPDATE cases SET warning = '' WHERE id <= ?`, crossing); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			res, err := svc.SweepWarnings(ctx, now)
			if err != nil || res.Yellow != crossing {
				b.Fatalf("%+v %v", res, err)
			}
		}
	})
	b.Run("all", func(b *testing.B) {
		// 25 days on, every limit has used 80% of its time and those
		// started more than about five days before now are overdue.
		later := now.Add(25 * 24 * time.Hour)
		for b.Loop() {
			b.StopTimer()
			if _, err := store.w.ExecContext(ctx, `UPDATE case_deadlines SET level = '', next_warn_at = yellow_at`); err != nil {
				b.Fatal(err)
			}
			if _, err := store.w.ExecContext(ctx, `UPDATE cases SET warning = ''`); err != nil {
				b.Fatal(err)
			}
			// The reset's own pages are checkpointed before the clock
			// starts: the sweep pays for its writes only.
			if _, err := store.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			res, err := svc.SweepWarnings(ctx, later)
			if err != nil || res.Yellow+res.Red != total || res.Yellow == 0 || res.Red == 0 {
				b.Fatalf("%+v %v", res, err)
			}
		}
	})
}

// openTestStore opens a store in a fresh temporary folder, closed when tb
// ends.
func openTestStore(tb testing.TB) *Store {
	tb.Helper()
	store, err := OpenDatabase(context.Background(), testDatabase(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	return store
}

// seedSweepCases writes total open cases with bulk INSERTs in one
// transaction; the first crossing of them are 80% used at now, the rest
// have weeks to go.
func seedSweepCases(b testing.TB, store *Store, now time.Time, total, crossing int) {
	b.Helper()
	ctx := context.Background()
	tx, err := store.w.BeginTxx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	var user int64
	if err := tx.GetContext(ctx, &user, `INSERT INTO users (username, display_name, password_hash, role, created_at)
		VALUES ('bench', 'bench', '!', 'intake', ?) RETURNING id`, now); err != nil {
		b.Fatal(err)
	}
	caseStmt, err := tx.PrepareContext(ctx, `INSERT INTO cases (id, number, title, category, source, summary, status, desk,
		deadline_at, deadline_rule, query_code_salt, query_code_hash, created_by, created_at, updated_at)
		VALUES (?, ?, '邻里纠纷', 'neighbour', 'walk_in', '楼上漏水', 'in_progress', 'mediation', ?, '一般在一个月内调结', 's', 'h', ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	dlStmt, err := tx.PrepareContext(ctx, `INSERT INTO case_deadlines (case_id, kind, rule_code, label, basis, length, unit,
		days_kind, started_at, due_at, yellow_at, next_warn_at) VALUES (?, 'stage', 'mediation_handling', '一般在一个月内调结', '', 1, 'month', 'calendar', ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i <= total; i++ {
		started := now.Add(-28 * 24 * time.Hour) // 28 of ~31 days used: yellow, not yet due
		if i > crossing {
			started = now.Add(-time.Duration(i%10) * 24 * time.Hour) // a few days in: weeks to go
		}
		due := dueAt(addMonths(started, 1))
		yellow := yellowAt(started, due, DefaultWarnShare)
		if _, err := caseStmt.ExecContext(ctx, i, fmt.Sprintf("YD-2026-%06d", i), due, user, started, started); err != nil {
			b.Fatal(err)
		}
		if _, err := dlStmt.ExecContext(ctx, i, started, due, yellow, yellow); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
