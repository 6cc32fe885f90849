// Package testdb runs a package's tests on both database engines: on
// SQLite always, and again on PostgreSQL when YIDI_TEST_PG names a DSN
// (.ci/run starts a throw-away cluster and sets it). Each test that opens
// a store on PostgreSQL gets a schema of its own, dropped when it ends.
package testdb

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver, for the schemas
)

// Engines: the value of Engine during each run of Main.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

var engine = SQLite

// Engine is the engine the tests run on now.
func Engine() string { return engine }

// DSN is YIDI_TEST_PG: where the PostgreSQL runs connect ("" for none).
func DSN() string { return os.Getenv("YIDI_TEST_PG") }

// Run runs the package's tests on SQLite and, when YIDI_TEST_PG is set,
// once more on PostgreSQL (the second run's output is announced by a line),
// and returns the worse exit code of the two.
func Run(m *testing.M) int {
	code := m.Run()
	if DSN() != "" {
		engine = Postgres
		fmt.Println("=== the same tests on PostgreSQL (YIDI_TEST_PG)")
		if c := m.Run(); c != 0 {
			code = c
		}
		engine = SQLite
	}
	return code
}

// Config is the engine and DSN a test opens its store with: SQLite in its
// data folder, or a fresh PostgreSQL schema on the PostgreSQL run.
func Config(tb testing.TB) (engine, dsn string) {
	tb.Helper()
	if Engine() == Postgres {
		return Postgres, FreshDSN(tb)
	}
	return SQLite, ""
}

// SkipOnPostgres skips the test on the PostgreSQL run, naming why.
func SkipOnPostgres(tb testing.TB, why string) {
	tb.Helper()
	if engine == Postgres {
		tb.Skip("SQLite only: " + why)
	}
}

// FreshDSN makes a schema of its own for tb on YIDI_TEST_PG and returns a
// DSN whose connections use it; the schema is dropped when tb ends.
func FreshDSN(tb testing.TB) string {
	tb.Helper()
	base := DSN()
	if base == "" {
		tb.Fatal("testdb: YIDI_TEST_PG is not set")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		db.Close()
		tb.Fatalf("testdb: %v", err)
	}
	tb.Cleanup(func() {
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			tb.Logf("testdb: unable to drop %s: %v", schema, err)
		}
	})
	return withSearchPath(base, schema)
}

// withSearchPath adds search_path to a URL or key=value DSN.
func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " search_path=" + schema
}
