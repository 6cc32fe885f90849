//go:build sqlite_fts5

package main

// fts5Built: this test binary has SQLite FTS5, so the search benchmark's
// comparison must run.
const fts5Built = true
