package cases_test

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"

	"yidi/cases"
	"yidi/internal/testdb"
)

func TestMain(m *testing.M) { os.Exit(testdb.Run(m)) }

func TestMigrationsApplyOnceAndAreRecorded(t *testing.T) {
	engine, dsn := testdb.Config(t)
	where := cases.Database{Dir: t.TempDir(), Engine: engine, DSN: dsn}
	ctx := context.Background()
	s, err := cases.OpenDatabase(ctx, where)
	if err != nil {
		t.Fatal(err)
	}
	first := s.Applied()
	// PostgreSQL begins with the schema SQLite reached at 00021, as 00001.
	want := map[string]string{testdb.SQLite: "00001_case_core.sql", testdb.Postgres: "00001_schema.sql"}[engine]
	if len(first) < 1 || first[0] != want {
		t.Fatalf("first open applied %v", first)
	}
	s.Close()

	s, err = cases.OpenDatabase(ctx, where)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if again := s.Applied(); len(again) != 0 {
		t.Fatalf("second open applied %v again", again)
	}
	var recorded int
	if err := cases.NewService(s).Reader().Get(&recorded, `SELECT COUNT(*) FROM goose_db_version WHERE version_id > 0`); err != nil {
		t.Fatal(err)
	}
	if recorded != len(first) {
		t.Fatalf("%d migrations recorded, %d applied", recorded, len(first))
	}
	svc := cases.NewService(s)
	desks, err := svc.Desks(ctx)
	if err != nil || len(desks) != 4 {
		t.Fatalf("seeded desks: %v %v", desks, err)
	}
	cats, err := svc.Categories(ctx)
	if err != nil || len(cats) != 13 {
		t.Fatalf("seeded categories: %d %v", len(cats), err)
	}
}

func TestStoreRunsInWALMode(t *testing.T) {
	testdb.SkipOnPostgres(t, "the WAL is SQLite's")
	dir := t.TempDir()
	s, err := cases.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := sqlx.MustOpen("sqlite3", filepath.Join(dir, cases.DBFile))
	defer db.Close()
	var mode string
	db.Get(&mode, `PRAGMA journal_mode`)
	if mode != "wal" {
		t.Fatalf("journal_mode %q, want wal", mode)
	}
}

func TestBackupIsAConsistentCopy(t *testing.T) {
	testdb.SkipOnPostgres(t, "yidi backup copies the SQLite file; PostgreSQL is pg_dump's")
	ctx := context.Background()
	s, err := cases.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	svc := cases.NewService(s)
	if _, err := svc.CreateUser(ctx, cases.SystemActor, cases.UserInput{Username: "boss", Password: "password1", Role: cases.RoleLeader}); err != nil {
		t.Fatal(err)
	}
	copyDir := t.TempDir()
	if err := s.Backup(ctx, filepath.Join(copyDir, cases.DBFile)); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, filepath.Join(copyDir, cases.DBFile)); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	c, err := cases.Open(ctx, copyDir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if n, _ := cases.NewService(c).UserCount(ctx); n != 1 {
		t.Fatalf("copy has %d users, want 1", n)
	}
}

// TestDatabaseFromBeforeTheMoveMigrates opens a database that the code
// before the migrations moved into migrations/sqlite/ left at version 19:
// goose knows versions, not paths, so the rest apply and nothing twice.
func TestDatabaseFromBeforeTheMoveMigrates(t *testing.T) {
	testdb.SkipOnPostgres(t, "a SQLite file from before the move")
	dir := t.TempDir()
	gz, err := os.Open(filepath.Join("testdata", "pre-move.db.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer gz.Close()
	zr, err := gzip.NewReader(gz)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(dir, cases.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	out.Close()
	s, err := cases.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	applied := s.Applied()
	if len(applied) == 0 || applied[0] != "00020_session_owner.sql" {
		t.Fatalf("applied %v, want 00020_session_owner.sql onwards", applied)
	}
	if n, err := cases.NewService(s).UserCount(context.Background()); err != nil || n != 0 {
		t.Fatalf("users %d %v", n, err)
	}
}
