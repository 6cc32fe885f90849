package staff

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// The case page's 一次性告知 checklist, and its form to tick a material
// supplied later: at the counter, or a citizen's upload marked as it.

type materialsView struct {
	Items   []cases.CaseMaterial
	MayTick bool
	Missing []cases.CaseMaterial
	Files   []cases.Attachment // the citizen's uploads one may mark as a material
	Error   string
	Ticked  []string // the codes as ticked, after a refusal
}

func newMaterialsView(a cases.Actor, kase *cases.Case, files []cases.Attachment) *materialsView {
	v := &materialsView{Items: kase.Materials, Missing: kase.MissingMaterials(), MayTick: cases.MayReceiveMaterials(a, kase)}
	for _, f := range files {
		if f.Kind == "" {
			v.Files = append(v.Files, f)
		}
	}
	return v
}

// Ticked says whether code was ticked when the form was refused.
func (v *materialsView) IsTicked(code string) bool {
	for _, c := range v.Ticked {
		if c == code {
			return true
		}
	}
	return false
}

// caseMaterials ticks materials from the case page's form: PRG on success,
// the page again with the message by the form otherwise.
func (s *server) caseMaterials(c *fiber.Ctx) error {
	number := cases.NormalizeCaseNumber(c.Params("number"))
	in := cases.MaterialsInput{Received: formList(c, "material")}
	version, err := postedVersion(c)
	in.Version = version
	if err == nil {
		if att := strings.TrimSpace(c.FormValue("attachment_id")); att != "" {
			id, perr := strconv.ParseInt(att, 10, 64)
			if perr != nil {
				err = &cases.Error{Kind: cases.KindInvalid, Code: "unknown_attachment", Message: "本案没有这个附件", Field: "attachment_id"}
			}
			in.AttachmentID = &id
		}
	}
	if err == nil {
		_, err = s.Svc.ReceiveMaterials(c.UserContext(), web.ActorOf(c), number, in)
	}
	if err == nil {
		return c.Redirect("/cases/"+number+"?done=materials#materials", fiber.StatusSeeOther)
	}
	d, e, msg, err := s.refusal(c, number, err)
	if err != nil {
		return err
	}
	d.Materials.Error, d.Materials.Ticked = msg, in.Received
	return s.render(c, web.StatusOf(e.Kind), "case", page{Title: d.Case.Number + " " + d.Case.Title, Data: d})
}
