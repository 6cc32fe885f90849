package mediation_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"yidi/cases"
	_ "yidi/cases/mediation"
)

// TestEveryMediationEventIsInTheTable reads the package's Event…
// constants from its source: each must be in cases' table of event kinds
// with a label and an icon, and none worded for the citizen's timeline.
func TestEveryMediationEventIsInTheTable(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	n := 0
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Event") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					kind, _ := strconv.Unquote(lit.Value)
					n++
					var found *cases.EventKind
					for _, k := range cases.EventKinds {
						if k.Kind == kind {
							found = &k
						}
					}
					switch {
					case found == nil:
						t.Errorf("%s (%q) is not in cases.EventKinds", name.Name, kind)
					case found.Label == "" || utf8.RuneCountInString(found.Icon) != 1:
						t.Errorf("%s: label %q, icon %q", name.Name, found.Label, found.Icon)
					case found.Citizen != nil:
						t.Errorf("%s is worded for the citizen's timeline", name.Name)
					}
				}
			}
		}
	}
	if n < 12 {
		t.Fatalf("found only %d Event constants; the source scan is broken", n)
	}
}
