package mediation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"yidi/cases"
)

// What follows an obligation not performed (人民调解法 第三十一条, 第三十三条):
// the desk mediates again (a reopen and a new agreement version), the
// obligee applies to the court for 强制执行 of an agreement the court
// confirmed (within the two years of 民事诉讼法 第二百五十条), or the
// parties are told they may sue over the agreement. Each is recorded.

// Remedies.
const (
	RemedyRemediation = "remediation" // 重新调解
	RemedyEnforcement = "enforcement" // 申请强制执行
	RemedyLawsuit     = "lawsuit"     // 告知诉讼
)

var remedyLabels = map[string]string{
	RemedyRemediation: "重新调解", RemedyEnforcement: "申请强制执行", RemedyLawsuit: "告知向人民法院起诉",
}

// EventRemedy: what the desk decided about an obligation not performed.
const EventRemedy = "nonperformance_remedy"

func init() {
	cases.RegisterEventKinds(cases.EventKind{Kind: EventRemedy, Label: "未履行处置", Icon: "处",
		Citizen: citizen(func(d map[string]string) string {
			return "未履行的协议义务已处置：" + remedyLabels[d["remedy"]]
		})})
}

// Remedy is one recorded decision about an obligation not performed.
type Remedy struct {
	ID         int64     `db:"id" json:"id"`
	Remedy     string    `db:"remedy" json:"remedy"`
	Note       string    `db:"note" json:"note"`
	At         time.Time `db:"at" json:"at"`
	RecordedBy string    `db:"recorded_by" json:"recorded_by"`
}

// RemedyInput records what follows an obligation not performed.
type RemedyInput struct {
	Version *int64 `json:"version"`
	Remedy  string `json:"remedy"` // remediation | enforcement | lawsuit
	Note    string `json:"note"`
}

// RecordRemedy records, for an obligation of the agreement in force that
// is overdue or partly performed, what follows (the holding desk):
// enforcement only of a confirmed agreement within its time limit.
func (m *Service) RecordRemedy(ctx context.Context, a cases.Actor, number string, obligationID int64, in RemedyInput) (*Obligation, error) {
	return m.obligationStep(ctx, a, number, obligationID, in.Version, "记录未履行的处置", func(ctx context.Context, x *cases.CaseTx, ag *agreementRow, o *Obligation) (*cases.CaseChange, error) {
		if err := oneOf("remedy", in.Remedy, remedyLabels, "处置方式",
			"remediation（重新调解）、enforcement（申请强制执行）或 lawsuit（告知起诉）"); err != nil {
			return nil, err
		}
		if o.Status != ObligationOverdue && o.Status != ObligationPartial {
			return nil, conflict("not_overdue", fmt.Sprintf("这项义务目前“%s”，逾期未履行或部分履行后才需要处置", o.StatusText))
		}
		if in.Remedy == RemedyEnforcement {
			conf, err := confirmationOf(ctx, x.Tx, ag.ID)
			if err != nil {
				return nil, err
			}
			if conf == nil || conf.Status != ConfirmConfirmed {
				return nil, conflict("not_enforceable", "调解协议未经人民法院司法确认，不能申请强制执行；可以重新调解或告知当事人向人民法院起诉")
			}
			if day := today(x.Now); conf.EnforcementDue != "" && day > conf.EnforcementDue {
				return nil, conflict("enforcement_time_passed",
					fmt.Sprintf("申请执行的期间已于%s届满（《民事诉讼法》第二百五十条）", conf.EnforcementDue))
			}
		}
		note := strings.TrimSpace(in.Note)
		if err := cases.RequiredText("note", note, maxText, "处置情况"); err != nil {
			return nil, err
		}
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
			INSERT INTO mediation_remedies (obligation_id, remedy, note, at, recorded_by) VALUES (?, ?, ?, ?, ?)`),
			o.ID, in.Remedy, note, x.Now, a.Username); err != nil {
			return nil, fmt.Errorf("mediation: unable to save the remedy: %w", err)
		}
		return &cases.CaseChange{Kind: EventRemedy,
			Body: fmt.Sprintf("第%d项义务未履行，处置：%s。%s", o.Position, remedyLabels[in.Remedy], note),
			Data: map[string]any{"obligation_id": o.ID, "position": o.Position, "remedy": in.Remedy}}, nil
	})
}
