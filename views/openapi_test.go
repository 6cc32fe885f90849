package views_test

// These tests keep openapi.json honest: every route the app registers is in
// it, nothing in it is stale, its schemas name exactly the JSON fields the Go
// types produce and accept, and the answers of a real lifecycle conform to it.

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/cases/reports"
	"yidi/search"
	"yidi/views"
)

func loadOpenAPI(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return doc
}

// dig walks the document by keys, failing the test when one is missing.
func dig(t testing.TB, v any, keys ...string) any {
	t.Helper()
	for i, k := range keys {
		m, ok := v.(map[string]any)
		if !ok || m[k] == nil {
			t.Fatalf("openapi.json has no %s", strings.Join(keys[:i+1], "."))
		}
		v = m[k]
	}
	return v
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// documentedOperations lists "METHOD /path" for every operation in the document.
func documentedOperations(doc map[string]any) map[string]bool {
	ops := map[string]bool{}
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		item, _ := item.(map[string]any)
		for _, m := range httpMethods {
			if _, ok := item[m]; ok {
				ops[strings.ToUpper(m)+" "+path] = true
			}
		}
	}
	return ops
}

var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)\??`)

// registeredOperations lists "METHOD /path" for every route of the app, in
// OpenAPI's spelling ({number} for :number). HEAD is fiber's automatic twin
// of each GET, and middleware (USE) is not an address of its own.
func registeredOperations(app *fiber.App) map[string]bool {
	ops := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		if r.Method == fiber.MethodHead || r.Method == "USE" {
			continue
		}
		// Staff pages (HTML behind a session) are not part of the API
		// contract; "/" and /healthz are documented for integrators.
		if !strings.HasPrefix(r.Path, "/api/") && r.Path != "/" && r.Path != "/healthz" {
			continue
		}
		ops[r.Method+" "+fiberParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	return ops
}

// missingFrom lists what want has and have lacks, sorted.
func missingFrom(want, have map[string]bool) []string {
	var out []string
	for op := range want {
		if !have[op] {
			out = append(out, op)
		}
	}
	sort.Strings(out)
	return out
}

func TestOpenAPIDocumentIsOpenAPI3WithResolvableRefs(t *testing.T) {
	doc := loadOpenAPI(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Fatalf("openapi = %q, want 3.x", v)
	}
	if title, _ := dig(t, doc, "info", "title").(string); title == "" {
		t.Fatal("info.title is empty")
	}
	dig(t, doc, "components", "securitySchemes", "bearerAuth")
	if len(documentedOperations(doc)) == 0 {
		t.Fatal("the document describes no operation")
	}
	// Every $ref must point at something that exists.
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				if _, err := resolveRef(doc, r); err != nil {
					t.Errorf("%s: %v", at, err)
				}
			}
			for k, x := range v {
				walk(x, at+"."+k)
			}
		case []any:
			for i, x := range v {
				walk(x, fmt.Sprintf("%s[%d]", at, i))
			}
		}
	}
	walk(doc, "$")
}

func TestEveryRegisteredRouteIsDocumented(t *testing.T) {
	ts := newTestServer(t)
	doc := loadOpenAPI(t)
	registered := registeredOperations(ts.app)
	// Guard the guard: if fiber stopped listing routes, the check below would
	// pass on nothing.
	for _, op := range []string{"GET /", "GET /healthz", "POST /api/v1/cases", "POST /api/v1/cases/{number}/{action}"} {
		if !registered[op] {
			t.Fatalf("app.GetRoutes does not list %q; the route comparison cannot be trusted: %v", op, registered)
		}
	}
	documented := documentedOperations(doc)
	if missing := missingFrom(registered, documented); len(missing) > 0 {
		t.Errorf("routes registered in server.go but missing from openapi.json:\n  %s", strings.Join(missing, "\n  "))
	}
	// And the comparison does catch a route the document forgets.
	delete(documented, "POST /api/v1/users")
	if missing := missingFrom(registered, documented); !slices.Contains(missing, "POST /api/v1/users") {
		t.Errorf("removing POST /api/v1/users from the document went unnoticed: %v", missing)
	}
}

func TestEveryDocumentedOperationIsARegisteredRoute(t *testing.T) {
	ts := newTestServer(t)
	registered := registeredOperations(ts.app)
	documented := documentedOperations(loadOpenAPI(t))
	if stale := missingFrom(documented, registered); len(stale) > 0 {
		t.Errorf("openapi.json documents operations the server does not have:\n  %s", strings.Join(stale, "\n  "))
	}
	documented["DELETE /api/v1/cases/{number}"] = true
	if stale := missingFrom(documented, registered); !slices.Contains(stale, "DELETE /api/v1/cases/{number}") {
		t.Errorf("a stale operation went unnoticed: %v", stale)
	}
}

func TestDocumentedActionsAreTheLifecycleActions(t *testing.T) {
	doc := loadOpenAPI(t)
	var want []string
	for _, a := range cases.Actions() {
		want = append(want, a.Name)
	}
	param := dig(t, doc, "components", "parameters", "Action").(map[string]any)
	var enum []string
	for _, v := range dig(t, param, "schema", "enum").([]any) {
		enum = append(enum, v.(string))
	}
	if !slices.Equal(enum, want) {
		t.Errorf("action enum = %v, cases.Actions() = %v", enum, want)
	}
	// Each action has an example body in the action operation.
	examples := dig(t, doc, "paths", "/api/v1/cases/{number}/{action}", "post", "requestBody",
		"content", "application/json", "examples").(map[string]any)
	var names []string
	for k := range examples {
		names = append(names, k)
	}
	sorted := slices.Clone(want)
	sort.Strings(sorted)
	sort.Strings(names)
	if !slices.Equal(names, sorted) {
		t.Errorf("action examples = %v, want one per action %v", names, sorted)
	}
	// Joint handling is our addition to docs/api.md and must say so.
	desc := dig(t, doc, "paths", "/api/v1/cases/{number}/{action}", "post", "description").(string)
	for _, a := range want {
		if !strings.Contains(desc, "`"+a+"`") {
			t.Errorf("the action operation's description does not document %q", a)
		}
	}
	if !strings.Contains(desc, "联合调处") || !strings.Contains(param["description"].(string), "联合调处") {
		t.Error("the invite action is not described as joint handling (联合调处)")
	}
}

func TestOpenAPIIsServedAsJSONWithoutSignIn(t *testing.T) {
	ts := newTestServer(t)
	resp, err := ts.app.Test(httptest.NewRequest("GET", "/api/v1/openapi.json", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	file, _ := os.ReadFile("api/openapi.json")
	if string(body) != string(file) {
		t.Error("the served document differs from views/api/openapi.json")
	}
}

// jsonFields lists the JSON names of t's fields and which of them are always
// present (no omitempty).
func jsonFields(t reflect.Type) (all, always []string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		all = append(all, name)
		if !strings.Contains(opts, "omitempty") {
			always = append(always, name)
		}
	}
	sort.Strings(all)
	sort.Strings(always)
	return all, always
}

// expectSchemas compares each named schema's properties with the JSON
// fields of its Go value (what the server sends or accepts) and, with
// required, its required list with the fields always sent.
func expectSchemas(t *testing.T, doc map[string]any, types map[string]any, verb string, required bool) {
	t.Helper()
	for name, v := range types {
		all, always := jsonFields(reflect.TypeOf(v))
		props, req := schemaFields(t, doc, name)
		if !slices.Equal(props, all) {
			t.Errorf("schema %s has properties %v; the server %s %v", name, props, verb, all)
		}
		if required && !slices.Equal(req, always) {
			t.Errorf("schema %s requires %v; the Go type always sends %v", name, req, always)
		}
	}
}

func schemaFields(t *testing.T, doc map[string]any, name string) (props, required []string) {
	t.Helper()
	s := dig(t, doc, "components", "schemas", name).(map[string]any)
	for k := range dig(t, s, "properties").(map[string]any) {
		props = append(props, k)
	}
	if r, ok := s["required"].([]any); ok {
		for _, x := range r {
			required = append(required, x.(string))
		}
	}
	sort.Strings(props)
	sort.Strings(required)
	return props, required
}

func TestSchemasNameExactlyTheGoJSONFields(t *testing.T) {
	doc := loadOpenAPI(t)
	// Answers: the properties are the JSON fields and "required" is every
	// field the server always sends.
	answers := map[string]any{
		"Case": cases.Case{}, "Party": cases.Party{}, "Deadline": cases.Deadline{}, "Event": cases.Event{},
		"Warning": cases.Warning{}, "PublicView": cases.PublicView{}, "PublicEvent": cases.PublicEvent{},
		"ActionInfo": cases.ActionInfo{}, "User": cases.Actor{}, "Desk": cases.Desk{}, "Category": cases.Category{},
		"SearchResult": search.Result{}, "SearchHit": search.Hit{}, "Facet": search.Facet{},
		"RelatedCase": cases.RelatedCase{}, "SimilarHit": search.SimilarHit{}, "TermProposal": cases.TermProposal{},
		"Rating": cases.Rating{}, "Attachment": cases.Attachment{}, "MessageReceipt": cases.MessageReceipt{},
		"ApplicationReceipt": cases.ApplicationReceipt{},
		"Rate":               reports.Rate{}, "DaysToClose": reports.DaysToClose{}, "ClosedCounts": reports.ClosedCounts{},
		"StatsFigures": reports.Figures{}, "StatsPeriod": reports.Period{}, "StatsFilter": reports.StatsFilter{},
		"StatsBreakdown": reports.Breakdown{}, "CaseRow": reports.CaseRow{},
		"MediationSession": mediation.Session{}, "SessionRecord": mediation.Record{}, "Recusal": mediation.Recusal{},
		"Outsider": mediation.Outsider{}, "Agreement": mediation.Agreement{}, "Obligation": mediation.Obligation{},
		"Performance": mediation.Performance{}, "Urging": mediation.Urging{}, "Confirmation": mediation.Confirmation{},
		"FollowUp": mediation.FollowUp{}, "Room": mediation.Room{},
		"Dossier": mediation.Dossier{}, "DossierRequirement": mediation.Requirement{}, "DossierDocument": mediation.Document{},
		"Retention": mediation.Retention{}, "Archive": mediation.Archive{},
		"Week": mediation.Week{}, "WeekSession": mediation.WeekSession{},
		"PublicMediation": mediation.PublicInfo{}, "PublicSession": mediation.PublicSession{},
		"PublicAgreement": mediation.PublicAgreement{}, "PublicObligation": mediation.PublicObligation{},
		"CaseLink": cases.CaseLink{},
		"Material": cases.Material{}, "CaseMaterial": cases.CaseMaterial{}, "CentreSettings": cases.CentreSettings{},
		"FeedEvent": cases.FeedEvent{}, "FeedPage": cases.FeedPage{}, "Webhook": cases.Webhook{},
		"WebhookDelivery": cases.WebhookDelivery{}, "Client": cases.Client{},
		"Meeting": cases.Meeting{}, "Attendee": cases.Attendee{}, "MeetingMinutes": cases.MeetingMinutes{}, "Task": cases.Task{},
	}
	expectSchemas(t, doc, answers, "sends", true)
	// Request bodies are decoded strictly, so the properties must be exactly
	// what the decoder accepts.
	bodies := map[string]any{
		"IntakeInput": cases.IntakeInput{}, "PartyInput": cases.PartyInput{}, "ActionRequest": cases.ActionRequest{},
		"UserInput": cases.UserInput{}, "DeskInput": cases.Desk{},
		"RatingRequest": views.RatingRequest{}, "MessageRequest": views.MessageRequest{},
		"CancelRequest": mediation.CancelInput{}, "FollowUpRequest": mediation.FollowUpInput{},
		"ArchiveRequest": mediation.ArchiveInput{}, "MaterialsRequest": cases.MaterialsInput{},
		"LinkRequest": cases.LinkInput{}, "MergeRequest": cases.MergeInput{},
		"WebhookInput": cases.WebhookInput{}, "ClientInput": cases.ClientInput{},
		"CorrectionRequest": cases.CorrectionInput{}, "CaseCorrection": cases.CaseCorrection{},
		"PartyCorrection": cases.PartyCorrection{},
		"MeetingInput":    cases.MeetingInput{}, "MinutesInput": cases.MinutesInput{}, "DecisionInput": cases.DecisionInput{},
		"SignInInput": cases.SignInInput{}, "TaskDoneInput": cases.TaskDoneInput{},
	}
	expectSchemas(t, doc, bodies, "accepts", false)
	// Length limits come from the consts of cases/lifecycle.go.
	limits := []struct {
		schema, prop string
		max          int
	}{
		{"IntakeInput", "title", cases.MaxTitle}, {"IntakeInput", "summary", cases.MaxSummary},
		{"IntakeInput", "claims", cases.MaxClaims}, {"IntakeInput", "town", cases.MaxTown},
		{"PartyInput", "name", cases.MaxName}, {"ActionRequest", "note", cases.MaxNote},
		{"ActionRequest", "reason", cases.MaxReason}, {"ActionRequest", "body", cases.MaxNote},
		{"ActionRequest", "outcome", cases.MaxReason}, {"ActionRequest", "summary", cases.MaxNote},
	}
	for _, l := range limits {
		got := dig(t, doc, "components", "schemas", l.schema, "properties", l.prop, "maxLength").(float64)
		if int(got) != l.max {
			t.Errorf("%s.%s maxLength = %v, cases says %d", l.schema, l.prop, got, l.max)
		}
	}
	// Search limits come from search/query.go, search/similar.go and
	// cases/synonyms.go.
	for _, l := range []struct {
		path, param, key string
		max              int
	}{
		{"/api/v1/search", "q", "maxLength", search.MaxQueryRunes},
		{"/api/v1/search", "page", "maximum", search.MaxPage},
		{"/api/v1/search", "per_page", "maximum", search.MaxPerPage},
		{"/api/v1/cases/{number}/related", "limit", "maximum", search.MaxSimilar},
	} {
		if got := queryParam(t, doc, l.path, l.param)["schema"].(map[string]any)[l.key]; got != float64(l.max) {
			t.Errorf("%s ?%s %s = %v, the code says %d", l.path, l.param, l.key, got, l.max)
		}
	}
	groups := dig(t, doc, "components", "schemas", "SynonymGroups", "properties", "groups").(map[string]any)
	if got := groups["maxItems"]; got != float64(cases.MaxSynonymGroups) {
		t.Errorf("SynonymGroups.groups maxItems = %v, cases says %d", got, cases.MaxSynonymGroups)
	}
	if got := dig(t, groups, "items", "items", "maxLength"); got != float64(cases.MaxSynonymTerm) {
		t.Errorf("a synonym's maxLength = %v, cases says %d", got, cases.MaxSynonymTerm)
	}
	if got := dig(t, doc, "components", "schemas", "IntakeInput", "properties", "parties", "maxItems").(float64); int(got) != cases.MaxParties {
		t.Errorf("IntakeInput.parties maxItems = %v, cases says %d", got, cases.MaxParties)
	}
	var sources []string
	for _, s := range dig(t, doc, "components", "schemas", "IntakeInput", "properties", "source", "enum").([]any) {
		sources = append(sources, s.(string))
	}
	var want []string
	for s := range cases.Sources {
		want = append(want, s)
	}
	sort.Strings(sources)
	sort.Strings(want)
	if !slices.Equal(sources, want) {
		t.Errorf("IntakeInput.source enum = %v, cases.Sources = %v", sources, want)
	}
}

func resolveRef(doc map[string]any, ref string) (map[string]any, error) {
	p, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("non-local $ref %q", ref)
	}
	var v any = doc
	for _, k := range strings.Split(p, "/") {
		m, _ := v.(map[string]any)
		if v = m[k]; v == nil {
			return nil, fmt.Errorf("$ref %q points at nothing", ref)
		}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("$ref %q is not an object", ref)
	}
	return m, nil
}

// conforms checks value against an OpenAPI 3.0 schema: types, nullability,
// required and undeclared properties, enums and patterns. It knows just the
// keywords openapi.json uses, and reports every problem with its path.
func conforms(doc map[string]any, schema map[string]any, value any, at string) []string {
	if r, ok := schema["$ref"].(string); ok {
		s, err := resolveRef(doc, r)
		if err != nil {
			return []string{at + ": " + err.Error()}
		}
		return conforms(doc, s, value, at)
	}
	if value == nil {
		if schema["nullable"] == true {
			return nil
		}
		return []string{at + ": null, but the schema is not nullable"}
	}
	if parts, ok := schema["allOf"].([]any); ok {
		// allOf here is either "this ref, nullable" or "Case plus more":
		// merge the parts into one object schema.
		merged := map[string]any{}
		props := map[string]any{}
		var required []any
		for _, p := range parts {
			s := p.(map[string]any)
			if r, ok := s["$ref"].(string); ok {
				var err error
				if s, err = resolveRef(doc, r); err != nil {
					return []string{at + ": " + err.Error()}
				}
			}
			for k, v := range s {
				merged[k] = v
			}
			if ps, ok := s["properties"].(map[string]any); ok {
				for k, v := range ps {
					props[k] = v
				}
			}
			if rs, ok := s["required"].([]any); ok {
				required = append(required, rs...)
			}
		}
		if len(props) > 0 {
			merged["properties"], merged["required"] = props, required
		}
		return conforms(doc, merged, value, at)
	}
	var errs []string
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, value) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", at, value, enum))
	}
	switch schema["type"] {
	case "object":
		obj, ok := value.(map[string]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want an object", at, value))
		}
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asSlice(schema["required"]) {
			if _, ok := obj[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: required %q is missing", at, r))
			}
		}
		extra, _ := schema["additionalProperties"].(map[string]any)
		for k, v := range obj {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, conforms(doc, ps, v, at+"."+k)...)
			} else if extra != nil {
				errs = append(errs, conforms(doc, extra, v, at+"."+k)...)
			} else if props != nil {
				errs = append(errs, fmt.Sprintf("%s: %q is not in the schema", at, k))
			}
		}
	case "array":
		arr, ok := value.([]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want an array", at, value))
		}
		items, _ := schema["items"].(map[string]any)
		for i, v := range arr {
			errs = append(errs, conforms(doc, items, v, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "string":
		s, ok := value.(string)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want a string", at, value))
		}
		if p, ok := schema["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(s) {
			errs = append(errs, fmt.Sprintf("%s: %q does not match %s", at, s, p))
		}
	case "integer":
		if n, ok := value.(float64); !ok || n != math.Trunc(n) {
			errs = append(errs, fmt.Sprintf("%s: %v, want an integer", at, value))
		}
	case "number":
		if _, ok := value.(float64); !ok {
			errs = append(errs, fmt.Sprintf("%s: %T, want a number", at, value))
		}
	case "boolean":
		if _, ok := value.(bool); !ok {
			errs = append(errs, fmt.Sprintf("%s: %T, want a boolean", at, value))
		}
	}
	return errs
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// checkAnswer asserts that body conforms to the JSON schema the document
// gives for this operation and status.
func checkAnswer(t testing.TB, doc map[string]any, method, path string, status int, body map[string]any) {
	t.Helper()
	schema := dig(t, doc, "paths", path, strings.ToLower(method), "responses", fmt.Sprint(status))
	if r, ok := schema.(map[string]any)["$ref"].(string); ok {
		var err error
		if schema, err = resolveRef(doc, r); err != nil {
			t.Fatal(err)
		}
	}
	s := dig(t, schema, "content", "application/json", "schema").(map[string]any)
	// Round-trip through JSON so that nested values are plain maps and slices.
	raw, _ := json.Marshal(body)
	var v any
	_ = json.Unmarshal(raw, &v)
	for _, e := range conforms(doc, s, v, fmt.Sprintf("%s %s %d", method, path, status)) {
		t.Error(e)
	}
}

// callDocumented sends a request, fails unless it answers want, and checks
// the answer against the document's schema for docPath.
func (ts *testServer) callDocumented(doc map[string]any, method, docPath, url, user string, body any, want int) map[string]any {
	ts.t.Helper()
	status, out := ts.call(method, url, user, body)
	if status != want {
		ts.t.Fatalf("%s %s as %q: %d %v, want %d", method, url, user, status, out, want)
	}
	checkAnswer(ts.t, doc, method, docPath, status, out)
	return out
}

func TestDocumentedExamplesWorkAndAnswersConformToTheSchemas(t *testing.T) {
	ts := newTestServer(t)
	doc := loadOpenAPI(t)
	example := func(path string) any {
		return dig(t, doc, "paths", path, "post", "requestBody", "content", "application/json", "example")
	}

	ts.callDocumented(doc, "POST", "/api/v1/auth/token", "/api/v1/auth/token", "",
		map[string]string{"username": "leader", "password": "password-leader"}, 200)
	ts.callDocumented(doc, "POST", "/api/v1/auth/token", "/api/v1/auth/token", "",
		map[string]string{"username": "leader", "password": "wrong"}, 401)
	ts.callDocumented(doc, "GET", "/api/v1/meta", "/api/v1/meta", "", nil, 200)

	// The documented intake example registers a case; registering it again
	// is a repeat visit, and replaying with the same key is idempotent.
	intake := example("/api/v1/cases")
	first := ts.callDocumented(doc, "POST", "/api/v1/cases", "/api/v1/cases", "intake", intake, 201)
	status, second := ts.call("POST", "/api/v1/cases", "intake", intake, "Idempotency-Key", "doc-example-1")
	if status != 201 {
		t.Fatalf("second intake: %d %v", status, second)
	}
	checkAnswer(t, doc, "POST", "/api/v1/cases", status, second)
	if w, _ := second["warnings"].([]any); len(w) == 0 {
		t.Errorf("a second intake for the same applicant carries no repeat_visitor warning: %v", second)
	}
	resp := ts.raw("POST", "/api/v1/cases", "intake", intake, "Idempotency-Key", "doc-example-1")
	resp.Body.Close()
	dig(t, doc, "paths", "/api/v1/cases", "post", "responses", "201", "headers", "Idempotent-Replayed")
	if got := resp.Header.Get("Idempotent-Replayed"); resp.StatusCode != 201 || got != "true" {
		t.Errorf("replayed intake: %d, Idempotent-Replayed %q", resp.StatusCode, got)
	}
	changed := sampleIntake()
	changed["title"] = "另一起纠纷"
	status, reused := ts.call("POST", "/api/v1/cases", "intake", changed, "Idempotency-Key", "doc-example-1")
	if status != 409 {
		t.Fatalf("same key, different body: %d %v", status, reused)
	}
	checkAnswer(t, doc, "POST", "/api/v1/cases", status, reused)

	// Every documented action example, in an order the lifecycle allows,
	// answers a case that conforms.
	const actionPath = "/api/v1/cases/{number}/{action}"
	n := first["number"].(string)
	steps := []struct{ user, action string }{
		{"intake", "route"}, {"mediation", "return"}, {"intake", "route"}, {"mediation", "accept"},
		{"mediation", "invite"}, {"petition", "notes"}, {"intake", "visits"}, {"mediation", "transfer"},
		{"litigation", "accept"}, {"litigation", "close"},
	}
	for _, s := range steps {
		body := dig(t, doc, "paths", actionPath, "post", "requestBody", "content", "application/json", "examples", s.action, "value")
		ts.callDocumented(doc, "POST", actionPath, "/api/v1/cases/"+n+"/"+s.action, s.user, body, 200)
	}
	ts.callDocumented(doc, "POST", actionPath, "/api/v1/cases/"+n+"/accept", "litigation", map[string]any{}, 409)
	ts.callDocumented(doc, "POST", actionPath, "/api/v1/cases/"+n+"/notes", "litigation", map[string]any{"body": "x", "version": 1}, 409)
	ts.callDocumented(doc, "POST", actionPath, "/api/v1/cases/"+n+"/frob", "litigation", map[string]any{}, 400)
	ts.callDocumented(doc, "POST", actionPath, "/api/v1/cases/"+n+"/visits", "leader", map[string]any{}, 403)
	ts.callDocumented(doc, "POST", actionPath, "/api/v1/cases/"+n+"/notes", "admin", map[string]any{"body": "x"}, 404)

	ts.callDocumented(doc, "GET", "/api/v1/cases/{number}", "/api/v1/cases/"+n, "leader", nil, 200)
	ts.callDocumented(doc, "GET", "/api/v1/cases/{number}", "/api/v1/cases/YD-2026-99999", "leader", nil, 404)
	ts.callDocumented(doc, "GET", "/api/v1/cases/{number}", "/api/v1/cases/"+n, "", nil, 401)
	tl := ts.callDocumented(doc, "GET", "/api/v1/cases/{number}/timeline", "/api/v1/cases/"+n+"/timeline", "leader", nil, 200)
	if events, _ := tl["events"].([]any); len(events) != 1+len(steps) {
		t.Errorf("timeline has %d events, want %d", len(events), 1+len(steps))
	}

	code := first["query_code"].(string)
	ts.callDocumented(doc, "GET", "/api/v1/public/status", "/api/v1/public/status?number="+n+"&code="+code, "", nil, 200)
	ts.callDocumented(doc, "GET", "/api/v1/public/status", "/api/v1/public/status?number="+n+"&code=AAAAA-AAAAA", "", nil, 404)

	ts.callDocumented(doc, "POST", "/api/v1/desks", "/api/v1/desks", "admin", example("/api/v1/desks"), 201)
	ts.callDocumented(doc, "POST", "/api/v1/desks", "/api/v1/desks", "admin", example("/api/v1/desks"), 409)
	ts.callDocumented(doc, "POST", "/api/v1/desks", "/api/v1/desks", "leader", example("/api/v1/desks"), 403)
	ts.callDocumented(doc, "POST", "/api/v1/users", "/api/v1/users", "admin", example("/api/v1/users"), 201)
	ts.callDocumented(doc, "POST", "/api/v1/users", "/api/v1/users", "admin", example("/api/v1/users"), 409)
	ts.callDocumented(doc, "POST", "/api/v1/users", "/api/v1/users", "admin", map[string]any{"username": "x", "password": "p"}, 400)
}

// queryParam returns the GET operation's query parameter of that name.
func queryParam(t *testing.T, doc map[string]any, path, name string) map[string]any {
	t.Helper()
	for _, p := range dig(t, doc, "paths", path, "get", "parameters").([]any) {
		if p, _ := p.(map[string]any); p["in"] == "query" && p["name"] == name {
			return p
		}
	}
	t.Fatalf("%s documents no query parameter %q", path, name)
	return nil
}

// errorExamples returns the example bodies the document gives for one
// operation's error status, by example name.
func errorExamples(t testing.TB, doc map[string]any, method, path string, status int) map[string]any {
	t.Helper()
	r := dig(t, doc, "paths", path, strings.ToLower(method), "responses", fmt.Sprint(status)).(map[string]any)
	if ref, ok := r["$ref"].(string); ok {
		var err error
		if r, err = resolveRef(doc, ref); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]any{}
	for name, ex := range dig(t, r, "content", "application/json", "examples").(map[string]any) {
		out[name] = dig(t, ex, "value")
	}
	return out
}

// exampleRequest is a request that must answer one documented error example.
type exampleRequest struct {
	user string
	url  string
	body any
}

// checkErrorExamples sends one request per documented error example of the
// operation and asserts that the answer is that example, word for word: the
// examples are what the server says, and none goes untested.
func (ts *testServer) checkErrorExamples(doc map[string]any, method, path string, status int, requests map[string]exampleRequest) {
	t := ts.t
	t.Helper()
	examples := errorExamples(t, doc, method, path, status)
	for name, want := range examples {
		req, ok := requests[name]
		if !ok {
			t.Errorf("%s %s %d: the example %q is not exercised", method, path, status, name)
			continue
		}
		got := ts.callDocumented(doc, method, path, req.url, req.user, req.body, status)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %s %d %q: the server answers %v, the document says %v", method, req.url, status, name, got, want)
		}
	}
	for name := range requests {
		if _, ok := examples[name]; !ok {
			t.Errorf("%s %s %d: the document has no example %q", method, path, status, name)
		}
	}
}

func TestSearchRoutesAnswerAsDocumented(t *testing.T) {
	ts := newTestServer(t)
	doc := loadOpenAPI(t)
	body := func(method, path string) any {
		return dig(t, doc, "paths", path, method, "requestBody", "content", "application/json", "example")
	}
	wage := ts.callDocumented(doc, "POST", "/api/v1/cases", "/api/v1/cases", "intake", body("post", "/api/v1/cases"), 201)["number"].(string)
	leak := sampleIntake()
	leak["title"], leak["category"], leak["town"] = "楼上漏水纠纷", "neighbour", "硖石街道"
	leak["summary"] = "楼上住户卫生间渗水，申请人家中天花板发霉，多次协商未果。"
	leak["claims"] = "请求对方修复防水层并赔偿损失。"
	leak["parties"] = []map[string]any{{"role": "applicant", "name": "李秀英", "phone": "13900001111"}, {"role": "respondent", "name": "毛建伟"}}
	leakN := ts.intake(leak)["number"].(string)
	ts.catchUp()

	// The documented draft finds the documented intake's case by the
	// applicant's ID number, and stores nothing.
	const check = "/api/v1/cases/check"
	got := ts.callDocumented(doc, "POST", check, check, "intake", body("post", check), 200)
	same, _ := got["same_person"].([]any)
	if len(same) == 0 || same[0].(map[string]any)["number"] != wage {
		t.Errorf("the documented draft does not find %s: %v", wage, got)
	}
	ts.callDocumented(doc, "POST", check, check, "", body("post", check), 401)
	ts.checkErrorExamples(doc, "POST", check, 400, map[string]exampleRequest{
		"invalid_json":  {"intake", check, map[string]any{"amount": "很多"}},
		"unknown_field": {"intake", check, map[string]any{"parties": []any{map[string]any{"name": "张三", "nickname": "小张"}}}},
	})
	ts.checkErrorExamples(doc, "POST", check, 403, map[string]exampleRequest{"forbidden": {"admin", check, body("post", check)}})

	const related = "/api/v1/cases/{number}/related"
	limit := fmt.Sprint(queryParam(t, doc, related, "limit")["example"])
	got = ts.callDocumented(doc, "GET", related, "/api/v1/cases/"+leakN+"/related?limit="+limit, "leader", nil, 200)
	if sim, _ := got["similar"].([]any); len(sim) > 10 {
		t.Errorf("limit=10 answered %d similar cases", len(sim))
	}
	ts.callDocumented(doc, "GET", related, "/api/v1/cases/YD-2026-99999/related", "leader", nil, 404)
	ts.callDocumented(doc, "GET", related, "/api/v1/cases/"+leakN+"/related", "", nil, 401)
	ts.checkErrorExamples(doc, "GET", related, 400, map[string]exampleRequest{
		"invalid_limit": {"leader", "/api/v1/cases/" + leakN + "/related?limit=0", nil},
	})

	// Search: the documented q finds the documented intake, highlighted,
	// with the five documented facets.
	const searchPath = "/api/v1/search"
	q := queryParam(t, doc, searchPath, "q")["example"].(string)
	got = ts.callDocumented(doc, "GET", searchPath, searchPath+"?q="+url.QueryEscape(q), "intake", nil, 200)
	if hits := hitNumbers(got); len(hits) != 1 || hits[0] != wage {
		t.Fatalf("q=%s: %v", q, got)
	}
	if hl := got["hits"].([]any)[0].(map[string]any)["highlights"].([]any); len(hl) == 0 || !strings.Contains(hl[0].(string), "<mark>") {
		t.Errorf("q=%s: no highlight: %v", q, hl)
	}
	var facets, documented []string
	for k := range got["facets"].(map[string]any) {
		facets = append(facets, k)
	}
	for k := range dig(t, doc, "components", "schemas", "SearchResult", "properties", "facets", "properties").(map[string]any) {
		documented = append(documented, k)
	}
	sort.Strings(facets)
	sort.Strings(documented)
	if !slices.Equal(facets, documented) {
		t.Errorf("the answer has facets %v, the document %v", facets, documented)
	}
	// Every documented parameter example is accepted.
	for _, p := range dig(t, doc, "paths", searchPath, "get", "parameters").([]any) {
		p := p.(map[string]any)
		ts.callDocumented(doc, "GET", searchPath, searchPath+"?"+p["name"].(string)+"="+url.QueryEscape(fmt.Sprint(p["example"])), "leader", nil, 200)
	}
	// An empty q lists cases newest first, without highlights.
	got = ts.callDocumented(doc, "GET", searchPath, searchPath, "leader", nil, 200)
	if hits := hitNumbers(got); len(hits) != 2 || hits[0] != leakN || hits[1] != wage {
		t.Errorf("an empty q lists %v, want newest first [%s %s]", hits, leakN, wage)
	}
	if hl := got["hits"].([]any)[0].(map[string]any)["highlights"].([]any); len(hl) != 0 {
		t.Errorf("an empty q highlights %v", hl)
	}
	// Nothing searchable: an empty result; admin: sees nothing.
	got = ts.callDocumented(doc, "GET", searchPath, searchPath+"?q="+url.QueryEscape(`"*"`), "leader", nil, 200)
	if got["total"].(float64) != 0 {
		t.Errorf(`q="*": %v`, got)
	}
	got = ts.callDocumented(doc, "GET", searchPath, searchPath, "admin", nil, 200)
	if got["total"].(float64) != 0 {
		t.Errorf("admin finds %v", got)
	}
	ts.callDocumented(doc, "GET", searchPath, searchPath+"?q=x", "", nil, 401)
	ts.checkErrorExamples(doc, "GET", searchPath, 400, map[string]exampleRequest{
		"invalid_query":         {"leader", searchPath + "?q=" + url.QueryEscape(strings.Repeat("欠", search.MaxQueryRunes+1)), nil},
		"too_many_terms":        {"leader", searchPath + "?q=" + url.QueryEscape(strings.Repeat("薪 ", search.MaxTerms+1)), nil},
		"page_out_of_range":     {"leader", searchPath + "?page=501", nil},
		"per_page_out_of_range": {"leader", searchPath + "?per_page=101", nil},
		"invalid_page":          {"leader", searchPath + "?page=abc", nil},
		"invalid_per_page":      {"leader", searchPath + "?per_page=0", nil},
		"invalid_date":          {"leader", searchPath + "?from=2026-13-01", nil},
		"to_before_from":        {"leader", searchPath + "?from=2026-05-02&to=2026-05-01", nil},
	})
	// Without an index, search answers the documented 500.
	bare := &testServer{t: t, app: views.New(ts.svc, views.Options{}), tokens: ts.tokens}
	bare.checkErrorExamples(doc, "GET", searchPath, 500, map[string]exampleRequest{
		"search_unavailable": {"leader", searchPath + "?q=x", nil},
	})

	// Synonyms: the documented list is stored as sent, read back by any
	// account, and applies to the next search without a reindex.
	const synonyms = "/api/v1/synonyms"
	example := body("put", synonyms)
	got = ts.callDocumented(doc, "PUT", synonyms, synonyms, "admin", example, 200)
	raw, _ := json.Marshal(example)
	var want map[string]any
	_ = json.Unmarshal(raw, &want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PUT the documented synonyms answers %v, want %v", got, want)
	}
	if got = ts.callDocumented(doc, "GET", synonyms, synonyms, "mediation", nil, 200); !reflect.DeepEqual(got, want) {
		t.Errorf("GET synonyms answers %v after PUT %v", got, want)
	}
	got = ts.callDocumented(doc, "GET", searchPath, searchPath+"?q="+url.QueryEscape("讨薪"), "leader", nil, 200)
	if hits := hitNumbers(got); len(hits) != 1 || hits[0] != wage {
		t.Errorf("讨薪 after adding it to the 欠薪 group: %v", got)
	}
	// Groups of fewer than two distinct terms are dropped.
	got = ts.callDocumented(doc, "PUT", synonyms, synonyms, "admin",
		map[string]any{"groups": [][]string{{"彩礼", " 彩礼 "}, {"房东", "出租人", "房东"}}}, 200)
	if g := fmt.Sprint(got["groups"]); g != "[[房东 出租人]]" {
		t.Errorf("groups stored as %s", g)
	}
	ts.callDocumented(doc, "GET", synonyms, synonyms, "", nil, 401)
	tooMany := make([][]string, cases.MaxSynonymGroups+1)
	for i := range tooMany {
		tooMany[i] = []string{"甲", "乙"}
	}
	ts.checkErrorExamples(doc, "PUT", synonyms, 400, map[string]exampleRequest{
		"invalid_term":  {"admin", synonyms, map[string]any{"groups": [][]string{{"欠薪", "拖欠 工资"}}}},
		"too_many":      {"admin", synonyms, map[string]any{"groups": tooMany}},
		"invalid_json":  {"admin", synonyms, map[string]any{"groups": [][]any{{1, 2}}}},
		"unknown_field": {"admin", synonyms, map[string]any{"terms": []string{"欠薪"}}},
	})
	ts.checkErrorExamples(doc, "PUT", synonyms, 403, map[string]exampleRequest{"forbidden": {"mediation", synonyms, example}})
}
