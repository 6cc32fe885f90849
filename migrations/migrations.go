// Package migrations holds the numbered schema files, embedded so that the
// single yidi binary can create and upgrade its own database.
//
// Released files are never edited: a change to the schema is a new file.
// Each engine has its own folder; goose records versions, not paths, so the
// move of the SQLite files into sqlite/ left existing databases as they were.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed sqlite/*.sql
var sqliteFiles embed.FS

// SQLite holds every SQLite migration, applied in numeric order by goose.
var SQLite = sub(sqliteFiles, "sqlite")

func sub(f embed.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // a constant folder name: only a typo reaches here
	}
	return s
}
