package mediation

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"yidi/cases"
)

// 司法确认 of an agreement: the parties apply jointly within 30 days of its
// taking effect (人民调解法 第三十三条); the court (the court desk) accepts the
// application, rules within 15 days of acceptance, extendable by 10 with
// the president's approval, and either confirms the agreement (enforceable:
// an application for 强制执行 within 2 years, 民事诉讼法 第二百五十条) or
// rejects it (the parties may amend it, make a new one, or sue).

// Confirmation statuses.
const (
	ConfirmApplied   = "applied"
	ConfirmAccepted  = "accepted"
	ConfirmConfirmed = "confirmed"
	ConfirmRejected  = "rejected"
)

// Ruling limits, in calendar days.
const (
	RulingDays          = 15
	RulingExtensionDays = 10
)

// MarriageCategory is the category whose agreements are on 身份关系 and so
// not confirmable, whatever the personal_status flag says.
const MarriageCategory = "marriage_family"

var confirmLabels = map[string]string{
	ConfirmApplied: "已申请司法确认，等待人民法院受理", ConfirmAccepted: "人民法院已受理司法确认申请",
	ConfirmConfirmed: "人民法院裁定调解协议有效", ConfirmRejected: "人民法院裁定驳回司法确认申请",
}

// DeadlineRuling is the kind of the case limit the court's ruling runs
// under, from acceptance to the ruling: the case's deadlines show it, the
// sweep warns of it like any other.
const DeadlineRuling = "confirmation_ruling"

// rulingBasis is the law behind the ruling's limit.
const rulingBasis = "《最高人民法院关于人民调解协议司法确认程序的若干规定》第七条：受理之日起十五日内作出是否确认的决定；因特殊情况需要延长的，经院长批准可延长十日"

// WindowWarnDays: the 司法确认 window turns yellow in its last days, as a
// deadline does near its end (a centre's rule, not the law's).
const WindowWarnDays = 5

// WindowLeft is how many days are left on day today (YYYY-MM-DD) to apply
// for 司法确认 by due, and the window's level: ok, yellow in its last
// WindowWarnDays, red once it has passed.
func WindowLeft(today, due string) (int, string) {
	left := int(dayTime(due).Sub(dayTime(today)).Hours() / 24)
	switch {
	case left < 0:
		return left, cases.StateRed
	case left <= WindowWarnDays:
		return left, cases.StateYellow
	}
	return left, cases.StateOK
}

// ConfirmationLabel is a confirmation status in words.
func ConfirmationLabel(s string) string { return confirmLabels[s] }

// RejectedAdvice is what the parties are told when the court rejects the
// application (人民调解法 第三十三条第三款).
const RejectedAdvice = "人民法院裁定驳回申请。" + rejectedOptions

// rejectedOptions are the parties' ways on after a rejection.
const rejectedOptions = "当事人可以通过人民调解方式变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼。"

// Confirmation is the 司法确认 of one agreement version.
type Confirmation struct {
	AgreementID         int64    `json:"agreement_id"`
	CourtDesk           string   `json:"court_desk"`
	Applicants          []string `json:"applicants"`
	AppliedOn           string   `json:"applied_on"`
	Status              string   `json:"status"`
	StatusText          string   `json:"status_text"`
	CourtNumber         string   `json:"court_number"` // 调确字 number
	AcceptedOn          string   `json:"accepted_on"`
	RulingDue           string   `json:"ruling_due"`
	RulingExtendedDays  int      `json:"ruling_extended_days"`
	ExtensionApprovedBy string   `json:"extension_approved_by"`
	RuledOn             string   `json:"ruled_on"`
	RulingNote          string   `json:"ruling_note"`
	EnforcementDue      string   `json:"enforcement_due"` // confirmed: last day to apply for 强制执行
	Enforceable         bool     `json:"enforceable"`
	// Message is what the parties are told about the ruling.
	Message string `json:"message"`
}

type confirmationRow struct {
	AgreementID         int64          `db:"agreement_id"`
	CaseID              int64          `db:"case_id"`
	CourtDesk           string         `db:"court_desk"`
	Applicants          string         `db:"applicants"`
	AppliedOn           string         `db:"applied_on"`
	Status              string         `db:"status"`
	CourtNumber         string         `db:"court_number"`
	AcceptedOn          sql.NullString `db:"accepted_on"`
	RulingDue           sql.NullString `db:"ruling_due"`
	RulingExtendedDays  int            `db:"ruling_extended_days"`
	ExtensionApprovedBy string         `db:"extension_approved_by"`
	RuledOn             sql.NullString `db:"ruled_on"`
	RulingNote          string         `db:"ruling_note"`
	EnforcementDue      sql.NullString `db:"enforcement_due"`
}

func confirmationOf(ctx context.Context, q sqlx.QueryerContext, agreementID int64) (*Confirmation, error) {
	var r confirmationRow
	err := sqlx.GetContext(ctx, q, &r, rebind(q, `SELECT * FROM mediation_confirmations WHERE agreement_id = ?`), agreementID)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mediation: unable to read the confirmation: %w", err)
	}
	c := &Confirmation{AgreementID: r.AgreementID, CourtDesk: r.CourtDesk, Applicants: fromJSON[[]string](r.Applicants),
		AppliedOn: r.AppliedOn, Status: r.Status, StatusText: ConfirmationLabel(r.Status), CourtNumber: r.CourtNumber,
		AcceptedOn: r.AcceptedOn.String, RulingDue: r.RulingDue.String, RulingExtendedDays: r.RulingExtendedDays,
		ExtensionApprovedBy: r.ExtensionApprovedBy, RuledOn: r.RuledOn.String, RulingNote: r.RulingNote,
		EnforcementDue: r.EnforcementDue.String, Enforceable: r.Status == ConfirmConfirmed}
	switch r.Status {
	case ConfirmConfirmed:
		c.Message = fmt.Sprintf("人民法院裁定调解协议有效。一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行，申请执行的期间至%s。", c.EnforcementDue)
	case ConfirmRejected:
		c.Message = RejectedAdvice
	}
	return c, nil
}

// ApplicationInput records the parties' joint application for 司法确认 of
// the agreement in force.
type ApplicationInput struct {
	Version    *int64   `json:"version"`
	Applicants []string `json:"applicants"` // the parties who apply, jointly: at least two
	AppliedOn  string   `json:"applied_on"` // YYYY-MM-DD; default today
}

// AcceptInput: the court accepts the application.
type AcceptInput struct {
	Version     *int64 `json:"version"`
	CourtNumber string `json:"court_number"` // （2026）浙0000民特N号 / 调确字 number
	AcceptedOn  string `json:"accepted_on"`  // default today
}

// ExtendInput: the ruling's limit is extended with the president's approval.
type ExtendInput struct {
	Version    *int64 `json:"version"`
	Days       int    `json:"days"`
	ApprovedBy string `json:"approved_by"`
	Reason     string `json:"reason"`
}

// RulingInput: the court's ruling.
type RulingInput struct {
	Version *int64 `json:"version"`
	Ruling  string `json:"ruling"`   // confirmed | rejected
	RuledOn string `json:"ruled_on"` // default today
	Note    string `json:"note"`
}

func dayOrToday(field, s string, now time.Time, label string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return today(now), nil
	}
	d, err := parseDay(field, s, label)
	if err != nil {
		return "", err
	}
	if d > today(now) {
		return "", invalid(field, "date_in_future", label+"不能晚于今天")
	}
	return d, nil
}

// ApplyConfirmation records the joint application for 司法确认 of the
// agreement in force (the holding desk, which helps the parties apply). The
// case becomes visible to the court desk.
func (m *Service) ApplyConfirmation(ctx context.Context, a cases.Actor, number string, in ApplicationInput) (*Agreement, error) {
	var agID int64
	return changeThen(ctx, m.cases, a, number, in.Version, &agID, m.agreement, func(ctx context.Context, x *cases.CaseTx) (*cases.CaseChange, error) {
		c := x.Case
		if err := mustHold(a, c, "登记司法确认申请"); err != nil {
			return nil, err
		}
		if c.Status != cases.StatusInProgress && c.Status != cases.StatusClosed {
			return nil, conflict("invalid_transition", fmt.Sprintf("案件当前状态为“%s”，不能申请司法确认", cases.StatusLabel(c.Status)))
		}
		ag, err := currentAgreement(ctx, x.Tx, c.ID)
		if err != nil {
			return nil, err
		}
		if ag == nil {
			return nil, conflict("no_agreement", "本案没有生效的调解协议，不能申请司法确认")
		}
		agID = ag.ID
		if ag.PersonalStatus || c.Category == MarriageCategory {
			return nil, &cases.Error{Kind: cases.KindInvalid, Code: "not_confirmable", Field: "agreement",
				Message: "涉及婚姻、收养等身份关系的调解协议不属于司法确认的范围，人民法院不予受理（《最高人民法院关于人民调解协议司法确认程序的若干规定》第四条；以现行文本为准）"}
		}
		if ag.Form == FormOral {
			return nil, &cases.Error{Kind: cases.KindInvalid, Code: "not_confirmable", Field: "agreement",
				Message: "口头调解协议没有协议书，不能申请司法确认；可以制作书面调解协议后再申请"}
		}
		if prev, err := confirmationOf(ctx, x.Tx, ag.ID); err != nil {
			return nil, err
		} else if prev != nil {
			return nil, conflict("already_applied", "本协议已申请司法确认（"+prev.StatusText+"）")
		}
		appliedOn, err := dayOrToday("applied_on", in.AppliedOn, x.Now, "申请日期")
		if err != nil {
			return nil, err
		}
		if appliedOn < ag.EffectiveOn {
			return nil, invalid("applied_on", "date_before_effective", "申请日期不能早于协议生效之日")
		}
		if appliedOn > ag.ConfirmationDue {
			return nil, conflict("confirmation_window_closed", fmt.Sprintf(
				"已超过申请司法确认的期限：调解协议自%s生效，双方当事人应当自生效之日起三十日内（至%s）共同向人民法院申请司法确认"+
					"（《人民调解法》第三十三条；期间依《民事诉讼法》第八十五条计算，期间开始之日不计算在内，届满之日为法定休假日的顺延至休假日后的第一日）。"+
					"当事人仍可就调解协议的履行或者内容向人民法院提起诉讼。", ag.EffectiveOn, ag.ConfirmationDue))
		}
		applicants, err := checkParties(c, "applicants", in.Applicants)
		if err != nil {
			return nil, err
		}
		if len(applicants) < 2 {
			return nil, invalid("applicants", "joint_application_required", "司法确认须由双方当事人共同申请，请填写全部申请人")
		}
		settings, err := readSettings(ctx, x.Tx)
		if err != nil {
			return nil, err
		}
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
			INSERT INTO mediation_confirmations (agreement_id, case_id, court_desk, applicants, applied_on, status)
			VALUES (?, ?, ?, ?, ?, 'applied')`), ag.ID, c.ID, settings.CourtDesk, toJSON(applicants), appliedOn); err != nil {
			return nil, fmt.Errorf("mediation: unable to save the application: %w", err)
		}
		return &cases.CaseChange{Kind: EventConfirmApplied, Body: ag.Number + " 申请司法确认",
			Data:       map[string]any{"agreement_id": ag.ID, "applied_on": appliedOn, "court_desk": settings.CourtDesk, "applicants": applicants},
			AddCoDesks: []string{settings.CourtDesk}}, nil
	})
}

// courtChange is a step of the court desk on the 司法确认 of the agreement
// in force, which must stand at one of from; it answers that agreement.
func (m *Service) courtChange(ctx context.Context, a cases.Actor, number string, version *int64, what string, from string,
	step func(ctx context.Context, x *cases.CaseTx, ag *agreementRow, conf *Confirmation) (*cases.CaseChange, error)) (*Agreement, error) {
	var agID int64
	return changeThen(ctx, m.cases, a, number, version, &agID, m.agreement, func(ctx context.Context, x *cases.CaseTx) (*cases.CaseChange, error) {
		ag, conf, err := courtStep(ctx, x, what, from)
		if err != nil {
			return nil, err
		}
		agID = ag.ID
		return step(ctx, x, ag, conf)
	})
}

// courtStep loads the confirmation of the agreement in force for a step
// only the court desk may take.
func courtStep(ctx context.Context, x *cases.CaseTx, what string, from ...string) (*agreementRow, *Confirmation, error) {
	a, c := x.Actor, x.Case
	ag, err := currentAgreement(ctx, x.Tx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	var conf *Confirmation
	if ag != nil {
		if conf, err = confirmationOf(ctx, x.Tx, ag.ID); err != nil {
			return nil, nil, err
		}
	}
	court := ""
	if conf != nil {
		court = conf.CourtDesk
	} else {
		s, err := readSettings(ctx, x.Tx)
		if err != nil {
			return nil, nil, err
		}
		court = s.CourtDesk
	}
	if a.Role != cases.RoleHandler || a.Desk != court {
		return nil, nil, forbidden("只有诉讼服务窗口（人民法院）可以" + what)
	}
	if conf == nil {
		return nil, nil, conflict("no_application", "本案协议尚未申请司法确认")
	}
	if !slices.Contains(from, conf.Status) {
		return nil, nil, conflict("invalid_confirmation_step", fmt.Sprintf("司法确认当前为“%s”，不能%s", conf.StatusText, what))
	}
	return ag, conf, nil
}

// AcceptConfirmation records that the court accepted the application (the
// court desk); the ruling is due 15 days later.
func (m *Service) AcceptConfirmation(ctx context.Context, a cases.Actor, number string, in AcceptInput) (*Agreement, error) {
	return m.courtChange(ctx, a, number, in.Version, "受理司法确认申请", ConfirmApplied, func(ctx context.Context, x *cases.CaseTx, ag *agreementRow, conf *Confirmation) (*cases.CaseChange, error) {
		courtNo := strings.TrimSpace(in.CourtNumber)
		if err := cases.RequiredText("court_number", courtNo, maxCourtNo, "司法确认案号（调确字号）"); err != nil {
			return nil, err
		}
		acceptedOn, err := dayOrToday("accepted_on", in.AcceptedOn, x.Now, "受理日期")
		if err != nil {
			return nil, err
		}
		if acceptedOn < conf.AppliedOn {
			return nil, invalid("accepted_on", "date_before_application", "受理日期不能早于申请日期")
		}
		due := periodEnd(x.Calendar, acceptedOn, RulingDays)
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
			UPDATE mediation_confirmations SET status = 'accepted', court_number = ?, accepted_on = ?, ruling_due = ?
			WHERE agreement_id = ?`), courtNo, acceptedOn, due, ag.ID); err != nil {
			return nil, err
		}
		return &cases.CaseChange{Kind: EventConfirmAccepted, Body: "受理司法确认申请，案号" + courtNo,
			Data:     map[string]any{"agreement_id": ag.ID, "court_number": courtNo, "accepted_on": acceptedOn, "ruling_due": due},
			Deadline: &cases.DeadlineChange{Kind: DeadlineRuling, Label: "司法确认审查期限（" + courtNo + "）", Basis: rulingBasis, Start: x.Now, DueOn: due}}, nil
	})
}

// ExtendRuling extends the ruling's limit (the court desk, with the
// approver named), at most 10 days in all.
func (m *Service) ExtendRuling(ctx context.Context, a cases.Actor, number string, in ExtendInput) (*Agreement, error) {
	return m.courtChange(ctx, a, number, in.Version, "延长司法确认审查期限", ConfirmAccepted, func(ctx context.Context, x *cases.CaseTx, ag *agreementRow, conf *Confirmation) (*cases.CaseChange, error) {
		left := RulingExtensionDays - conf.RulingExtendedDays
		if left <= 0 {
			return nil, conflict("extension_used_up", fmt.Sprintf("审查期限已延长%d日，不能再延长", conf.RulingExtendedDays))
		}
		if in.Days <= 0 || in.Days > left {
			return nil, invalid("days", "out_of_range", fmt.Sprintf("延长天数应为1到%d日", left))
		}
		approvedBy := strings.TrimSpace(in.ApprovedBy)
		if err := cases.RequiredText("approved_by", approvedBy, maxShort, "批准人（院长）"); err != nil {
			return nil, err
		}
		reason := strings.TrimSpace(in.Reason)
		if err := cases.RequiredText("reason", reason, maxReason, "延长理由"); err != nil {
			return nil, err
		}
		days := conf.RulingExtendedDays + in.Days
		due := periodEnd(x.Calendar, conf.AcceptedOn, RulingDays+days)
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
			UPDATE mediation_confirmations SET ruling_extended_days = ?, extension_approved_by = ?, ruling_due = ?
			WHERE agreement_id = ?`), days, approvedBy, due, ag.ID); err != nil {
			return nil, err
		}
		return &cases.CaseChange{Kind: EventConfirmExtended, Body: reason,
			Data:     map[string]any{"agreement_id": ag.ID, "days": in.Days, "approved_by": approvedBy, "ruling_due": due},
			Deadline: &cases.DeadlineChange{Kind: DeadlineRuling, DueOn: due}}, nil
	})
}

// RuleConfirmation records the court's ruling (the court desk). Confirmed:
// the agreement is enforceable, and 强制执行 must be applied for within two
// years of the last day of performance. Rejected: the parties are told they
// may amend the agreement, make a new one, or sue.
func (m *Service) RuleConfirmation(ctx context.Context, a cases.Actor, number string, in RulingInput) (*Agreement, error) {
	return m.courtChange(ctx, a, number, in.Version, "作出司法确认裁定", ConfirmAccepted, func(ctx context.Context, x *cases.CaseTx, ag *agreementRow, conf *Confirmation) (*cases.CaseChange, error) {
		ruledOn, err := dayOrToday("ruled_on", in.RuledOn, x.Now, "裁定日期")
		if err != nil {
			return nil, err
		}
		if ruledOn < conf.AcceptedOn {
			return nil, invalid("ruled_on", "date_before_acceptance", "裁定日期不能早于受理日期")
		}
		note := strings.TrimSpace(in.Note)
		if err := cases.CheckText("note", note, maxText); err != nil {
			return nil, err
		}
		var enforcement any
		data := map[string]any{"agreement_id": ag.ID, "ruling": in.Ruling, "ruled_on": ruledOn,
			"on_time": ruledOn <= conf.RulingDue}
		var sms string
		switch in.Ruling {
		case ConfirmConfirmed:
			// 民事诉讼法 第二百五十条: two years from the last day of the
			// performance period the agreement sets (from the ruling when it
			// sets none).
			last := ruledOn
			var maxDue sql.NullString
			if err := x.Tx.GetContext(ctx, &maxDue, x.Tx.Rebind(
				`SELECT MAX(due_on) FROM mediation_obligations WHERE agreement_id = ?`), ag.ID); err != nil {
				return nil, err
			}
			if maxDue.Valid && maxDue.String > last {
				last = maxDue.String
			}
			e := x.Calendar.NextWorkingDay(dayTime(last).AddDate(2, 0, 0)).Format(time.DateOnly)
			enforcement, data["enforcement_due"] = e, e
			sms = fmt.Sprintf("【一地】您的案件%s的调解协议已经人民法院裁定确认有效。一方拒绝履行或未全部履行的，对方可向人民法院申请强制执行（至%s）。", x.Case.Number, e)
		case ConfirmRejected:
			if note == "" {
				return nil, invalid("note", "required", "请填写驳回的理由")
			}
			sms = fmt.Sprintf("【一地】您的案件%s的调解协议司法确认申请被人民法院裁定驳回。您可以通过人民调解变更原协议或达成新协议，也可以向人民法院提起诉讼。", x.Case.Number)
		case "":
			return nil, invalid("ruling", "required", "请选择裁定结果")
		default:
			return nil, invalid("ruling", "invalid_ruling", "裁定结果只能是 confirmed（确认有效）或 rejected（驳回申请）")
		}
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
			UPDATE mediation_confirmations SET status = ?, ruled_on = ?, ruling_note = ?, enforcement_due = ?
			WHERE agreement_id = ?`), in.Ruling, ruledOn, note, enforcement, ag.ID); err != nil {
			return nil, err
		}
		applicants := conf.Applicants
		return &cases.CaseChange{Kind: EventConfirmRuled, Body: ConfirmationLabel(in.Ruling), Data: data,
			SMS: summonSMS(x.Case, applicants, sms), Deadline: &cases.DeadlineChange{Kind: DeadlineRuling, End: true}}, nil
	})
}

// PendingConfirmation is a 司法确认 awaiting the court: applied (to accept)
// or accepted (to rule, by RulingDue).
type PendingConfirmation struct {
	CaseNumber      string `db:"number" json:"case_number"`
	AgreementNumber string `db:"agreement_number" json:"agreement_number"`
	Status          string `db:"status" json:"status"`
	AppliedOn       string `db:"applied_on" json:"applied_on"`
	CourtNumber     string `db:"court_number" json:"court_number"`
	RulingDue       string `db:"ruling_due" json:"ruling_due"`
	Overdue         bool   `db:"-" json:"overdue"` // the ruling is past its due date
}

// PendingConfirmations is the court desk's list of applications to accept
// and rulings to make, earliest first (court desk handlers; leaders see all).
func (m *Service) PendingConfirmations(ctx context.Context, a cases.Actor) ([]PendingConfirmation, error) {
	q, args := `SELECT c.number, ag.number AS agreement_number, f.status, f.applied_on, f.court_number, COALESCE(f.ruling_due, '') AS ruling_due
		FROM mediation_confirmations f JOIN mediation_agreements ag ON ag.id = f.agreement_id JOIN cases c ON c.id = f.case_id
		WHERE f.status IN ('applied', 'accepted')`, []any{}
	switch a.Role {
	case cases.RoleHandler:
		q, args = q+` AND f.court_desk = ?`, append(args, a.Desk)
	case cases.RoleLeader:
	default:
		return nil, forbidden("只有办案窗口和领导可以查看司法确认案件")
	}
	out := []PendingConfirmation{}
	if err := m.db.SelectContext(ctx, &out, m.db.Rebind(q+` ORDER BY f.applied_on, c.number`), args...); err != nil {
		return nil, fmt.Errorf("mediation: unable to list confirmations: %w", err)
	}
	day := today(m.cases.Now())
	for i := range out {
		out[i].Overdue = out[i].RulingDue != "" && day > out[i].RulingDue
	}
	return out, nil
}
