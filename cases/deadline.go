package cases

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// How a limit counts. Calendar-day limits count natural days and, when the
// last day is a weekend or public holiday, end on the first working day
// after it (民事诉讼法 第八十五条: 期间届满的最后一日是法定休假日的，以法定休假日后
// 的第一日为期间届满的日期). Working-day limits skip weekends and holidays and
// count the 调休 make-up days. Month limits end on the same day of the later
// month (clamped to its end) and are calendar limits.
const (
	DaysCalendar = "calendar"
	DaysWorking  = "working"
	UnitDay      = "day"
	UnitMonth    = "month"
)

// Kinds of a case's deadline record.
const (
	DeadlineStage       = "stage"       // the time limit of the stage the case is in
	DeadlineSupervision = "supervision" // a leader's 督办 response date
)

// Deadline states shown to users.
const (
	StateOK     = "ok"
	StateYellow = "yellow"
	StateRed    = "red"
	StatePaused = "paused"
)

// DefaultWarnShare is the share of a limit used at which a case turns yellow.
const DefaultWarnShare = 0.8

// DeadlineStages are the stages a rule may govern: those a case waits in
// for someone to act (a suspended case's clock stands still; a closed or
// declined one has none).
var DeadlineStages = []Status{StatusSubmitted, StatusRegistered, StatusRouted, StatusInProgress}

// DeadlineRule is one time limit of docs/deadlines.md as data: the stage it
// governs (the status a case enters, at a desk or at any desk), its length
// and how days count, how far it may be extended, and its legal basis.
type DeadlineRule struct {
	Code             string `db:"code" json:"code"`
	Desk             string `db:"desk" json:"desk"`
	Stage            Status `db:"stage" json:"stage"`
	Length           int    `db:"length" json:"length"`
	Unit             string `db:"unit" json:"unit"`
	DaysKind         string `db:"days_kind" json:"days_kind"`
	MaxExtensionDays int    `db:"max_extension_days" json:"max_extension_days"`
	ExtensionNote    string `db:"extension_note" json:"extension_note"`
	Basis            string `db:"basis" json:"basis"`
	Label            string `db:"label" json:"label"`
	Active           bool   `db:"active" json:"active"`
	Order            int    `db:"sort_order" json:"-"`
}

// DeadlineView is one running time limit of a case as users see it: which
// rule, on what basis, when it is due, and how it stands now.
type DeadlineView struct {
	Code     string    `json:"code"`
	Kind     string    `json:"kind"`
	Rule     string    `json:"rule"`
	Basis    string    `json:"basis"`
	Due      time.Time `json:"due"`
	DaysKind string    `json:"days_kind"`
	State    string    `json:"state"`
}

// caseDeadline is a case's own copy of a rule's terms, made when the stage
// started, so that editing the rule later changes nothing already running.
type caseDeadline struct {
	ID               int64        `db:"id"`
	CaseID           int64        `db:"case_id"`
	Kind             string       `db:"kind"`
	RuleCode         string       `db:"rule_code"`
	Label            string       `db:"label"`
	Basis            string       `db:"basis"`
	Length           int          `db:"length"`
	Unit             string       `db:"unit"`
	DaysKind         string       `db:"days_kind"`
	MaxExtensionDays int          `db:"max_extension_days"`
	StartedAt        time.Time    `db:"started_at"`
	DueAt            time.Time    `db:"due_at"`
	YellowAt         time.Time    `db:"yellow_at"`
	ExtendedDays     int          `db:"extended_days"`
	PausedDays       int          `db:"paused_days"`
	PausedSince      sql.NullTime `db:"paused_since"`
	Level            string       `db:"level"`
	NextWarnAt       sql.NullTime `db:"next_warn_at"`
	EndedAt          sql.NullTime `db:"ended_at"`
	// NotifyDesk is the desk the sweep tells of a crossing when it is not
	// the holding desk (a 交办 task's owner); "" is the holding desk.
	NotifyDesk string `db:"notify_desk"`
	dirty      bool
}

// deadlineEnv is what deadline arithmetic needs besides the record.
type deadlineEnv struct {
	now   time.Time
	cal   *Calendar
	share float64
	rules []DeadlineRule // active rules
}

// ruleFor is the active rule for entering stage at desk: the desk's own,
// else the rule for any desk.
func ruleFor(rules []DeadlineRule, stage Status, desk string) (DeadlineRule, bool) {
	var general *DeadlineRule
	for i, r := range rules {
		if !r.Active || r.Stage != stage {
			continue
		}
		if r.Desk == desk && desk != "" {
			return r, true
		}
		if r.Desk == "" {
			general = &rules[i]
		}
	}
	if general != nil {
		return *general, true
	}
	return DeadlineRule{}, false
}

// stageDue is when a limit started at start ends, with extra days (extended
// or suspended) of its kind added.
func stageDue(cal *Calendar, start time.Time, length int, unit, kind string, extra int) time.Time {
	day := StartOfDay(start)
	switch {
	case unit == UnitMonth:
		day = addMonths(day, length).AddDate(0, 0, extra)
	case kind == DaysWorking:
		return dueAt(cal.AddWorkingDays(day, length+extra))
	default:
		day = day.AddDate(0, 0, length+extra)
	}
	return dueAt(cal.nextWorkingDay(day))
}

// yellowAt is the instant share of the time from start to due is used.
func yellowAt(start, due time.Time, share float64) time.Time {
	return start.Add(time.Duration(float64(due.Sub(start)) * share)).Truncate(time.Second).UTC()
}

// refresh recomputes due, yellow and the next instant the sweep must look
// at, after the record was created, extended, paused or resumed.
func (d *caseDeadline) refresh(env *deadlineEnv) {
	if d.Kind == DeadlineStage && d.Length > 0 {
		d.DueAt = stageDue(env.cal, d.StartedAt, d.Length, d.Unit, d.DaysKind, d.ExtendedDays+d.PausedDays)
	}
	d.YellowAt = yellowAt(d.StartedAt, d.DueAt, env.share)
	// An extension or a resumption can give back time: a level warned
	// before no longer holds, and its crossing will be warned afresh.
	if d.Level == StateRed && !env.now.After(d.DueAt) {
		d.Level = StateYellow
	}
	if d.Level == StateYellow && env.now.Before(d.YellowAt) {
		d.Level = ""
	}
	d.NextWarnAt = sql.NullTime{}
	if !d.EndedAt.Valid && !d.PausedSince.Valid {
		switch d.Level {
		case "":
			d.NextWarnAt = sql.NullTime{Time: d.YellowAt, Valid: true}
		case StateYellow:
			d.NextWarnAt = sql.NullTime{Time: d.DueAt, Valid: true}
		}
	}
	d.dirty = true
}

func (d *caseDeadline) end(now time.Time) {
	d.EndedAt = sql.NullTime{Time: now, Valid: true}
	d.NextWarnAt = sql.NullTime{}
	d.dirty = true
}

func (d *caseDeadline) state(now time.Time) string {
	switch {
	case d.PausedSince.Valid:
		return StatePaused
	case now.After(d.DueAt):
		return StateRed
	case !now.Before(d.YellowAt) || d.Level == StateYellow:
		return StateYellow
	}
	return StateOK
}

// openDeadline is the case's running deadline of kind, or nil.
func (c *Case) openDeadline(kind string) *caseDeadline {
	for _, d := range c.deadlines {
		if d.Kind == kind && !d.EndedAt.Valid {
			return d
		}
	}
	return nil
}

// startStage ends the limit of the stage the case left and starts the one
// of the stage it entered, if a rule governs it. Closing ends every limit,
// a 督办 response date included.
func (c *Case) startStage(env *deadlineEnv) {
	if d := c.openDeadline(DeadlineStage); d != nil {
		d.end(env.now)
	}
	if c.Status == StatusClosed {
		// Closing answers any 督办 still open: the case is no longer awaiting
		// a response (the escalate event keeps the history).
		if d := c.openDeadline(DeadlineSupervision); d != nil {
			d.end(env.now)
		}
		c.Supervision = ""
		c.endReferral(ReferralClosed, env.now)
		return
	}
	rule, ok := ruleFor(env.rules, c.Status, c.Desk)
	if !ok {
		return
	}
	d := &caseDeadline{CaseID: c.ID, Kind: DeadlineStage, RuleCode: rule.Code, Label: rule.Label,
		Basis: rule.Basis, Length: rule.Length, Unit: rule.Unit, DaysKind: rule.DaysKind,
		MaxExtensionDays: rule.MaxExtensionDays, StartedAt: env.now}
	d.refresh(env)
	c.deadlines = append(c.deadlines, d)
}

// syncDeadlines keeps the case row's summary in step with its records: the
// stage limit in deadline_at/deadline_rule (search and the public view read
// those) and the worst warning level over what still runs.
func (c *Case) syncDeadlines() {
	c.Deadline = nil
	if d := c.openDeadline(DeadlineStage); d != nil {
		c.Deadline = &Deadline{Due: d.DueAt, Rule: d.Label + "（" + d.Basis + "）"}
		if d.Basis == "" {
			c.Deadline.Rule = d.Label
		}
	}
	c.Warning = ""
	for _, d := range c.deadlines {
		if d.EndedAt.Valid {
			continue
		}
		if d.Level == StateRed || (d.Level == StateYellow && c.Warning == "") {
			c.Warning = d.Level
		}
	}
}

// deadlineViews are the case's running limits, stage first, then the
// others in the order they started (a referral's, a 督办's, a 司法确认
// ruling's), as of now.
func (c *Case) deadlineViews(now time.Time) []DeadlineView {
	out := []DeadlineView{}
	view := func(d *caseDeadline) {
		out = append(out, DeadlineView{Code: d.RuleCode, Kind: d.Kind, Rule: d.Label, Basis: d.Basis,
			Due: d.DueAt, DaysKind: d.DaysKind, State: d.state(now)})
	}
	if d := c.openDeadline(DeadlineStage); d != nil {
		view(d)
	}
	for _, d := range c.deadlines {
		if d.Kind != DeadlineStage && !d.EndedAt.Valid {
			view(d)
		}
	}
	return out
}

func findOpenDeadlines(ctx context.Context, q querier, caseID int64) ([]*caseDeadline, error) {
	var ds []*caseDeadline
	if err := q.SelectContext(ctx, &ds, q.Rebind(
		`SELECT * FROM case_deadlines WHERE case_id = ? AND ended_at IS NULL ORDER BY id`), caseID); err != nil {
		return nil, fmt.Errorf("store: unable to fetch deadlines: %w", err)
	}
	for _, d := range ds {
		d.StartedAt, d.DueAt, d.YellowAt = d.StartedAt.UTC(), d.DueAt.UTC(), d.YellowAt.UTC()
	}
	return ds, nil
}

// saveDeadlines writes the records an action created or changed.
func saveDeadlines(ctx context.Context, tx *sqlx.Tx, c *Case) error {
	for _, d := range c.deadlines {
		if !d.dirty {
			continue
		}
		var err error
		if d.ID == 0 {
			err = tx.GetContext(ctx, &d.ID, tx.Rebind(`
				INSERT INTO case_deadlines (case_id, kind, rule_code, label, basis, length, unit, days_kind,
					max_extension_days, started_at, due_at, yellow_at, extended_days, paused_days, paused_since,
					level, next_warn_at, ended_at, notify_desk)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
				c.ID, d.Kind, d.RuleCode, d.Label, d.Basis, d.Length, d.Unit, d.DaysKind,
				d.MaxExtensionDays, d.StartedAt, d.DueAt, d.YellowAt, d.ExtendedDays, d.PausedDays, d.PausedSince,
				d.Level, d.NextWarnAt, d.EndedAt, d.NotifyDesk)
		} else {
			_, err = tx.ExecContext(ctx, tx.Rebind(`
				UPDATE case_deadlines SET due_at = ?, yellow_at = ?, extended_days = ?, paused_days = ?,
					paused_since = ?, level = ?, next_warn_at = ?, ended_at = ?
				WHERE id = ?`),
				d.DueAt, d.YellowAt, d.ExtendedDays, d.PausedDays, d.PausedSince, d.Level, d.NextWarnAt, d.EndedAt, d.ID)
		}
		if err != nil {
			return fmt.Errorf("store: unable to save a deadline: %w", err)
		}
		d.dirty = false
	}
	return nil
}

func activeRules(ctx context.Context, q querier) ([]DeadlineRule, error) {
	var rules []DeadlineRule
	if err := q.SelectContext(ctx, &rules, `SELECT code, desk, stage, length, unit, days_kind, max_extension_days,
		extension_note, basis, label, active, sort_order FROM deadline_rules WHERE active ORDER BY sort_order, code`); err != nil {
		return nil, fmt.Errorf("store: unable to fetch deadline rules: %w", err)
	}
	return rules, nil
}

// deadlineEnv gathers, inside the action's transaction, what the deadline
// arithmetic of an action needs.
func (s *Service) deadlineEnv(ctx context.Context, tx *sqlx.Tx, now time.Time) (*deadlineEnv, error) {
	cal, err := s.calendar(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := activeRules(ctx, tx)
	if err != nil {
		return nil, err
	}
	return &deadlineEnv{now: now, cal: cal, share: s.WarnShare(), rules: rules}, nil
}

// SetWarnShare sets the share of a limit used at which a case turns yellow
// (0 < share < 1; default 0.8). It applies to limits started or shifted
// afterwards: the yellow instant is stored with each limit.
func (s *Service) SetWarnShare(share float64) {
	if share <= 0 || share >= 1 {
		share = DefaultWarnShare
	}
	s.warnShare.set(share)
}

// WarnShare is the share of a limit used at which a case turns yellow.
func (s *Service) WarnShare() float64 { return s.warnShare.get() }

// DeadlineRuleInput is an admin's edit of a rule (PUT: every field).
type DeadlineRuleInput struct {
	Desk             string `json:"desk"`
	Stage            Status `json:"stage"`
	Length           int    `json:"length"`
	Unit             string `json:"unit"`
	DaysKind         string `json:"days_kind"`
	MaxExtensionDays int    `json:"max_extension_days"`
	ExtensionNote    string `json:"extension_note"`
	Basis            string `json:"basis"`
	Label            string `json:"label"`
	Active           bool   `json:"active"`
}

// DeadlineRules lists every rule, active or kept for reference.
func (s *Service) DeadlineRules(ctx context.Context, a Actor) ([]DeadlineRule, error) {
	if !adminRole(a) && a.Role != RoleLeader {
		return nil, forbidden("只有管理员和领导可以查看时限规则")
	}
	rules := []DeadlineRule{}
	if err := s.store.r.SelectContext(ctx, &rules, `SELECT code, desk, stage, length, unit, days_kind,
		max_extension_days, extension_note, basis, label, active, sort_order FROM deadline_rules
		ORDER BY sort_order, code`); err != nil {
		return nil, fmt.Errorf("store: unable to fetch deadline rules: %w", err)
	}
	return rules, nil
}

// SaveDeadlineRule creates or replaces a rule. It applies to stages that
// start afterwards: running deadlines keep the terms they were given.
func (s *Service) SaveDeadlineRule(ctx context.Context, a Actor, code string, in DeadlineRuleInput) (*DeadlineRule, error) {
	if !adminRole(a) {
		return nil, forbidden("只有管理员可以修改时限规则")
	}
	r := DeadlineRule{Code: strings.TrimSpace(code), Desk: strings.TrimSpace(in.Desk), Stage: in.Stage,
		Length: in.Length, Unit: in.Unit, DaysKind: in.DaysKind, MaxExtensionDays: in.MaxExtensionDays,
		ExtensionNote: strings.TrimSpace(in.ExtensionNote), Basis: strings.TrimSpace(in.Basis),
		Label: strings.TrimSpace(in.Label), Active: in.Active}
	if err := r.validate(); err != nil {
		return nil, err
	}
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		if r.Active {
			var other string
			err := tx.GetContext(ctx, &other, tx.Rebind(
				`SELECT code FROM deadline_rules WHERE active AND desk = ? AND stage = ? AND code <> ?`), r.Desk, r.Stage, r.Code)
			if err == nil {
				return &Error{Kind: KindConflict, Code: "rule_conflict", Field: "active",
					Message: fmt.Sprintf("该窗口该环节已有生效的规则“%s”，请先停用它", other)}
			}
			if !isNoRows(err) {
				return err
			}
		}
		if err := tx.GetContext(ctx, &r.Order, tx.Rebind(
			`SELECT COALESCE((SELECT sort_order FROM deadline_rules WHERE code = ?), (SELECT COALESCE(MAX(sort_order), 0) + 10 FROM deadline_rules))`),
			r.Code); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM deadline_rules WHERE code = ?`), r.Code); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO deadline_rules (code, desk, stage, length, unit, days_kind, max_extension_days,
				extension_note, basis, label, active, sort_order, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			r.Code, r.Desk, r.Stage, r.Length, r.Unit, r.DaysKind, r.MaxExtensionDays,
			r.ExtensionNote, r.Basis, r.Label, r.Active, r.Order, s.now().UTC())
		return err
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

func (r *DeadlineRule) validate() error {
	if !validCode(r.Code) {
		return invalid("code", "invalid_code", "规则代码应为2-32位小写英文字母、数字或下划线，以字母开头")
	}
	if r.Desk != "" && !validCode(r.Desk) {
		return invalid("desk", "invalid_code", "窗口代码应为2-32位小写英文字母、数字或下划线；留空表示适用于所有窗口")
	}
	if !slices.Contains(DeadlineStages, r.Stage) {
		return invalid("stage", "invalid_stage", "环节只能是 submitted（网上申请待受理）、registered（待分流）、routed（待签收）或 in_progress（办理中）")
	}
	if r.Unit != UnitDay && r.Unit != UnitMonth {
		return invalid("unit", "invalid_unit", "单位只能是 day（日）或 month（月）")
	}
	if r.DaysKind != DaysCalendar && r.DaysKind != DaysWorking {
		return invalid("days_kind", "invalid_days_kind", "计日方式只能是 calendar（自然日）或 working（工作日）")
	}
	if r.Unit == UnitMonth && r.DaysKind != DaysCalendar {
		return invalid("days_kind", "invalid_days_kind", "按月计算的时限只能按自然日计")
	}
	if r.Length < 1 || r.Length > 3650 || (r.Unit == UnitMonth && r.Length > 120) {
		return invalid("length", "invalid_length", "时限长度应为1-3650日或1-120个月")
	}
	if r.MaxExtensionDays < 0 || r.MaxExtensionDays > 365 {
		return invalid("max_extension_days", "invalid_length", "最长延期天数应为0-365（0表示不得延期）")
	}
	if err := RequiredText("label", r.Label, 200, "规则名称"); err != nil {
		return err
	}
	if err := RequiredText("basis", r.Basis, 500, "依据"); err != nil {
		return err
	}
	return CheckText("extension_note", r.ExtensionNote, 500)
}
