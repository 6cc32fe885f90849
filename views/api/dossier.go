package api

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// The 卷宗 (docs/api.md, "The case file"): its cover and index as JSON,
// the whole file as a ZIP for the court, 归档, and files staff file with a
// kind. The rules are in cases/mediation/dossier.go and cases/attachments.go.

func (s *server) dossierZIP(c *fiber.Ctx) error {
	d, err := s.Med.Dossier(c.UserContext(), web.ActorOf(c), c.Params("number"))
	if err != nil {
		return err
	}
	return web.SendDossierZIP(c, s.Svc, d)
}

// archive takes an optional body: {"version"}.
func (s *server) archive(c *fiber.Ctx) error {
	if len(c.Body()) == 0 {
		c.Request().SetBody([]byte("{}"))
	}
	return created(c, s.Med.Archive)
}

// created decodes the body into In, applies fn to the path's case and
// answers 201 with its result.
func created[In, Out any](c *fiber.Ctx, fn func(context.Context, cases.Actor, string, In) (Out, error)) error {
	return decoded(fiber.StatusCreated, "number", fn)(c)
}

// createdOn is created for an item of the case named by :id (an obligation).
func createdOn[In, Out any](c *fiber.Ctx, fn func(context.Context, cases.Actor, string, int64, In) (Out, error)) error {
	return onItem(c, fiber.StatusCreated, fn)
}

// onItem applies fn to the item of the path's case named by :id and
// answers status with its result.
func onItem[In, Out any](c *fiber.Ctx, status int, fn func(context.Context, cases.Actor, string, int64, In) (Out, error)) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	return decoded(status, "number", func(ctx context.Context, a cases.Actor, number string, in In) (Out, error) {
		return fn(ctx, a, number, id, in)
	})(c)
}

// fileAttachments takes multipart: kind, note, version and up to three
// files in "files".
func (s *server) fileAttachments(c *fiber.Ctx) error {
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		return &cases.Error{Kind: cases.KindInvalid, Code: "invalid_form", Message: "请以 multipart/form-data 上传文件"}
	}
	v, files, err := web.ReadUpload(c, "kind", "note", "version")
	if err != nil {
		return err
	}
	in := cases.FileInput{Kind: v["kind"], Note: v["note"], Files: files}
	if t := strings.TrimSpace(v["version"]); t != "" {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return invalidField("version", "invalid_version", "version 应为整数")
		}
		in.Version = &n
	}
	atts, err := s.Svc.File(c.UserContext(), web.ActorOf(c), c.Params("number"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"attachments": atts})
}
