package portal

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 网上申请: the online application form and its answer.

// applyFields are the form's inputs, kept to fill the form in again.
var applyFields = []string{"applicant_name", "applicant_id_number", "phone", "respondent_name",
	"category", "town", "title", "summary", "claims", "consent"}

func (s *server) applyForm(c *fiber.Ctx, status int, form map[string]string, msg string) error {
	cats, err := s.Svc.Categories(c.UserContext())
	if err != nil {
		return err
	}
	active := make([]cases.Category, 0, len(cats))
	for _, cat := range cats {
		if cat.Active {
			active = append(active, cat)
		}
	}
	return s.renderPublic(c, status, "apply", pageData{Title: "网上申请调解", Form: form, Categories: active, Error: msg,
		PrivacyNotice: cases.PrivacyNotice})
}

func (s *server) applyPage(c *fiber.Ctx) error {
	return s.applyForm(c, fiber.StatusOK, map[string]string{}, "")
}

func (s *server) applySubmit(c *fiber.Ctx) error {
	form := map[string]string{}
	for _, k := range applyFields {
		form[k] = c.FormValue(k)
	}
	if err := s.Citizens.ApplicationBlocked(c); err != nil {
		return s.renderPublic(c, fiber.StatusTooManyRequests, "message", pageData{Title: "提交过于频繁",
			Body: cases.ErrorOf(err).Message, Back: "/apply"})
	}
	files, err := web.UploadedFiles(c)
	if err == nil {
		err = s.Volume.Check(c.IP(), web.FilesSize(files))
	}
	if err != nil {
		return s.applyRefused(c, form, err)
	}
	consent := form["consent"]
	in := cases.ApplicationInput{
		IntakeInput: cases.IntakeInput{Title: form["title"], Category: form["category"], Town: form["town"],
			Summary: form["summary"], Claims: form["claims"], Parties: []cases.PartyInput{
				{Role: cases.PartyApplicant, Kind: cases.PersonIndividual, Name: form["applicant_name"], IDNumber: form["applicant_id_number"]},
				{Role: cases.PartyRespondent, Name: form["respondent_name"]},
			}},
		Phone: form["phone"], Website: c.FormValue("website"), Consent: &consent, Files: files,
	}
	receipt, err := s.Svc.Apply(c.UserContext(), in)
	s.Citizens.ApplicationCounted(c, err)
	if err != nil {
		return s.applyRefused(c, form, err)
	}
	s.Volume.Accepted(c.IP(), web.FilesSize(files))
	// Post/redirect/get: a refresh of the confirmation must not apply again.
	return c.Redirect("/apply/done?"+url.Values{"number": {receipt.Number}, "code": {receipt.QueryCode}}.Encode(),
		fiber.StatusSeeOther)
}

// applyRefused shows the form again with what was typed and the message
// (the files must be chosen again: a browser cannot be given them back).
func (s *server) applyRefused(c *fiber.Ctx, form map[string]string, err error) error {
	web.SetRetryAfter(c, err)
	e := cases.ErrorOf(err)
	if e == nil {
		return err
	}
	return s.applyForm(c, web.StatusOf(e.Kind), form, applyMessage(e))
}

// appliedPage is the confirmation an application redirects to: the number
// and the query code to write down, shown while the code is right (the
// address is the citizen's own, like the receipt's QR code).
func (s *server) appliedPage(c *fiber.Ctx) error {
	number, code := c.Query("number"), c.Query("code")
	err := s.Citizens.Blocked(c, number)
	if err == nil {
		_, err = s.Svc.PublicStatus(c.UserContext(), number, code)
		s.Citizens.Failed(c, number, err)
	}
	if err != nil {
		return s.publicPageError(c, number, code, err, "")
	}
	return s.renderPublic(c, fiber.StatusOK, "applied", pageData{Title: "申请已提交",
		Receipt: &cases.ApplicationReceipt{Number: cases.NormalizeCaseNumber(number), QueryCode: code}})
}

// applyMessage names the form's own labels where the intake rules name
// party fields.
func applyMessage(e *cases.Error) string {
	switch e.Field {
	case "parties[0].name", "parties[0].id_number", "parties[0].phone":
		return "申请人信息有误：" + e.Message
	case "parties[1].name", "parties[1].kind", "parties[1].credit_code":
		return "对方当事人信息有误：" + e.Message
	}
	if strings.HasPrefix(e.Field, "files") {
		return "证据材料有误：" + e.Message + "（请重新选择文件）"
	}
	return e.Message
}
