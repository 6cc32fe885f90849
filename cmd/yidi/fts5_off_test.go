//go:build !sqlite_fts5

package main

// fts5Built: without the sqlite_fts5 tag the comparison cannot run.
const fts5Built = false
