package cases

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Receipt is what the 受理回执 says beyond the case itself: who applied,
// who registered it and when, the next step with its own name and the
// rule behind it, the centre that answers for it, and the 一次性告知 list
// of what is still missing.
type Receipt struct {
	Applicants   []string
	Registrar    string // 受理人
	RegisteredAt time.Time
	Steps        []ReceiptStep
	Centre       CentreSettings
	Missing      []CaseMaterial
}

// ReceiptStep is one time limit a citizen may count on. A citizen reads
// "办理期限" as the day the dispute is resolved, so each step is named for
// what happens by then: 分流 (routing) while the case is at the window,
// 签收 once routed, 办理 once a desk handles it. Due is zero for a limit
// that starts later (the desk's handling limit, counted from signing for).
type ReceiptStep struct {
	Name  string
	Due   time.Time
	Rule  string
	Basis string
}

// ReceiptOf gathers a receipt for a case a has just read.
func (s *Service) ReceiptOf(ctx context.Context, c *Case) (*Receipt, error) {
	r := &Receipt{RegisteredAt: c.CreatedAt, Missing: c.MissingMaterials()}
	for _, p := range c.Parties {
		if p.Role == PartyApplicant {
			r.Applicants = append(r.Applicants, p.Name)
		}
	}
	// The registrar is whoever registered it at the window: the intake's
	// actor, or, for an online application, whoever accepted it.
	var reg struct {
		Actor string    `db:"actor_name"`
		At    time.Time `db:"at"`
	}
	err := s.store.r.GetContext(ctx, &reg, s.store.r.Rebind(`SELECT actor_name, at FROM events
		WHERE case_id = ? AND kind IN (?, ?) ORDER BY seq DESC LIMIT 1`), c.ID, EventIntake, EventRegister)
	if err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("store: unable to find the registration: %w", err)
	}
	if err == nil {
		r.Registrar, r.RegisteredAt = reg.Actor, reg.At
	}
	if r.Centre, err = s.Centre(ctx); err != nil {
		return nil, err
	}
	var stage *DeadlineView
	for i := range c.Deadlines {
		if c.Deadlines[i].Kind == DeadlineStage {
			stage = &c.Deadlines[i]
		}
	}
	name := map[Status]string{StatusRegistered: "分流时限", StatusRouted: "签收时限", StatusInProgress: "办理时限"}[c.Status]
	if stage != nil && name != "" {
		r.Steps = append(r.Steps, ReceiptStep{Name: name, Due: stage.Due, Rule: stage.Rule, Basis: stage.Basis})
	}
	if c.Status == StatusRouted {
		// Routed: the desk's own handling limit, which starts when it signs for the case.
		rules, err := activeRules(ctx, s.store.r)
		if err != nil {
			return nil, err
		}
		// The desk's own rule, else one for every desk.
		for _, desk := range []string{c.Desk, ""} {
			if i := slices.IndexFunc(rules, func(x DeadlineRule) bool { return x.Stage == StatusInProgress && x.Desk == desk }); i >= 0 {
				r.Steps = append(r.Steps, ReceiptStep{Name: "办理时限", Rule: rules[i].Label, Basis: rules[i].Basis})
				break
			}
		}
	}
	return r, nil
}
