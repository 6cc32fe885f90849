package cases

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
)

// The warning sweep: a limit turns yellow when a share of its time is used
// and red when it is overdue. Each crossing writes one `warning` event and
// one notification to the holding desk, once only.
//
// Why it is safe to run on several processes at once: each crossing is
// claimed, inside the write transaction that records it, by an UPDATE whose
// condition is the crossing itself (a running limit whose next threshold
// is behind it), and the claim moves that threshold on; the events and
// notifications are written for the claimed rows only. Two sweeps may list
// the same limits, but only one claim can succeed (SQLite runs one write
// transaction at a time, IMMEDIATE; PostgreSQL re-checks the condition on
// the row the first claim left), so the second finds nothing left.
//
// Why it does not bump the case version: a warning is the clock's doing,
// not a person's. Bumping it would make every desk officer's open form
// stale (409) at the minute a deadline crossed, for nothing they could act
// on. The event is appended (the timeline and the search index follow the
// event log) and cases.warning is set; updated_at stays the last human act.

// SweepBatch is how many crossings one transaction writes: a backlog goes
// in several transactions so the writer is never held long, and each
// transaction writes its crossings set-wise, a few statements per
// sweepChunk rows, so the cost of a statement is shared by its rows and
// pages the batch touches twice are written once.
const SweepBatch = 5000

// sweepChunk is how many events (and notifications) one statement writes:
// 6 bound values an event row (seq, case, text, data, two hashes), under
// the bound-parameter limits of SQLite (32766) and PostgreSQL (65535).
const sweepChunk = 5000

// sweepClaimChunk is how many limits one claim (and one case-warning
// UPDATE) lists, one bound value each: a whole batch in one statement.
const sweepClaimChunk = SweepBatch

// SweepResult counts what one sweep wrote.
type SweepResult struct {
	Yellow int `json:"yellow"`
	Red    int `json:"red"`
}

// SystemWarner is the actor named on warning events.
const systemWarnerName = "时限预警"

// DeskNotification is a message to a desk's inbox (the sweep's warnings).
type DeskNotification struct {
	ID        int64        `db:"id" json:"id"`
	Desk      string       `db:"desk" json:"desk"`
	Number    string       `db:"number" json:"number"`
	Kind      string       `db:"kind" json:"kind"`
	Text      string       `db:"text" json:"text"`
	CreatedAt time.Time    `db:"created_at" json:"created_at"`
	ReadAt    sql.NullTime `db:"read_at" json:"-"`
	Read      bool         `db:"-" json:"read"`
}

// sweepCrossing is one threshold crossed: the limit as its claim left it
// (Level is the level reached).
type sweepCrossing struct {
	ID     int64
	CaseID int64
	Level  string
}

// SweepWarnings writes the warnings due at now. Idempotent: a second run at
// the same instant writes nothing.
//
// The limits with a threshold behind them are listed first (a range scan
// of the next_warn_at index, which holds case_id, on a reader), in case
// order; they are then
// claimed and written SweepBatch at a time, one write transaction each,
// where the claim re-checks every listed limit. Case order is what makes a
// large backlog cheap: the rows a batch writes (cases, their limits, the
// events' case index) sit on neighbouring pages, where threshold order
// would scatter each batch over the whole table and write most of its
// pages again and again (3 to 4 times slower for 100,000 crossings).
// Another round lists what is left, until a round writes nothing. A
// backlog of several batches is checkpointed beside the writer
// (sweepCheckpointer).
func (s *Service) SweepWarnings(ctx context.Context, now time.Time) (SweepResult, error) {
	now = now.UTC()
	var res SweepResult
	for {
		var due []int64
		if err := s.store.r.SelectContext(ctx, &due, s.store.r.Rebind(`
			SELECT id FROM case_deadlines
			WHERE next_warn_at IS NOT NULL AND next_warn_at <= ?
			ORDER BY case_id, next_warn_at, id`), now); err != nil {
			return res, fmt.Errorf("store: unable to find deadline warnings: %w", err)
		}
		var ck *sweepCheckpointer
		if len(due) > SweepBatch {
			ck = s.startCheckpointer(ctx)
			defer ck.finish()
		}
		var round SweepResult
		err := inChunks(due, SweepBatch, func(ids []int64) error {
			var batch SweepResult
			err := s.store.write(ctx, func(tx *sqlx.Tx) error {
				crossed, err := claimCrossings(ctx, tx, ids, now)
				if err != nil {
					return err
				}
				for _, cd := range crossed {
					switch cd.Level {
					case StateYellow:
						batch.Yellow++
					case StateRed:
						batch.Red++
					}
				}
				return recordCrossings(ctx, tx, crossed, now)
			})
			if err != nil {
				return err
			}
			ck.kick()
			round.Yellow += batch.Yellow
			round.Red += batch.Red
			return nil
		})
		res.Yellow += round.Yellow
		res.Red += round.Red
		if err != nil {
			if res.Yellow+res.Red > 0 {
				s.committed()
			}
			return res, err
		}
		// Nothing listed, or another sweep wrote all of it: done.
		if round == (SweepResult{}) {
			break
		}
	}
	if res.Yellow+res.Red > 0 {
		s.committed()
	}
	return res, nil
}

// sweepCheckpointer copies a backlog's batches from the WAL into the
// database while later batches are written. The writer's automatic
// checkpoints are off meanwhile: SQLite would otherwise checkpoint in the
// writer after every commit (each leaves the WAL over 1000 pages), and the
// next batch would wait for each copy and sync. A reader connection
// checkpoints instead, on the other core, what has been committed (a kick
// while one runs asks for one more after it, so pages that several batches
// write are often copied once); finish turns the writer's checkpoints back
// on and checkpoints the rest before the sweep returns. The setting
// belongs to the writer's connection (the pool has one), so it ends with
// it; another process keeps its own.
type sweepCheckpointer struct {
	s     *Service
	ctx   context.Context
	pages int // the writer's setting, restored by finish
	wake  chan struct{}
	done  chan struct{}
}

func (s *Service) startCheckpointer(ctx context.Context) *sweepCheckpointer {
	if !s.store.d.wal {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	var pages int
	if err := s.store.w.GetContext(ctx, &pages, `PRAGMA wal_autocheckpoint`); err != nil || pages <= 0 {
		return nil
	}
	if _, err := s.store.w.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		return nil
	}
	ck := &sweepCheckpointer{s: s, ctx: ctx, pages: pages, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(ck.done)
		for range ck.wake {
			ck.checkpoint()
		}
	}()
	return ck
}

// kick asks for a checkpoint of what is committed (one at a time; a kick
// while one runs asks for one more after it).
func (ck *sweepCheckpointer) kick() {
	if ck == nil {
		return
	}
	select {
	case ck.wake <- struct{}{}:
	default:
	}
}

func (ck *sweepCheckpointer) checkpoint() {
	// A panic here would end the server from a goroutine nobody recovers.
	defer Recover("sweep checkpoint")
	if _, err := ck.s.store.r.ExecContext(ck.ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
		slog.Warn("sweep: unable to checkpoint the WAL", "err", err)
	}
}

func (ck *sweepCheckpointer) finish() {
	if ck == nil {
		return
	}
	close(ck.wake)
	<-ck.done
	if _, err := ck.s.store.w.ExecContext(ck.ctx, fmt.Sprintf(`PRAGMA wal_autocheckpoint = %d`, ck.pages)); err != nil {
		slog.Warn("sweep: unable to turn WAL checkpoints back on", "err", err)
	}
	ck.checkpoint()
}

// claimCrossings moves each listed limit whose threshold is still behind it
// to its next level, and returns those it moved in the listed order; a
// limit that another sweep (or an extension, a suspension) moved meanwhile
// no longer meets the condition and is left alone.
func claimCrossings(ctx context.Context, tx *sqlx.Tx, ids []int64, now time.Time) ([]sweepCrossing, error) {
	claimed := make([]sweepCrossing, 0, len(ids))
	err := inChunks(ids, sweepClaimChunk, func(ids []int64) error {
		// Overdue: red, even if yellow was never seen (one event, not two);
		// otherwise yellow, and the due date is the next threshold. (The
		// times compare as stored, in UTC, as next_warn_at does in the list.)
		args := make([]any, 0, len(ids)+6)
		args = append(args, now, StateRed, StateYellow, now)
		for _, id := range ids {
			args = append(args, id)
		}
		args = append(args, now)
		rows, err := tx.QueryContext(ctx, tx.Rebind(`
			UPDATE case_deadlines SET
				level = CASE WHEN due_at < ? THEN ? ELSE ? END,
				next_warn_at = CASE WHEN due_at < ? THEN NULL ELSE due_at END
			WHERE id IN (`+placeholders(len(ids))+`) AND next_warn_at IS NOT NULL AND next_warn_at <= ?
				AND ended_at IS NULL AND paused_since IS NULL
			RETURNING id, case_id, level`), args...)
		if err != nil {
			return fmt.Errorf("store: unable to claim deadline warnings: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var cd sweepCrossing
			if err := rows.Scan(&cd.ID, &cd.CaseID, &cd.Level); err != nil {
				return fmt.Errorf("store: unable to claim deadline warnings: %w", err)
			}
			claimed = append(claimed, cd)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: unable to claim deadline warnings: %w", err)
		}
		return nil
	})
	if err != nil || len(claimed) == 0 {
		return nil, err
	}
	// RETURNING comes in no promised order; the list's is the one to keep.
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	slices.SortFunc(claimed, func(a, b sweepCrossing) int { return cmp.Compare(at[a.ID], at[b.ID]) })
	return claimed, nil
}

// The warning's text, spelled in SQL over the claimed limit d (level as
// the claim left it): "已超期：<label>（期限<due date in China time>）" when red,
// "临近期限：…" when yellow. sweepDueSecond is d.due_at without its fraction
// of a second: some SQLite versions (3.40 does; the bundled 3.54 does not)
// round a time to the millisecond, which at .9995 s carries into the next
// second, or day; Go's formats cut the fraction off, and so does this.
const (
	sweepDueSecond = `(CASE WHEN substr(d.due_at, 20, 1) = '.' THEN substr(d.due_at, 1, 19)
		|| CASE WHEN substr(d.due_at, -6, 1) IN ('+', '-') THEN substr(d.due_at, -6) ELSE '' END ELSE d.due_at END)`
	sweepWarningText = `CASE d.level WHEN 'red' THEN '已超期：' ELSE '临近期限：' END || d.label
		|| '（期限' || date(` + sweepDueSecond + `, '+8 hours') || '）'`
	// The event's data: {"deadline":kind,"due":RFC 3339 in UTC,"level":level}.
	sweepWarningData = `json_object('deadline', d.kind, 'due', strftime('%Y-%m-%dT%H:%M:%SZ', ` + sweepDueSecond + `), 'level', d.level)`

	// The same two in PostgreSQL, where due_at is a timestamptz: the China
	// date is the UTC time plus eight hours, and the JSON is spelled as
	// SQLite's json_object spells it (no spaces), which the hashes cover.
	sweepWarningTextPG = `CASE d.level WHEN 'red' THEN '已超期：' ELSE '临近期限：' END || d.label
		|| '（期限' || to_char(d.due_at AT TIME ZONE 'UTC' + INTERVAL '8 hours', 'YYYY-MM-DD') || '）'`
	sweepWarningDataPG = `'{"deadline":' || to_json(d.kind)::text
		|| ',"due":"' || to_char(d.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
		|| '","level":' || to_json(d.level)::text || '}'`
)

// recordCrossings writes what the claimed crossings say: the case warnings,
// one event each (in the order of the crossings) and one notification each
// to the holding desk. The warnings' text is spelled set-wise from the
// claimed limits (a SELECT over their ids in the crossings' order), read
// back only to be hashed into the event chains, and written a chunk a
// statement; the notifications are made set-wise by INSERT … SELECT.
func recordCrossings(ctx context.Context, tx *sqlx.Tx, crossed []sweepCrossing, now time.Time) error {
	if len(crossed) == 0 {
		return nil
	}
	// The case's warning is the worst of its running limits: yellow only
	// over none, red over anything (a row already there is not rewritten).
	for _, level := range []string{StateYellow, StateRed} {
		var ids []any
		for _, cd := range crossed {
			if cd.Level == level {
				ids = append(ids, cd.CaseID)
			}
		}
		err := inChunks(ids, sweepClaimChunk, func(ids []any) error {
			args := append([]any{level}, ids...)
			args = append(args, level, level)
			if _, err := tx.ExecContext(ctx, tx.Rebind(`
				UPDATE cases SET warning = ? WHERE id IN (`+placeholders(len(ids))+`) AND (warning = '' OR ? = 'red') AND warning <> ?`), args...); err != nil {
				return fmt.Errorf("store: unable to set the case warning: %w", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	// In the crossings' order, chunk after chunk: the events' seqs follow
	// the list (by case, and a case's limits in the order they crossed).
	type crossing struct {
		pos int
		cd  sweepCrossing
	}
	list := make([]crossing, len(crossed))
	for i, cd := range crossed {
		list[i] = crossing{i, cd}
	}
	// The events are hashed into both chains (chain.go) in Go: their text
	// is spelled in SQL as before and read back, hashed, and written with
	// their seqs and hashes, a chunk a statement.
	head, prev, err := chainHead(ctx, tx)
	if err != nil {
		return err
	}
	prevCase := map[int64]string{}
	d := dialectFor(tx)
	atText := d.storedTime(now)
	return inChunks(list, sweepChunk, func(list []crossing) error {
		pairs := make([]any, 0, 2*len(list))
		for _, c := range list {
			pairs = append(pairs, c.pos, c.cd.ID)
		}
		// The VALUES rows are (position, limit id), named column1 and
		// column2 by SQLite and PostgreSQL alike.
		values := `(VALUES ` + typedValueRows(len(list), "BIGINT", "BIGINT") + `) v`
		rows, err := tx.QueryContext(ctx, tx.Rebind(`
			SELECT d.case_id, `+d.warningText+`, `+d.warningData+`,
				COALESCE((SELECT e.case_hash FROM events e WHERE e.case_id = d.case_id ORDER BY e.seq DESC LIMIT 1), '')
			FROM `+values+` JOIN case_deadlines d ON d.id = v.column2
			ORDER BY v.column1`), pairs...)
		if err != nil {
			return fmt.Errorf("store: unable to spell the warnings: %w", err)
		}
		evs := make([]any, 0, 6*len(list))
		from := head
		f := chainFields{At: atText, Kind: EventWarning, ActorName: systemWarnerName, ActorRole: "system", Visibility: VisibilityInternal}
		for rows.Next() {
			var caseHead string
			if err := rows.Scan(&f.CaseID, &f.Body, &f.Data, &caseHead); err != nil {
				rows.Close()
				return fmt.Errorf("store: unable to spell the warnings: %w", err)
			}
			if h, ok := prevCase[f.CaseID]; ok {
				caseHead = h // an earlier crossing of this chunk, not yet written
			}
			head++
			f.Seq = head
			content := f.canonical()
			prev = chainHash(prev, content)
			prevCase[f.CaseID] = chainHash(caseHead, content)
			evs = append(evs, f.Seq, f.CaseID, f.Body, f.Data, prev, prevCase[f.CaseID])
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: unable to spell the warnings: %w", err)
		}
		if len(evs) > 0 {
			args := append([]any{atText, EventWarning, systemWarnerName, VisibilityInternal}, evs...)
			if _, err := tx.ExecContext(ctx, tx.Rebind(`
				INSERT INTO events (seq, case_id, at, kind, desk, actor_id, actor_name, actor_role, body, visibility, data, hash, case_hash)
				SELECT v.column1, v.column2, `+d.timeParam+`, ?, '', NULL, ?, 'system', v.column3, ?, v.column4, v.column5, v.column6
				FROM (VALUES `+typedValueRows(len(evs)/6, "BIGINT", "BIGINT", "TEXT", "TEXT", "TEXT", "TEXT")+`) v ORDER BY v.column1`), args...); err != nil {
				return fmt.Errorf("store: unable to append events: %w", err)
			}
			if err := queueWebhooks(ctx, tx, from, head, now); err != nil {
				return err
			}
		}
		args := append([]any{now}, pairs...)
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO desk_notifications (desk, case_id, kind, text, created_at)
			SELECT COALESCE(NULLIF(d.notify_desk, ''), c.desk, ''), d.case_id, 'warning_' || d.level, c.number || ' ' || `+d.warningText+`, `+d.timeParam+`
			FROM `+values+` JOIN case_deadlines d ON d.id = v.column2 JOIN cases c ON c.id = d.case_id
			ORDER BY v.column1`), args...); err != nil {
			return fmt.Errorf("store: unable to notify the desk: %w", err)
		}
		return nil
	})
}

// DeskNotifications lists the newest 100 notifications a user's desk
// received: a handler's desk, the intake window's (” — cases not yet
// routed), or every desk for a leader.
func (s *Service) DeskNotifications(ctx context.Context, a Actor) ([]DeskNotification, error) {
	if a.IsClient() {
		return nil, errClientsNotAllowed
	}
	q := `SELECT n.id, n.desk, c.number, n.kind, n.text, n.created_at, n.read_at
		FROM desk_notifications n JOIN cases c ON c.id = n.case_id`
	var args []any
	switch a.Role {
	case RoleHandler:
		q += ` WHERE n.desk = ?`
		args = append(args, a.Desk)
	case RoleIntake:
		q += ` WHERE n.desk = ''`
	case RoleLeader:
	case RoleAdmin:
		// Admins hear of the system itself (a paused webhook), not of cases.
		q = `SELECT n.id, '' AS desk, '' AS number, n.kind, n.text, n.created_at, n.read_at FROM admin_notices n`
	default:
		return nil, forbidden("管理员不接收办案提醒")
	}
	q += ` ORDER BY n.id DESC LIMIT 100`
	out := []DeskNotification{}
	if err := s.store.r.SelectContext(ctx, &out, s.store.r.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: unable to fetch notifications: %w", err)
	}
	for i := range out {
		out[i].Read = out[i].ReadAt.Valid
		out[i].CreatedAt = out[i].CreatedAt.UTC()
	}
	return out, nil
}
