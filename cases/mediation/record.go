package mediation

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"yidi/cases"
)

// The 调解笔录 of a held session and the 回避 decided in it.

// Recusal is a 回避 request made at a session (人民调解法 第二十三条): who
// asked, against which mediator, the decision and the replacement.
type Recusal struct {
	RequestedBy string `json:"requested_by"` // a party's name
	Against     string `json:"against"`      // a mediator's username
	Reason      string `json:"reason"`
	Decision    string `json:"decision"`    // granted | refused
	Replacement string `json:"replacement"` // username; required when granted
}

// RecordInput is the 调解笔录 of a session.
type RecordInput struct {
	Version         *int64   `json:"version"`
	AttendedStaff   []string `json:"attended_staff"`   // usernames
	AttendedParties []string `json:"attended_parties"` // party names
	Statements      string   `json:"statements"`
	Result          string   `json:"result"`       // agreement | no_agreement | adjourned
	AdjournedTo     string   `json:"adjourned_to"` // adjourned: China time, as StartsAt
	Recusal         *Recusal `json:"recusal"`
}

// Record is a session's 调解笔录.
type Record struct {
	AttendedStaff   []string   `json:"attended_staff"`
	AttendedParties []string   `json:"attended_parties"`
	Statements      string     `json:"statements"`
	Result          string     `json:"result"`
	AdjournedTo     *time.Time `json:"adjourned_to"`
	Recusal         *Recusal   `json:"recusal"`
	RecordedAt      time.Time  `json:"recorded_at"`
	RecordedBy      string     `json:"recorded_by"`
}

// RecordSession writes the session's 调解笔录 (once; the holding desk).
func (m *Service) RecordSession(ctx context.Context, a cases.Actor, number string, id int64, in RecordInput) (*Session, error) {
	return m.changeSession(ctx, a, number, in.Version, id, "记录调解笔录", true, func(ctx context.Context, x *cases.CaseTx, old *sessionRow) (*cases.CaseChange, error) {
		c := x.Case
		switch {
		case old.Status == SessionHeld:
			return nil, conflict("already_recorded", "这次会议已有笔录")
		case old.Status == SessionCancelled:
			return nil, conflict("session_cancelled", "这次会议已取消，不能记录笔录")
		case x.Now.Before(old.StartsAt):
			return nil, conflict("session_not_started", "会议尚未开始，不能记录笔录")
		}
		attendedStaff, err := cleanList("attended_staff", in.AttendedStaff)
		if err != nil {
			return nil, err
		}
		if len(attendedStaff) == 0 {
			return nil, invalid("attended_staff", "required", "请填写参加会议的调解员")
		}
		if _, err := staff(ctx, x.Tx, "attended_staff", attendedStaff); err != nil {
			return nil, err
		}
		if len(in.AttendedParties) == 0 {
			return nil, invalid("attended_parties", "required", "请填写到场的当事人")
		}
		parties, err := checkParties(c, "attended_parties", in.AttendedParties)
		if err != nil {
			return nil, err
		}
		statements := strings.TrimSpace(in.Statements)
		if err := cases.RequiredText("statements", statements, 20000, "笔录内容（各方陈述、调解经过）"); err != nil {
			return nil, err
		}
		var adjournedTo *time.Time
		switch in.Result {
		case ResultAgreement, ResultNoAgreement:
			if strings.TrimSpace(in.AdjournedTo) != "" {
				return nil, invalid("adjourned_to", "not_adjourned", "只有“择期再调”时才填写再调时间")
			}
		case ResultAdjourned:
			t, err := parseStart("adjourned_to", in.AdjournedTo)
			if err != nil {
				return nil, err
			}
			if !t.After(old.StartsAt) {
				return nil, invalid("adjourned_to", "invalid_time", "再调时间应晚于本次会议")
			}
			adjournedTo = &t
		case "":
			return nil, invalid("result", "required", "请选择调解结果")
		default:
			return nil, invalid("result", "invalid_result", "调解结果只能是 agreement（达成协议）、no_agreement（未达成协议）或 adjourned（择期再调）")
		}
		recusal := ""
		if r := in.Recusal; r != nil {
			if err := checkRecusal(ctx, x.Tx, c, r); err != nil {
				return nil, err
			}
			recusal = toJSON(r)
		}
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
			INSERT INTO mediation_records (session_id, attended_staff, attended_parties, statements, result, adjourned_to, recusal, recorded_at, recorded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			id, toJSON(attendedStaff), toJSON(parties), statements, in.Result, adjournedTo, recusal, x.Now, a.Username); err != nil {
			return nil, fmt.Errorf("mediation: unable to save the record: %w", err)
		}
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(
			`UPDATE mediation_sessions SET status = 'held', updated_at = ? WHERE id = ?`), x.Now, id); err != nil {
			return nil, err
		}
		data := map[string]any{"session_id": id, "result": in.Result}
		if adjournedTo != nil {
			data["adjourned_to"] = adjournedTo.Format(time.RFC3339)
		}
		if in.Recusal != nil {
			data["recusal"] = in.Recusal.Decision
		}
		return &cases.CaseChange{Kind: EventSessionRecorded, Body: resultLabels[in.Result], Data: data}, nil
	})
}

var resultLabels = map[string]string{ResultAgreement: "达成协议", ResultNoAgreement: "未达成协议", ResultAdjourned: "择期再调"}

func checkRecusal(ctx context.Context, tx *sqlx.Tx, c *cases.Case, r *Recusal) error {
	r.RequestedBy, r.Against = strings.TrimSpace(r.RequestedBy), strings.TrimSpace(r.Against)
	r.Reason, r.Replacement = strings.TrimSpace(r.Reason), strings.TrimSpace(r.Replacement)
	if _, ok := partyByName(c, r.RequestedBy); !ok {
		if r.RequestedBy == "" {
			return invalid("recusal.requested_by", "required", "请填写申请回避的当事人")
		}
		return invalid("recusal.requested_by", "unknown_party", fmt.Sprintf("“%s”不是本案当事人", r.RequestedBy))
	}
	if r.Against == "" {
		return invalid("recusal.against", "required", "请填写被申请回避的调解员")
	}
	if _, err := staff(ctx, tx, "recusal.against", []string{r.Against}); err != nil {
		return err
	}
	if err := cases.RequiredText("recusal.reason", r.Reason, maxReason, "申请回避的理由"); err != nil {
		return err
	}
	switch r.Decision {
	case "granted":
		if r.Replacement == "" {
			return invalid("recusal.replacement", "required", "准予回避的，请填写更换的调解员")
		}
		if r.Replacement == r.Against {
			return invalid("recusal.replacement", "same_mediator", "更换的调解员不能是被申请回避的调解员")
		}
		if _, err := staff(ctx, tx, "recusal.replacement", []string{r.Replacement}); err != nil {
			return err
		}
	case "refused":
		if r.Replacement != "" {
			return invalid("recusal.replacement", "not_granted", "未准予回避的，不填写更换的调解员")
		}
	case "":
		return invalid("recusal.decision", "required", "请选择回避申请的决定")
	default:
		return invalid("recusal.decision", "invalid_decision", "回避决定只能是 granted（准予）或 refused（不予准许）")
	}
	return nil
}

// ---- reads ----

type recordRow struct {
	SessionID       int64        `db:"session_id"`
	AttendedStaff   string       `db:"attended_staff"`
	AttendedParties string       `db:"attended_parties"`
	Statements      string       `db:"statements"`
	Result          string       `db:"result"`
	AdjournedTo     sql.NullTime `db:"adjourned_to"`
	Recusal         string       `db:"recusal"`
	RecordedAt      time.Time    `db:"recorded_at"`
	RecordedBy      string       `db:"recorded_by"`
}
