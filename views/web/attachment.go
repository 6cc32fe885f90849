package web

import (
	"fmt"
	"net/url"
	"os"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// SendAttachment answers GET …/cases/:number/attachments/:id for the API
// and the case page alike: the read rule of Service.Attachment, and always
// a download with the stored type and nosniff, so a file can never run as
// a page of ours.
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
	name := at.OriginalName
	if name == "" {
		name = fmt.Sprintf("attachment-%d", at.ID)
	}
	c.Set(fiber.HeaderContentType, at.MIME)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(name))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(data)
}
