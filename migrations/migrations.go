// Package migrations holds the numbered schema files, embedded so that the
// single yidi binary can create and upgrade its own database.
//
// Released files are never edited: a change to the schema is a new file.
// Each engine has its folder, sqlite/ and postgres/; a version whose SQL
// both engines take alike is one file in shared/, applied by both. goose
// records versions, not paths, so moving a released file between folders
// leaves the databases it made as they were. PostgreSQL's 00001 is the
// schema SQLite reached through 00021; from 00022 on, a version is a file
// in both engine folders or one in shared/.
package migrations

import (
	"embed"
	"io/fs"
	"slices"
	"strings"
)

//go:embed sqlite/*.sql
var sqliteFiles embed.FS

//go:embed postgres/*.sql
var postgresFiles embed.FS

//go:embed shared/*.sql
var sharedFiles embed.FS

var (
	// SQLite holds every SQLite migration, applied in numeric order by goose.
	SQLite fs.FS = union{sub(sqliteFiles, "sqlite"), sub(sharedFiles, "shared")}
	// Postgres holds the PostgreSQL migrations.
	Postgres fs.FS = union{sub(postgresFiles, "postgres"), sub(sharedFiles, "shared")}
)

func sub(f embed.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // a constant folder name: only a typo reaches here
	}
	return s
}

// union is an engine's folder and shared/ as one folder of files; a name
// in both would be a version written twice, which TestFoldersDoNotOverlap
// forbids.
type union []fs.FS

func (u union) Open(name string) (fs.File, error) {
	if name == "." {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid} // goose lists with ReadDir
	}
	for _, f := range u {
		if file, err := f.Open(name); err == nil {
			return file, nil
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (u union) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	var all []fs.DirEntry
	for _, f := range u {
		entries, err := fs.ReadDir(f, ".")
		if err != nil {
			return nil, err
		}
		all = append(all, entries...)
	}
	slices.SortFunc(all, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return all, nil
}
