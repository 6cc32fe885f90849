package lab_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"yidi/cases"
	"yidi/cmd/yidi/lab"
	"yidi/internal/shareddata"
)

// The benchmark generator drives the real service, so a new rule of the
// lifecycle (closing now needs a closure type) breaks it; the benchmarks are
// not run by go test, so this small run is what notices.
func TestBenchDataGeneratesThroughTheService(t *testing.T) {
	cailDir := shareddata.Require(t, shareddata.RC, shareddata.SCM)
	cases.PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "bench")
	const n = 300
	built, err := lab.EnsureBenchData(ctx, dir, n, cailDir, nil)
	if err != nil || !built {
		t.Fatalf("built %v, err %v", built, err)
	}
	if built, err := lab.EnsureBenchData(ctx, dir, n, cailDir, nil); err != nil || built {
		t.Fatalf("second call rebuilt (%v) or failed: %v", built, err)
	}
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, cases.DBFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var total, closed, typed, events int
	if err := db.QueryRow(`SELECT COUNT(*), COUNT(CASE WHEN status = 'closed' THEN 1 END),
		COUNT(CASE WHEN status = 'closed' AND closure_type <> '' THEN 1 END), (SELECT COUNT(*) FROM events) FROM cases`).
		Scan(&total, &closed, &typed, &events); err != nil {
		t.Fatal(err)
	}
	if total != n || closed == 0 || typed != closed || events < 3*n {
		t.Fatalf("cases %d (want %d), closed %d, with a closure type %d, events %d", total, n, closed, typed, events)
	}
}
