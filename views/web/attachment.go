package web

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// SendAttachment answers GET …/cases/:number/attachments/:id for the API
// and the case page alike: the read rule of Service.Attachment, and always
// a download with the stored type and nosniff, so a file can never run as
// a page of ours. The download is named by the server (附件-<number>-<id>
// and the extension of the stored type); the citizen's own name is only
// shown as text, never used as a file name.
func SendAttachment(c *fiber.Ctx, svc *cases.Service) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return cases.ErrAttachmentNotFound
	}
	at, path, err := svc.Attachment(c.UserContext(), ActorOf(c), c.Params("number"), id)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("views: attachment %d: %w", id, err)
	}
	c.Set(fiber.HeaderContentType, at.MIME)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	setDownloadName(c, fmt.Sprintf("attachment-%d%s", at.ID, filepath.Ext(at.FileName)), at.FileName)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(data)
}

// setDownloadName makes the answer a download saved as name: an ASCII
// name for old clients and the RFC 5987 filename* that others prefer.
func setDownloadName(c *fiber.Ctx, ascii, name string) {
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name)))
}
