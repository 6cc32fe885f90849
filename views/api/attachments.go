package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/views/web"
)

// attachment sends a file a citizen attached to a message, to staff who
// may read the case (API token); the case page sends it the same way.
func (s *server) attachment(c *fiber.Ctx) error { return web.SendAttachment(c, s.Svc) }
