// Package migrations holds the numbered schema files, embedded so that the
// single yidi binary can create and upgrade its own database.
//
// Released files are never edited: a change to the schema is a new file.
// Each engine has its own folder; goose records versions, not paths, so the
// move of the SQLite files into sqlite/ left existing databases as they were.
// PostgreSQL starts at version 21 (postgres/00021_schema.sql is what SQLite
// reached through 00001–00021); from then on each version is written for
// both engines.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed sqlite/*.sql
var sqliteFiles embed.FS

//go:embed postgres/*.sql
var postgresFiles embed.FS

var (
	// SQLite holds every SQLite migration, applied in numeric order by goose.
	SQLite = sub(sqliteFiles, "sqlite")
	// Postgres holds the PostgreSQL migrations.
	Postgres = sub(postgresFiles, "postgres")
)

func sub(f embed.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // a constant folder name: only a typo reaches here
	}
	return s
}
