package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"yidi/internal/testdb"
	"yidi/migrations"
)

// The warning sweep writes its events in batches outside appendEvent; they
// must still chain: a case with two limits crossing in one pass, cases
// whose events come in two passes, and an event appended afterwards.
func TestSweepEventsChain(t *testing.T) {
	ctx := context.Background()
	store := openTestStore(t)
	svc := NewService(store)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, ChinaZone).UTC()
	seedSweepCases(t, store, now, 300, 100)
	// Case 1 gets a second limit, crossing in the same pass as its first.
	if _, err := store.w.ExecContext(ctx, `INSERT INTO case_deadlines (case_id, kind, rule_code, label, basis, length, unit,
		days_kind, started_at, due_at, yellow_at, next_warn_at)
		SELECT case_id, 'supervision', rule_code, '督办期限', basis, length, unit, days_kind, started_at, due_at, yellow_at, next_warn_at
		FROM case_deadlines WHERE case_id = 1`); err != nil {
		t.Fatal(err)
	}
	res, err := svc.SweepWarnings(ctx, now)
	if err != nil || res.Yellow != 101 {
		t.Fatalf("first pass: %+v %v", res, err)
	}
	// Weeks later the first 100 are overdue (red) and the rest yellow.
	res, err = svc.SweepWarnings(ctx, now.Add(25*24*time.Hour))
	if err != nil || res.Red+res.Yellow < 200 {
		t.Fatalf("second pass: %+v %v", res, err)
	}
	check, err := svc.VerifyChains(ctx)
	if err != nil || !check.OK || check.Events != int64(101+res.Red+res.Yellow) || check.Cases != 300 {
		t.Fatalf("after the sweeps: %+v %v", check, err)
	}
	last, err := svc.LastChainCheck(ctx)
	if err != nil || last == nil || !last.OK || last.Events != check.Events {
		t.Fatalf("recorded check: %+v %v", last, err)
	}
	if h := svc.Health(); h.LastVerification == nil || !h.LastVerification.OK {
		t.Fatalf("health: %+v", h)
	}
}

// The tables of history refuse to be rewritten through SQL, but for the
// columns the domain does change (an agreement superseded once, a 回访
// recorded once).
func TestHistoryTablesRefuseRewrites(t *testing.T) {
	ctx := context.Background()
	store := openTestStore(t)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, ChinaZone).UTC()
	seedSweepCases(t, store, now, 2, 0)
	exec := func(q string, args ...any) error {
		_, err := store.w.ExecContext(ctx, q, args...)
		return err
	}
	for _, q := range []string{
		`INSERT INTO case_ratings (case_id, score, rated_at) VALUES (1, 5, '2026-11-23 10:00:00+00:00')`,
		`INSERT INTO mediation_agreements (id, case_id, desk, number, version, form, facts, terms, reached_on, effective_on, confirmation_due, created_at, created_by)
			VALUES (1, 1, 'mediation', '（2026）一地人调字第1号', 1, 'written', '事实', '条款', '2026-11-23', '2026-11-23', '2026-12-23', '2026-11-23 10:00:00+00:00', 'li')`,
		`INSERT INTO mediation_agreements (id, case_id, desk, number, version, supersedes, form, facts, terms, reached_on, effective_on, confirmation_due, created_at, created_by)
			VALUES (2, 1, 'mediation', '（2026）一地人调字第1号', 2, 1, 'written', '事实', '新条款', '2026-11-23', '2026-11-23', '2026-12-23', '2026-11-23 10:00:00+00:00', 'li')`,
		`INSERT INTO mediation_obligations (id, agreement_id, position, obligor, obligee, content, due_on) VALUES (1, 1, 1, '李四', '张三', '赔偿', '2026-12-01')`,
		`INSERT INTO mediation_performances (obligation_id, status, on_date, recorded_at, recorded_by) VALUES (1, 'performed', '2026-12-01', '2026-12-01 10:00:00+00:00', 'li')`,
		`INSERT INTO mediation_followups (id, case_id, desk, reason, obligation_id, due_on, status, created_at) VALUES (1, 1, 'mediation', 'obligation_due', 1, '2026-12-04', 'open', '2026-11-23 10:00:00+00:00')`,
	} {
		if err := exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	refused := []string{
		`UPDATE case_ratings SET score = 1`,
		`DELETE FROM case_ratings`,
		`UPDATE mediation_agreements SET terms = '改过的条款' WHERE id = 1`,
		`DELETE FROM mediation_agreements WHERE id = 2`,
		`UPDATE mediation_obligations SET amount_fen = 1`,
		`DELETE FROM mediation_obligations`,
		`UPDATE mediation_performances SET status = 'partial'`,
		`DELETE FROM mediation_performances`,
		`UPDATE mediation_followups SET due_on = '2027-01-01'`,
		`DELETE FROM mediation_followups`,
	}
	for _, q := range refused {
		if err := exec(q); err == nil || !strings.Contains(err.Error(), "never") && !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}
	// What the domain does: supersede once, record a 回访 once.
	if err := exec(`UPDATE mediation_agreements SET superseded_by = 2 WHERE id = 1`); err != nil {
		t.Fatalf("superseding: %v", err)
	}
	if err := exec(`UPDATE mediation_agreements SET superseded_by = NULL WHERE id = 1`); err == nil {
		t.Error("an agreement was un-superseded")
	}
	if err := exec(`UPDATE mediation_followups SET status = 'done', method = 'phone', note = '已履行' WHERE id = 1`); err != nil {
		t.Fatalf("recording the follow-up: %v", err)
	}
	if err := exec(`UPDATE mediation_followups SET note = '改过' WHERE id = 1`); err == nil {
		t.Error("a recorded follow-up was edited")
	}
}

// The serialisation is part of every stored hash: a change to it breaks
// every chain already written, so it is pinned here.
func TestChainSerialisationIsPinned(t *testing.T) {
	f := chainFields{Seq: 12, CaseID: 3, At: "2026-11-23 10:00:00+00:00", Kind: "intake", Desk: "",
		ActorName: "窗口", ActorRole: "intake", Body: "a,b:c", Visibility: "internal", Data: "{}"}
	want := "12:yidi-event-1,2:12,1:3,25:2026-11-23 10:00:00+00:00,6:intake,0:,0:,6:窗口,6:intake,5:a,b:c,8:internal,2:{},"
	if got := string(f.canonical()); got != want {
		t.Fatalf("canonical:\n got %s\nwant %s", got, want)
	}
	sum := sha256.Sum256([]byte("prev\n" + want))
	if got := chainHash("prev", f.canonical()); got != hex.EncodeToString(sum[:]) {
		t.Fatalf("chainHash: %s", got)
	}
}

// A database from before 00017: the first Open after the upgrade hashes
// its events (more than one page of them), in seq order, once; from then
// on no event can be updated.
func TestUpgradeBackfillsTheChains(t *testing.T) {
	testdb.SkipOnPostgres(t, "a SQLite database from before 00017; PostgreSQL starts after it")
	ctx := context.Background()
	dir := t.TempDir()
	store, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, store.w.DB, migrations.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 16); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, ChinaZone).UTC()
	seedSweepCases(t, store, now, 3, 0)
	// Events as the old code wrote them, more than a backfill page, the
	// cases interleaved.
	if _, err := store.w.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO events (case_id, at, kind, desk, actor_id, actor_name, actor_role, body, visibility, data)
		SELECT 1 + i % 3, ?, 'note', 'mediation', CASE WHEN i % 2 = 0 THEN 1 END, '李', 'handler', '第' || i || '条', 'internal', '{}' FROM n`,
		backfillPage+7, now); err != nil {
		t.Fatal(err)
	}
	store.Close()
	if store, err = Open(ctx, dir); err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := NewService(store)
	check, err := svc.VerifyChains(ctx)
	if err != nil || !check.OK || check.Events != backfillPage+7 || check.Cases != 3 {
		t.Fatalf("after the upgrade: %+v %v", check, err)
	}
	if _, err := store.w.ExecContext(ctx, `UPDATE events SET hash = '' WHERE seq = 1`); err == nil {
		t.Fatal("an event's hash could be reset after the backfill")
	}
	if _, err := store.w.ExecContext(ctx, `UPDATE event_chain SET backfilled = FALSE`); err == nil {
		t.Fatal("the backfill could be re-armed")
	}
}
