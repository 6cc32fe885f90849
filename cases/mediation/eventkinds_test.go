package mediation_test

import (
	"testing"
	"unicode/utf8"

	"yidi/cases"
	"yidi/cases/internal/srcconst"
	_ "yidi/cases/mediation"
)

// TestEveryMediationEventIsInTheTable reads the package's Event…
// constants from its source: each must be in cases' table of event kinds
// with a label and an icon, and worded for the citizen's timeline unless
// it is internal (催履 and 回访).
func TestEveryMediationEventIsInTheTable(t *testing.T) {
	declared, err := srcconst.Strings(".", "Event")
	if err != nil {
		t.Fatal(err)
	}
	n := len(declared)
	internal := map[string]bool{"EventUrged": true, "EventFollowUp": true}
	for kind, name := range declared {
		var found *cases.EventKind
		for _, k := range cases.EventKinds {
			if k.Kind == kind {
				found = &k
			}
		}
		switch {
		case found == nil:
			t.Errorf("%s (%q) is not in cases.EventKinds", name, kind)
		case found.Label == "" || utf8.RuneCountInString(found.Icon) != 1:
			t.Errorf("%s: label %q, icon %q", name, found.Label, found.Icon)
		case (found.Citizen != nil) == internal[name]:
			t.Errorf("%s: worded for the citizen %v, internal %v", name, found.Citizen != nil, internal[name])
		}
	}
	if n < 12 {
		t.Fatalf("found only %d Event constants; the source scan is broken", n)
	}
}
