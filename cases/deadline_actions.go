package cases

import (
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The checks and effects of the deadline engine's actions; lifecycle.go's
// table says who may take them and from which statuses.

// MaxSupervisionDays bounds how far ahead a 督办 response date may be.
const MaxSupervisionDays = 366

func validClosureType(t string) error {
	if strings.TrimSpace(t) == "" {
		return invalid("closure_type", "required", "请选择办结类型")
	}
	if !slices.Contains(ClosureTypes, t) {
		return invalid("closure_type", "invalid_closure_type",
			"办结类型只能是 resolved（实质化解）、procedural（程序性办结）、legal_procedure（导入法定程序）、withdrawn（撤回）或 not_accepted（不予受理）")
	}
	return nil
}

// applyExtend: a leader approves more time for the running stage, within
// what its rule allows; the days count as the rule counts.
func applyExtend(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
	d := c.openDeadline(DeadlineStage)
	if d == nil {
		return nil, conflict("no_deadline", "本环节没有办理时限，无需延期")
	}
	if d.MaxExtensionDays == 0 {
		return nil, conflict("extension_not_allowed", fmt.Sprintf("“%s”的时限不允许延长", d.Label))
	}
	left := d.MaxExtensionDays - d.ExtendedDays
	if left <= 0 {
		return nil, conflict("extension_used_up", fmt.Sprintf("“%s”已延长%d天，达到规则允许的上限", d.Label, d.ExtendedDays))
	}
	if r.Days <= 0 {
		return nil, invalid("days", "required", "请填写延长天数（正整数）")
	}
	if r.Days > left {
		return nil, invalid("days", "extension_exceeds_limit", fmt.Sprintf("延长天数超过规则允许的上限：最多还可延长%d天", left))
	}
	if err := RequiredText("reason", r.Reason, MaxReason, "延期理由"); err != nil {
		return nil, err
	}
	d.ExtendedDays += r.Days
	d.refresh(env.deadlines)
	return newEvent(EventExtend, r.Reason, map[string]string{"days": strconv.Itoa(r.Days),
		"days_kind": d.DaysKind, "due": d.DueAt.Format(time.RFC3339), "rule": d.RuleCode}), nil
}

// applySuspend stops the stage's clock (awaiting an appraisal, a hearing).
func applySuspend(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
	if err := RequiredText("reason", r.Reason, MaxReason, "中止理由"); err != nil {
		return nil, err
	}
	c.Status = StatusSuspended
	if d := c.openDeadline(DeadlineStage); d != nil {
		d.PausedSince = sql.NullTime{Time: env.now, Valid: true}
		d.refresh(env.deadlines)
	}
	return newEvent(EventSuspend, r.Reason, nil), nil
}

// applyResume restarts the clock. The limit is pushed back by the days it
// stood still, counted as the rule counts: natural days for calendar
// limits, working days for working-day limits, from the day of the
// suspension up to (not including) the day of the resumption. Limits are
// kept in days, not hours, so a suspension within one day shifts nothing.
func applyResume(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
	c.Status = StatusInProgress
	data := map[string]string{}
	if d := c.openDeadline(DeadlineStage); d != nil && d.PausedSince.Valid {
		days := env.deadlines.cal.daysBetween(d.PausedSince.Time, env.now, d.DaysKind)
		d.PausedDays += days
		d.PausedSince = sql.NullTime{}
		d.refresh(env.deadlines)
		data["paused_days"] = strconv.Itoa(days)
		data["due"] = d.DueAt.Format(time.RFC3339)
	}
	return newEvent(EventResume, "", data), nil
}

// applyEscalate: a leader supervises (督办) the case and sets the date by
// which the holding desk must answer; it runs as a second deadline.
func applyEscalate(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
	if !slices.Contains(SupervisionLevels, r.Level) {
		if strings.TrimSpace(r.Level) == "" {
			return nil, invalid("level", "required", "请选择督办级别")
		}
		return nil, invalid("level", "invalid_level", "督办级别只能是 normal（一般）、yellow（黄牌）或 red（红牌）")
	}
	if strings.TrimSpace(r.RespondBy) == "" {
		return nil, invalid("respond_by", "required", "请填写答复期限（YYYY-MM-DD）")
	}
	by, ok := ParseDate(r.RespondBy)
	if !ok {
		return nil, invalid("respond_by", "invalid_date", "答复期限应为YYYY-MM-DD格式的日期")
	}
	today := StartOfDay(env.now)
	if by.Before(today) {
		return nil, invalid("respond_by", "date_in_past", "答复期限不能早于今天")
	}
	if by.After(today.AddDate(0, 0, MaxSupervisionDays)) {
		return nil, invalid("respond_by", "date_too_far", fmt.Sprintf("答复期限不能晚于%d天之后", MaxSupervisionDays))
	}
	if err := CheckText("note", r.Note, MaxNote); err != nil {
		return nil, err
	}
	if d := c.openDeadline(DeadlineSupervision); d != nil {
		d.end(env.now) // a new 督办 replaces the one still unanswered
	}
	basis := "督办人：" + env.actor.Name
	if note := strings.TrimSpace(r.Note); note != "" {
		basis += "；督办意见：" + note
	}
	d := &caseDeadline{CaseID: c.ID, Kind: DeadlineSupervision, Label: SupervisionLabel(r.Level) + "：要求按期答复",
		Basis: basis, Unit: UnitDay, DaysKind: DaysCalendar, StartedAt: env.now, DueAt: dueAt(by)}
	d.refresh(env.deadlines)
	c.deadlines = append(c.deadlines, d)
	c.Supervision = r.Level
	return newEvent(EventEscalate, r.Note, map[string]string{"level": r.Level, "respond_by": by.Format(time.DateOnly)}), nil
}

// applyRespond: the holding desk answers the 督办. The response date ends
// and cases.supervision clears, so that "under supervision" in the queues
// means "awaiting an answer"; the escalate and respond events keep the
// history.
func applyRespond(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
	d := c.openDeadline(DeadlineSupervision)
	if d == nil {
		return nil, conflict("no_supervision", "本案没有待答复的督办")
	}
	if err := RequiredText("body", r.Body, MaxNote, "答复内容"); err != nil {
		return nil, err
	}
	onTime := !env.now.After(d.DueAt)
	d.end(env.now)
	level := c.Supervision
	c.Supervision = ""
	return newEvent(EventRespond, r.Body, map[string]string{"level": level, "on_time": strconv.FormatBool(onTime)}), nil
}

// applyReopen: the agreement was not performed, or the citizen came back.
// The desk that closed it handles it again, under a new stage limit.
func applyReopen(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
	if err := RequiredText("reason", r.Reason, MaxReason, "重新办理的理由"); err != nil {
		return nil, err
	}
	prev := c.ClosureType
	c.Status = StatusInProgress
	c.ReopenCount++
	c.ClosureType, c.ClosedOnTime, c.ClosedAt, c.Outcome = "", nil, nil, ""
	return newEvent(EventReopen, r.Reason, map[string]string{"previous_closure_type": prev}), nil
}
