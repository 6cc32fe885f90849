package cases

// 补正: what was registered wrong — a misspelt name, a wrong phone, title,
// category, town or identity — is corrected after intake, including while
// the window registers an online application. Each correction is one
// event that lists every change before → after and who made it; the
// citizen's timeline says only that the registration was corrected.

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// CorrectionInput is one 补正: the changed fields of the case and of its
// parties (a nil field is left as it is), and why.
type CorrectionInput struct {
	Version *int64            `json:"version"`
	Changes CaseCorrection    `json:"changes"`
	Parties []PartyCorrection `json:"parties"`
	Reason  string            `json:"reason"`
}

// CaseCorrection is what may change of the dispute itself.
type CaseCorrection struct {
	Title    *string  `json:"title"`
	Category *string  `json:"category"`
	Town     *string  `json:"town"`
	Summary  *string  `json:"summary"`
	Claims   *string  `json:"claims"`
	Amount   *float64 `json:"amount"`
}

// PartyCorrection is what may change of one party, named by its party_id
// on this case. An organisation's identity is its credit_code.
type PartyCorrection struct {
	PartyID    int64   `json:"party_id"`
	Name       *string `json:"name"`
	Phone      *string `json:"phone"`
	IDType     *string `json:"id_type"`
	IDNumber   *string `json:"id_number"`
	Country    *string `json:"country"`
	CreditCode *string `json:"credit_code"`
	LegalRep   *string `json:"legal_representative"`
	// A member's claim, its period and representative's mark; a
	// respondent's chain role (members.go).
	ClaimAmount    *float64 `json:"claim_amount"`
	ClaimPeriod    *string  `json:"claim_period"`
	Representative *bool    `json:"representative"`
	ChainRole      *string  `json:"chain_role"`
}

// CorrectionLine is one change as the correction event records it.
type CorrectionLine struct {
	Field  string `json:"field"` // title, …, parties[0].name
	Label  string `json:"label"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// CorrectionAllowed says whether a may correct c's registration now: the
// window (and leaders) until a desk holds the case — while registering an
// online application too —, then the holding desk's handlers and leaders;
// never after it ended.
func CorrectionAllowed(a Actor, c *Case) error {
	if c.Status == StatusClosed || c.Status == StatusDeclined {
		return conflict("invalid_transition", fmt.Sprintf("案件%s，登记信息不能再补正", StatusLabel(c.Status)))
	}
	switch {
	case a.Role == RoleLeader:
	case a.Role == RoleIntake && (c.Status == StatusSubmitted || c.Status == StatusRegistered):
	case a.Role == RoleHandler && a.Desk != "" && a.Desk == c.Desk:
	default:
		return forbidden("只有分流前的受理窗口、承办窗口的工作人员和领导可以补正登记信息")
	}
	return nil
}

// Correct applies a 补正 to the case in one transaction with one
// correction event, and answers the corrected case. A party's corrected
// identity runs the person dedup again: a document that belongs to a
// known person links the party to that person.
func (s *Service) Correct(ctx context.Context, a Actor, number string, in CorrectionInput) (*Case, error) {
	if in.Version == nil {
		return nil, invalid("version", "required", "请提供案件版本号（version），以免覆盖他人的修改")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if err := RequiredText("reason", in.Reason, MaxReason, "补正理由"); err != nil {
		return nil, err
	}
	// A group case's members come on top of the parties registered at
	// intake, and the page's form sends every party.
	if len(in.Parties) > MaxParties+MaxMembers {
		return nil, invalid("parties", "too_many", fmt.Sprintf("当事人最多%d名", MaxParties+MaxMembers))
	}
	return s.ChangeCase(ctx, a, number, in.Version, func(ctx context.Context, x *CaseTx) (*CaseChange, error) {
		if err := CorrectionAllowed(x.Actor, x.Case); err != nil {
			return nil, err
		}
		lines, err := s.correctCase(ctx, x, in.Changes)
		if err != nil {
			return nil, err
		}
		seen := map[int64]bool{}
		for i, pc := range in.Parties {
			if seen[pc.PartyID] {
				return nil, invalid(fmt.Sprintf("parties[%d].party_id", i), "duplicate_party", "同一当事人只能出现一次")
			}
			seen[pc.PartyID] = true
			field := fmt.Sprintf("parties[%d]", i)
			more, err := correctParty(ctx, x, field, pc)
			if err != nil {
				return nil, err
			}
			lines = append(lines, more...)
			if more, err = correctMembership(ctx, x, field, pc); err != nil {
				return nil, err
			}
			lines = append(lines, more...)
		}
		if len(lines) == 0 {
			return nil, invalid("changes", "no_change", "没有需要更正的内容：填写的与现登记信息相同")
		}
		body := []string{"补正理由：" + in.Reason}
		for _, l := range lines {
			body = append(body, fmt.Sprintf("%s：%s → %s", l.Label, brief(l.Before), brief(l.After)))
		}
		return &CaseChange{Kind: EventCorrection, Body: strings.Join(body, "\n"), Reread: true,
			Data: map[string]any{"reason": in.Reason, "changes": lines}}, nil
	})
}

// brief shortens a long text for the timeline (the event's data keeps it
// whole) and names an empty one.
func brief(s string) string {
	if s == "" {
		return "（空）"
	}
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// correctCase changes the case's own fields and answers what changed.
func (s *Service) correctCase(ctx context.Context, x *CaseTx, ch CaseCorrection) ([]CorrectionLine, error) {
	c := x.Case
	in := IntakeInput{Title: c.Title, Category: c.Category, Town: c.Town, Summary: c.Summary, Claims: c.Claims, Amount: c.Amount}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.Title, ch.Title)
	set(&in.Category, ch.Category)
	set(&in.Town, ch.Town)
	set(&in.Summary, ch.Summary)
	set(&in.Claims, ch.Claims)
	if ch.Amount != nil {
		in.Amount = ch.Amount
	}
	if err := s.validateCaseFields(ctx, &in, ch.Category != nil && strings.TrimSpace(*ch.Category) != c.Category); err != nil {
		return nil, err
	}
	if in.Amount != nil {
		yuan := math.Round(*in.Amount*100) / 100 // what is stored: whole fen
		in.Amount = &yuan
	}
	var lines []CorrectionLine
	add := func(field, label, before, after string) {
		if before != after {
			lines = append(lines, CorrectionLine{Field: field, Label: label, Before: before, After: after})
		}
	}
	add("title", "案由/标题", c.Title, in.Title)
	if in.Category != c.Category {
		before, _ := s.CategoryName(ctx, c.Category)
		after, _ := s.CategoryName(ctx, in.Category)
		add("category", "纠纷类别", before, after)
	}
	add("town", "乡镇（街道）", c.Town, in.Town)
	add("summary", "事实与理由", c.Summary, in.Summary)
	add("claims", "请求事项", c.Claims, in.Claims)
	add("amount", "涉及金额（元）", yuanText(c.Amount), yuanText(in.Amount))
	if len(lines) == 0 {
		return nil, nil
	}
	var amountFen any
	if in.Amount != nil {
		amountFen = int64(math.Round(*in.Amount * 100))
	}
	if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
		UPDATE cases SET title = ?, category = ?, town = ?, summary = ?, claims = ?, amount_fen = ? WHERE id = ?`),
		in.Title, in.Category, in.Town, in.Summary, in.Claims, amountFen, c.ID); err != nil {
		return nil, fmt.Errorf("store: unable to correct case: %w", err)
	}
	return lines, nil
}

func yuanText(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// correctParty changes one party and answers what changed. Its name, phone
// and 法定代表人 change on the person (the same person in every case); a
// new identity is looked up again and the party linked to whoever it
// names, or the person's own row changed when no other case shares it.
func correctParty(ctx context.Context, x *CaseTx, field string, pc PartyCorrection) ([]CorrectionLine, error) {
	idx := -1
	for i, p := range x.Case.Parties {
		if p.PartyID == pc.PartyID {
			idx = i
		}
	}
	if idx < 0 {
		return nil, invalid(field+".party_id", "unknown_party", fmt.Sprintf("本案没有编号为%d的当事人", pc.PartyID))
	}
	old := x.Case.Parties[idx]
	p := PartyInput{Role: old.Role, Kind: old.Kind, Name: old.Name, IDType: old.IDType, IDNumber: old.IDNumber,
		Country: old.Country, CreditCode: old.CreditCode, LegalRep: old.LegalRep, Phone: old.Phone}
	for _, f := range []struct{ dst, v *string }{{&p.Name, pc.Name}, {&p.Phone, pc.Phone}, {&p.IDType, pc.IDType},
		{&p.IDNumber, pc.IDNumber}, {&p.Country, pc.Country}, {&p.CreditCode, pc.CreditCode}, {&p.LegalRep, pc.LegalRep}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
	if pc.IDType != nil && *pc.IDType != IDPassport && pc.Country == nil {
		p.Country = "" // a passport's country goes with the passport
	}
	if err := p.validate(field); err != nil {
		return nil, err
	}
	who := fmt.Sprintf("当事人%d（%s）", idx+1, PartyRoleLabel(old.Role))
	var lines []CorrectionLine
	// Phones and document numbers are listed masked, as the case page shows them.
	add := func(name, label string, changed bool, before, after string) {
		if changed {
			lines = append(lines, CorrectionLine{Field: field + "." + name, Label: who + label, Before: before, After: after})
		}
	}
	add("name", "姓名或名称", p.Name != old.Name, old.Name, p.Name)
	add("phone", "联系电话", p.Phone != old.Phone, MaskPhone(old.Phone), MaskPhone(p.Phone))
	document := p.IDType != old.IDType || p.IDNumber != old.IDNumber || p.Country != old.Country || p.CreditCode != old.CreditCode
	add("identity", "证件", document,
		documentText(old.Kind, old.IDType, old.Country, old.IDNumber, old.CreditCode),
		documentText(p.Kind, p.IDType, p.Country, p.IDNumber, p.CreditCode))
	add("legal_representative", "法定代表人", p.LegalRep != old.LegalRep, old.LegalRep, p.LegalRep)
	if len(lines) == 0 {
		return nil, nil
	}
	// An organisation without its code is known by its name.
	identity := document || (p.Kind == PersonOrganisation && p.CreditCode == "" && p.Name != old.Name)
	personID, err := correctPerson(ctx, x.Tx, field, old.PersonID, &p, identity, x.Now)
	if err != nil {
		return nil, err
	}
	if personID == old.PersonID {
		return lines, nil
	}
	for i, other := range x.Case.Parties {
		if i != idx && other.PersonID == personID {
			return nil, invalid(field, "duplicate_party", fmt.Sprintf("更正后第%d名当事人与第%d名是同一人/单位", idx+1, i+1))
		}
	}
	if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`UPDATE case_parties SET person_id = ? WHERE id = ?`), personID, old.PartyID); err != nil {
		return nil, fmt.Errorf("store: unable to relink party: %w", err)
	}
	x.Case.Parties[idx].PersonID = personID
	return lines, nil
}

// correctPerson writes a party's corrected details and answers the person
// the party now is.
func correctPerson(ctx context.Context, tx *sqlx.Tx, field string, personID int64, p *PartyInput, identity bool, now time.Time) (int64, error) {
	if identity {
		var shared int
		if err := tx.GetContext(ctx, &shared, tx.Rebind(`SELECT COUNT(*) FROM case_parties WHERE person_id = ?`), personID); err != nil {
			return 0, fmt.Errorf("store: unable to count person's cases: %w", err)
		}
		taken := false
		if cond, args := personCond(p); cond != "" {
			var id int64
			err := tx.GetContext(ctx, &id, tx.Rebind(`SELECT id FROM persons WHERE `+cond+` AND id <> ? LIMIT 1`), append(args, personID)...)
			if err != nil && !isNoRows(err) {
				return 0, fmt.Errorf("store: unable to look up person: %w", err)
			}
			taken = err == nil
		}
		if taken || shared > 1 {
			// Someone known, or a new person: this party's old row stays
			// with the other cases that name it.
			return resolvePerson(ctx, tx, p, field, now)
		}
	}
	var idNumber, docNumber string
	if p.Kind == PersonIndividual && (p.IDType == IDResident || p.IDType == "") {
		idNumber = p.IDNumber
	} else if p.Kind == PersonIndividual {
		docNumber = p.IDNumber
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`
		UPDATE persons SET name = ?, phone = ?, id_type = ?, id_number = ?, doc_number = ?, country = ?, credit_code = ?,
			legal_rep = ?, updated_at = ? WHERE id = ?`),
		p.Name, p.Phone, p.IDType, nullString(idNumber), nullString(docNumber), p.Country, nullString(p.CreditCode),
		p.LegalRep, now, personID); err != nil {
		return 0, fmt.Errorf("store: unable to correct person: %w", err)
	}
	return personID, nil
}

// documentText names a party's document for the timeline, masked as the
// case page masks it.
func documentText(kind, idType, country, number, creditCode string) string {
	if kind == PersonOrganisation {
		if creditCode == "" {
			return ""
		}
		return "统一社会信用代码 " + creditCode
	}
	if number == "" {
		return ""
	}
	label := IDTypeLabel(cmp.Or(idType, IDResident))
	if country != "" {
		label += "（" + CountryName(country) + "）"
	}
	return label + " " + MaskIDNumber(number)
}
