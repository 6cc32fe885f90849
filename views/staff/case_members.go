package staff

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// The case page's 群体成员 section: the members with their claims and
// representatives' marks, the group's warnings, and the form to import a
// member sheet (all or nothing, row errors by row number).

type membersView struct {
	Group     *cases.GroupSummary
	Rows      []memberLine
	MayImport bool
	Error     string
	RowErrors []cases.RowError
}

// memberLine is one member as the table shows it; ID numbers and phones
// as the case came (masked unless revealed).
type memberLine struct {
	N                     int
	Name, IDNumber, Phone string
	Claim, Period         string
	Representative        bool
}

func newMembersView(a cases.Actor, kase *cases.Case) *membersView {
	v := &membersView{Group: kase.Group, MayImport: cases.CorrectionAllowed(a, kase) == nil}
	if v.Group == nil {
		return v
	}
	for _, p := range kase.Parties {
		if p.Role != cases.PartyApplicant {
			continue
		}
		l := memberLine{N: len(v.Rows) + 1, Name: p.Name, IDNumber: p.IDNumber, Phone: p.Phone, Period: p.ClaimPeriod, Representative: p.Representative}
		if p.ClaimAmount != nil {
			l.Claim = yuanText(*p.ClaimAmount)
		}
		v.Rows = append(v.Rows, l)
	}
	return v
}

func yuanText(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// Claimed is the members' claims together in yuan.
func (v *membersView) Claimed() string { return yuanText(v.Group.Claimed) }

// caseMembers imports a member sheet from the case page's form: PRG on
// success, the page again with the row errors (and nothing imported)
// otherwise.
func (s *server) caseMembers(c *fiber.Ctx) error {
	number := cases.NormalizeCaseNumber(c.Params("number"))
	sheet, err := web.ReadMemberSheet(c)
	var res *cases.MemberImport
	if err == nil {
		res, err = s.Svc.ImportMembers(c.UserContext(), web.ActorOf(c), number, sheet)
	}
	if err == nil && len(res.Errors) == 0 {
		return c.Redirect(fmt.Sprintf("/cases/%s?done=members&n=%d#members", number, res.Imported), fiber.StatusSeeOther)
	}
	if err == nil {
		err = &cases.Error{Kind: cases.KindInvalid, Code: "invalid_rows",
			Message: fmt.Sprintf("成员表有%d处错误，未导入任何成员：请按下列行号改正后重新导入", len(res.Errors))}
	}
	d, e, msg, err := s.refusal(c, number, err)
	if err != nil {
		return err
	}
	d.Members.Error = msg
	if res != nil {
		d.Members.RowErrors = res.Errors
	}
	return s.render(c, web.StatusOf(e.Kind), "case", page{Title: d.Case.Number + " " + d.Case.Title, Data: d})
}

// memberTemplate serves the sheet's template to fill in.
func (s *server) memberTemplate(c *fiber.Ctx) error {
	return web.SendMemberTemplate(c, c.Params("format"))
}
