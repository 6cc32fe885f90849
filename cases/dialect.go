package cases

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3"
	"github.com/pressly/goose/v3"

	"yidi/migrations"
)

// The database engines the store runs on. SQLite is the embedded default
// (one file in the data folder); PostgreSQL is for a deployment that runs
// its own database server.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// dialect is what differs between the engines, in one place: the store
// asks it rather than testing the engine at each statement. Everything
// else is SQL both accept (and the PostgreSQL schema defines julianday(),
// so the statistics read the same numbers on both).
type dialect struct {
	engine     string
	goose      goose.Dialect
	migrations fs.FS
	// wal: SQLite's write-ahead log, checkpointed on close and paused
	// during a sweep; PostgreSQL has nothing to checkpoint from here.
	wal bool
	// timeFormat is the text the engine gives back for a stored time
	// (CAST(at AS TEXT)), which the event hashes cover.
	timeFormat string
	// precision is what the engine keeps of a time: a stored time is
	// rounded to it first, so the hashed text is the text read back.
	precision time.Duration
	// writeLock, when set, runs first in every write transaction: one
	// writer at a time, as SQLite's single connection gives, across every
	// process on the database.
	writeLock string
	// groupConcat aggregates text with a separator.
	groupConcat func(expr, sep string) string
	// timeParam is a placeholder for a time bound as text where nothing
	// tells PostgreSQL its type (a SELECT list feeding an INSERT).
	timeParam string
	// warningText and warningData spell a crossed limit's warning and its
	// event data from case_deadlines d (sweep.go).
	warningText, warningData string
	// jsonEach lists a JSON array's elements as rows of one column, value.
	jsonEach func(expr string) string
}

var sqliteDialect = dialect{
	engine:      EngineSQLite,
	goose:       goose.DialectSQLite3,
	migrations:  migrations.SQLite,
	wal:         true,
	timeParam:   "?",
	warningText: sweepWarningText,
	warningData: sweepWarningData,
	timeFormat:  sqlite3.SQLiteTimestampFormats[0],
	precision:   time.Nanosecond,
	groupConcat: func(expr, sep string) string { return "group_concat(" + expr + ", " + sep + ")" },
	jsonEach:    func(expr string) string { return "json_each(" + expr + ")" },
}

// writeLockKey is the advisory lock every PostgreSQL write transaction
// takes (an arbitrary constant: "yidi" in ASCII).
const writeLockKey = 0x79696469

var postgresDialect = dialect{
	engine:      EnginePostgres,
	goose:       goose.DialectPostgres,
	migrations:  migrations.Postgres,
	timeFormat:  "2006-01-02 15:04:05.999999-07",
	precision:   time.Microsecond,
	timeParam:   "CAST(? AS TIMESTAMPTZ)",
	warningText: sweepWarningTextPG,
	warningData: sweepWarningDataPG,
	writeLock:   "SELECT pg_advisory_xact_lock(" + strconv.Itoa(writeLockKey) + ")",
	groupConcat: func(expr, sep string) string { return "string_agg(" + expr + ", " + sep + ")" },
	jsonEach:    func(expr string) string { return "json_array_elements_text(" + expr + "::json) AS j(value)" },
}

// storedTime is the text the engine keeps for t, bound as text so that the
// event hashes cover exactly what is read back.
func (d *dialect) storedTime(t time.Time) string {
	if d.precision > time.Nanosecond {
		t = t.UTC().Round(d.precision)
	}
	return t.Format(d.timeFormat)
}

// SQL spells, for the packages that write their own SQL over the store
// (reports, mediation), the few things the engines spell differently.
type SQL struct{ d *dialect }

// SQLOf is the SQL of a transaction or pool of the store.
func SQLOf(q interface{ DriverName() string }) SQL { return SQL{dialectFor(q)} }

// GroupConcat joins the values of expr with the separator sep (an SQL
// string literal).
func (s SQL) GroupConcat(expr, sep string) string { return s.d.groupConcat(expr, sep) }

// NoIndex is col such that SQLite's planner does not start from an index
// on it (the unary +); PostgreSQL plans by its statistics, and has no + on
// text or times.
func (s SQL) NoIndex(col string) string {
	if s.d.engine == EngineSQLite {
		return "+" + col
	}
	return col
}

// JSONEach lists the elements of a JSON array as rows of one column, value,
// for a FROM clause.
func (s SQL) JSONEach(expr string) string { return s.d.jsonEach(expr) }

// dialectFor is the dialect of a transaction or pool, told by its driver.
func dialectFor(q interface{ DriverName() string }) *dialect {
	if q.DriverName() == "pgx" {
		return &postgresDialect
	}
	return &sqliteDialect
}

func dialectOf(engine string) (*dialect, error) {
	switch engine {
	case "", EngineSQLite:
		return &sqliteDialect, nil
	case EnginePostgres:
		return &postgresDialect, nil
	}
	return nil, fmt.Errorf("store: unknown database engine %q (sqlite or postgres)", engine)
}

// openPostgres opens a pool on dsn whose connections speak UTC and take
// SQLite's ? placeholders (the store's SQL is written once, with ?).
func openPostgres(dsn string, maxConns int) (*sqlx.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: bad PostgreSQL DSN: %w", err)
	}
	cfg.RuntimeParams["timezone"] = "UTC"
	db := sql.OpenDB(qmarkConnector{stdlib.GetConnector(*cfg)})
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	return sqlx.NewDb(db, "pgx"), nil
}

// qmarkConnector hands out connections that rewrite ? placeholders to $n:
// a statement sqlx.Rebind already rewrote has none left, and one written
// with ? alone (most of the store's) runs unchanged on both engines.
type qmarkConnector struct{ driver.Connector }

func (c qmarkConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := conn.(*stdlib.Conn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("store: unexpected PostgreSQL connection %T", conn)
	}
	return &qmarkConn{pc}, nil
}

type qmarkConn struct{ *stdlib.Conn }

func (c *qmarkConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(dollarPlaceholders(query))
}

func (c *qmarkConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, dollarPlaceholders(query))
}

func (c *qmarkConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, dollarPlaceholders(query), withoutNUL(args))
}

func (c *qmarkConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, dollarPlaceholders(query), withoutNUL(args))
}

// withoutNUL replaces the NUL bytes of text arguments, which PostgreSQL's
// text cannot hold and refuses with an error, by U+FFFD: a lookup by such
// text finds nothing (as on SQLite, where no stored text has one), rather
// than failing.
func withoutNUL(args []driver.NamedValue) []driver.NamedValue {
	for i, a := range args {
		if s, ok := a.Value.(string); ok && strings.IndexByte(s, 0) >= 0 {
			args[i].Value = strings.ReplaceAll(s, "\x00", "\uFFFD")
		}
	}
	return args
}

// dollarPlaceholders numbers the ? of query as $1, $2, … outside quoted
// text and identifiers.
func dollarPlaceholders(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		ch := query[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// isPostgresFull reports a PostgreSQL error that says its disk is full
// (class 53: insufficient resources; 53100 disk_full).
func isPostgresFull(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "53100"
}
