package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/jmoiron/sqlx/types"
)

// The warning sweep: a limit turns yellow when a share of its time is used
// and red when it is overdue. Each crossing writes one `warning` event and
// one notification to the holding desk, once only.
//
// Why it is safe to run on several processes at once: candidates are read
// inside the write transaction (IMMEDIATE, so one sweep waits for the
// other), and each crossing is claimed with a conditional UPDATE on the
// level it was read at; a second sweep finds nothing left to claim.
//
// Why it does not bump the case version: a warning is the clock's doing,
// not a person's. Bumping it would make every desk officer's open form
// stale (409) at the minute a deadline crossed, for nothing they could act
// on. The event is appended (the timeline and the search index follow the
// event log) and cases.warning is set; updated_at stays the last human act.

// SweepBatch is how many crossings one transaction writes, so a large
// backlog does not hold the writer for long.
const SweepBatch = 500

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

type sweepCandidate struct {
	ID     int64     `db:"id"`
	CaseID int64     `db:"case_id"`
	Kind   string    `db:"kind"`
	Label  string    `db:"label"`
	DueAt  time.Time `db:"due_at"`
	Level  string    `db:"level"`
	Number string    `db:"number"`
	Desk   string    `db:"desk"`
}

// SweepWarnings writes the warnings due at now. Idempotent: a second run at
// the same instant writes nothing.
func (s *Service) SweepWarnings(ctx context.Context, now time.Time) (SweepResult, error) {
	now = now.UTC()
	var res SweepResult
	for {
		n := 0
		err := s.store.write(ctx, func(tx *sqlx.Tx) error {
			var cands []sweepCandidate
			if err := tx.SelectContext(ctx, &cands, tx.Rebind(`
				SELECT d.id, d.case_id, d.kind, d.label, d.due_at, d.level, c.number, COALESCE(c.desk, '') AS desk
				FROM case_deadlines d JOIN cases c ON c.id = d.case_id
				WHERE d.next_warn_at IS NOT NULL AND d.next_warn_at <= ?
				ORDER BY d.next_warn_at LIMIT ?`), now, SweepBatch); err != nil {
				return fmt.Errorf("store: unable to find deadline warnings: %w", err)
			}
			n = len(cands)
			for _, cd := range cands {
				level, err := claimCrossing(ctx, tx, cd, now)
				if err != nil {
					return err
				}
				switch level {
				case StateYellow:
					res.Yellow++
				case StateRed:
					res.Red++
				}
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		if n < SweepBatch {
			break
		}
	}
	if res.Yellow+res.Red > 0 {
		s.committed()
	}
	return res, nil
}

// claimCrossing moves one deadline to its next level and records it, or
// does nothing when another sweep got there first.
func claimCrossing(ctx context.Context, tx *sqlx.Tx, cd sweepCandidate, now time.Time) (string, error) {
	level := StateYellow
	var next any = cd.DueAt
	if now.After(cd.DueAt.UTC()) {
		// Overdue: red, even if yellow was never seen (one event, not two).
		level, next = StateRed, nil
	}
	r, err := tx.ExecContext(ctx, tx.Rebind(`
		UPDATE case_deadlines SET level = ?, next_warn_at = ?
		WHERE id = ? AND level = ? AND next_warn_at IS NOT NULL AND ended_at IS NULL AND paused_since IS NULL`),
		level, next, cd.ID, cd.Level)
	if err != nil {
		return "", fmt.Errorf("store: unable to claim a deadline warning: %w", err)
	}
	if n, _ := r.RowsAffected(); n != 1 {
		return "", nil
	}
	// The case's warning is the worst of its running limits.
	if _, err := tx.ExecContext(ctx, tx.Rebind(`
		UPDATE cases SET warning = ? WHERE id = ? AND (warning = '' OR ? = 'red')`), level, cd.CaseID, level); err != nil {
		return "", fmt.Errorf("store: unable to set the case warning: %w", err)
	}
	text := warningText(cd, level)
	data, _ := json.Marshal(map[string]string{"level": level, "deadline": cd.Kind, "due": cd.DueAt.UTC().Format(time.RFC3339)})
	e := &Event{CaseID: cd.CaseID, At: now, Kind: EventWarning, ActorName: systemWarnerName, ActorRole: "system",
		Body: text, Visibility: VisibilityInternal, Data: types.JSONText(data)}
	if err := appendEvent(ctx, tx, e); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`
		INSERT INTO desk_notifications (desk, case_id, kind, text, created_at) VALUES (?, ?, ?, ?, ?)`),
		cd.Desk, cd.CaseID, "warning_"+level, cd.Number+" "+text, now); err != nil {
		return "", fmt.Errorf("store: unable to notify the desk: %w", err)
	}
	return level, nil
}

func warningText(cd sweepCandidate, level string) string {
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
