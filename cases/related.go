package cases

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// RelatedCase is another case of the same person, and why it is related.
type RelatedCase struct {
	Number string `json:"number"`
	Title  string `json:"title"`
	Status Status `json:"status"`
	Why    string `json:"why"`
}

// SamePersonCases answers the case as a may see it and the other cases of
// its parties: first by identity (ID number or credit code: the same person
// row), then by phone.
func (s *Service) SamePersonCases(ctx context.Context, a Actor, number string) (*Case, []RelatedCase, error) {
	c, err := findVisibleCase(ctx, s.store.r, a, NormalizeCaseNumber(number))
	if err != nil {
		return nil, nil, err
	}
	c.Deadlines = c.deadlineViews(s.now().UTC())
	related, err := s.samePerson(ctx, a, c.ID, c.Parties)
	return maskCase(c), related, err
}

// SamePersonDraft answers the same for an intake not yet stored, so the
// window sees a person's earlier cases while typing. Nothing is written.
func (s *Service) SamePersonDraft(ctx context.Context, a Actor, in IntakeInput) ([]RelatedCase, error) {
	if a.Role != RoleIntake && a.Role != RoleHandler && a.Role != RoleLeader {
		return nil, forbidden("只有受理窗口、各窗口工作人员和领导可以查重")
	}
	if err := requireScope(a, ScopeIntake); err != nil {
		return nil, err
	}
	var parties []Party
	for i, p := range in.Parties {
		// Only what identifies someone matters here; a half-typed draft is fine.
		p.IDNumber, p.CreditCode, p.Phone = normalizeIDNumber(p.IDNumber), strings.ToUpper(strings.TrimSpace(p.CreditCode)), normalizePhone(p.Phone)
		party := Party{Role: p.Role, Name: p.Name, Phone: p.Phone}
		if p.IDType != "" && p.IDType != IDResident && p.IDNumber != "" {
			// Stored in the form dedup uses: a permit's lifelong number.
			if n, c, err := normalizeDocument("", p.IDType, p.Country, p.IDNumber); err == nil {
				p.IDNumber, p.Country = n, c
			}
		}
		if cond, args := personKey(p.IDType, p.Country, p.IDNumber, p.CreditCode); cond != "" {
			var id int64
			err := s.store.r.GetContext(ctx, &id, s.store.r.Rebind(`SELECT id FROM persons WHERE `+cond), args...)
			if err != nil && !isNoRows(err) {
				return nil, fmt.Errorf("store: unable to look up parties[%d]: %w", i, err)
			}
			party.PersonID = id
		}
		parties = append(parties, party)
	}
	return s.samePerson(ctx, a, 0, parties)
}

func (s *Service) samePerson(ctx context.Context, a Actor, self int64, parties []Party) ([]RelatedCase, error) {
	var found []RelatedCase
	var ids []int64
	seen := map[string]bool{}
	add := func(rows []relatedRow, why func(r relatedRow) string) {
		for _, r := range rows {
			if !seen[r.Number] {
				seen[r.Number] = true
				ids = append(ids, r.ID)
				found = append(found, RelatedCase{Number: r.Number, Title: r.Title, Status: Status(r.Status), Why: why(r)})
			}
		}
	}
	for _, p := range parties {
		if p.PersonID == 0 {
			continue
		}
		rows, err := s.relatedBy(ctx, self, `p.id = ?`, p.PersonID)
		if err != nil {
			return nil, err
		}
		add(rows, func(r relatedRow) string {
			return fmt.Sprintf("同一当事人：%s（证件号相同，在该案中为%s）", p.Name, PartyRoleLabel(r.Role))
		})
	}
	for _, p := range parties {
		if p.Phone == "" {
			continue
		}
		rows, err := s.relatedBy(ctx, self, `p.phone = ?`, p.Phone)
		if err != nil {
			return nil, err
		}
		add(rows, func(r relatedRow) string {
			return fmt.Sprintf("同一联系电话 %s：%s（在该案中为%s）", MaskPhone(p.Phone), r.Name, PartyRoleLabel(r.Role))
		})
	}
	// The read rule, for all of them at once.
	docs, err := loadSearchDocs(ctx, s.store.r, ids)
	if err != nil {
		return nil, err
	}
	visible := map[string]bool{}
	for i := range docs {
		visible[docs[i].Number] = docs[i].Viewable(a)
	}
	out := []RelatedCase{}
	for _, r := range found {
		if visible[r.Number] {
			out = append(out, r)
		}
	}
	return out, nil
}

type relatedRow struct {
	ID     int64  `db:"id"`
	Number string `db:"number"`
	Title  string `db:"title"`
	Status string `db:"status"`
	Role   string `db:"role"`
	Name   string `db:"name"`
}

func (s *Service) relatedBy(ctx context.Context, self int64, cond string, arg any) ([]relatedRow, error) {
	var rows []relatedRow
	q := s.store.r.Rebind(`SELECT c.id, c.number, c.title, c.status, cp.role, p.name
		FROM persons p JOIN case_parties cp ON cp.person_id = p.id JOIN cases c ON c.id = cp.case_id
		WHERE ` + cond + ` AND c.id <> ? ORDER BY c.status = 'closed', c.id DESC LIMIT 50`)
	if err := sqlx.SelectContext(ctx, s.store.r, &rows, q, arg, self); err != nil {
		return nil, fmt.Errorf("store: unable to find related cases: %w", err)
	}
	return rows, nil
}
