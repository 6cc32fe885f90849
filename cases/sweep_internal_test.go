package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yidi/internal/testdb"
)

// testDatabase is a fresh database for t on the engine of this run.
func testDatabase(t testing.TB) Database {
	t.Helper()
	engine, dsn := testdb.Config(t)
	return Database{Dir: t.TempDir(), Engine: engine, DSN: dsn}
}

// sweepFixture is a database with cases whose stage limits started at
// clock: n cases accepted at the mediation desk (1 month, calendar days).
func sweepFixture(t *testing.T, clock time.Time, n int) (db Database, numbers []string) {
	t.Helper()
	PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	db = testDatabase(t)
	store, err := OpenDatabase(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := NewService(store)
	svc.SetClock(func() time.Time { return clock })
	actors := map[string]Actor{}
	for _, u := range []UserInput{
		{Username: "intake", Role: RoleIntake, Name: "王窗口"},
		{Username: "mediation", Role: RoleHandler, Desk: "mediation", Name: "李调解"},
	} {
		u.Password = "password-" + u.Username
		created, err := svc.CreateUser(ctx, SystemActor, u)
		if err != nil {
			t.Fatal(err)
		}
		actors[u.Username] = Actor{UserID: created.UserID, Username: u.Username, Name: u.Name, Role: u.Role, Desk: u.Desk}
	}
	for i := 0; i < n; i++ {
		res, err := svc.Intake(ctx, actors["intake"], IntakeInput{Title: fmt.Sprintf("邻里纠纷%d", i), Category: "neighbour",
			Source: "walk_in", Summary: "楼上漏水", PeopleCount: 1,
			Parties: []PartyInput{{Role: PartyApplicant, Name: "张三", Phone: fmt.Sprintf("1380000%04d", i)}}}, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []struct {
			who string
			req ActionRequest
		}{{"intake", ActionRequest{Action: "route", Desk: "mediation"}}, {"mediation", ActionRequest{Action: "accept"}}} {
			if _, err := svc.Do(ctx, actors[r.who], res.Case.Number, r.req); err != nil {
				t.Fatal(err)
			}
		}
		numbers = append(numbers, res.Case.Number)
	}
	return db, numbers
}

// openSweepFixture opens a sweepFixture of n cases registered on 12 Oct
// 2026 and answers the store, the case numbers and the first case.
func openSweepFixture(t *testing.T, n int) (*Store, []string, *Case) {
	t.Helper()
	db, numbers := sweepFixture(t, time.Date(2026, 10, 12, 10, 0, 0, 0, ChinaZone), n)
	store, err := OpenDatabase(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	first, err := findCase(context.Background(), store.r, numbers[0])
	if err != nil {
		t.Fatal(err)
	}
	return store, numbers, first
}

// Two processes (two stores over one file) sweep at the same instant: every
// crossing is written exactly once, and a later sweep writes nothing.
func TestSweepCrossesEachThresholdOnceEvenWhenTwoProcessesRunIt(t *testing.T) {
	ctx := context.Background()
	// Accepted Mon 12 Oct 2026 10:00 China time: due Thu 12 Nov 23:59:59;
	// 80% of the time is used on Wed 6 Nov around 10:00.
	accepted := time.Date(2026, 10, 12, 10, 0, 0, 0, ChinaZone)
	db, numbers := sweepFixture(t, accepted, 20)

	svcs := twoProcesses(t, db, nil)
	probe := svcs[0]
	versions := map[string]int64{}
	for _, n := range numbers {
		c, err := findCase(ctx, probe.store.r, n)
		if err != nil {
			t.Fatal(err)
		}
		versions[n] = c.Version
	}

	sweepBoth := func(now time.Time) SweepResult {
		t.Helper()
		return sweepAtOnce(t, svcs, now)
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := probe.store.r.Get(&n, probe.store.r.Rebind(q), args...); err != nil {
			t.Fatal(err)
		}
		return n
	}

	if got := sweepBoth(time.Date(2026, 11, 1, 9, 0, 0, 0, ChinaZone)); got != (SweepResult{}) {
		t.Fatalf("before 80%% of the time nothing warns, got %+v", got)
	}
	if got := sweepBoth(time.Date(2026, 11, 7, 9, 0, 0, 0, ChinaZone)); got != (SweepResult{Yellow: 20}) {
		t.Fatalf("after 80%%: %+v, want 20 yellow in total", got)
	}
	if got := sweepBoth(time.Date(2026, 11, 7, 9, 1, 0, 0, ChinaZone)); got != (SweepResult{}) {
		t.Fatalf("a second sweep wrote %+v", got)
	}
	if got := sweepBoth(time.Date(2026, 11, 13, 0, 0, 1, 0, ChinaZone)); got != (SweepResult{Red: 20}) {
		t.Fatalf("overdue: %+v, want 20 red", got)
	}
	if got := sweepBoth(time.Date(2026, 11, 20, 0, 0, 0, 0, ChinaZone)); got != (SweepResult{}) {
		t.Fatalf("red is the last level, got %+v", got)
	}
	for _, n := range numbers {
		c, err := findCase(ctx, probe.store.r, n)
		if err != nil {
			t.Fatal(err)
		}
		if c.Warning != "red" {
			t.Errorf("%s warning %q, want red", n, c.Warning)
		}
		if c.Version != versions[n] {
			t.Errorf("%s version moved from %d to %d: a sweep must not make open forms stale", n, versions[n], c.Version)
		}
		if got := count(`SELECT COUNT(*) FROM events WHERE case_id = ? AND kind = 'warning'`, c.ID); got != 2 {
			t.Errorf("%s has %d warning events, want 2 (yellow, red)", n, got)
		}
	}
	if got := count(`SELECT COUNT(*) FROM desk_notifications WHERE desk = 'mediation'`); got != 40 {
		t.Errorf("%d notifications to the mediation desk, want 40", got)
	}
	list, err := probe.DeskNotifications(ctx, Actor{Role: RoleHandler, Desk: "mediation"})
	if err != nil || len(list) != 40 || list[0].Kind != "warning_red" {
		t.Fatalf("notifications: %d %v", len(list), err)
	}
	if list, _ := probe.DeskNotifications(ctx, Actor{Role: RoleHandler, Desk: "petition"}); len(list) != 0 {
		t.Errorf("the petition desk got %d of mediation's notifications", len(list))
	}
}

// A case already overdue when first swept gets one red warning, not two.
func TestSweepJumpsStraightToRedWhenFirstSeenOverdue(t *testing.T) {
	ctx := context.Background()
	store, _, c := openSweepFixture(t, 1)
	svc := NewService(store)
	got, err := svc.SweepWarnings(ctx, time.Date(2026, 12, 1, 0, 0, 0, 0, ChinaZone))
	if err != nil || got != (SweepResult{Red: 1}) {
		t.Fatalf("%+v %v", got, err)
	}
	events, _ := findEvents(ctx, store.r, c.ID)
	last := events[len(events)-1]
	if last.Kind != EventWarning || string(last.Data) == "" || last.ActorRole != "system" || last.Visibility != VisibilityInternal {
		t.Fatalf("last event %+v", last)
	}
}

// What one sweep writes, row for row: the event and notification texts, the
// event data, and the order of the events in the log (by case, and a case's
// limits in the order their thresholds were passed). A case with two limits crossing in the same
// pass, one yellow and one red, ends red.
func TestSweepWritesTheSameEventsAndNotifications(t *testing.T) {
	ctx := context.Background()
	store, numbers, first := openSweepFixture(t, 3)
	// A 督办 on the first case, due 5 Nov: overdue by the sweep on 7 Nov,
	// and its threshold came before the stage limits' (6 Nov).
	supDue := dueAt(time.Date(2026, 11, 5, 0, 0, 0, 0, ChinaZone)).UTC()
	supStart := time.Date(2026, 11, 1, 9, 0, 0, 0, ChinaZone).UTC()
	if _, err := store.w.ExecContext(ctx, `INSERT INTO case_deadlines (case_id, kind, label, started_at, due_at, yellow_at, next_warn_at)
		VALUES (?, 'supervision', '红牌督办：要求按期答复', ?, ?, ?, ?)`, first.ID, supStart, supDue, yellowAt(supStart, supDue, DefaultWarnShare), yellowAt(supStart, supDue, DefaultWarnShare)); err != nil {
		t.Fatal(err)
	}
	var before int64
	if err := store.r.Get(&before, `SELECT MAX(seq) FROM events`); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 7, 9, 0, 0, 0, ChinaZone)
	res, err := NewService(store).SweepWarnings(ctx, now)
	if err != nil || res != (SweepResult{Yellow: 3, Red: 1}) {
		t.Fatalf("%+v %v", res, err)
	}

	type eventRow struct {
		Number     string        `db:"number"`
		At         time.Time     `db:"at"`
		Kind       string        `db:"kind"`
		Desk       string        `db:"desk"`
		ActorID    sql.NullInt64 `db:"actor_id"`
		ActorName  string        `db:"actor_name"`
		ActorRole  string        `db:"actor_role"`
		Body       string        `db:"body"`
		Visibility string        `db:"visibility"`
		Data       string        `db:"data"`
	}
	var events []eventRow
	if err := store.r.Select(&events, `SELECT c.number, e.at, e.kind, e.desk, e.actor_id, e.actor_name, e.actor_role, e.body, e.visibility, e.data
		FROM events e JOIN cases c ON c.id = e.case_id WHERE e.seq > ? ORDER BY e.seq`, before); err != nil {
		t.Fatal(err)
	}
	stage := `{"deadline":"stage","due":"2026-11-12T15:59:59Z","level":"yellow"}`
	want := []eventRow{
		{numbers[0], now.UTC(), "warning", "", sql.NullInt64{}, "时限预警", "system", "已超期：红牌督办：要求按期答复（期限2026-11-05）", "internal",
			`{"deadline":"supervision","due":"2026-11-05T15:59:59Z","level":"red"}`},
		{numbers[0], now.UTC(), "warning", "", sql.NullInt64{}, "时限预警", "system", "临近期限：一般在一个月内调结（期限2026-11-12）", "internal", stage},
		{numbers[1], now.UTC(), "warning", "", sql.NullInt64{}, "时限预警", "system", "临近期限：一般在一个月内调结（期限2026-11-12）", "internal", stage},
		{numbers[2], now.UTC(), "warning", "", sql.NullInt64{}, "时限预警", "system", "临近期限：一般在一个月内调结（期限2026-11-12）", "internal", stage},
	}
	expectRows(t, "event", events, want, func(e *eventRow) { e.At = e.At.UTC() })

	type noteRow struct {
		Desk      string    `db:"desk"`
		Number    string    `db:"number"`
		Kind      string    `db:"kind"`
		Text      string    `db:"text"`
		CreatedAt time.Time `db:"created_at"`
	}
	var notes []noteRow
	if err := store.r.Select(&notes, `SELECT n.desk, c.number, n.kind, n.text, n.created_at
		FROM desk_notifications n JOIN cases c ON c.id = n.case_id ORDER BY n.id`); err != nil {
		t.Fatal(err)
	}
	wantNotes := []noteRow{
		{"mediation", numbers[0], "warning_red", numbers[0] + " 已超期：红牌督办：要求按期答复（期限2026-11-05）", now.UTC()},
		{"mediation", numbers[0], "warning_yellow", numbers[0] + " 临近期限：一般在一个月内调结（期限2026-11-12）", now.UTC()},
		{"mediation", numbers[1], "warning_yellow", numbers[1] + " 临近期限：一般在一个月内调结（期限2026-11-12）", now.UTC()},
		{"mediation", numbers[2], "warning_yellow", numbers[2] + " 临近期限：一般在一个月内调结（期限2026-11-12）", now.UTC()},
	}
	expectRows(t, "notification", notes, wantNotes, func(n *noteRow) { n.CreatedAt = n.CreatedAt.UTC() })

	for i, n := range numbers {
		c, err := findCase(ctx, store.r, n)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]string{true: "red", false: "yellow"}[i == 0]; c.Warning != want {
			t.Errorf("%s warning %q, want %q", n, c.Warning, want)
		}
	}
	// The stage limits wait for their due date next, stored as written at
	// acceptance; the 督办 has nothing more to warn of. (The earlier stages'
	// limits ended when the case moved on.)
	var rows []struct {
		Level string       `db:"level"`
		Next  sql.NullTime `db:"next_warn_at"`
	}
	if err := store.r.Select(&rows, `SELECT level, next_warn_at FROM case_deadlines
		WHERE ended_at IS NULL ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	var levels []string
	for _, r := range rows {
		next := "NULL"
		if r.Next.Valid {
			next = r.Next.Time.UTC().Format("2006-01-02 15:04:05Z07:00")
		}
		levels = append(levels, r.Level+" "+next)
	}
	yellow := "yellow 2026-11-12 15:59:59Z"
	if want := []string{yellow, yellow, yellow, "red NULL"}; !slices.Equal(levels, want) {
		t.Errorf("deadlines %q, want %q", levels, want)
	}
}

// expectRows compares the rows read, each first put in UTC by utc, with want.
func expectRows[R comparable](t *testing.T, what string, got, want []R, utc func(*R)) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d %ss, want %d: %+v", len(got), what, len(want), got)
	}
	for i := range want {
		utc(&got[i])
		if got[i] != want[i] {
			t.Errorf("%s %d:\n got %+v\nwant %+v", what, i, got[i], want[i])
		}
	}
}

// twoProcesses opens the store of db twice, as two servers over one
// database would; seed, when given, fills the first before the second opens.
func twoProcesses(t *testing.T, db Database, seed func(*Store)) []*Service {
	t.Helper()
	var svcs []*Service
	for i := 0; i < 2; i++ {
		store, err := OpenDatabase(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		if i == 0 && seed != nil {
			seed(store)
		}
		svcs = append(svcs, NewService(store))
	}
	return svcs
}

// sweepAtOnce runs SweepWarnings on every service at the same time and
// returns what they wrote together.
func sweepAtOnce(t *testing.T, svcs []*Service, now time.Time) SweepResult {
	t.Helper()
	var wg sync.WaitGroup
	results := make([]SweepResult, len(svcs))
	errs := make([]error, len(svcs))
	for i, s := range svcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.SweepWarnings(context.Background(), now)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	var sum SweepResult
	for _, r := range results {
		sum.Yellow += r.Yellow
		sum.Red += r.Red
	}
	return sum
}

// A backlog of several batches, swept by two processes at once: the
// batches interleave, and still every crossing is written exactly once.
func TestSweepBacklogAcrossBatchesByTwoProcesses(t *testing.T) {
	ctx := context.Background()
	db := testDatabase(t)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, ChinaZone).UTC()
	const total, crossing = 2*SweepBatch + 700, 2*SweepBatch + 300
	svcs := twoProcesses(t, db, func(store *Store) { seedSweepCases(t, store, now, total, crossing) })
	if got := sweepAtOnce(t, svcs, now); got.Yellow != crossing || got.Red != 0 {
		t.Fatalf("%+v, want %d yellow in total", got, crossing)
	}
	r := svcs[0].store.r
	var events, notes, warned, distinct int
	for q, n := range map[string]*int{
		`SELECT COUNT(*) FROM events WHERE kind = 'warning'`:                    &events,
		`SELECT COUNT(DISTINCT case_id) FROM events WHERE kind = 'warning'`:     &distinct,
		`SELECT COUNT(*) FROM desk_notifications WHERE kind = 'warning_yellow'`: &notes,
		`SELECT COUNT(*) FROM cases WHERE warning = 'yellow'`:                   &warned,
	} {
		if err := r.Get(n, q); err != nil {
			t.Fatal(err)
		}
	}
	if events != crossing || distinct != crossing || notes != crossing || warned != crossing {
		t.Errorf("%d events for %d cases, %d notifications, %d cases warned; want %d of each", events, distinct, notes, warned, crossing)
	}
	// The events are in case order, one sweep's batch after another's.
	var order []int64
	if err := r.Select(&order, `SELECT case_id FROM events WHERE kind = 'warning' ORDER BY seq`); err != nil {
		t.Fatal(err)
	}
	if !slices.IsSorted(order) {
		t.Error("warning events are not in case order")
	}
	if res, err := svcs[1].SweepWarnings(ctx, now.Add(time.Minute)); err != nil || res != (SweepResult{}) {
		t.Errorf("a later sweep wrote %+v %v", res, err)
	}
}

// The sweep spells the warning's text and data in SQL. Due times as a
// person or an older version may have stored them (a fraction of a second
// up to .9999, a zone other than UTC, no zone at all) read the same as
// Go's formats make them: the date in China time and the due instant in
// UTC, both cut to the second, never rounded up into the next one.
func TestSweepSpellsDueTimesAsGoDoes(t *testing.T) {
	ctx := context.Background()
	store, _, c := openSweepFixture(t, 1)
	dues := []struct {
		stored any       // as written
		due    time.Time // as Go reads it back
	}{
		{time.Date(2026, 11, 5, 23, 59, 59, 999_900_000, ChinaZone).UTC(), time.Date(2026, 11, 5, 23, 59, 59, 999_900_000, ChinaZone)},
		{time.Date(2026, 11, 4, 23, 59, 59, 999_999_999, ChinaZone), time.Date(2026, 11, 4, 23, 59, 59, 999_999_999, ChinaZone)},
		{time.Date(2026, 11, 3, 12, 30, 59, 999_600_000, time.UTC), time.Date(2026, 11, 3, 12, 30, 59, 999_600_000, time.UTC)},
		{"2026-11-02 15:59:59.9996", time.Date(2026, 11, 2, 15, 59, 59, 999_600_000, time.UTC)},
		{"2026-11-01 16:00:00+00:00", time.Date(2026, 11, 1, 16, 0, 0, 0, time.UTC)},
	}
	start := time.Date(2026, 10, 20, 9, 0, 0, 0, ChinaZone).UTC()
	for i, d := range dues {
		if _, err := store.w.ExecContext(ctx, `INSERT INTO case_deadlines (case_id, kind, label, started_at, due_at, yellow_at, next_warn_at)
			VALUES (?, 'supervision', ?, ?, ?, ?, ?)`, c.ID, fmt.Sprintf("督办%d", i), start, d.stored, start, start); err != nil {
			t.Fatal(err)
		}
	}
	var before int64
	if err := store.r.Get(&before, `SELECT MAX(seq) FROM events`); err != nil {
		t.Fatal(err)
	}
	if _, err := NewService(store).SweepWarnings(ctx, time.Date(2026, 11, 7, 9, 0, 0, 0, ChinaZone)); err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Body string `db:"body"`
		Data string `db:"data"`
	}
	if err := store.r.Select(&got, `SELECT body, data FROM events WHERE seq > ? AND body LIKE '%督办%' ORDER BY seq`, before); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(dues) {
		t.Fatalf("%d warnings, want %d: %+v", len(got), len(dues), got)
	}
	for i, d := range dues {
		body := fmt.Sprintf("已超期：督办%d（期限%s）", i, d.due.In(ChinaZone).Format("2006-01-02"))
		data := fmt.Sprintf(`{"deadline":"supervision","due":"%s","level":"red"}`, d.due.UTC().Format(time.RFC3339))
		if got[i].Body != body || got[i].Data != data {
			t.Errorf("due %v:\n got %s %s\nwant %s %s", d.stored, got[i].Body, got[i].Data, body, data)
		}
	}
}
