package mediation

import (
	"context"
	"time"
)

// What the citizen's status page shows of the mediation: the next
// session (when, where, what to bring), that an agreement was signed, its
// 司法确认 state and the obligations' due dates. Never a record's
// statements, internal notes, staff usernames or another party's phone.

// PublicInfo is the mediation part of the citizen's status page.
type PublicInfo struct {
	NextSession *PublicSession   `json:"next_session"`
	Agreement   *PublicAgreement `json:"agreement"`
}

// PublicSession is an upcoming session as the parties are told of it.
type PublicSession struct {
	Kind     string    `json:"kind"`
	Label    string    `json:"label"`
	StartsAt time.Time `json:"starts_at"`
	When     string    `json:"when"` // 2026年3月5日（星期四）09:30
	Minutes  int       `json:"minutes"`
	Place    string    `json:"place"`
	VideoURL string    `json:"video_url,omitempty"`
	Bring    string    `json:"bring"`
}

// PublicAgreement is the agreement in force as the parties see it.
type PublicAgreement struct {
	Number           string `json:"number"`
	Form             string `json:"form"`
	FormText         string `json:"form_text"` // 书面协议 | 口头协议
	SignedOn         string `json:"signed_on,omitempty"`
	EffectiveOn      string `json:"effective_on"`
	ConfirmationDue  string `json:"confirmation_due"`
	Confirmation     string `json:"confirmation"` // none | applied | accepted | confirmed | rejected
	ConfirmationText string `json:"confirmation_text"`
	// ConfirmationOpen: not yet applied for, confirmable, and the window
	// (to ConfirmationDue) still open today.
	ConfirmationOpen bool               `json:"confirmation_open"`
	Obligations      []PublicObligation `json:"obligations"`
}

// PublicObligation is one obligation's due date and state.
type PublicObligation struct {
	Position   int    `json:"position"`
	Obligor    string `json:"obligor"`
	Obligee    string `json:"obligee"`
	Content    string `json:"content"`
	Amount     string `json:"amount,omitempty"`
	DueOn      string `json:"due_on"`
	Status     string `json:"status"`
	StatusText string `json:"status_text"`
}

// Public answers the mediation part of the citizen's view of a case. It
// checks nothing: call it only after cases.Service.PublicStatus accepted
// the number and query code.
func (m *Service) Public(ctx context.Context, number string) (*PublicInfo, error) {
	c, err := m.cases.CaseByNumberUnchecked(ctx, number)
	if err != nil {
		return nil, err
	}
	out := &PublicInfo{}
	next, err := m.sessions(ctx, "s.case_id = ? AND s.status = 'scheduled' AND s.ends_at > ?", c.ID, m.cases.Now().UTC())
	if err != nil {
		return nil, err
	}
	if len(next) > 0 {
		s := next[0]
		bring := s.Bring
		if bring == "" {
			bring = "身份证件"
		}
		place := s.Room
		if place == "" {
			place = "线上视频会议"
		}
		out.NextSession = &PublicSession{Kind: s.Kind, Label: s.KindLabel, StartsAt: s.StartsAt, When: chinaDateTime(s.StartsAt),
			Minutes: s.Minutes, Place: place, VideoURL: s.VideoURL, Bring: bring}
	}
	r, err := currentAgreement(ctx, m.db, c.ID)
	if err != nil || r == nil {
		return out, err
	}
	ag, err := m.fill(ctx, r)
	if err != nil {
		return nil, err
	}
	pa := &PublicAgreement{Number: ag.Number, Form: ag.Form, FormText: formLabels[ag.Form], SignedOn: ag.SignedOn,
		EffectiveOn: ag.EffectiveOn, ConfirmationDue: ag.ConfirmationDue, Confirmation: "none", Obligations: []PublicObligation{}}
	switch {
	case ag.Confirmation != nil:
	case ag.Form != FormWritten || ag.PersonalStatus:
		pa.ConfirmationText = "本协议不适用司法确认"
	case today(m.cases.Now()) <= ag.ConfirmationDue:
		pa.ConfirmationOpen = true
		pa.ConfirmationText = "尚未申请司法确认。双方当事人可以在" + ag.ConfirmationDue + "前共同向人民法院申请司法确认"
	default:
		pa.ConfirmationText = "未申请司法确认，申请期限已于" + ag.ConfirmationDue + "届满"
	}
	if ag.Confirmation != nil {
		pa.Confirmation, pa.ConfirmationText = ag.Confirmation.Status, ag.Confirmation.StatusText
		if ag.Confirmation.Message != "" {
			pa.ConfirmationText += "。" + ag.Confirmation.Message
		}
	}
	for _, o := range ag.Obligations {
		pa.Obligations = append(pa.Obligations, PublicObligation{Position: o.Position, Obligor: o.Obligor, Obligee: o.Obligee, Content: o.Content, Amount: o.Amount,
			DueOn: o.DueOn, Status: o.Status, StatusText: o.StatusText})
	}
	out.Agreement = pa
	return out, nil
}
