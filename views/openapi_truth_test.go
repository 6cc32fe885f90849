package views_test

// Issue 17: the document must not mislead client generators — what two
// linters, three generators and a validator found is checked here, and
// the lists that grow are the server's own.

import (
	"fmt"
	"slices"
	"sort"
	"testing"

	"yidi/cases"
	_ "yidi/cases/mediation" // registers its event kinds
)

// walkDoc calls visit on every object of the document with its path.
func walkDoc(v any, at string, visit func(m map[string]any, at string)) {
	switch v := v.(type) {
	case map[string]any:
		visit(v, at)
		for k, x := range v {
			walkDoc(x, at+"/"+k, visit)
		}
	case []any:
		for i, x := range v {
			walkDoc(x, fmt.Sprintf("%s/%d", at, i), visit)
		}
	}
}

func stringsOf(t *testing.T, v any) []string {
	t.Helper()
	var out []string
	for _, x := range asSlice(v) {
		out = append(out, x.(string))
	}
	sort.Strings(out)
	return out
}

func TestEventKindsInTheDocumentAreTheServers(t *testing.T) {
	doc := loadOpenAPI(t)
	var want []string
	for _, k := range cases.EventKinds {
		want = append(want, k.Kind)
	}
	sort.Strings(want)
	for _, schema := range []string{"Event", "PublicEvent"} {
		got := stringsOf(t, dig(t, doc, "components", "schemas", schema, "properties", "kind", "x-extensible-enum"))
		if !slices.Equal(got, want) {
			t.Errorf("%s.kind lists %v; the server's kinds are %v", schema, got, want)
		}
	}
	roles := stringsOf(t, dig(t, doc, "components", "schemas", "ActorRole", "x-extensible-enum"))
	for _, r := range append(slices.Clone(cases.Roles), "system", "citizen") {
		if !slices.Contains(roles, string(r)) {
			t.Errorf("ActorRole lacks %q: %v", r, roles)
		}
	}
}

func TestTheDocumentHasNoneOfTheTrapsGeneratorsFellInto(t *testing.T) {
	doc := loadOpenAPI(t)
	walkDoc(doc, "", func(m map[string]any, at string) {
		if m["nullable"] == true && m["type"] == nil {
			t.Errorf("%s: nullable without type", at)
		}
		if slices.Contains(asSlice(m["enum"]), any("")) {
			t.Errorf("%s: an enum containing \"\"", at)
		}
		if _, ok := m["x-extensible-enum"]; ok && m["enum"] != nil {
			t.Errorf("%s: both enum and x-extensible-enum", at)
		}
		for _, part := range asSlice(m["allOf"]) {
			p := part.(map[string]any)
			if r, ok := p["$ref"].(string); ok && len(asSlice(m["allOf"])) > 1 {
				p, _ = resolveRef(doc, r)
			}
			if p["additionalProperties"] == false && len(asSlice(m["allOf"])) > 1 {
				t.Errorf("%s: additionalProperties false inside allOf (nothing can match every part)", at)
			}
		}
	})
	schemas := dig(t, doc, "components", "schemas").(map[string]any)
	for name := range dig(t, doc, "components", "parameters").(map[string]any) {
		if _, ok := schemas[name]; ok {
			t.Errorf("components.parameters.%s and components.schemas.%s share a name", name, name)
		}
	}
}

func TestOutOfRangeListParametersAre400NotClamped(t *testing.T) {
	ts := newTestServer(t)
	number := ts.intake(nil)["number"].(string)
	for _, c := range []struct{ url, code string }{
		{"/api/v1/cases/" + number + "/related?limit=999", "invalid_limit"},
		{"/api/v1/cases/" + number + "/related?limit=0", "invalid_limit"},
		{"/api/v1/cases?page=0", "page_out_of_range"},
		{"/api/v1/cases?per_page=0", "per_page_out_of_range"},
	} {
		if status, body := ts.call("GET", c.url, "leader", nil); status != 400 || errorCode(body) != c.code {
			t.Errorf("GET %s: %d %v, want 400 %s", c.url, status, body, c.code)
		}
	}
	if status, _ := ts.call("GET", "/api/v1/cases/"+number+"/related?limit=50", "leader", nil); status != 200 {
		t.Errorf("limit=50: %d, want 200", status)
	}
}
