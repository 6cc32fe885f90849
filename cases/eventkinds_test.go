package cases_test

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
)

// TestEveryEventKindIsInTheTable reads the package's Event… constants
// from its source, so a kind added without its label, icon and citizen
// wording fails here rather than showing its code on a timeline.
func TestEveryEventKindIsInTheTable(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	declared := map[string]string{} // value → constant name
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
					if len(name.Name) <= 5 || name.Name[:5] != "Event" || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						declared[v] = name.Name
					}
				}
			}
		}
	}
	if len(declared) < 20 {
		t.Fatalf("found only %d Event constants; the source scan is broken: %v", len(declared), declared)
	}
	seen := map[string]bool{}
	for _, k := range cases.EventKinds {
		if seen[k.Kind] {
			t.Errorf("%q is in the table twice", k.Kind)
		}
		seen[k.Kind] = true
		if _, ok := declared[k.Kind]; !ok {
			t.Errorf("%q is in the table but no Event constant has it", k.Kind)
		}
		if k.Label == "" || k.Label == k.Kind {
			t.Errorf("%q has no label", k.Kind)
		}
		if utf8.RuneCountInString(k.Icon) != 1 {
			t.Errorf("%q: icon %q is not one character", k.Kind, k.Icon)
		}
		if cases.EventLabel(k.Kind) != k.Label || cases.EventIcon(k.Kind) != k.Icon {
			t.Errorf("%q: EventLabel/EventIcon do not read the table", k.Kind)
		}
	}
	for v, name := range declared {
		if !seen[v] {
			t.Errorf("%s (%q) is missing from EventKinds", name, v)
		}
	}
	if cases.EventLabel("no_such_kind") != "no_such_kind" || cases.EventIcon("no_such_kind") != "·" {
		t.Error("an unknown kind should show as stored, with the neutral icon")
	}
}
