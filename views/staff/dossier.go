package staff

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/views/web"
)

// The 卷宗 page: cover facts, the required documents and what is missing,
// the index with each document printable, filing a file with its kind,
// 归档, the printable bundle and the ZIP for the court.

type dossierView struct {
	D     *mediation.Dossier
	Kinds []kindOption
	Error string // a refused 归档 or filing, in Chinese
}

type kindOption struct{ Code, Label string }

func (s *server) dossierView(c *fiber.Ctx, number string) (*dossierView, error) {
	d, err := s.Med.Dossier(c.UserContext(), web.ActorOf(c), number)
	if err != nil {
		return nil, err
	}
	v := &dossierView{D: d}
	for _, k := range cases.AttachmentKinds {
		v.Kinds = append(v.Kinds, kindOption{k, cases.AttachmentKindLabel(k)})
	}
	return v, nil
}

func (s *server) dossierPage(c *fiber.Ctx) error {
	v, err := s.dossierView(c, c.Params("number"))
	if err != nil {
		return err
	}
	p := page{Title: "卷宗 " + v.D.Case.Number, Data: v}
	// The flash is worded here from what the redirect named.
	switch c.Query("done") {
	case "archive":
		p.Flash = "已归档。"
	case "file":
		p.Flash = "材料已归入卷宗。"
	}
	return s.render(c, fiber.StatusOK, "dossier", p)
}

// dossierFailed shows the page again with the refusal by its form.
func (s *server) dossierFailed(c *fiber.Ctx, number string, err error) error {
	e := cases.ErrorOf(err)
	if e == nil || e.Kind == cases.KindInternal || e.Kind == cases.KindNotFound || e.Kind == cases.KindUnauthorized {
		return err
	}
	v, lerr := s.dossierView(c, number)
	if lerr != nil {
		return lerr
	}
	v.Error = e.Message
	if e.Code == "stale_version" {
		v.Error = "已被他人处理，请刷新页面查看最新情况后再操作。"
	}
	return s.render(c, web.StatusOf(e.Kind), "dossier", page{Title: "卷宗 " + v.D.Case.Number, Data: v})
}

func formVersion(c *fiber.Ctx) *int64 {
	n, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil {
		return nil
	}
	return &n
}

func (s *server) dossierArchive(c *fiber.Ctx) error {
	number := cases.NormalizeCaseNumber(c.Params("number"))
	if _, err := s.Med.Archive(c.UserContext(), web.ActorOf(c), number, mediation.ArchiveInput{Version: formVersion(c)}); err != nil {
		return s.dossierFailed(c, number, err)
	}
	return c.Redirect("/cases/"+url.PathEscape(number)+"/dossier?done=archive", fiber.StatusSeeOther)
}

func (s *server) dossierFile(c *fiber.Ctx) error {
	number := cases.NormalizeCaseNumber(c.Params("number"))
	v, files, err := web.ReadUpload(c, "kind", "note", "version")
	if err == nil {
		_, err = s.Svc.File(c.UserContext(), web.ActorOf(c), number,
			cases.FileInput{Kind: v["kind"], Note: v["note"], Files: files, Version: formVersion(c)})
	}
	if err != nil {
		return s.dossierFailed(c, number, err)
	}
	return c.Redirect("/cases/"+url.PathEscape(number)+"/dossier?done=file", fiber.StatusSeeOther)
}

// printOptions: the staff's print bar, and images from the case's files.
func printOptions(number string) web.PrintOptions {
	return web.PrintOptions{Toolbar: "/cases/" + url.PathEscape(number) + "/dossier",
		AttachmentSrc: func(a *cases.Attachment) string {
			return fmt.Sprintf("/cases/%s/attachments/%d", url.PathEscape(number), a.ID)
		},
		Link: func(d *mediation.Document) string {
			return "/cases/" + url.PathEscape(number) + "/dossier/docs/" + d.Code
		}}
}

func (s *server) dossierDocument(c *fiber.Ctx) error {
	d, err := s.Med.Dossier(c.UserContext(), web.ActorOf(c), c.Params("number"))
	if err != nil {
		return err
	}
	return web.SendDossierDocument(c, d, c.Params("code"), printOptions(d.Case.Number))
}

func (s *server) dossierBundle(c *fiber.Ctx) error {
	d, err := s.Med.Dossier(c.UserContext(), web.ActorOf(c), c.Params("number"))
	if err != nil {
		return err
	}
	return web.SendDossierBundle(c, d, printOptions(d.Case.Number))
}

func (s *server) dossierZIP(c *fiber.Ctx) error {
	d, err := s.Med.Dossier(c.UserContext(), web.ActorOf(c), c.Params("number"))
	if err != nil {
		return err
	}
	return web.SendDossierZIP(c, s.Svc, d)
}
