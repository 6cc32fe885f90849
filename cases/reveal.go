package cases

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// EventReveal records that a staff member showed a case's full ID numbers
// and phones. It is internal and does not bump the case version: nothing
// about the case changed, and a colleague's open form must stay valid.
const EventReveal = "reveal"

// RevealParties answers a case's parties unmasked and logs who asked, in
// the same transaction, so no full number is shown without a trace.
func (s *Service) RevealParties(ctx context.Context, a Actor, number string) ([]Party, error) {
	number = NormalizeCaseNumber(number)
	var parties []Party
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		c, err := findVisibleCase(ctx, tx, a, number)
		if err != nil {
			return err
		}
		parties = c.Parties
		e := newEvent(EventReveal, "查看了当事人完整证件号和电话", nil)
		e.Visibility = VisibilityInternal
		return s.appendActorEvent(ctx, tx, a, c.ID, e, s.now().UTC())
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return parties, nil
}

// KnownPerson is what the window learns about an ID number it types: the
// name to fill in and the phone, masked (the citizen is at the counter and
// can say it again if it changed).
type KnownPerson struct {
	Name        string `json:"name"`
	MaskedPhone string `json:"masked_phone"`
	Cases       int    `json:"cases"`
}

// PersonByIDNumber looks up a person by 身份证号 for the intake form.
func (s *Service) PersonByIDNumber(ctx context.Context, a Actor, idNumber string) (*KnownPerson, error) {
	if a.Role != RoleIntake && a.Role != RoleHandler && a.Role != RoleLeader {
		return nil, forbidden("只有受理窗口和各窗口工作人员可以查询当事人")
	}
	id := normalizeIDNumber(idNumber)
	if id == "" {
		return nil, nil
	}
	var row struct {
		ID    int64  `db:"id"`
		Name  string `db:"name"`
		Phone string `db:"phone"`
	}
	r := s.store.r
	err := r.GetContext(ctx, &row, r.Rebind(`SELECT id, name, phone FROM persons WHERE id_number = ?`), id)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to look up person: %w", err)
	}
	p := &KnownPerson{Name: row.Name, MaskedPhone: MaskPhone(row.Phone)}
	// Only the cases the asker may see: a handler must not learn how many
	// cases a person has at other desks.
	q, args := `SELECT COUNT(DISTINCT cp.case_id) FROM case_parties cp JOIN cases c ON c.id = cp.case_id WHERE cp.person_id = ?`, []any{row.ID}
	if rule, ruleArgs := ReadRuleSQL(a); rule != "" {
		q, args = q+` AND `+rule, append(args, ruleArgs...)
	}
	if err := r.GetContext(ctx, &p.Cases, r.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: unable to count person's cases: %w", err)
	}
	return p, nil
}
