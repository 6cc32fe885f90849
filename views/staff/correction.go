package staff

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 补正登记信息 on the case page: the registered details in a form, sent as
// one correction (cases/correction.go); post/redirect/get on success, the
// page again with the message beside its field and what was typed on error.

type correctionForm struct {
	Version                                int64
	Title, Category, Town, Summary, Claims string
	Amount                                 string
	Reason                                 string
	Parties                                []correctionParty
	Categories                             []cases.Category
	IDTypes                                []cases.IDType
	ChainRoles                             []string
	Error                                  string // a message that names no field of the form
	Errors                                 map[string]string
	Open                                   bool
}

// correctionParty is one party's row. Phone and document number are shown
// masked beside empty inputs: a typed value replaces them, none keeps them.
type correctionParty struct {
	PartyID                       int64
	Label                         string // 当事人1（申请人）
	Org                           bool
	Name, Phone, IDType, IDNumber string
	Country, CreditCode, LegalRep string
	MaskedPhone, MaskedID         string // as the case page shows them (the case is masked)
	Respondent                    bool
	ChainRole                     string // a respondent's place in the chain (cases/members.go)
}

// Err is the message for one input, by its name.
func (f *correctionForm) Err(name string) string { return f.Errors[name] }

// correctionFor is the form with the case's registered details, or nil
// when a may not correct the case now.
func (s *server) correctionFor(ctx context.Context, a cases.Actor, c *cases.Case) (*correctionForm, error) {
	if cases.CorrectionAllowed(a, c) != nil {
		return nil, nil
	}
	cats, err := s.Svc.Categories(ctx)
	if err != nil {
		return nil, err
	}
	f := &correctionForm{Version: c.Version, Title: c.Title, Category: c.Category, Town: c.Town, Summary: c.Summary,
		Claims: c.Claims, IDTypes: cases.IDTypes, ChainRoles: cases.ChainRoles, Errors: map[string]string{}}
	if c.Amount != nil {
		f.Amount = strconv.FormatFloat(*c.Amount, 'f', -1, 64)
	}
	for _, cat := range cats {
		if cat.Active || cat.Code == c.Category {
			f.Categories = append(f.Categories, cat)
		}
	}
	for i, p := range c.Parties {
		row := correctionParty{PartyID: p.PartyID, Label: fmt.Sprintf("当事人%d（%s）", i+1, cases.PartyRoleLabel(p.Role)),
			Org: p.Kind == cases.PersonOrganisation, Name: p.Name, IDType: p.IDType, LegalRep: p.LegalRep,
			Country: p.Country, CreditCode: p.CreditCode, MaskedPhone: p.Phone, MaskedID: p.IDNumber,
			Respondent: p.Role == cases.PartyRespondent, ChainRole: p.ChainRole}
		f.Parties = append(f.Parties, row)
	}
	return f, nil
}

// correctionInput reads the posted form over f (the case's details), so
// that f shows what was typed if the correction is refused.
func correctionInput(c *fiber.Ctx, f *correctionForm) (cases.CorrectionInput, error) {
	in := cases.CorrectionInput{Reason: c.FormValue("reason")}
	v, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil {
		return in, &cases.Error{Kind: cases.KindInvalid, Code: "required", Field: "version", Message: "页面已过期，请刷新后重试"}
	}
	in.Version = &v
	f.Version, f.Reason = v, in.Reason
	text := func(name string, dst *string) *string {
		*dst = c.FormValue(name)
		return dst
	}
	in.Changes.Title = text("title", &f.Title)
	in.Changes.Category = text("category", &f.Category)
	in.Changes.Town = text("town", &f.Town)
	in.Changes.Summary = text("summary", &f.Summary)
	in.Changes.Claims = text("claims", &f.Claims)
	if f.Amount = strings.TrimSpace(c.FormValue("amount")); f.Amount != "" {
		amount, err := strconv.ParseFloat(strings.ReplaceAll(f.Amount, ",", ""), 64)
		if err != nil {
			return in, &cases.Error{Kind: cases.KindInvalid, Code: "invalid_amount", Field: "amount", Message: "涉及金额应为数字（单位：元）"}
		}
		in.Changes.Amount = &amount
	}
	for i := range f.Parties {
		p := &f.Parties[i]
		k := strconv.Itoa(i)
		pc := cases.PartyCorrection{PartyID: p.PartyID, Name: text("party_name_"+k, &p.Name)}
		// Empty keeps what is registered (shown masked beside the input).
		if p.Phone = strings.TrimSpace(c.FormValue("party_phone_" + k)); p.Phone != "" {
			pc.Phone = &p.Phone
		}
		if p.Org {
			p.CreditCode, p.LegalRep = c.FormValue("party_credit_code_"+k), c.FormValue("party_legal_representative_"+k)
			pc.CreditCode, pc.LegalRep = &p.CreditCode, &p.LegalRep
		} else {
			oldType := p.IDType
			p.IDType, p.IDNumber, p.Country = c.FormValue("party_id_type_"+k), strings.TrimSpace(c.FormValue("party_id_number_"+k)), c.FormValue("party_country_"+k)
			if p.IDType != oldType || p.IDNumber != "" {
				pc.IDType = &p.IDType
			}
			if p.IDNumber != "" {
				pc.IDNumber = &p.IDNumber
			}
			if p.IDType == cases.IDPassport {
				pc.Country = &p.Country
			}
		}
		if p.Respondent {
			pc.ChainRole = text("party_chain_role_"+k, &p.ChainRole)
		}
		in.Parties = append(in.Parties, pc)
	}
	return in, nil
}

// correctionFieldName is the input an error's field names: title stays
// title, parties[1].id_number is party_id_number_1.
func correctionFieldName(field string) string {
	if m := partyField.FindStringSubmatch(field); m != nil {
		name := m[2]
		if name == "party_id" || name == "kind" {
			name = "name"
		}
		return "party_" + name + "_" + m[1]
	}
	if field == "changes" {
		return ""
	}
	return field
}

// caseCorrect serves the form's POST.
func (s *server) caseCorrect(c *fiber.Ctx) error {
	number := cases.NormalizeCaseNumber(c.Params("number"))
	ctx, a := c.UserContext(), web.ActorOf(c)
	kase, err := s.Svc.Case(ctx, a, number)
	if err != nil {
		return err
	}
	f, err := s.correctionFor(ctx, a, kase)
	if err != nil {
		return err
	}
	if f == nil {
		err = cases.CorrectionAllowed(a, kase)
	} else {
		var in cases.CorrectionInput
		if in, err = correctionInput(c, f); err == nil {
			_, err = s.Svc.Correct(ctx, a, number, in)
		}
	}
	if err == nil {
		return c.Redirect("/cases/"+number+"?done=correction#timeline", fiber.StatusSeeOther)
	}
	d, e, msg, err := s.refusal(c, number, err)
	if err != nil {
		return err
	}
	p := page{Title: d.Case.Number + " " + d.Case.Title, Data: d}
	if f == nil || d.Correction == nil {
		// No longer this user's to correct (someone moved the case on).
		d.PageError = msg
		return s.render(c, web.StatusOf(e.Kind), "case", p)
	}
	// What was typed stays, at the version it was typed against: a stale
	// form must not write its old values over someone else's newer ones.
	f.Open = true
	if name := correctionFieldName(e.Field); name != "" && name != "version" {
		f.Errors[name] = msg
	} else {
		f.Error = msg
	}
	d.Correction = f
	return s.render(c, web.StatusOf(e.Kind), "case", p)
}
