// Package portal is the citizen's pages, no login: progress lookup
// (/status, also the QR URL with ?number=&code=), message and rating forms
// on it, and the online application (/apply). Each page is parsed into its
// own template set with the portal's layout; they work without JavaScript.
package portal

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/views/web"
)

//go:embed templates
var templates embed.FS

type server struct {
	web.Deps
	pages map[string]*template.Template
}

// Routes registers the citizen's pages on app. They come before the staff
// pages' session-backed CSRF check: their forms carry a cookie-bound token
// of their own. Their errors are the forms' own messages; a fault goes to
// the app's error handler.
func Routes(app *fiber.App, d web.Deps) {
	s := &server{Deps: d, pages: map[string]*template.Template{}}
	files, err := fs.Glob(templates, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, p := range files {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(web.Funcs()).Funcs(publicFuncs).ParseFS(templates,
			"templates/layout.html", p)
		if err != nil {
			// The templates are embedded: a parse error is a programming error.
			panic(fmt.Errorf("views: template public/%s: %w", name, err))
		}
		s.pages[name] = t
	}
	s.publicRoutes(app)
}
