package mediation_test

import (
	"testing"

	"yidi/cases/mediation"
)

// TestEveryChoiceIsWorded: every value a form offers has its words (a
// value missing from the methods' own table of words would say nothing),
// once per field.
func TestEveryChoiceIsWorded(t *testing.T) {
	for field, list := range mediation.Choices {
		seen := map[string]bool{}
		for _, c := range list {
			if c.Value == "" || c.Label == "" || c.Label == c.Value || seen[c.Value] {
				t.Errorf("%s: choice %+v is blank, unworded or repeated", field, c)
			}
			seen[c.Value] = true
			if got := mediation.ChoiceLabel(field, c.Value); got != c.Label {
				t.Errorf("ChoiceLabel(%s, %s) = %q, want %q", field, c.Value, got, c.Label)
			}
		}
	}
	if got := mediation.ChoiceLabel("result", "nonsense"); got != "nonsense" {
		t.Errorf("an unknown value says %q, want itself", got)
	}
}
