package search_test

import (
	"database/sql"
	"testing"
	"time"

	"yidi/cases"
	"yidi/internal/testdb"
	"yidi/search"
)

// Sequence numbers are handed out before commit: with several nodes on one
// PostgreSQL (and locks finer than today's one write lock), seq N+1 may
// commit before seq N. Two transactions held open in that order, outside
// the store's write lock: a follower that only read on from its last seq
// would index N+1 and never look at N again.
func TestFollowerIndexesAnEventThatCommitsLate(t *testing.T) {
	if testdb.DSN() == "" {
		t.Skip("needs PostgreSQL: set YIDI_TEST_PG")
	}
	dsn := testdb.FreshDSN(t)
	w := newWorldOn(t, cases.Database{Dir: t.TempDir(), Engine: cases.EnginePostgres, DSN: dsn})
	party := cases.PartyInput{Role: cases.PartyApplicant, Name: "张三"}
	early := w.intake("拖欠工资纠纷", "labor", "城关镇", "工地木工工资未付", party)
	late := w.intake("邻里漏水纠纷", "neighbour", "城关镇", "楼上卫生间漏水", party)
	w.catchUp()

	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var head int64
	if err := raw.QueryRow(`SELECT MAX(seq) FROM events`).Scan(&head); err != nil {
		t.Fatal(err)
	}
	// note appends a word to a case's summary and its event with seq, in tx.
	note := func(tx *sql.Tx, number, word string, seq int64) {
		t.Helper()
		var id int64
		if err := tx.QueryRow(`UPDATE cases SET summary = summary || $1 WHERE number = $2 RETURNING id`, word, number).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO events (seq, case_id, at, kind, visibility) VALUES ($1, $2, now(), 'note', 'internal')`, seq, id); err != nil {
			t.Fatal(err)
		}
	}
	slow, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback()
	note(slow, late, "，迟到补录", head+1) // seq N, held open
	fast, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	note(fast, early, "，抢先誊写", head+2) // seq N+1, committed first
	if err := fast.Commit(); err != nil {
		t.Fatal(err)
	}

	w.catchUp()
	if got := numbers(w.search("leader", search.Query{Text: "抢先誊写"})); len(got) != 1 || got[0] != early {
		t.Fatalf("seq N+1, committed first, is not indexed: %v", got)
	}
	if seq := w.ix.LastSeq(); seq != head {
		t.Errorf("the index records seq %d while seq %d may still commit; want %d", seq, head+1, head)
	}
	if err := slow.Commit(); err != nil {
		t.Fatal(err)
	}
	w.catchUp()
	if got := numbers(w.search("leader", search.Query{Text: "迟到补录"})); len(got) != 1 || got[0] != late {
		t.Fatalf("seq N, committed after N+1, was skipped by the follower: %v", got)
	}
	if seq := w.ix.LastSeq(); seq != head+2 {
		t.Errorf("after the gap filled the index records seq %d, want %d", seq, head+2)
	}

	// A gap that never fills (its transaction rolled back) holds the
	// recorded position back for the grace period only.
	defer search.SetGapGrace(50 * time.Millisecond)()
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	note(tx, early, "，跳号之后", head+4)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	w.catchUp()
	if got := numbers(w.search("leader", search.Query{Text: "跳号之后"})); len(got) != 1 || w.ix.LastSeq() != head+2 {
		t.Fatalf("past a gap: found %v, position %d (want %d)", got, w.ix.LastSeq(), head+2)
	}
	time.Sleep(100 * time.Millisecond)
	w.catchUp()
	if seq := w.ix.LastSeq(); seq != head+4 {
		t.Errorf("a gap older than the grace period still holds the position at %d, want %d", seq, head+4)
	}
}
