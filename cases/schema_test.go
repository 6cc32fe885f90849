package cases_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/jmoiron/sqlx"

	"yidi/cases"
	"yidi/internal/testdb"
)

// TestBothSchemasAnswerTheSameQueries migrates a SQLite and a PostgreSQL
// database and compares what a query can name: the same tables and views
// with the same columns, and the same seed rows counted in each. The
// PostgreSQL schema is written apart (migrations/postgres/), so this is
// what keeps the two from drifting.
func TestBothSchemasAnswerTheSameQueries(t *testing.T) {
	if testdb.DSN() == "" {
		t.Skip("YIDI_TEST_PG is not set: no PostgreSQL to compare with")
	}
	if testdb.Engine() == testdb.Postgres {
		t.Skip("compares both engines once, in the SQLite run")
	}
	ctx := context.Background()
	lite, err := cases.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg, err := cases.OpenDatabase(ctx, cases.Database{Dir: t.TempDir(), Engine: cases.EnginePostgres, DSN: testdb.FreshDSN(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	liteDB, pgDB := cases.NewService(lite).Reader(), cases.NewService(pg).Reader()

	var liteCols, pgCols []string
	if err := liteDB.Select(&liteCols, `SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite%' AND m.name NOT LIKE 'goose%' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if err := pgDB.Select(&pgCols, `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name NOT LIKE 'goose%' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	slices.Sort(liteCols)
	slices.Sort(pgCols)
	for _, c := range liteCols {
		if _, found := slices.BinarySearch(pgCols, c); !found {
			t.Errorf("PostgreSQL has no column %s", c)
		}
	}
	for _, c := range pgCols {
		if _, found := slices.BinarySearch(liteCols, c); !found {
			t.Errorf("SQLite has no column %s", c)
		}
	}
	if len(liteCols) < 100 {
		t.Fatalf("only %d columns read from SQLite", len(liteCols))
	}

	var tables []string
	if err := liteDB.Select(&tables, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'goose%' ORDER BY name`); err != nil {
		t.Fatal(err)
	}
	count := func(db *sqlx.DB, table string) int {
		var n int
		if err := db.Get(&n, `SELECT COUNT(*) FROM `+table); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		return n
	}
	seeded := 0
	for _, table := range tables {
		l, p := count(liteDB, table), count(pgDB, table)
		if l != p {
			t.Errorf("%s: %d rows on SQLite, %d on PostgreSQL", table, l, p)
		}
		seeded += l
	}
	// A seed row answers the same on both: the deadline rules are the
	// longest (legal bases in Chinese).
	rules := func(db *sqlx.DB) string {
		var rows []struct {
			Code, Desk, Stage, Basis, Label string
			Length                          int
		}
		if err := db.Select(&rows, `SELECT code, desk, stage, basis, label, length FROM deadline_rules ORDER BY code`); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(rows)
	}
	if l, p := rules(liteDB), rules(pgDB); l != p {
		t.Errorf("deadline rules differ:\nSQLite     %s\nPostgreSQL %s", l, p)
	}
	// The synonyms: 00004's in PostgreSQL's 00001, changed by the shared 00005.
	synonyms := func(db *sqlx.DB) []string {
		var terms []string
		if err := db.Select(&terms, `SELECT CAST(id AS TEXT) || ' ' || terms FROM synonym_groups ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		return terms
	}
	if l, p := synonyms(liteDB), synonyms(pgDB); !slices.Equal(l, p) {
		t.Errorf("synonyms differ:\nSQLite     %q\nPostgreSQL %q", l, p)
	}
	if seeded < 100 {
		t.Fatalf("only %d seed rows", seeded)
	}
}
