package mediation

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"yidi/cases"
)

// Obligation states, computed from the due date, today and what was
// recorded: pending (before the due date), due (the due date is today),
// partial (some performed, not yet overdue), performed, overdue (after the
// due date and not fully performed).
const (
	ObligationPending   = "pending"
	ObligationDue       = "due"
	ObligationPartial   = "partial"
	ObligationPerformed = "performed"
	ObligationOverdue   = "overdue"
)

var obligationLabels = map[string]string{
	ObligationPending: "未到期", ObligationDue: "今日到期", ObligationPartial: "部分履行",
	ObligationPerformed: "已履行", ObligationOverdue: "逾期未履行",
}

// ObligationLabel is an obligation state in words.
func ObligationLabel(s string) string { return obligationLabels[s] }

var performLabels = map[string]string{PerformPerformed: "已履行", PerformPartial: "部分履行", PerformNotPerformed: "未履行"}

// Performance statuses a desk records.
const (
	PerformPerformed    = "performed"
	PerformPartial      = "partial"
	PerformNotPerformed = "not_performed"
)

// Obligation is one obligation of an agreement version with its
// performance so far.
type Obligation struct {
	ID           int64         `json:"id"`
	Position     int           `json:"position"`
	Obligor      string        `json:"obligor"`
	Obligee      string        `json:"obligee"`
	Content      string        `json:"content"`
	AmountFen    *int64        `json:"amount_fen"`
	Amount       string        `json:"amount"` // yuan, "" when none
	DueOn        string        `json:"due_on"`
	Manner       string        `json:"manner"`
	Status       string        `json:"status"`
	StatusText   string        `json:"status_text"`
	PerformedFen int64         `json:"performed_fen"`
	Performances []Performance `json:"performances"`
	Urgings      []Urging      `json:"urgings"`
	Remedies     []Remedy      `json:"remedies"` // what followed non-performance
}

// Performance is one recorded act (or failure) of performance.
type Performance struct {
	ID         int64     `db:"id" json:"id"`
	Status     string    `db:"status" json:"status"`
	AmountFen  *int64    `db:"amount_fen" json:"amount_fen"`
	OnDate     string    `db:"on_date" json:"on_date"`
	Note       string    `db:"note" json:"note"`
	RecordedAt time.Time `db:"recorded_at" json:"recorded_at"`
	RecordedBy string    `db:"recorded_by" json:"recorded_by"`
}

// Urging is one 催履.
type Urging struct {
	ID         int64     `db:"id" json:"id"`
	Method     string    `db:"method" json:"method"`
	Note       string    `db:"note" json:"note"`
	At         time.Time `db:"at" json:"at"`
	RecordedBy string    `db:"recorded_by" json:"recorded_by"`
}

type obligationRow struct {
	ID          int64         `db:"id"`
	AgreementID int64         `db:"agreement_id"`
	Position    int           `db:"position"`
	Obligor     string        `db:"obligor"`
	Obligee     string        `db:"obligee"`
	Content     string        `db:"content"`
	AmountFen   sql.NullInt64 `db:"amount_fen"`
	DueOn       string        `db:"due_on"`
	Manner      string        `db:"manner"`
}

// obligationState: performed when a "performed" was recorded or the
// amounts recorded reach the amount; otherwise overdue after the due date,
// partial when something was performed, due on the day, pending before.
func obligationState(o *Obligation, day string) string {
	fully := false
	for _, p := range o.Performances {
		if p.Status == PerformPerformed {
			fully = true
		}
	}
	if o.AmountFen != nil && o.PerformedFen >= *o.AmountFen {
		fully = true
	}
	switch {
	case fully:
		return ObligationPerformed
	case day > o.DueOn:
		return ObligationOverdue
	case o.PerformedFen > 0:
		return ObligationPartial
	case day == o.DueOn:
		return ObligationDue
	}
	return ObligationPending
}

func readObligations(ctx context.Context, q sqlx.QueryerContext, where string, arg any, day string) ([]Obligation, error) {
	var rows []obligationRow
	if err := sqlx.SelectContext(ctx, q, &rows, rebind(q, `SELECT * FROM mediation_obligations WHERE `+where+` ORDER BY position`), arg); err != nil {
		return nil, fmt.Errorf("mediation: unable to read obligations: %w", err)
	}
	out := make([]Obligation, 0, len(rows))
	for _, r := range rows {
		o := Obligation{ID: r.ID, Position: r.Position, Obligor: r.Obligor, Obligee: r.Obligee, Content: r.Content,
			AmountFen: nullInt(r.AmountFen), DueOn: r.DueOn, Manner: r.Manner, Performances: []Performance{}, Urgings: []Urging{}, Remedies: []Remedy{}}
		if o.AmountFen != nil {
			o.Amount = Yuan(*o.AmountFen)
		}
		if err := sqlx.SelectContext(ctx, q, &o.Performances, rebind(q, `SELECT id, status, amount_fen, on_date, note, recorded_at, recorded_by
			FROM mediation_performances WHERE obligation_id = ? ORDER BY id`), r.ID); err != nil {
			return nil, err
		}
		for i := range o.Performances {
			p := &o.Performances[i]
			p.RecordedAt = p.RecordedAt.UTC()
			if p.AmountFen != nil && p.Status != PerformNotPerformed {
				o.PerformedFen += *p.AmountFen
			}
		}
		if err := sqlx.SelectContext(ctx, q, &o.Urgings, rebind(q, `SELECT id, method, note, at, recorded_by
			FROM mediation_urgings WHERE obligation_id = ? ORDER BY id`), r.ID); err != nil {
			return nil, err
		}
		if err := sqlx.SelectContext(ctx, q, &o.Remedies, rebind(q, `SELECT id, remedy, note, at, recorded_by
			FROM mediation_remedies WHERE obligation_id = ? ORDER BY id`), r.ID); err != nil {
			return nil, err
		}
		o.Status = obligationState(&o, day)
		o.StatusText = ObligationLabel(o.Status)
		out = append(out, o)
	}
	return out, nil
}

func (m *Service) obligations(ctx context.Context, agreementID int64, day string) ([]Obligation, error) {
	return readObligations(ctx, m.db, "agreement_id = ?", agreementID, day)
}

// obligationStep is a step on one obligation of the agreement in force,
// taken by a desk that may follow the case up (what names it); it answers
// the obligation.
func (m *Service) obligationStep(ctx context.Context, a cases.Actor, number string, obligationID int64, version *int64, what string,
	step func(ctx context.Context, x *cases.CaseTx, ag *agreementRow, o *Obligation) (*cases.CaseChange, error)) (*Obligation, error) {
	return changeThen(ctx, m.cases, a, number, version, &obligationID, m.obligation, func(ctx context.Context, x *cases.CaseTx) (*cases.CaseChange, error) {
		if err := mayFollow(a, x.Case, what); err != nil {
			return nil, err
		}
		ag, o, err := obligationForChange(ctx, x, obligationID)
		if err != nil {
			return nil, err
		}
		return step(ctx, x, ag, o)
	})
}

// obligationForChange loads an obligation of the agreement in force.
func obligationForChange(ctx context.Context, x *cases.CaseTx, id int64) (*agreementRow, *Obligation, error) {
	ag, err := currentAgreement(ctx, x.Tx, x.Case.ID)
	if err != nil {
		return nil, nil, err
	}
	if ag == nil {
		return nil, nil, notFound("obligation_not_found", "本案没有生效的调解协议")
	}
	obs, err := readObligations(ctx, x.Tx, "id = ? AND agreement_id = "+strconv.FormatInt(ag.ID, 10), id, today(x.Now))
	if err != nil {
		return nil, nil, err
	}
	if len(obs) == 0 {
		return nil, nil, notFound("obligation_not_found", "现行调解协议中没有这项履行义务")
	}
	return ag, &obs[0], nil
}

// mayFollow: performance and 回访 go on after closing.
func mayFollow(a cases.Actor, c *cases.Case, what string) error {
	if err := mustHold(a, c, what); err != nil {
		return err
	}
	if c.Status != cases.StatusInProgress && c.Status != cases.StatusClosed {
		return conflict("invalid_transition", fmt.Sprintf("案件当前状态为“%s”，不能%s", cases.StatusLabel(c.Status), what))
	}
	return nil
}

// PerformanceInput records performance of one obligation. Amount (yuan)
// defaults, for "performed", to what remains; "partial" needs it.
type PerformanceInput struct {
	Version *int64   `json:"version"`
	Status  string   `json:"status"` // performed | partial | not_performed
	Amount  YuanText `json:"amount"`
	Date    string   `json:"date"` // default today
	Note    string   `json:"note"`
}

// RecordPerformance records performance of an obligation of the agreement
// in force (the holding desk, also after closing).
func (m *Service) RecordPerformance(ctx context.Context, a cases.Actor, number string, obligationID int64, in PerformanceInput) (*Obligation, error) {
	return m.obligationStep(ctx, a, number, obligationID, in.Version, "记录履行情况", func(ctx context.Context, x *cases.CaseTx, ag *agreementRow, o *Obligation) (*cases.CaseChange, error) {
		if o.Status == ObligationPerformed {
			return nil, conflict("already_performed", "这项义务已履行完毕")
		}
		amount, err := parseYuan("amount", string(in.Amount))
		if err != nil {
			return nil, err
		}
		switch in.Status {
		case PerformPerformed:
			if amount == nil && o.AmountFen != nil {
				left := *o.AmountFen - o.PerformedFen
				amount = &left
			}
		case PerformPartial:
			if o.AmountFen == nil {
				return nil, invalid("status", "no_amount", "这项义务没有金额，请记录为已履行或未履行")
			}
			if amount == nil || *amount == 0 {
				return nil, invalid("amount", "required", "部分履行请填写本次履行的金额")
			}
			if o.PerformedFen+*amount >= *o.AmountFen {
				return nil, invalid("amount", "not_partial", fmt.Sprintf("本次金额已达到应履行金额（尚余%s元），请记录为已履行", Yuan(*o.AmountFen-o.PerformedFen)))
			}
		case PerformNotPerformed:
			if amount != nil {
				return nil, invalid("amount", "not_performed", "未履行不填写金额")
			}
		case "":
			return nil, invalid("status", "required", "请选择履行情况")
		default:
			return nil, invalid("status", "invalid_status", "履行情况只能是 performed（已履行）、partial（部分履行）或 not_performed（未履行）")
		}
		if amount != nil && o.AmountFen != nil && o.PerformedFen+*amount > *o.AmountFen {
			return nil, invalid("amount", "amount_exceeds", fmt.Sprintf("金额超过尚未履行的%s元", Yuan(*o.AmountFen-o.PerformedFen)))
		}
		on, err := dayOrToday("date", in.Date, x.Now, "履行日期")
		if err != nil {
			return nil, err
		}
		if on < ag.ReachedOn {
			return nil, invalid("date", "date_before_agreement", "履行日期不能早于协议达成之日")
		}
		note := strings.TrimSpace(in.Note)
		if err := cases.CheckText("note", note, maxText); err != nil {
			return nil, err
		}
		if in.Status == PerformNotPerformed && note == "" {
			return nil, invalid("note", "required", "未履行的，请说明情况")
		}
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
			INSERT INTO mediation_performances (obligation_id, status, amount_fen, on_date, note, recorded_at, recorded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?)`), o.ID, in.Status, amount, on, note, x.Now, a.Username); err != nil {
			return nil, fmt.Errorf("mediation: unable to save the performance: %w", err)
		}
		data := map[string]any{"obligation_id": o.ID, "position": o.Position, "status": in.Status, "date": on}
		body := fmt.Sprintf("第%d项义务（%s）：%s", o.Position, o.Content,
			performLabels[in.Status])
		if amount != nil {
			data["amount_fen"] = *amount
			body += " " + Yuan(*amount) + "元"
		}
		if note != "" {
			body += "；" + note
		}
		return &cases.CaseChange{Kind: EventPerformance, Body: body, Data: data}, nil
	})
}

func (m *Service) obligation(ctx context.Context, id int64) (*Obligation, error) {
	obs, err := readObligations(ctx, m.db, "id = ?", id, today(m.cases.Now()))
	if err != nil {
		return nil, err
	}
	if len(obs) == 0 {
		return nil, notFound("obligation_not_found", "没有这项履行义务")
	}
	return &obs[0], nil
}

// UrgeInput records a 催履.
type UrgeInput struct {
	Version *int64 `json:"version"`
	Method  string `json:"method"` // phone | visit | sms | letter
	Note    string `json:"note"`
}

var urgeMethods = map[string]string{"phone": "电话", "visit": "上门", "sms": "短信", "letter": "书面"}

// Urge records that the desk urged the obligor to perform (the holding desk).
func (m *Service) Urge(ctx context.Context, a cases.Actor, number string, obligationID int64, in UrgeInput) (*Obligation, error) {
	return m.obligationStep(ctx, a, number, obligationID, in.Version, "催促履行", func(ctx context.Context, x *cases.CaseTx, _ *agreementRow, o *Obligation) (*cases.CaseChange, error) {
		if o.Status == ObligationPerformed {
			return nil, conflict("already_performed", "这项义务已履行完毕，无需催履")
		}
		label, ok := urgeMethods[in.Method]
		if !ok {
			if strings.TrimSpace(in.Method) == "" {
				return nil, invalid("method", "required", "请选择催履方式")
			}
			return nil, invalid("method", "invalid_method", "催履方式只能是 phone（电话）、visit（上门）、sms（短信）或 letter（书面）")
		}
		note := strings.TrimSpace(in.Note)
		if err := cases.RequiredText("note", note, maxText, "催履情况"); err != nil {
			return nil, err
		}
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
			INSERT INTO mediation_urgings (obligation_id, method, note, at, recorded_by) VALUES (?, ?, ?, ?, ?)`),
			o.ID, in.Method, note, x.Now, a.Username); err != nil {
			return nil, fmt.Errorf("mediation: unable to save the urging: %w", err)
		}
		return &cases.CaseChange{Kind: EventUrged, Body: fmt.Sprintf("%s催促%s履行第%d项义务：%s", label, o.Obligor, o.Position, note),
			Data: map[string]any{"obligation_id": o.ID, "method": in.Method}}, nil
	})
}

// ---- 回访 ----

// FollowUp is a 回访 task and, once done, its record.
type FollowUp struct {
	ID           int64      `db:"id" json:"id"`
	CaseNumber   string     `db:"number" json:"case_number"`
	Desk         string     `db:"desk" json:"desk"`
	Reason       string     `db:"reason" json:"reason"` // obligation_due | closing | manual
	ObligationID *int64     `db:"obligation_id" json:"obligation_id"`
	DueOn        string     `db:"due_on" json:"due_on"`
	Status       string     `db:"status" json:"status"` // open | done | cancelled
	DoneAt       *time.Time `db:"done_at" json:"done_at"`
	Method       string     `db:"method" json:"method"`
	Performance  string     `db:"performance" json:"performance"`
	Satisfaction string     `db:"satisfaction" json:"satisfaction"`
	RiskSigns    string     `db:"risk_signs" json:"risk_signs"`
	Note         string     `db:"note" json:"note"`
	RecordedBy   string     `db:"recorded_by" json:"recorded_by"`
}

const followUpSelect = `SELECT f.id, c.number, f.desk, f.reason, f.obligation_id, f.due_on, f.status,
	f.done_at, f.method, f.performance, f.satisfaction, f.risk_signs, f.note, f.recorded_by
	FROM mediation_followups f JOIN cases c ON c.id = f.case_id`

// FollowUps lists the case's 回访 tasks and records.
func (m *Service) FollowUps(ctx context.Context, a cases.Actor, number string) ([]FollowUp, error) {
	c, err := m.readCase(ctx, a, number)
	if err != nil {
		return nil, err
	}
	out := []FollowUp{}
	if err := m.db.SelectContext(ctx, &out, m.db.Rebind(followUpSelect+` WHERE f.case_id = ? ORDER BY f.due_on, f.id`), c.ID); err != nil {
		return nil, fmt.Errorf("mediation: unable to read follow-ups: %w", err)
	}
	return out, nil
}

// DueFollowUps lists the open 回访 tasks due by day (YYYY-MM-DD; "" today)
// of a handler's desk, or of every desk for a leader.
func (m *Service) DueFollowUps(ctx context.Context, a cases.Actor, day string) ([]FollowUp, error) {
	if strings.TrimSpace(day) == "" {
		day = today(m.cases.Now())
	} else {
		d, err := parseDay("day", day, "日期")
		if err != nil {
			return nil, err
		}
		day = d
	}
	q, args := followUpSelect+` WHERE f.status = 'open' AND f.due_on <= ?`, []any{day}
	switch a.Role {
	case cases.RoleHandler:
		q, args = q+` AND f.desk = ?`, append(args, a.Desk)
	case cases.RoleLeader:
	default:
		return nil, forbidden("只有办案窗口和领导可以查看回访任务")
	}
	out := []FollowUp{}
	if err := m.db.SelectContext(ctx, &out, m.db.Rebind(q+` ORDER BY f.due_on, f.id`), args...); err != nil {
		return nil, fmt.Errorf("mediation: unable to read follow-ups: %w", err)
	}
	return out, nil
}

// FollowUpInput records a 回访. TaskID names the task it fulfils; 0 records
// one that was not scheduled.
type FollowUpInput struct {
	Version      *int64 `json:"version"`
	TaskID       int64  `json:"task_id"`
	Method       string `json:"method"`       // phone | visit
	Performance  string `json:"performance"`  // performed | partial | not_performed | unknown
	Satisfaction string `json:"satisfaction"` // satisfied | basically_satisfied | dissatisfied
	RiskSigns    string `json:"risk_signs"`   // signs the dispute may flare up again
	Note         string `json:"note"`
}

var (
	followMethods      = map[string]string{"phone": "电话回访", "visit": "上门回访"}
	followPerformance  = map[string]string{"performed": "已履行", "partial": "部分履行", "not_performed": "未履行", "unknown": "不明"}
	followSatisfaction = map[string]string{"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
)

func oneOf(field string, v string, allowed map[string]string, label, list string) error {
	if _, ok := allowed[v]; ok {
		return nil
	}
	if strings.TrimSpace(v) == "" {
		return invalid(field, "required", "请选择"+label)
	}
	return invalid(field, "invalid_"+field, label+"只能是 "+list)
}

// RecordFollowUp records a 回访 (the holding desk, also after closing).
func (m *Service) RecordFollowUp(ctx context.Context, a cases.Actor, number string, in FollowUpInput) (*FollowUp, error) {
	var id int64
	_, err := m.cases.ChangeCase(ctx, a, number, in.Version, func(ctx context.Context, x *cases.CaseTx) (*cases.CaseChange, error) {
		c := x.Case
		if err := mayFollow(a, c, "记录回访"); err != nil {
			return nil, err
		}
		if in.TaskID != 0 {
			var status string
			err := x.Tx.GetContext(ctx, &status, x.Tx.Rebind(
				`SELECT status FROM mediation_followups WHERE id = ? AND case_id = ?`), in.TaskID, c.ID)
			if err == sql.ErrNoRows {
				return nil, invalid("task_id", "unknown_task", "本案没有这项回访任务")
			}
			if err != nil {
				return nil, err
			}
			if status != "open" {
				return nil, conflict("task_closed", "这项回访任务已完成或已取消")
			}
		}
		if err := oneOf("method", in.Method, followMethods, "回访方式", "phone（电话）或 visit（上门）"); err != nil {
			return nil, err
		}
		if err := oneOf("performance", in.Performance, followPerformance, "履行情况",
			"performed（已履行）、partial（部分履行）、not_performed（未履行）或 unknown（不明）"); err != nil {
			return nil, err
		}
		if err := oneOf("satisfaction", in.Satisfaction, followSatisfaction, "满意度",
			"satisfied（满意）、basically_satisfied（基本满意）或 dissatisfied（不满意）"); err != nil {
			return nil, err
		}
		risk, note := strings.TrimSpace(in.RiskSigns), strings.TrimSpace(in.Note)
		if err := cases.CheckText("risk_signs", risk, maxText); err != nil {
			return nil, err
		}
		if err := cases.CheckText("note", note, maxText); err != nil {
			return nil, err
		}
		if in.TaskID != 0 {
			id = in.TaskID
			if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
				UPDATE mediation_followups SET status = 'done', done_at = ?, method = ?, performance = ?, satisfaction = ?,
					risk_signs = ?, note = ?, recorded_by = ? WHERE id = ?`),
				x.Now, in.Method, in.Performance, in.Satisfaction, risk, note, a.Username, id); err != nil {
				return nil, err
			}
		} else if err := x.Tx.GetContext(ctx, &id, x.Tx.Rebind(`
			INSERT INTO mediation_followups (case_id, desk, reason, due_on, status, created_at, done_at, method, performance,
				satisfaction, risk_signs, note, recorded_by)
			VALUES (?, ?, 'manual', ?, 'done', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			c.ID, c.Desk, today(x.Now), x.Now, x.Now, in.Method, in.Performance, in.Satisfaction, risk, note, a.Username); err != nil {
			return nil, fmt.Errorf("mediation: unable to save the follow-up: %w", err)
		}
		body := fmt.Sprintf("%s：履行情况%s，%s", followMethods[in.Method], followPerformance[in.Performance], followSatisfaction[in.Satisfaction])
		if risk != "" {
			body += "；风险苗头：" + risk
		}
		if note != "" {
			body += "；" + note
		}
		return &cases.CaseChange{Kind: EventFollowUp, Body: body, Data: map[string]any{"followup_id": id,
			"method": in.Method, "performance": in.Performance, "satisfaction": in.Satisfaction, "risk": risk != ""}}, nil
	})
	if err != nil {
		return nil, err
	}
	var f FollowUp
	if err := m.db.GetContext(ctx, &f, m.db.Rebind(followUpSelect+` WHERE f.id = ?`), id); err != nil {
		return nil, err
	}
	return &f, nil
}

// ---- the close rule ----

// ErrAgreementRequired refuses closing as resolved (实质化解) without an
// agreement in force or a reason why there is none.
var ErrAgreementRequired = &cases.Error{Kind: cases.KindConflict, Code: "agreement_required", Field: "no_agreement_reason",
	Message: "以“实质化解”办结，须有生效的调解协议；未制作调解协议的（如当场履行完毕、当事人撤回争议），请填写无协议的理由"}

// onAction runs inside every lifecycle action: closing as resolved needs an
// agreement in force or a no_agreement_reason; a mediated case that closes
// gets a 回访 task for its desk.
func (m *Service) onAction(ctx context.Context, h cases.ActionHookArgs) error {
	if h.After.Status != cases.StatusClosed || h.Before.Status == cases.StatusClosed {
		return nil
	}
	ag, err := currentAgreement(ctx, h.Tx, h.After.ID)
	if err != nil {
		return err
	}
	if h.After.ClosureType == cases.ClosureResolved && ag == nil && strings.TrimSpace(h.Request.NoAgreementReason) == "" {
		return ErrAgreementRequired
	}
	var sessions int
	if err := h.Tx.GetContext(ctx, &sessions, h.Tx.Rebind(
		`SELECT COUNT(*) FROM mediation_sessions WHERE case_id = ? AND status <> 'cancelled'`), h.After.ID); err != nil {
		return err
	}
	if ag == nil && sessions == 0 {
		return nil // not mediated here: nothing to follow up
	}
	s, err := readSettings(ctx, h.Tx)
	if err != nil {
		return err
	}
	_, err = h.Tx.ExecContext(ctx, h.Tx.Rebind(`
		INSERT INTO mediation_followups (case_id, desk, reason, due_on, status, created_at) VALUES (?, ?, 'closing', ?, 'open', ?)`),
		h.After.ID, h.After.Desk, addDays(today(h.Now), s.FollowUpDays), h.Now)
	return err
}
