package migrations

import (
	"io/fs"
	"strconv"
	"strings"
	"testing"
)

// versions maps each version number in f to its file names.
func versions(t *testing.T, f fs.FS) map[int][]string {
	t.Helper()
	entries, err := fs.ReadDir(f, ".")
	if err != nil {
		t.Fatal(err)
	}
	out := map[int][]string{}
	for _, e := range entries {
		n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			t.Fatalf("%s: no version number", e.Name())
		}
		out[n] = append(out[n], e.Name())
	}
	return out
}

// TestFoldersDoNotOverlap: each engine sees every version once, and from
// 00022 on (PostgreSQL's 00001 is SQLite's 00001–00021) a version SQLite
// has, PostgreSQL has too, and the other way round: a migration written
// for one engine alone would leave the other's schema behind.
func TestFoldersDoNotOverlap(t *testing.T) {
	lite, pg := versions(t, SQLite), versions(t, Postgres)
	for name, v := range map[string]map[int][]string{"sqlite": lite, "postgres": pg} {
		for n, files := range v {
			if len(files) > 1 {
				t.Errorf("%s: version %d is %v", name, n, files)
			}
		}
	}
	for n, files := range lite {
		if _, ok := pg[n]; n >= 22 && !ok {
			t.Errorf("%v has no PostgreSQL twin in postgres/ (or move it to shared/ if both engines take it)", files)
		}
	}
	for n, files := range pg {
		if _, ok := lite[n]; n >= 22 && !ok {
			t.Errorf("%v has no SQLite twin in sqlite/", files)
		}
	}
	for _, f := range []fs.FS{SQLite, Postgres} {
		if _, err := fs.ReadFile(f, "00002_seed_desks_categories.sql"); err != nil {
			t.Errorf("the shared seeds: %v", err)
		}
	}
	if len(lite) < 20 || len(pg) < 3 {
		t.Fatalf("%d SQLite and %d PostgreSQL versions", len(lite), len(pg))
	}
}
