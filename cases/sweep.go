package cases

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/jmoiron/sqlx/types"
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

// sweepChunk is how many rows one statement writes: the widest, the events'
// INSERT, binds 10 values a row, well under the bound-parameter limits of
// SQLite (32766) and PostgreSQL (65535).
const sweepChunk = 500

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
// (Level is the level reached) and where its notification goes.
type sweepCrossing struct {
	ID     int64     `db:"id"`
	CaseID int64     `db:"case_id"`
	Kind   string    `db:"kind"`
	Label  string    `db:"label"`
	DueAt  time.Time `db:"due_at"`
	Level  string    `db:"level"`
	Number string    `db:"-"`
	Desk   string    `db:"-"`
}

// SweepWarnings writes the warnings due at now. Idempotent: a second run at
// the same instant writes nothing.
//
// The limits with a threshold behind them are listed first (a range scan
// of the next_warn_at index, on a reader), in case order; they are then
// claimed and written SweepBatch at a time, one write transaction each,
// where the claim re-checks every listed limit. Case order is what makes a
// large backlog cheap: the rows a batch writes (cases, their limits, the
// events' case index) sit on neighbouring pages, where threshold order
// would scatter each batch over the whole table and write most of its
// pages again and again (3 to 4 times slower for 100,000 crossings).
// Another round lists what is left, until a round writes nothing.
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

// claimCrossings moves each listed limit whose threshold is still behind it
// to its next level, and returns those it moved in the listed order; a
// limit that another sweep (or an extension, a suspension) moved meanwhile
// no longer meets the condition and is left alone.
func claimCrossings(ctx context.Context, tx *sqlx.Tx, ids []int64, now time.Time) ([]sweepCrossing, error) {
	var claimed []sweepCrossing
	err := inChunks(ids, sweepChunk, func(ids []int64) error {
		// Overdue: red, even if yellow was never seen (one event, not two);
		// otherwise yellow, and the due date is the next threshold. (The
		// times compare as stored, in UTC, as next_warn_at does in the list.)
		args := make([]any, 0, len(ids)+6)
		args = append(args, now, StateRed, StateYellow, now)
		for _, id := range ids {
			args = append(args, id)
		}
		args = append(args, now)
		var got []sweepCrossing
		if err := tx.SelectContext(ctx, &got, tx.Rebind(`
			UPDATE case_deadlines SET
				level = CASE WHEN due_at < ? THEN ? ELSE ? END,
				next_warn_at = CASE WHEN due_at < ? THEN NULL ELSE due_at END
			WHERE id IN (`+placeholders(len(ids))+`) AND next_warn_at IS NOT NULL AND next_warn_at <= ?
				AND ended_at IS NULL AND paused_since IS NULL
			RETURNING id, case_id, kind, label, due_at, level`), args...); err != nil {
			return fmt.Errorf("store: unable to claim deadline warnings: %w", err)
		}
		claimed = append(claimed, got...)
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

	// The case number and holding desk, for the notification.
	var caseIDs []any
	for i, cd := range claimed {
		if i == 0 || cd.CaseID != claimed[i-1].CaseID {
			caseIDs = append(caseIDs, cd.CaseID)
		}
	}
	type holder struct {
		ID     int64  `db:"id"`
		Number string `db:"number"`
		Desk   string `db:"desk"`
	}
	holders := make(map[int64]holder, len(caseIDs))
	err = inChunks(caseIDs, sweepChunk, func(ids []any) error {
		var got []holder
		if err := tx.SelectContext(ctx, &got, tx.Rebind(`
			SELECT id, number, COALESCE(desk, '') AS desk FROM cases WHERE id IN (`+placeholders(len(ids))+`)`), ids...); err != nil {
			return fmt.Errorf("store: unable to find the warned cases: %w", err)
		}
		for _, h := range got {
			holders[h.ID] = h
		}
		return nil
	})
	for i := range claimed {
		h := holders[claimed[i].CaseID]
		claimed[i].Number, claimed[i].Desk = h.Number, h.Desk
	}
	return claimed, err
}

// recordCrossings writes what the claimed crossings say: the case warnings,
// one event each (in the order of the crossings) and one notification each
// to the holding desk.
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
		err := inChunks(ids, sweepChunk, func(ids []any) error {
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
	events := make([]*Event, len(crossed))
	notes := make([]any, 0, 5*len(crossed))
	for i, cd := range crossed {
		text := warningText(cd, cd.Level)
		data, _ := json.Marshal(warningData{Deadline: cd.Kind, Due: cd.DueAt.UTC().Format(time.RFC3339), Level: cd.Level})
		events[i] = &Event{CaseID: cd.CaseID, At: now, Kind: EventWarning, ActorName: systemWarnerName, ActorRole: "system",
			Body: text, Visibility: VisibilityInternal, Data: types.JSONText(data)}
		notes = append(notes, cd.Desk, cd.CaseID, "warning_"+cd.Level, cd.Number+" "+text, now)
	}
	// In the crossings' order, chunk after chunk: the events' seqs follow
	// the list (by case, and a case's limits in the order they crossed).
	if err := inChunks(events, sweepChunk, func(events []*Event) error {
		return appendEvents(ctx, tx, events)
	}); err != nil {
		return err
	}
	return inChunks(notes, 5*sweepChunk, func(notes []any) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO desk_notifications (desk, case_id, kind, text, created_at) VALUES `+valueRows(len(notes)/5, 5)), notes...); err != nil {
			return fmt.Errorf("store: unable to notify the desk: %w", err)
		}
		return nil
	})
}

// warningData is a warning event's data. Its fields are in the order of
// their names, as a map's keys would be: the stored JSON is the same as it
// always was, only quicker to make.
type warningData struct {
	Deadline string `json:"deadline"`
	Due      string `json:"due"`
	Level    string `json:"level"`
}

func warningText(cd sweepCrossing, level string) string {
	due := cd.DueAt.In(chinaTime).Format("2006-01-02")
	if level == StateRed {
		return fmt.Sprintf("已超期：%s（期限%s）", cd.Label, due)
	}
	return fmt.Sprintf("临近期限：%s（期限%s）", cd.Label, due)
}

// DeskNotifications lists the newest 100 notifications a user's desk
// received: a handler's desk, the intake window's (” — cases not yet
// routed), or every desk for a leader.
func (s *Service) DeskNotifications(ctx context.Context, a Actor) ([]DeskNotification, error) {
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
