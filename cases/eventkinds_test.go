package cases_test

import (
	"testing"
	"unicode/utf8"

	"yidi/cases"
	"yidi/cases/internal/srcconst"
)

// TestEveryEventKindIsInTheTable reads the package's Event… constants
// from its source, so a kind added without its label, icon and citizen
// wording fails here rather than showing its code on a timeline.
func TestEveryEventKindIsInTheTable(t *testing.T) {
	declared, err := srcconst.Strings(".", "Event") // value → constant name
	if err != nil {
		t.Fatal(err)
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
