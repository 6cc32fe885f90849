package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"path"
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// The static files every page links to, and the template functions every
// audience's pages use.

//go:embed static
var static embed.FS

// versions maps a static file to its content hash, for cache busting.
var versions = func() map[string]string {
	v := map[string]string{}
	files, _ := fs.Glob(static, "static/*")
	for _, f := range files {
		b, err := static.ReadFile(f)
		if err != nil {
			// The files are embedded: unreadable is a programming error.
			panic(err)
		}
		sum := sha256.Sum256(b)
		v[path.Base(f)] = hex.EncodeToString(sum[:6])
	}
	return v
}()

// Funcs are the template functions of every page: asset (a static file's
// URL with its content hash) and when (a time in China time).
func Funcs() template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) string { return "/static/" + name + "?v=" + versions[name] },
		"when": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(cases.ChinaZone).Format("2006-01-02 15:04")
		},
	}
}

// ServeStatic serves the embedded static files; their URLs carry the
// content hash, so browsers may keep them for a year. A missing file is
// the JSON not-found of any address outside the pages.
func ServeStatic(c *fiber.Ctx) error {
	name := path.Base(c.Params("*"))
	b, err := static.ReadFile("static/" + name)
	if err != nil {
		return WriteError(c, fiber.StatusNotFound, "route_not_found", "没有这个地址", "")
	}
	switch path.Ext(name) {
	case ".css":
		c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	case ".js":
		c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	default:
		c.Type(path.Ext(name))
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(b)
}
