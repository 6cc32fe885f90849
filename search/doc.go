// Package search will hold the full-text index of cases (bleve, Chinese-aware)
// that follows the event log by sequence number; see architecture.md. Until
// then staff find cases by number.
package search
