package mediation

import (
	"context"

	"yidi/cases"
)

// Allowed says which mediation steps the actor may take on the case now,
// by the same permission and status checks the methods make, so a page
// offers only what would be accepted (bar the fields yet to be typed).
type Allowed struct {
	Schedule     bool `json:"schedule"`      // Schedule, Reschedule, Cancel, RecordSession
	Agree        bool `json:"agree"`         // SignAgreement
	Apply        bool `json:"apply"`         // ApplyConfirmation
	Court        bool `json:"court"`         // AcceptConfirmation, ExtendRuling, RuleConfirmation
	Perform      bool `json:"perform"`       // RecordPerformance, Urge, RecordFollowUp
	ManageAdmins bool `json:"manage_admins"` // rooms, committee names, settings
}

// Overview is the mediation part of a case page.
type Overview struct {
	Sessions   []Session   `json:"sessions"`
	Agreements []Agreement `json:"agreements"` // every version, oldest first
	Current    *Agreement  `json:"current"`    // the version in force, or nil
	FollowUps  []FollowUp  `json:"followups"`
	Allowed    Allowed     `json:"allowed"`
	// Names are the display names of the staff the sessions name, by username.
	Names map[string]string `json:"names"`
}

// Overview answers everything of the case's mediation the actor may see.
func (m *Service) Overview(ctx context.Context, a cases.Actor, number string) (*Overview, error) {
	c, err := m.readCase(ctx, a, number)
	if err != nil {
		return nil, err
	}
	o := &Overview{}
	if o.Sessions, err = m.sessions(ctx, "s.case_id = ?", c.ID); err != nil {
		return nil, err
	}
	if o.Agreements, err = m.Agreements(ctx, a, number); err != nil {
		return nil, err
	}
	for i := range o.Agreements {
		if o.Agreements[i].Effective {
			o.Current = &o.Agreements[i]
		}
	}
	if o.FollowUps, err = m.FollowUps(ctx, a, number); err != nil {
		return nil, err
	}
	if o.Names, err = m.sessionStaffNames(ctx, o.Sessions); err != nil {
		return nil, err
	}
	s, err := m.Settings(ctx)
	if err != nil {
		return nil, err
	}
	hold, open := holdingDesk(a, c), c.Status == cases.StatusInProgress
	after := open || c.Status == cases.StatusClosed
	o.Allowed = Allowed{Schedule: hold && open, Agree: hold && open, Perform: hold && after && o.Current != nil,
		Apply: hold && after && o.Current != nil && o.Current.Confirmation == nil,
		Court: a.Role == cases.RoleHandler && a.Desk == s.CourtDesk && o.Current != nil && o.Current.Confirmation != nil &&
			(o.Current.Confirmation.Status == ConfirmApplied || o.Current.Confirmation.Status == ConfirmAccepted),
		ManageAdmins: a.Role == cases.RoleAdmin}
	archived, err := isArchived(ctx, m.db, c.ID)
	if err != nil {
		return nil, err
	}
	if archived {
		// An archived case takes notes only (dossier.go's guard).
		o.Allowed = Allowed{ManageAdmins: o.Allowed.ManageAdmins}
	}
	return o, nil
}

// sessionStaffNames are the display names of everyone on the sessions'
// staff, in their records and their 回避, by username.
func (m *Service) sessionStaffNames(ctx context.Context, sessions []Session) (map[string]string, error) {
	var users []string
	for _, s := range sessions {
		users = append(append(users, s.Presiding, s.Clerk), s.Mediators...)
		if r := s.Record; r != nil {
			users = append(append(users, r.AttendedStaff...), r.RecordedBy)
			if r.Recusal != nil {
				users = append(users, r.Recusal.Against, r.Recusal.Replacement)
			}
		}
	}
	return displayNames(ctx, m.db, users)
}
