package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"strings"
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

// ParsePages parses each file matching pages into its own template set,
// named after the file, together with the files of shared (layouts and
// partials): fiber's single set would let one page's blocks replace
// another's. A file matching both is shared, not a page.
func ParsePages(fsys fs.FS, funcs template.FuncMap, pages string, shared ...string) (map[string]*template.Template, error) {
	files, err := fs.Glob(fsys, pages)
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, p := range files {
		if slices.Contains(shared, p) {
			continue
		}
		name := strings.TrimSuffix(path.Base(p), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(fsys, append(slices.Clone(shared), p)...)
		if err != nil {
			return nil, fmt.Errorf("views: template %s: %w", p, err)
		}
		out[name] = t
	}
	return out, nil
}
