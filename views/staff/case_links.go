package staff

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 关联/并案 on the case page: link with another case, remove a link, and
// merge into another case after a confirmation step (a merge cannot be
// undone). The rules are in cases/links.go.

// linksForm is the section's state: what was typed, the errors by field,
// and, between the two steps of a merge, the case it would merge into.
type linksForm struct {
	MayLink, MayMerge bool
	Number, Relation  string // the link form
	LinkError         string
	Into, Reason      string // the merge form
	MergeError        string
	MergeField        string // "into" or "reason" when the error names one
	Confirm           *cases.Case
	Relations         []option
}

func newLinksForm(a cases.Actor, c *cases.Case, prefill string) *linksForm {
	f := &linksForm{MayLink: cases.MayLink(a, c), MayMerge: cases.MayMerge(a, c), Number: prefill, Into: prefill,
		Relation: cases.RelationSameDispute}
	for _, r := range cases.Relations {
		f.Relations = append(f.Relations, option{r, cases.RelationLabel(r)})
	}
	return f
}

// caseLink links the case with the number typed.
func (s *server) caseLink(c *fiber.Ctx) error {
	number := cases.NormalizeCaseNumber(c.Params("number"))
	in := cases.LinkInput{Number: c.FormValue("number"), Relation: c.FormValue("relation")}
	_, err := s.Svc.Link(c.UserContext(), web.ActorOf(c), number, in)
	if err == nil {
		return c.Redirect("/cases/"+number+"?done=link#links", fiber.StatusSeeOther)
	}
	return s.linksFailed(c, number, err, func(f *linksForm, msg string) {
		f.Number, f.Relation, f.LinkError = in.Number, in.Relation, msg
	})
}

// caseUnlink removes one link.
func (s *server) caseUnlink(c *fiber.Ctx) error {
	number := cases.NormalizeCaseNumber(c.Params("number"))
	_, err := s.Svc.Unlink(c.UserContext(), web.ActorOf(c), number, c.Params("other"))
	if err == nil {
		return c.Redirect("/cases/"+number+"?done=unlink#links", fiber.StatusSeeOther)
	}
	return s.linksFailed(c, number, err, func(f *linksForm, msg string) { f.LinkError = msg })
}

// caseMerge is the merge in two steps: without confirm=yes it checks the
// merge and shows the case it would merge into with a confirm button; with
// it, it merges and goes to the surviving case.
func (s *server) caseMerge(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	number := cases.NormalizeCaseNumber(c.Params("number"))
	in := cases.MergeInput{Into: c.FormValue("into"), Reason: c.FormValue("reason")}
	version, err := postedVersion(c)
	if err == nil {
		in.Version = version
		if !confirmed(c) {
			var target *cases.Case
			if target, err = s.Svc.MergePreview(ctx, a, number, in); err == nil {
				d, err := s.loadCase(c, number)
				if err != nil {
					return err
				}
				d.Links.Into, d.Links.Reason, d.Links.Confirm = target.Number, in.Reason, target
				return s.render(c, fiber.StatusOK, "case", page{Title: d.Case.Number + " " + d.Case.Title, Data: d})
			}
		} else {
			var survivor *cases.Case
			if survivor, err = s.Svc.Merge(ctx, a, number, in); err == nil {
				return c.Redirect("/cases/"+survivor.Number+"?done=merged&from="+url.QueryEscape(number)+"#timeline", fiber.StatusSeeOther)
			}
		}
	}
	return s.linksFailed(c, number, err, func(f *linksForm, msg string) {
		f.Into, f.Reason, f.MergeError = in.Into, in.Reason, msg
		if e := cases.ErrorOf(err); e != nil {
			f.MergeField = e.Field
		}
	})
}

// linksFailed answers the case page again with the message by the form.
func (s *server) linksFailed(c *fiber.Ctx, number string, err error, set func(f *linksForm, msg string)) error {
	return s.caseRefused(c, number, err, func(d *caseData, _ *cases.Error, msg string) { set(d.Links, msg) })
}

// caseRefused answers the case page again after a refused form, with the
// refusal's status; set puts the message by the form that failed.
func (s *server) caseRefused(c *fiber.Ctx, number string, err error, set func(d *caseData, e *cases.Error, msg string)) error {
	d, e, msg, err := s.refusal(c, number, err)
	if err != nil {
		return err
	}
	set(d, e, msg)
	return s.render(c, web.StatusOf(e.Kind), "case", page{Title: d.Case.Number + " " + d.Case.Title, Data: d})
}

// linksFlash is the message after a link, unlink or merge, or "".
func linksFlash(c *fiber.Ctx) string {
	switch c.Query("done") {
	case "link":
		return "已关联。"
	case "unlink":
		return "已取消关联。"
	case "merged":
		return "已并案：" + cases.NormalizeCaseNumber(c.Query("from")) + " 已并入本案，其办理记录和当事人已一并列入。"
	}
	return ""
}
