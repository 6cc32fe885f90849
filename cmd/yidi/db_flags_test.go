package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"yidi/cases"
)

// --db names an engine, and PostgreSQL needs a DSN: both are usage errors
// (exit 2 with the usage text) before anything is opened.
func TestServeChecksTheDatabaseFlags(t *testing.T) {
	var out bytes.Buffer
	for _, args := range [][]string{
		{"--db", "mysql"},
		{"--db", "postgres"},
	} {
		err := serve(context.Background(), append(args, "--data", t.TempDir()), &out)
		var ue usageError
		if err == nil || !asUsage(err, &ue) {
			t.Errorf("serve %v: %v, want a usage error", args, err)
		}
	}
	t.Setenv("YIDI_DB", "postgres")
	t.Setenv("YIDI_DSN", "postgres://nobody@127.0.0.1:1/none")
	fs := newFlags("x")
	if err := fs.parse(nil); err != nil {
		t.Fatal(err)
	}
	if db := fs.database(); db.Engine != cases.EnginePostgres || !strings.HasPrefix(db.DSN, "postgres://nobody@") {
		t.Errorf("from the environment: %+v", db)
	}
}
