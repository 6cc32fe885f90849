package views_test

// The event feed and the case list's change-following parameters (issue 17).

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"
	"yidi/internal/testdb"

	"github.com/jmoiron/sqlx"

	"yidi/cases"
)

// readFeed reads the feed as user from after to its end, limit at a time,
// and answers the events and the final cursor.
func readFeed(t *testing.T, ts *testServer, user string, after int64, limit int) ([]map[string]any, int64) {
	t.Helper()
	var out []map[string]any
	for range 1000 {
		status, body := ts.call("GET", fmt.Sprintf("/api/v1/events?after=%d&limit=%d", after, limit), user, nil)
		if status != 200 {
			t.Fatalf("feed after %d: %d %v", after, status, body)
		}
		events := body["events"].([]any)
		for _, e := range events {
			out = append(out, e.(map[string]any))
		}
		next := int64(body["next"].(float64))
		if next < after {
			t.Fatalf("the cursor went back from %d to %d", after, next)
		}
		after = next
		if len(events) < limit {
			return out, after
		}
	}
	t.Fatal("the feed never ended")
	return nil, 0
}

func seqsOf(events []map[string]any) []int64 {
	var out []int64
	for _, e := range events {
		out = append(out, int64(e["seq"].(float64)))
	}
	return out
}

// While one transaction is held open others wait to commit; a reader that
// reads meanwhile and again afterwards gets every event once, in order.
func TestEventFeedMissesNothingWhileATransactionIsHeldOpen(t *testing.T) {
	ts := newTestServer(t)
	held, release := make(chan struct{}), make(chan struct{})
	ts.svc.OnAction(func(ctx context.Context, h cases.ActionHookArgs) error {
		if h.Request.Body == "hold" {
			close(held)
			<-release
		}
		return nil
	})
	a := ts.intake(sampleIntake())["number"].(string)
	b := ts.intake(sampleIntake())["number"].(string)
	seen, cursor := readFeed(t, ts, "leader", 0, 3)
	if len(seen) != 2 || seen[0]["kind"] != "intake" || seen[0]["case"] != a || seen[1]["case"] != b {
		t.Fatalf("the feed's first events: %v", seen)
	}
	note := func(number, body string) {
		if status, ans := ts.call("POST", "/api/v1/cases/"+number+"/notes", "intake", map[string]any{"body": body}); status != 200 {
			t.Errorf("note %q: %d %v", body, status, ans)
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); note(a, "hold") }()
	<-held
	for i := range 3 {
		wg.Add(1)
		go func() { defer wg.Done(); note([]string{a, b}[i%2], fmt.Sprintf("其后 %d", i)) }()
	}
	time.Sleep(50 * time.Millisecond) // the others are waiting to commit
	during, c2 := readFeed(t, ts, "leader", cursor, 2)
	close(release)
	wg.Wait()
	after, end := readFeed(t, ts, "leader", c2, 2)
	all := append(append(seen, during...), after...)
	seqs := seqsOf(all)
	if !slices.IsSorted(seqs) || len(slices.Compact(slices.Clone(seqs))) != len(seqs) {
		t.Fatalf("the feed's seqs are not once each in order: %v", seqs)
	}
	if len(all) != 6 || end != seqs[len(seqs)-1] {
		t.Fatalf("read %d events ending at %d, want 6 ending at the last: %v", len(all), end, seqs)
	}
	bodies := map[any]bool{}
	for _, e := range all[2:] {
		bodies[e["body"]] = true
	}
	for _, want := range []string{"hold", "其后 0", "其后 1", "其后 2"} {
		if !bodies[want] {
			t.Errorf("the note %q never reached the feed: %v", want, all)
		}
	}
	// The answer carries what the contract names.
	for _, k := range []string{"seq", "case", "kind", "at", "desk", "actor_role"} {
		if _, ok := all[2][k]; !ok {
			t.Errorf("a feed event lacks %q: %v", k, all[2])
		}
	}
}

// A seq taken by a transaction that has not committed shows as a gap below
// committed ones (PostgreSQL with a sequence; SQLite's one writer never
// lets it happen): the feed stops before it until it commits, so the
// reader misses nothing; a gap left long ago (a rolled-back number) is
// stepped over.
func TestEventFeedStopsBeforeASeqThatHasNotCommitted(t *testing.T) {
	testdb.SkipOnPostgres(t, "the late commit is staged by writing SQLite's file directly")
	ts := newTestServer(t)
	number := ts.intake(sampleIntake())["number"].(string)
	_, cursor := readFeed(t, ts, "leader", 0, 10)
	db := sqlx.MustOpen("sqlite3", "file:"+ts.dir+"/yidi.db?_busy_timeout=5000")
	defer db.Close()
	insert := func(seq int64, at time.Time) {
		t.Helper()
		db.MustExec(`INSERT INTO events (seq, case_id, at, kind, desk, actor_name, actor_role, body, visibility, data)
			SELECT ?, id, ?, 'note', '', '外部', 'intake', ?, 'internal', '{}' FROM cases WHERE number = ?`,
			seq, at.UTC(), fmt.Sprint("seq ", seq), number)
	}
	now := time.Now()
	insert(cursor+2, now) // committed while cursor+1 is still in flight
	if got, next := readFeed(t, ts, "leader", cursor, 10); len(got) != 0 || next != cursor {
		t.Fatalf("with seq %d in flight the feed answered %v, next %d; want nothing, next %d", cursor+1, seqsOf(got), next, cursor)
	}
	insert(cursor+1, now) // now it commits
	got, next := readFeed(t, ts, "leader", cursor, 10)
	if !slices.Equal(seqsOf(got), []int64{cursor + 1, cursor + 2}) || next != cursor+2 {
		t.Fatalf("after the late commit the feed answered %v, next %d", seqsOf(got), next)
	}
	insert(cursor+4, now.Add(-2*time.Minute)) // cursor+3 was given up long ago
	if got, _ := readFeed(t, ts, "leader", next, 10); !slices.Equal(seqsOf(got), []int64{cursor + 4}) {
		t.Fatalf("an old gap held the feed up: %v", seqsOf(got))
	}
}

func TestEventFeedRulesAndBadInput(t *testing.T) {
	ts := newTestServer(t)
	body := sampleIntake()
	number := ts.intake(body)["number"].(string)
	for _, tc := range []struct {
		query, code string
		status      int
	}{
		{"limit=501", "limit_out_of_range", 400}, {"limit=-1", "invalid_limit", 400},
		{"limit=x", "invalid_limit", 400}, {"after=-1", "invalid_after", 400}, {"after=1e3", "invalid_after", 400},
		{"limit=500", "", 200},
	} {
		status, ans := ts.call("GET", "/api/v1/events?"+tc.query, "leader", nil)
		if status != tc.status || (tc.code != "" && errCode(ans) != tc.code) {
			t.Errorf("%s: %d %v, want %d %s", tc.query, status, ans, tc.status, tc.code)
		}
	}
	if status, _ := ts.call("GET", "/api/v1/events", "admin", nil); status != 403 {
		t.Errorf("an admin read the feed: %d", status)
	}
	if status, _ := ts.call("GET", "/api/v1/events", "", nil); status != 401 {
		t.Errorf("no token read the feed: %d", status)
	}
	// The read rule: a desk sees only its cases' events.
	if got, _ := readFeed(t, ts, "petition", 0, 50); len(got) != 0 {
		t.Fatalf("the petition desk read another desk's events: %v", got)
	}
	if status, ans := ts.call("POST", "/api/v1/cases/"+number+"/route", "intake", map[string]any{"desk": "petition"}); status != 200 {
		t.Fatalf("route: %d %v", status, ans)
	}
	if got, _ := readFeed(t, ts, "petition", 0, 50); len(got) != 2 || got[1]["kind"] != "route" {
		t.Fatalf("the petition desk's feed once the case is theirs: %v", got)
	}
}

func errCode(ans map[string]any) string {
	e, _ := ans["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func TestCaseListFollowsChanges(t *testing.T) {
	ts := newTestServer(t)
	a := ts.intake(sampleIntake())["number"].(string)
	b := ts.intake(sampleIntake())["number"].(string)
	if status, ans := ts.call("POST", "/api/v1/cases/"+a+"/notes", "intake", map[string]any{"body": "后改的"}); status != 200 {
		t.Fatalf("note: %d %v", status, ans)
	}
	list := func(query string) []map[string]any {
		t.Helper()
		status, body := ts.call("GET", "/api/v1/cases?"+query, "leader", nil)
		if status != 200 {
			t.Fatalf("%s: %d %v", query, status, body)
		}
		var out []map[string]any
		for _, r := range body["cases"].([]any) {
			out = append(out, r.(map[string]any))
		}
		return out
	}
	numbers := func(rows []map[string]any) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r["number"].(string))
		}
		return out
	}
	for query, want := range map[string][]string{
		"sort=updated_at": {b, a}, "sort=-updated_at": {a, b}, "sort=intake": {a, b}, "sort=-intake": {b, a},
	} {
		if got := numbers(list(query)); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", query, got, want)
		}
	}
	rows := list("sort=-updated_at")
	if rows[0]["version"].(float64) != 2 || rows[1]["version"].(float64) != 1 {
		t.Errorf("versions: %v", rows)
	}
	since := rows[0]["updated_at"].(string)
	if got := numbers(list("updated_since=" + url.QueryEscape(since))); !slices.Equal(got, []string{a}) {
		t.Errorf("updated_since %s: %v, want only %s", since, got, a)
	}
	for _, q := range []string{"sort=bogus", "updated_since=yesterday"} {
		if status, ans := ts.call("GET", "/api/v1/cases?"+q, "leader", nil); status != 400 {
			t.Errorf("%s: %d %v", q, status, ans)
		}
	}
}
