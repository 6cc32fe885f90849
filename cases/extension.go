package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/jmoiron/sqlx/types"
)

// Hooks for subpackages (cases/mediation) that keep tables of their own
// but must change a case the way an action does: in the case's write
// transaction, with exactly one event on its timeline and the version
// bumped, so the history, the search index and optimistic locking see
// their steps like any other.

// CaseTx is a case as a subpackage's function sees it inside the write
// transaction. Case is unmasked (phones are needed for the SMS): it must
// not leave the subpackage.
type CaseTx struct {
	Tx       *sqlx.Tx
	Case     *Case
	Actor    Actor
	Now      time.Time
	Calendar *Calendar
}

// CaseChange is the one event a subpackage's function appends, and what
// else the transaction does for it.
type CaseChange struct {
	Kind       string // event kind, e.g. mediation_session_scheduled
	Body       string
	Visibility string // "" is internal
	Data       any    // marshalled to the event's JSON data; nil is {}
	// AddCoDesks makes the case visible to other desks (the court desk
	// after a 司法确认 application, desks invited to a 3+X conference);
	// the holding desk and desks already co-handling are skipped.
	AddCoDesks []string
	// SMS are queued in the notifications outbox in the same transaction.
	SMS []SMS
	// Deadline starts, moves or ends one limit of the case (the 司法确认
	// ruling's 15 days): counted, warned and swept like the case's own.
	Deadline *DeadlineChange
	// Reread: the function changed the case's own row or its parties (a
	// correction), so the answer is read back inside the transaction.
	Reread bool
}

// DeadlineChange is what a subpackage does to the case's running limit of
// Kind: with Start set it starts one (Label, Basis) due at the end of
// DueOn; otherwise it moves the running one's last day to DueOn (an
// extension) or, with End, ends it.
type DeadlineChange struct {
	Kind, Label, Basis string
	Start              time.Time
	DueOn              string // YYYY-MM-DD, China time
	End                bool
}

// apply changes c's limits; the caller saves them.
func (ch *DeadlineChange) apply(c *Case, env *deadlineEnv) error {
	d := c.openDeadline(ch.Kind)
	if ch.End {
		if d != nil {
			d.end(env.now)
		}
		return nil
	}
	day, err := time.ParseInLocation(time.DateOnly, ch.DueOn, ChinaZone)
	if err != nil {
		return fmt.Errorf("cases: deadline %s: %w", ch.Kind, err)
	}
	if !ch.Start.IsZero() {
		if d != nil {
			d.end(env.now)
		}
		d = &caseDeadline{CaseID: c.ID, Kind: ch.Kind, RuleCode: ch.Kind, Label: ch.Label, Basis: ch.Basis,
			Unit: UnitDay, DaysKind: DaysCalendar, StartedAt: ch.Start.UTC()}
		c.deadlines = append(c.deadlines, d)
	} else if d == nil {
		return fmt.Errorf("cases: no running deadline %s to move", ch.Kind)
	}
	d.DueAt = dueAt(day)
	d.refresh(env)
	return nil
}

// SMS is one text message to one phone.
type SMS struct {
	Phone string
	Text  string
}

// ChangeCase runs fn inside the case's write transaction after checking
// that a may see the case and that version (when given) is current; when
// fn succeeds it appends fn's one event in a's name, bumps the version and
// queues fn's messages. Whatever fn wrote is rolled back with any error.
func (s *Service) ChangeCase(ctx context.Context, a Actor, number string, version *int64,
	fn func(ctx context.Context, x *CaseTx) (*CaseChange, error)) (*Case, error) {
	number = NormalizeCaseNumber(number)
	now := s.now().UTC()
	cal, err := s.calendar(ctx)
	if err != nil {
		return nil, err
	}
	var after *Case
	err = s.store.write(ctx, func(tx *sqlx.Tx) error {
		before, err := findCase(ctx, tx, number)
		if err != nil {
			return err
		}
		if !canSee(a, before) {
			return ErrCaseNotFound
		}
		if err := s.runGuards(ctx, GuardArgs{Tx: tx, Actor: a, Case: before, Action: ActionChange}); err != nil {
			return err
		}
		if version != nil && *version != before.Version {
			return ErrStaleVersion
		}
		ch, err := fn(ctx, &CaseTx{Tx: tx, Case: before.clone(), Actor: a, Now: now, Calendar: cal})
		if err != nil {
			return err
		}
		if ch == nil || ch.Kind == "" {
			return fmt.Errorf("cases: a change without an event kind")
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(
			`UPDATE cases SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?`),
			now, before.ID, before.Version)
		if err != nil {
			return fmt.Errorf("store: unable to update case: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrStaleVersion
		}
		after = before.clone()
		after.Version, after.UpdatedAt = before.Version+1, now
		if ch.Reread {
			if after, err = findCase(ctx, tx, number); err != nil {
				return err
			}
		}
		// fn may have ticked materials (materials.go): answer the checklist as it is now.
		if after.Materials, err = findCaseMaterials(ctx, tx, after.ID, after.Category); err != nil {
			return err
		}
		if err := addCoDesks(ctx, tx, after, ch.AddCoDesks, now); err != nil {
			return err
		}
		if ch.Deadline != nil {
			env, err := s.deadlineEnv(ctx, tx, now)
			if err != nil {
				return err
			}
			if err := ch.Deadline.apply(after, env); err != nil {
				return err
			}
			if err := saveCaseDeadlines(ctx, tx, after); err != nil {
				return err
			}
		}
		e := &Event{Kind: ch.Kind, Body: ch.Body, Visibility: ch.Visibility, Data: types.JSONText("{}")}
		if e.Visibility == "" {
			e.Visibility = VisibilityInternal
		}
		if ch.Data != nil {
			raw, err := json.Marshal(ch.Data)
			if err != nil {
				return fmt.Errorf("cases: event data: %w", err)
			}
			e.Data = raw
		}
		if err := s.appendActorEvent(ctx, tx, a, before.ID, e, now); err != nil {
			return err
		}
		for _, m := range ch.SMS {
			if m.Phone == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`
				INSERT INTO notifications_outbox (case_id, phone, body, created_at, attempts, next_attempt_at)
				VALUES (?, ?, ?, ?, 0, ?)`), before.ID, m.Phone, m.Text, now, now); err != nil {
				return fmt.Errorf("store: unable to queue notification: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.public.drop(number)
	s.committed()
	after.Deadlines = after.deadlineViews(now)
	return maskCase(after), nil
}

// addCoDesks makes c visible to desks (the holding desk and desks already
// co-handling are skipped).
func addCoDesks(ctx context.Context, tx *sqlx.Tx, c *Case, desks []string, now time.Time) error {
	for _, d := range desks {
		if d == "" || d == c.Desk || slices.Contains(c.CoDesks, d) {
			continue
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(
			`INSERT INTO case_co_desks (case_id, desk, invited_at) VALUES (?, ?, ?)`), c.ID, d, now); err != nil {
			return fmt.Errorf("store: unable to add co-desk: %w", err)
		}
		c.CoDesks = append(c.CoDesks, d)
	}
	return nil
}

// saveCaseDeadlines saves the limits an action started, moved or ended and
// the case's warning summary that follows from them.
func saveCaseDeadlines(ctx context.Context, tx *sqlx.Tx, c *Case) error {
	c.syncDeadlines()
	if err := saveDeadlines(ctx, tx, c); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE cases SET warning = ? WHERE id = ?`), c.Warning, c.ID); err != nil {
		return fmt.Errorf("store: unable to update case: %w", err)
	}
	return nil
}

// GuardArgs is what a guard sees before a change of a case is checked.
type GuardArgs struct {
	Tx    *sqlx.Tx
	Actor Actor
	Case  *Case // as it is before the change
	// Action is the lifecycle action's name ("notes", "transfer", …),
	// ActionFile for files staff file, or ActionChange for a
	// subpackage's change through ChangeCase.
	Action string
}

// Actions a guard sees besides the lifecycle actions' names.
const (
	ActionFile   = "file"   // Service.File
	ActionChange = "change" // Service.ChangeCase
)

// OnGuard registers fn to run first in every change of a case — lifecycle
// actions, files filed by staff, subpackages' changes through ChangeCase —
// inside its write transaction, after the read rule and before the
// change's own checks, so that a refusal from fn is the answer the caller
// gets (an archived case takes notes only: "the case is archived" says
// more than "the case is closed"). An error from fn refuses the change.
func (s *Service) OnGuard(fn func(ctx context.Context, g GuardArgs) error) {
	addHook(&s.guards, fn)
}

// OfferedActions is AvailableActions less what a guard refuses (an
// archived case offers notes only): what a page should offer. The guards
// read in a read-only transaction of their own; a refusal that is not a
// domain answer (the database failing) is the caller's error.
func (s *Service) OfferedActions(ctx context.Context, a Actor, c *Case) ([]ActionInfo, error) {
	infos := AvailableActions(a, c)
	if len(s.guards.get()) == 0 || len(infos) == 0 {
		return infos, nil
	}
	tx, err := s.store.r.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: unable to begin: %w", err)
	}
	defer tx.Rollback()
	var out []ActionInfo
	for _, info := range infos {
		err := s.runGuards(ctx, GuardArgs{Tx: tx, Actor: a, Case: c, Action: info.Name})
		var domain *Error
		switch {
		case err == nil:
			out = append(out, info)
		case !errors.As(err, &domain):
			return nil, err
		}
	}
	return out, nil
}

func addHook[T any](registered *guarded[[]func(context.Context, T) error], fn func(context.Context, T) error) {
	registered.update(func(fns []func(context.Context, T) error) []func(context.Context, T) error { return append(fns, fn) })
}

func (s *Service) runGuards(ctx context.Context, g GuardArgs) error {
	// Every change to a case passes here: a client needs the act scope.
	if err := requireScope(g.Actor, ScopeAct); err != nil {
		return err
	}
	return runHooks(&s.guards, ctx, g)
}

// runHooks calls each of the hooks (registered at start-up, called on
// every change) until one refuses.
func runHooks[T any](registered *guarded[[]func(context.Context, T) error], ctx context.Context, arg T) error {
	for _, fn := range registered.get() {
		if err := fn(ctx, arg); err != nil {
			return err
		}
	}
	return nil
}

// ActionHookArgs is what an action hook sees: the case before and after a
// lifecycle action (lifecycle.go) and the event it is about to append.
type ActionHookArgs struct {
	Tx      *sqlx.Tx
	Actor   Actor
	Before  *Case
	After   *Case
	Request ActionRequest
	Event   *Event
	Now     time.Time
}

// OnAction registers fn to run inside every lifecycle action's transaction
// after the action's own checks passed; an error from fn refuses the action
// and rolls everything back. A subpackage uses it for rules on its own
// data (closing as resolved needs an agreement) and for side records (a
// 回访 task when a case closes).
func (s *Service) OnAction(fn func(ctx context.Context, h ActionHookArgs) error) {
	addHook(&s.actionHooks, fn)
}

func (s *Service) runActionHooks(ctx context.Context, h ActionHookArgs) error {
	return runHooks(&s.actionHooks, ctx, h)
}

// CaseForRead answers the unmasked case for a subpackage's read path, with
// ErrCaseNotFound when a may not see it. Masking what leaves is the
// caller's duty.
func (s *Service) CaseForRead(ctx context.Context, a Actor, number string) (*Case, error) {
	return findVisibleCase(ctx, s.store.r, a, NormalizeCaseNumber(number))
}

// CaseByNumberUnchecked answers the case without any permission check: for
// the citizen's view, after PublicStatus has checked the query code.
func (s *Service) CaseByNumberUnchecked(ctx context.Context, number string) (*Case, error) {
	return findCase(ctx, s.store.r, NormalizeCaseNumber(number))
}

// Reader is the reader pool, for a subpackage's queries.
func (s *Service) Reader() *sqlx.DB { return s.store.r }

// WriteTx runs fn in one write transaction, for a subpackage's data that
// belongs to no case (rooms, settings). Case changes go through ChangeCase.
func (s *Service) WriteTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	return s.store.write(ctx, fn)
}

// WorkCalendar answers the working-day calendar.
func (s *Service) WorkCalendar(ctx context.Context) (*Calendar, error) { return s.calendar(ctx) }

// NextWorkingDay is the China date of day itself when it is a working
// day, else the first working day after it (民事诉讼法 第八十五条: a period
// whose last day is a statutory holiday ends on the first day after it).
func (c *Calendar) NextWorkingDay(day time.Time) time.Time { return c.nextWorkingDay(day) }
