package reports

// Statistics, step 1: the scan of case_stats and the side reads.

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"math"
	"runtime"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/sync/errgroup"

	"yidi/cases"
)

// julian day of the Unix epoch; SQLite's julianday() answers days since noon 4714 BC.
const unixEpochJD = 2440587.5

func jdTime(jd float64) time.Time {
	return time.Unix(0, int64(math.Round((jd-unixEpochJD)*86400e9))).UTC()
}

func timeJD(t time.Time) float64 {
	return float64(t.UnixNano())/86400e9 + unixEpochJD
}

// statsScan reads case_stats (migration 00014), one row a case, in case
// order: what triggers derived from the case, its rating and its parties
// in the transaction that changed them. Every value boxed by database/sql
// costs an allocation, so the small ones travel as one number, a
// statsFlags. A case not closed has close 0; applicant is the person_id of
// the single applicant, 0 for none, -1 for several (statsApplicants reads
// those).
var statsScan = fmt.Sprintf(`SELECT case_id, created, closed, flags + %d * CASE WHEN deadline < ? THEN 1 ELSE 0 END + %d * key_id, applicant
	FROM case_stats WHERE case_id >= ? AND case_id < ? ORDER BY case_id`, pastDeadlineUnit, keyUnit)

// statsFlags is the packed number of statsScan: on-time (onTimeUnknown,
// onTimeLate, onTimeYes) + pastDeadlineUnit · past its deadline (0, 1) +
// scoreUnit · rating score (0 none, 1–5) + keyUnit · stats key id.
// case_stats.flags (migration 00014) holds on-time + scoreUnit · score.
type statsFlags int64

// Each unit is the product of the ranges of the parts below it.
const (
	pastDeadlineUnit = 3                    // on-time: 3 values
	scoreUnit        = 2 * pastDeadlineUnit // past its deadline: 2
	keyUnit          = 6 * scoreUnit        // score: 6
)

// On-time values of a closed case.
const (
	onTimeUnknown = 0 // the stage had no time limit
	onTimeLate    = 1
	onTimeYes     = 2
)

func (f statsFlags) onTime() int64      { return int64(f) % pastDeadlineUnit }
func (f statsFlags) pastDeadline() bool { return int64(f)%scoreUnit/pastDeadlineUnit == 1 }
func (f statsFlags) score() int64       { return int64(f) % keyUnit / scoreUnit }
func (f statsFlags) key() int64         { return int64(f) / keyUnit }

// statsInput is what statsRead brings: the scan in stretches of case ids,
// and what the accumulation looks up.
type statsInput struct {
	parts      [][]statsRow
	maxID      int64
	keys       map[int64]*statsKey
	desks      []cases.Desk
	cats       []cases.Category
	visits     map[int64][]float64 // visit times by case, since the period began: after waitVisits
	waitVisits func() error        // the visits come last, read while the cases are counted
	reopened   map[int64]*reopenInfo
	red        map[int64]bool    // cases with a red warning
	applicants map[int64][]int64 // of the cases with several
}

// statsRead runs the scan, split by case id over statsScanParts reader
// connections each reading its own stretch of the table, and the side
// reads on other connections meanwhile.
func (s *Service) statsRead(ctx context.Context, p Period, nowJD float64) (*statsInput, error) {
	// Two subqueries: SQLite finds a lone MIN or MAX at an end of the
	// table, both in one SELECT by reading all of it.
	in := &statsInput{parts: make([][]statsRow, statsScanParts)}
	// The visits are needed only after the accumulation: their own group,
	// waited for by finish.
	var visits errgroup.Group
	visits.Go(func() (err error) {
		defer cases.RecoverTo("stats visits", &err)
		in.visits, err = s.statsVisits(ctx, p)
		return err
	})
	in.waitVisits = visits.Wait
	var lo, hi int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE((SELECT MIN(case_id) FROM case_stats), 0),
		COALESCE((SELECT MAX(case_id) FROM case_stats), -1)`).Scan(&lo, &hi); err != nil {
		visits.Wait()
		return nil, fmt.Errorf("store: unable to read cases for statistics: %w", err)
	}
	in.maxID = hi
	// Plain groups, no errgroup.WithContext: go-sqlite3 steps every row of a
	// query whose context can be cancelled in a goroutine of its own, which
	// doubled the time of the scan.
	var g errgroup.Group
	scan := s.r.Rebind(statsScan)
	for part := range statsScanParts {
		from := lo + (hi+1-lo)*int64(part)/int64(statsScanParts)
		to := lo + (hi+1-lo)*int64(part+1)/int64(statsScanParts)
		g.Go(func() (err error) {
			defer cases.RecoverTo("stats scan", &err)
			in.parts[part], err = scanStatsRows(ctx, s.r, scan, nowJD, from, to)
			return err
		})
	}
	g.Go(func() (err error) {
		defer cases.RecoverTo("stats reopened", &err)
		in.reopened, err = s.statsReopened(ctx)
		return err
	})
	g.Go(func() (err error) {
		defer cases.RecoverTo("stats side", &err)
		// Both small: one connection is enough.
		if in.red, err = s.statsRed(ctx); err != nil {
			return err
		}
		in.applicants, err = s.statsApplicants(ctx)
		return err
	})
	g.Go(func() (err error) {
		defer cases.RecoverTo("stats keys", &err)
		if in.desks, err = s.cases.Desks(ctx); err != nil {
			return err
		}
		if in.cats, err = s.cases.Categories(ctx); err != nil {
			return err
		}
		in.keys, err = s.statsKeys(ctx)
		return err
	})
	if err := g.Wait(); err != nil {
		visits.Wait()
		return nil, err
	}
	return in, nil
}

// statsScanParts is how many reader connections share the scan: the
// machine's cores, at most 2, so one leader's statistics leave the rest of
// the pool to everyone else.
var statsScanParts = min(2, runtime.NumCPU())

// statsRow is one row of the scan.
type statsRow struct {
	id, applicant   int64 // applicant: 0 none, -1 several
	flags           statsFlags
	created, closed float64 // closed 0: not closed
}

// scanStatsRows reads the cases from id from to id to (excluded), those
// past their deadline at nowJD flagged. It reads the driver's rows
// directly (any database/sql driver): Rows.Scan would convert every value
// once more, for 100k rows.
func scanStatsRows(ctx context.Context, r *sqlx.DB, q string, nowJD float64, from, to int64) ([]statsRow, error) {
	var out []statsRow
	conn, err := r.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read cases for statistics: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("driver %T cannot query", dc)
		}
		rows, err := qc.QueryContext(ctx, q, []driver.NamedValue{{Ordinal: 1, Value: nowJD}, {Ordinal: 2, Value: from}, {Ordinal: 3, Value: to}})
		if err != nil {
			return err
		}
		defer rows.Close()
		// Case ids are dense: the stretch's width is about its rows.
		out = make([]statsRow, 0, min(max(to-from, 0), 1<<22))
		dest := make([]driver.Value, 5)
		for {
			if err := rows.Next(dest); err == io.EOF {
				break
			} else if err != nil {
				return err
			}
			out = append(out, statsRow{id: valueInt(dest[0]), created: valueFloat(dest[1]), closed: valueFloat(dest[2]),
				flags: statsFlags(valueInt(dest[3])), applicant: valueInt(dest[4])})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: unable to read cases for statistics: %w", err)
	}
	return out, nil
}

// statsKeys reads every group key by its id.
func (s *Service) statsKeys(ctx context.Context) (map[int64]*statsKey, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, status, desk, category, closure_type, town FROM stats_keys`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read statistics keys: %w", err)
	}
	defer rows.Close()
	keys := map[int64]*statsKey{}
	for rows.Next() {
		var id int64
		k := &statsKey{}
		if err := rows.Scan(&id, &k.status, &k.desk, &k.category, &k.closure, &k.town); err != nil {
			return nil, fmt.Errorf("store: unable to read statistics keys: %w", err)
		}
		keys[id] = k
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read statistics keys: %w", err)
	}
	return keys, nil
}

// statsRed reads the cases with a red warning (a few percent, from the
// partial index cases_warning_desk): open ones among them are overdue
// whatever their deadline says.
func (s *Service) statsRed(ctx context.Context) (map[int64]bool, error) {
	var ids []int64
	if err := s.r.SelectContext(ctx, &ids, s.r.Rebind(
		`SELECT id FROM cases WHERE warning = ? AND warning <> ''`), cases.StateRed); err != nil {
		return nil, fmt.Errorf("store: unable to read red cases: %w", err)
	}
	red := make(map[int64]bool, len(ids))
	for _, id := range ids {
		red[id] = true
	}
	return red, nil
}

// statsApplicants reads the applicants of the cases with several (a
// partial index on case_stats finds them).
func (s *Service) statsApplicants(ctx context.Context) (map[int64][]int64, error) {
	return listsByCase[int64](ctx, s.r, "applicants", `SELECT cp.case_id, cp.person_id FROM case_parties cp
		WHERE cp.role = 'applicant' AND cp.case_id IN (SELECT case_id FROM case_stats WHERE applicant < 0)`)
}

// listsByCase reads rows of (case id, value) into each case's values in
// row order; what names them in errors.
func listsByCase[V any](ctx context.Context, r *sqlx.DB, what, query string, args ...any) (map[int64][]V, error) {
	rows, err := r.QueryContext(ctx, r.Rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read %s: %w", what, err)
	}
	defer rows.Close()
	out := map[int64][]V{}
	for rows.Next() {
		var id int64
		var v V
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("store: unable to read %s: %w", what, err)
		}
		out[id] = append(out[id], v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read %s: %w", what, err)
	}
	return out, nil
}

func valueInt(v driver.Value) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case float64:
		return int64(v)
	}
	return 0
}

func valueFloat(v driver.Value) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	}
	return 0
}

// reopenInfo is a reopened case's first close and first reopen after it.
type reopenInfo struct{ firstClose, firstReopen *float64 }

// statsReopened reads the cases ever reopened (few) with their first close
// and first reopen after it.
func (s *Service) statsReopened(ctx context.Context) (map[int64]*reopenInfo, error) {
	reopened := map[int64]*reopenInfo{}
	rows, err := s.r.QueryContext(ctx, `SELECT e.case_id, e.kind, julianday(e.at) FROM events e
		WHERE e.case_id IN (SELECT case_id FROM events WHERE kind = 'reopen') AND e.kind IN ('close', 'reopen')
		ORDER BY e.case_id, e.at`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read reopens: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind string
		var jd float64
		if err := rows.Scan(&id, &kind, &jd); err != nil {
			return nil, fmt.Errorf("store: unable to read reopens: %w", err)
		}
		ri := reopened[id]
		if ri == nil {
			ri = &reopenInfo{}
			reopened[id] = ri
		}
		switch {
		case kind == cases.EventClose && ri.firstClose == nil:
			ri.firstClose = &jd
		case kind == "reopen" && ri.firstClose != nil && ri.firstReopen == nil:
			ri.firstReopen = &jd
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unable to read reopens: %w", err)
	}
	return reopened, nil
}

// statsVisits reads the visits on cases since the period began.
func (s *Service) statsVisits(ctx context.Context, p Period) (map[int64][]float64, error) {
	return listsByCase[float64](ctx, s.r, "visits", `SELECT case_id, julianday(at) FROM events WHERE kind = ? AND at >= ?`, cases.EventVisit, p.start)
}
