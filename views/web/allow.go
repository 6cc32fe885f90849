package web

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
)

// routePatterns are an app's routes as expressions over the path, built
// once: the app's routes are fixed once it serves.
var routePatterns sync.Map // *fiber.App → []routePattern

type routePattern struct {
	method string
	re     *regexp.Regexp
}

// fiberSegment matches a route's parameter (:number, :id?) or wildcard.
var fiberSegment = regexp.MustCompile(`:[A-Za-z0-9_]+\??|\*|\+`)

func patternsOf(app *fiber.App) []routePattern {
	if p, ok := routePatterns.Load(app); ok {
		return p.([]routePattern)
	}
	var out []routePattern
	for _, r := range app.GetRoutes(true) {
		var expr strings.Builder
		last := 0
		for _, m := range fiberSegment.FindAllStringIndex(r.Path, -1) {
			expr.WriteString(regexp.QuoteMeta(r.Path[last:m[0]]))
			switch seg := r.Path[m[0]:m[1]]; {
			case seg == "*":
				expr.WriteString(".*")
			case seg == "+":
				expr.WriteString(".+")
			case strings.HasSuffix(seg, "?"):
				expr.WriteString("[^/]*")
			default:
				expr.WriteString("[^/]+")
			}
			last = m[1]
		}
		expr.WriteString(regexp.QuoteMeta(r.Path[last:]))
		out = append(out, routePattern{method: r.Method, re: regexp.MustCompile("^" + expr.String() + "/?$")})
	}
	routePatterns.Store(app, out)
	return out
}

// allowedMethods lists the methods some route takes at path, "" for none.
func allowedMethods(app *fiber.App, path string) string {
	var methods []string
	for _, p := range patternsOf(app) {
		if p.re.MatchString(path) && !slices.Contains(methods, p.method) {
			methods = append(methods, p.method)
		}
	}
	slices.Sort(methods)
	return strings.Join(methods, ", ")
}
