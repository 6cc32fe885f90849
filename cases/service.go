package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Service applies the use cases of yidi; each method that changes anything
// runs in one transaction that updates the case row and appends one event.
type Service struct {
	store *Store
	now   func() time.Time

	listeners guarded[[]func()]
	desks     cached[[]Desk]     // read on every action, changed by admins rarely
	cats      cached[[]Category] // likewise
	public    publicCache
	cal       cached[*Calendar] // working-day calendar (calendar.go)
	warnShare guarded[float64]  // share of a limit used that turns a case yellow
	minFree   guarded[int64]    // free-space guard threshold (storage.go); 0 default, <0 off
	quota     guarded[Quota]    // what the public may send per case (quota.go)

	actionHooks guarded[[]func(ctx context.Context, h ActionHookArgs) error] // extension.go
	guards      guarded[[]func(ctx context.Context, g GuardArgs) error]      // extension.go
	rooms       guarded[RoomBooker]                                          // meetings.go
}

// NewService wraps an open store.
func NewService(store *Store) *Service {
	s := &Service{store: store, now: time.Now}
	s.SetWarnShare(DefaultWarnShare)
	return s
}

// SetClock replaces the clock (tests, demo data dated in the past).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// OnCommit registers fn to run after every committed change, e.g. to wake
// the search indexer. fn must not block.
func (s *Service) OnCommit(fn func()) {
	s.listeners.update(func(fns []func()) []func() { return append(fns, fn) })
}

func (s *Service) committed() {
	for _, fn := range s.listeners.get() {
		fn()
	}
}

// Do applies one action to a case and answers the updated case. For
// reissue_code use ReissueCode, which also answers the new code.
func (s *Service) Do(ctx context.Context, a Actor, number string, r ActionRequest) (*Case, error) {
	after, err := s.do(ctx, a, number, r)
	if err != nil {
		return nil, err
	}
	return maskCase(after), nil
}

// ReissueCode issues a new query code through the reissue_code action (so
// the transitions table decides who may) and answers it, once: the old
// code stops working at once, and only the new code's hash is kept.
func (s *Service) ReissueCode(ctx context.Context, a Actor, number string, version *int64) (*Case, string, error) {
	after, err := s.do(ctx, a, number, ActionRequest{Action: "reissue_code", Version: version})
	if err != nil {
		return nil, "", err
	}
	return maskCase(after), after.newCode, nil
}

func (s *Service) do(ctx context.Context, a Actor, number string, r ActionRequest) (*Case, error) {
	number = NormalizeCaseNumber(number)
	now := s.now().UTC()
	var after *Case
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		before, err := findCase(ctx, tx, number)
		if err != nil {
			return err
		}
		if !canSee(a, before) {
			return ErrCaseNotFound
		}
		if err := showLinks(ctx, tx, a, before); err != nil {
			return err
		}
		if err := s.runGuards(ctx, GuardArgs{Tx: tx, Actor: a, Case: before, Action: r.Action}); err != nil {
			return err
		}
		desks, err := s.Desks(ctx)
		if err != nil {
			return err
		}
		denv, err := s.deadlineEnv(ctx, tx, now)
		if err != nil {
			return err
		}
		after = before.clone()
		e, err := applyAction(a, after, r, &applyEnv{now: now, desk: deskLookup(desks), actor: a, deadlines: denv})
		if err != nil {
			return err
		}
		if err := s.runActionHooks(ctx, ActionHookArgs{Tx: tx, Actor: a, Before: before, After: after,
			Request: r, Event: e, Now: now}); err != nil {
			return err
		}
		if err := turnGreen(ctx, tx, after, e, now); err != nil {
			return err
		}
		if err := saveCaseState(ctx, tx, before, after, now); err != nil {
			return err
		}
		if err := s.appendActorEvent(ctx, tx, a, after.ID, e, now); err != nil {
			return err
		}
		// The citizen hears of it in the same transaction: no change is told
		// that did not happen, and none that happened goes untold.
		return queueNotification(ctx, tx, after, e, deskNamer(desks), now)
	})
	if err != nil {
		return nil, err
	}
	s.public.drop(number)
	s.committed()
	after.Deadlines = after.deadlineViews(now)
	return after, nil
}

func (s *Service) appendActorEvent(ctx context.Context, tx *sqlx.Tx, a Actor, caseID int64, e *Event, now time.Time) error {
	e.CaseID, e.At = caseID, now
	e.ActorName, e.ActorRole = a.Name, string(a.Role)
	if a.UserID != 0 {
		id := a.UserID
		e.ActorID = &id
	}
	// Handlers act for their desk; the window and leaders act for the centre.
	if a.Role == RoleHandler {
		e.Desk = a.Desk
	}
	return appendEvent(ctx, tx, e)
}

// Case answers one case as the actor may see it.
func (s *Service) Case(ctx context.Context, a Actor, number string) (*Case, error) {
	c, err := findVisibleCase(ctx, s.store.r, a, NormalizeCaseNumber(number))
	if err != nil {
		return nil, err
	}
	c.Deadlines = c.deadlineViews(s.now().UTC())
	return maskCase(c), nil
}

// Timeline answers every event of a case, oldest first, across every desk,
// with those of the cases merged into it (links.go).
func (s *Service) Timeline(ctx context.Context, a Actor, number string) ([]Event, error) {
	c, err := findVisibleCase(ctx, s.store.r, a, NormalizeCaseNumber(number))
	if err != nil {
		return nil, err
	}
	events, err := findTimeline(ctx, s.store.r, c)
	if err != nil {
		return nil, err
	}
	name, err := s.DeskNames(ctx)
	if err != nil {
		return nil, err
	}
	for i := range events {
		events[i].DeskName = eventDeskName(&events[i], name)
		if events[i].Visibility == "" {
			// Stored so before appendEvent defaulted it; the chain keeps "".
			events[i].Visibility = VisibilityInternal
		}
	}
	return events, nil
}

// Desks lists every desk, active or not.
func (s *Service) Desks(ctx context.Context) ([]Desk, error) {
	return s.desks.get(0, func() ([]Desk, error) { return findDesks(ctx, s.store.r) })
}

// Categories lists every category of dispute.
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	return s.cats.get(0, func() ([]Category, error) {
		var cats []Category
		if err := s.store.r.SelectContext(ctx, &cats,
			`SELECT code, name, sort_order, active FROM categories ORDER BY sort_order, code`); err != nil {
			return nil, fmt.Errorf("store: unable to fetch categories: %w", err)
		}
		return cats, nil
	})
}

// CategoryName is a category's name, or its code when there is none.
func (s *Service) CategoryName(ctx context.Context, code string) (string, error) {
	cats, err := s.Categories(ctx)
	if err != nil {
		return "", err
	}
	if i := slices.IndexFunc(cats, func(c Category) bool { return c.Code == code }); i >= 0 {
		return cats[i].Name, nil
	}
	return code, nil
}

// AddDesk lets an admin open a further desk (劳动仲裁, 法律援助, …).
func (s *Service) AddDesk(ctx context.Context, a Actor, d Desk) (*Desk, error) {
	if !adminRole(a) {
		return nil, forbidden("只有管理员可以增加窗口")
	}
	d.Code, d.Name = strings.TrimSpace(d.Code), strings.TrimSpace(d.Name)
	if !validCode(d.Code) {
		return nil, invalid("code", "invalid_code", "窗口代码应为2-32位小写英文字母、数字或下划线，以字母开头")
	}
	if err := RequiredText("name", d.Name, 30, "窗口名称"); err != nil {
		return nil, err
	}
	d.Active = true
	err := s.addNamed(ctx, deskList, d.Code,
		`INSERT INTO desks (code, name, sort_order, active, created_at) VALUES (?, ?, ?, ?, ?)`,
		d.Code, d.Name, 100, true, s.now().UTC())
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func validCode(s string) bool {
	if len(s) < 2 || len(s) > 32 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func (c *Case) clone() *Case {
	cp := *c
	cp.CoDesks = slices.Clone(c.CoDesks)
	cp.Parties = slices.Clone(c.Parties)
	cp.ExternalRefs = slices.Clone(c.ExternalRefs)
	cp.Deadlines = slices.Clone(c.Deadlines)
	cp.Links, cp.MergedFrom = slices.Clone(c.Links), slices.Clone(c.MergedFrom)
	cp.deadlines = make([]*caseDeadline, len(c.deadlines))
	for i, d := range c.deadlines {
		dc := *d
		cp.deadlines[i] = &dc
	}
	if c.Deadline != nil {
		d := *c.Deadline
		cp.Deadline = &d
	}
	if c.Referral != nil {
		r := *c.Referral
		cp.Referral = &r
	}
	return &cp
}

// maskCase is what leaves the service: ID numbers and phones masked.
func maskCase(c *Case) *Case {
	out := c.clone()
	// Lists, never null (a case built by intake has read none).
	if out.Links == nil {
		out.Links = []CaseLink{}
	}
	if out.MergedFrom == nil {
		out.MergedFrom = []string{}
	}
	for i := range out.Parties {
		p := &out.Parties[i]
		if p.Kind == PersonIndividual {
			p.IDNumber = MaskIDNumber(p.IDNumber)
			p.Phone = MaskPhone(p.Phone)
		}
	}
	out.Group = groupOf(c)
	return out
}

// eventDeskName says on whose behalf an entry was written: a desk, the
// intake window, the centre's leaders, or the system (deadline warnings,
// online applications), rather than calling every deskless entry the window's.
// actorCitizen is the actor role of what the citizen's page writes (a
// message, a rating): no staff role and no desk.
const actorCitizen = "citizen"

func eventDeskName(e *Event, name func(string) string) string {
	if e.Desk == "" {
		switch e.ActorRole {
		case string(RoleLeader):
			return "中心领导"
		case "system":
			return "系统"
		case actorCitizen:
			// A message or rating from the citizen's page came through no
			// desk; it used to read as the intake window's.
			return "群众（网上）"
		}
	}
	return name(e.Desk)
}

// Now is the service's clock (tests and the demo set it).
func (s *Service) Now() time.Time { return s.now() }
