// Package shareddata finds the CAIL2019 files the evaluations, comparisons
// and benchmarks read (they are not in the repository): $YIDI_DATA, else
// the folder shared/data beside the repository (/work/shared/data).
//
// A test that needs them calls Require: outside CI a missing file skips the
// test (a developer's machine may lack them), but under CI (CI set, as
// .ci/run does) it fails it, so an evaluation never passes by not running.
package shareddata

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// The CAIL2019 files.
const (
	RC  = "cail2019-rc-dev.json"   // reading comprehension: 1,000 court texts
	SCM = "cail2019-scm-dev.jsonl" // similar-case triplets
)

// Dir is the folder holding the files.
func Dir() string {
	if d := os.Getenv("YIDI_DATA"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	// internal/shareddata/shareddata.go → the repository → its parent.
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
}

// Require answers Dir() once every named file is there; otherwise it skips
// the test, or under CI fails it.
func Require(t testing.TB, names ...string) string {
	t.Helper()
	dir := Dir()
	for _, name := range names {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI requires the CAIL2019 data, but %v (put the files in %s or set YIDI_DATA)", err, dir)
			}
			t.Skipf("CAIL2019 data not here (%v); set YIDI_DATA to run this test", err)
		}
	}
	return dir
}

// File answers the path of the named file, as Require does.
func File(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(Require(t, name), name)
}
