// Package migrations holds the numbered schema files, embedded so that the
// single yidi binary can create and upgrade its own database.
//
// Released files are never edited: a change to the schema is a new file.
package migrations

import "embed"

// FS holds every *.sql migration, applied in numeric order by goose.
//
//go:embed *.sql
var FS embed.FS
