package cases

// Backups that restore everything: the database and the citizens' files.
// A backup folder holds a shared, content-addressed store of attachments
// (as in the data folder, so a file already there is not copied again)
// and one subfolder per backup with a consistent copy of the database and
// a manifest:
//
//	DIR/attachments/<sha256[:2]>/<sha256[2:]>
//	DIR/20261203T104500Z/yidi.db
//	DIR/20261203T104500Z/manifest.json
//
// The manifest lists what the copy holds (counts, the head of the event
// chain) and the SHA-256 of the database copy and of every file it refers
// to, so a restore can check all of it before it trusts it.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/sys/unix"
)

// ManifestFile is the manifest's name inside a backup's subfolder.
const ManifestFile = "manifest.json"

// Manifest describes one backup.
type Manifest struct {
	Format    string    `json:"format"` // "yidi-backup-1"
	CreatedAt time.Time `json:"created_at"`
	DB        struct {
		File   string `json:"file"`
		Size   int64  `json:"size"`
		SHA256 string `json:"sha256"`
	} `json:"db"`
	Counts struct {
		Cases       int64 `json:"cases"`
		Events      int64 `json:"events"`
		Attachments int64 `json:"attachments"` // rows; Files counts the distinct files
		Files       int64 `json:"files"`
	} `json:"counts"`
	ChainHead struct {
		Seq  int64  `json:"seq"`
		Hash string `json:"hash"`
	} `json:"chain_head"`
	Files []BackupFile `json:"files"`
}

// BackupFile is one attachment's bytes, named by their SHA-256.
type BackupFile struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// BackupResult says what a backup wrote.
type BackupResult struct {
	Dir      string // the backup's own subfolder
	Manifest *Manifest
	Copied   int // files copied now; the rest were in the store already
	Pruned   int // older backups removed to keep the number asked for
}

const backupFormat = "yidi-backup-1"

// BackupTo writes a backup into the backup folder root: the database
// copied from one snapshot (VACUUM INTO, so writers go on meanwhile), then
// every file the copy refers to that the shared store does not hold yet.
// Files are written before the rows that refer to them and never removed
// once referred to, so every file the snapshot names is on disk. keep > 0
// removes all but the newest keep backups (and the files only they used).
func (s *Store) BackupTo(ctx context.Context, root string, keep int) (*BackupResult, error) {
	if err := s.sqliteOnly(); err != nil {
		return nil, err
	}
	stamp := time.Now().UTC()
	name := stamp.Format("20060102T150405.000Z")
	name = strings.Replace(name, ".", "", 1)
	final := filepath.Join(root, name)
	tmp := filepath.Join(root, "."+name+".partial")
	unlock, err := lockBackupFolder(root)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := os.MkdirAll(tmp, 0o750); err != nil {
		return nil, fmt.Errorf("backup: unable to create %s: %w", tmp, err)
	}
	defer os.RemoveAll(tmp) // a no-op after the rename
	dbCopy := filepath.Join(tmp, DBFile)
	if _, err := s.r.ExecContext(ctx, "VACUUM INTO ?", dbCopy); err != nil {
		return nil, fmt.Errorf("backup: unable to copy the database: %w", err)
	}
	m, err := describeCopy(ctx, dbCopy)
	if err != nil {
		return nil, err
	}
	m.CreatedAt = stamp
	res := &BackupResult{Dir: final, Manifest: m}
	for _, f := range m.Files {
		copied, err := copyBlob(s.attach, filepath.Join(root, "attachments"), f)
		if err != nil {
			return nil, err
		}
		if copied {
			res.Copied++
		}
	}
	if m.DB.SHA256, m.DB.Size, err = hashFile(dbCopy); err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(tmp, ManifestFile), m); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, fmt.Errorf("backup: unable to finish %s: %w", final, err)
	}
	s.touchLastBackup()
	if keep > 0 {
		if res.Pruned, err = PruneBackups(root, keep); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (s *Store) touchLastBackup() {
	// The health check reads when the last backup was made from this
	// file's time; failing to touch it does not fail the backup.
	if err := os.WriteFile(s.lastBackupPath(), []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o640); err != nil {
		slog.Warn("backup: unable to record its time", "err", err)
	}
}

// describeCopy counts what a database copy holds and lists its files.
func describeCopy(ctx context.Context, path string) (*Manifest, error) {
	db, err := sqlx.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, fmt.Errorf("backup: unable to open the copy: %w", err)
	}
	defer db.Close()
	m := &Manifest{Format: backupFormat}
	m.DB.File = DBFile
	for _, q := range []struct {
		dest *int64
		sql  string
	}{
		{&m.Counts.Cases, `SELECT COUNT(*) FROM cases`},
		{&m.Counts.Events, `SELECT COUNT(*) FROM events`},
		{&m.Counts.Attachments, `SELECT COUNT(*) FROM attachments`},
		{&m.ChainHead.Seq, `SELECT COALESCE(MAX(seq), 0) FROM events`},
	} {
		if err := db.GetContext(ctx, q.dest, q.sql); err != nil {
			return nil, fmt.Errorf("backup: unable to count in the copy: %w", err)
		}
	}
	if err := db.GetContext(ctx, &m.ChainHead.Hash, `SELECT COALESCE((SELECT hash FROM events ORDER BY seq DESC LIMIT 1), '')`); err != nil {
		return nil, fmt.Errorf("backup: unable to read the copy's chain: %w", err)
	}
	m.Files = []BackupFile{}
	if err := db.SelectContext(ctx, &m.Files, `SELECT sha256, MAX(size) AS size FROM attachments GROUP BY sha256 ORDER BY sha256`); err != nil {
		return nil, fmt.Errorf("backup: unable to list the copy's files: %w", err)
	}
	m.Counts.Files = int64(len(m.Files))
	return m, nil
}

// blobPath is where a file lives in a content-addressed store.
func blobPath(store, sum string) (string, error) {
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		return "", fmt.Errorf("backup: %q is not a SHA-256", sum)
	}
	return filepath.Join(store, sum[:2], sum[2:]), nil
}

// copyBlob copies one file between content-addressed stores unless the
// destination has it (same size; the name is its hash), checking the bytes
// against the name on the way: a damaged source is an error, not a copy.
func copyBlob(from, to string, f BackupFile) (copied bool, err error) {
	src, err := blobPath(from, f.SHA256)
	if err != nil {
		return false, err
	}
	dst, _ := blobPath(to, f.SHA256)
	if fi, err := os.Stat(dst); err == nil && fi.Size() == f.Size {
		return false, nil
	}
	in, err := os.Open(src)
	if err != nil {
		return false, fmt.Errorf("attachment %s: %w", f.SHA256, err)
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return false, err
	}
	out, err := os.CreateTemp(filepath.Dir(dst), ".copy-*")
	if err != nil {
		return false, err
	}
	defer os.Remove(out.Name()) // a no-op after the rename
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, fmt.Errorf("attachment %s: unable to copy: %w", f.SHA256, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != f.SHA256 || n != f.Size {
		return false, fmt.Errorf("attachment %s: the file is damaged (SHA-256 %s, %d bytes)", f.SHA256, got, n)
	}
	if err := os.Rename(out.Name(), dst); err != nil {
		return false, err
	}
	return true, nil
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o640); err != nil {
		return fmt.Errorf("backup: unable to write %s: %w", path, err)
	}
	return nil
}

// ListBackups lists the finished backups in a backup folder, oldest first.
func ListBackups(root string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || e.Name() == "attachments" {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, e.Name(), ManifestFile)); err == nil {
			out = append(out, filepath.Join(root, e.Name()))
		}
	}
	slices.Sort(out) // the names are UTC times
	return out, nil
}

// PruneBackups removes all but the newest keep backups, then the files in
// the shared store that no remaining manifest lists.
func PruneBackups(root string, keep int) (int, error) {
	all, err := ListBackups(root)
	if err != nil || len(all) <= keep {
		return 0, err
	}
	for _, dir := range all[:len(all)-keep] {
		if err := os.RemoveAll(dir); err != nil {
			return 0, fmt.Errorf("backup: unable to remove %s: %w", dir, err)
		}
	}
	used := map[string]bool{}
	for _, dir := range all[len(all)-keep:] {
		m, err := ReadManifest(dir)
		if err != nil {
			return 0, err
		}
		for _, f := range m.Files {
			used[f.SHA256] = true
		}
	}
	store := filepath.Join(root, "attachments")
	err = filepath.WalkDir(store, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(store, path)
		if sum := strings.ReplaceAll(filepath.ToSlash(rel), "/", ""); !used[sum] {
			return os.Remove(path)
		}
		return nil
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("backup: unable to prune the file store: %w", err)
	}
	return len(all) - keep, nil
}

// ReadManifest reads a backup's manifest.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("backup: unable to read the manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Format != backupFormat {
		return nil, fmt.Errorf("backup: %s is not a yidi backup manifest", filepath.Join(dir, ManifestFile))
	}
	return &m, nil
}

// ResolveBackup finds the backup to restore from: a backup's own
// subfolder (its files in the store beside it), or a backup folder, whose
// newest backup is taken.
func ResolveBackup(from string) (dir, store string, err error) {
	if _, err := os.Stat(filepath.Join(from, ManifestFile)); err == nil {
		return from, filepath.Join(filepath.Dir(filepath.Clean(from)), "attachments"), nil
	}
	all, err := ListBackups(from)
	if err != nil {
		return "", "", fmt.Errorf("backup: unable to read %s: %w", from, err)
	}
	if len(all) == 0 {
		return "", "", fmt.Errorf("backup: no backup in %s", from)
	}
	return all[len(all)-1], filepath.Join(from, "attachments"), nil
}

// Restore copies a backup into an empty (or absent) data folder, checking
// the database copy and every file against the manifest. On any failure
// it removes what it wrote, leaving the folder as empty as it found it.
// The caller then opens the store (applying newer migrations) and
// rebuilds the search index.
func Restore(from, data string) (m *Manifest, err error) {
	dir, store, err := ResolveBackup(from)
	if err != nil {
		return nil, err
	}
	if m, err = ReadManifest(dir); err != nil {
		return nil, err
	}
	if entries, err := os.ReadDir(data); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("restore: %s is not empty; restore into an empty folder", data)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(data, 0o750); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			entries, _ := os.ReadDir(data)
			for _, e := range entries {
				os.RemoveAll(filepath.Join(data, e.Name()))
			}
		}
	}()
	sum, size, err := hashFile(filepath.Join(dir, m.DB.File))
	if err != nil {
		return nil, fmt.Errorf("restore: unable to read the database copy: %w", err)
	}
	if sum != m.DB.SHA256 || size != m.DB.Size {
		return nil, fmt.Errorf("restore: the database copy does not match the manifest (SHA-256 %s, expected %s)", sum, m.DB.SHA256)
	}
	for _, f := range m.Files {
		if _, err := copyBlob(store, filepath.Join(data, "attachments"), f); err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
	}
	if err := copyFile(filepath.Join(dir, m.DB.File), filepath.Join(data, DBFile), m.DB.SHA256); err != nil {
		return nil, err
	}
	return m, nil
}

// copyFile copies src to dst (new), checking the copy's SHA-256.
func copyFile(src, dst, want string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(out, h), in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("restore: unable to copy the database: %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("restore: the copy of the database does not match the manifest")
	}
	return nil
}

// lockBackupFolder makes backups into one folder take turns: a prune must
// not remove a file that a backup still being written has just copied.
func lockBackupFolder(root string) (func(), error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, fmt.Errorf("backup: unable to create %s: %w", root, err)
	}
	f, err := os.OpenFile(filepath.Join(root, ".lock"), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("backup: unable to lock %s: %w", root, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("backup: unable to lock %s: %w", root, err)
	}
	return func() { f.Close() }, nil
}
