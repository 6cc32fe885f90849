package views

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPI is the project's own API reference: docs/api.md plus what we added.
//
//go:embed openapi.json
var openAPI []byte

func openAPIDocument(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(openAPI)
}
