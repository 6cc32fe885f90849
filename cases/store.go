package cases

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3" // the embedded default database
	"github.com/pressly/goose/v3"
)

// Store is the database behind the service: one writer connection whose
// transactions begin IMMEDIATE on SQLite (so a read-then-write never fails
// with SQLITE_BUSY half-way), and a pool of readers that WAL lets run
// alongside. On PostgreSQL the same two pools, and every write transaction
// takes one advisory lock first (dialect.writeLock), so what the code
// reads in a write (the chain's head, a counter) stays true until commit
// across every process on the database, as SQLite's one writer gives.
type Store struct {
	w      *sqlx.DB
	r      *sqlx.DB
	d      *dialect
	secret []byte // seals idempotency replays; lives beside, not in, the database
	// writers queues write transactions first come, first served. Without
	// it they wait for the one writer connection in database/sql's pool,
	// which hands a freed connection to a random waiter: under a burst of
	// intakes some waited seconds while later ones went through.
	writers chan struct{}
	dir     string // the data folder; citizens' attachments are stored under it

	applied []string     // migrations this Open applied
	fullAt  atomic.Int64 // when a write last failed for a full disk (unix ns)
}

// DBFile is the database's name inside the data folder.
const DBFile = "yidi.db"

// The statement cache saves re-preparing the same few statements on every
// call, a quarter of an intake's time without it.
const dsnOptions = "_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_synchronous=NORMAL&_stmt_cache_size=64"

// Database says where the store lives: the data folder (attachments, the
// secret key; the SQLite file too) and, for PostgreSQL, the server's DSN.
type Database struct {
	Dir    string
	Engine string // EngineSQLite ("" too) or EnginePostgres
	DSN    string // PostgreSQL: "postgres://user@host/db?sslmode=…" or "host=… dbname=…"
}

// Open opens (creating if needed) the SQLite database in dir and brings its
// schema up to date.
func Open(ctx context.Context, dir string) (*Store, error) {
	return OpenDatabase(ctx, Database{Dir: dir})
}

// OpenDatabase opens the database db names and brings its schema up to date.
func OpenDatabase(ctx context.Context, db Database) (*Store, error) {
	d, err := dialectOf(db.Engine)
	if err != nil {
		return nil, err
	}
	dir := db.Dir
	if err := checkDataFolder(dir); err != nil {
		return nil, err
	}
	var s *Store
	if d.engine == EnginePostgres {
		s, err = openPostgresStore(ctx, db.DSN)
	} else {
		s, err = openSQLite(ctx, dir)
	}
	if err != nil {
		return nil, err
	}
	s.dir = dir
	if s.secret, err = loadSecret(filepath.Join(dir, "secret.key")); err != nil {
		s.Close()
		return nil, err
	}
	if s.applied, err = s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.backfillChain(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openPostgresStore(ctx context.Context, dsn string) (*Store, error) {
	if dsn == "" {
		return nil, errors.New("store: --db postgres needs --dsn (or YIDI_DSN)")
	}
	w, err := openPostgres(dsn, 1)
	if err != nil {
		return nil, err
	}
	r, err := openPostgres(dsn, 8)
	if err != nil {
		w.Close()
		return nil, err
	}
	s := &Store{w: w, r: r, d: &postgresDialect, writers: make(chan struct{}, 1)}
	if err := w.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: unable to reach PostgreSQL: %w", err)
	}
	return s, nil
}

func openSQLite(ctx context.Context, dir string) (*Store, error) {
	path := filepath.Join(dir, DBFile)
	// The writer's page cache (64 MB, not the default 2) holds what a
	// warning sweep batch dirties, so it is not spilled mid-transaction.
	w, err := sqlx.Open("sqlite3", "file:"+path+"?"+dsnOptions+"&_txlock=immediate&_cache_size=-65536")
	if err != nil {
		return nil, fmt.Errorf("store: unable to open database: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sqlx.Open("sqlite3", "file:"+path+"?"+dsnOptions)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: unable to open database: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	s := &Store{w: w, r: r, d: &sqliteDialect, writers: make(chan struct{}, 1)}
	if err := w.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	return s, nil
}

// Migrate applies every migration not yet applied and returns their names.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	p, err := goose.NewProvider(s.d.goose, s.w.DB, s.d.migrations)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read migrations: %w", err)
	}
	results, err := p.Up(ctx)
	var applied []string
	for _, r := range results {
		applied = append(applied, r.Source.Path)
	}
	if err != nil {
		return applied, fmt.Errorf("store: migration failed: %w", err)
	}
	for _, name := range applied {
		slog.Info("migration applied", "file", name)
	}
	return applied, nil
}

// Applied lists the migrations that Open applied.
func (s *Store) Applied() []string { return s.applied }

// Close checkpoints the WAL into the database file and closes both pools.
// The explicit TRUNCATE checkpoint does not rely on this being the last
// connection, which is when SQLite would checkpoint on its own.
func (s *Store) Close() error {
	var ck error
	if s.d.wal {
		if _, err := s.w.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			ck = fmt.Errorf("store: checkpoint on close: %w", err)
		}
	}
	return errors.Join(ck, s.r.Close(), s.w.Close())
}

// Backup writes a consistent copy of the live database alone to path (the
// older `yidi backup --to FILE.db`; BackupTo also copies the attachments).
func (s *Store) Backup(ctx context.Context, path string) error {
	if err := s.sqliteOnly(); err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("store: %s already exists", path)
	}
	// VACUUM INTO reads one snapshot, so writers may go on meanwhile.
	if _, err := s.r.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("store: backup failed: %w", err)
	}
	s.touchLastBackup()
	return nil
}

// errPostgresBackup answers a backup of a PostgreSQL store: the database is
// the server's to back up (pg_dump), the attachments folder the operator's.
var errPostgresBackup = errors.New("store: yidi backup copies the SQLite file; back up PostgreSQL with pg_dump and the data folder's attachments with it (docs/operations.md)")

func (s *Store) sqliteOnly() error {
	if s.d.engine != EngineSQLite {
		return errPostgresBackup
	}
	return nil
}

// write runs fn in one write transaction and commits it when fn succeeds.
func (s *Store) write(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	// A channel's blocked senders are woken in the order they came.
	select {
	case s.writers <- struct{}{}:
		defer func() { <-s.writers }()
	case <-ctx.Done():
		return ctx.Err()
	}
	tx, err := s.w.BeginTxx(ctx, nil)
	if err != nil {
		return s.storageError(fmt.Errorf("store: unable to begin: %w", err))
	}
	defer tx.Rollback()
	if s.d.writeLock != "" {
		if _, err := tx.ExecContext(ctx, s.d.writeLock); err != nil {
			return s.storageError(fmt.Errorf("store: unable to take the write lock: %w", err))
		}
	}
	if err := fn(tx); err != nil {
		return s.storageError(err)
	}
	if err := tx.Commit(); err != nil {
		return s.storageError(fmt.Errorf("store: unable to commit: %w", err))
	}
	return nil
}

func loadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("store: %s is damaged; delete it to make a new one (pending idempotent replays lose their query code)", path)
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("store: unable to read %s: %w", path, err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("store: unable to write %s: %w", path, err)
	}
	return key, nil
}

// querier is what the read helpers need: a transaction or the reader pool.
type querier interface {
	sqlx.QueryerContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	Rebind(query string) string
}

var _ querier = (*sqlx.Tx)(nil)
var _ querier = (*sqlx.DB)(nil)

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// DataFolderError is a data folder yidi cannot use: not a folder, or not
// writable by the user running it. Its message is one line in Chinese and
// English that names the folder and the fix; SQLite's own words ("unable
// to open database file: no such file or directory" for a read-only
// folder) sent administrators looking for a missing file.
type DataFolderError struct {
	Dir     string
	NotDir  bool
	Problem error
}

func (e *DataFolderError) Error() string {
	if e.NotDir {
		return fmt.Sprintf("数据目录 %s 不是目录（路径上有同名文件）：请移走该文件，或用 --data 指定另一个目录 / data folder %s is not a folder (%v): move the file away or pass another --data",
			e.Dir, e.Dir, e.Problem)
	}
	return fmt.Sprintf("数据目录 %s 无法写入：请让运行 yidi 的用户可以写入该目录及其中的文件（如 chown -R 该用户 %s），或用 --data 指定可写的目录 / data folder %s is not writable (%v): give the user running yidi write access to it and its files, or pass a writable --data",
		e.Dir, e.Dir, e.Dir, e.Problem)
}

func (e *DataFolderError) Unwrap() error { return e.Problem }

// checkDataFolder creates the data folder if need be and proves that this
// process can write in it and to the files and folders yidi keeps there,
// before SQLite or bleve give a misleading answer. It writes rather than
// looks at permission bits: the bits do not tell what root, ACLs or a
// read-only mount allow.
func checkDataFolder(dir string) error {
	fail := func(err error) error {
		return &DataFolderError{Dir: dir, NotDir: errors.Is(err, syscall.ENOTDIR), Problem: err}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fail(err)
	}
	for _, sub := range []string{"", "attachments", "index"} {
		probe, err := os.CreateTemp(filepath.Join(dir, sub), ".write-check-*")
		if errors.Is(err, fs.ErrNotExist) && sub != "" {
			continue // made when first needed
		}
		if err != nil {
			return fail(err)
		}
		probe.Close()
		if err := os.Remove(probe.Name()); err != nil {
			return fail(err)
		}
	}
	for _, name := range []string{DBFile, DBFile + "-wal", DBFile + "-shm"} {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fail(err)
		}
		f.Close()
	}
	return nil
}
