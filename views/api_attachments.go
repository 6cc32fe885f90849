package views

import (
	"fmt"
	"net/url"
	"os"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// attachment sends a file a citizen attached to a message, to staff who
// may read the case. It is always a download with the stored type and
// nosniff, so a file can never run as a page of ours.
func (s *server) attachment(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return cases.ErrAttachmentNotFound
	}
	at, path, err := s.svc.Attachment(c.UserContext(), actorOf(c), c.Params("number"), id)
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
