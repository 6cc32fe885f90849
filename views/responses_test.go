package views_test

// Every answer of the API that the tests get through the harness is
// checked against the served OpenAPI document by an independent validator
// (kin-openapi), so that the document and the server cannot drift apart
// unnoticed: a field, a status, a type or an enum value the document does
// not describe fails the test that produced it.

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gofiber/fiber/v2"
)

var served struct {
	once   sync.Once
	router routers.Router
	err    error
}

// servedRouter loads the document the app serves at /api/v1/openapi.json, once.
func servedRouter(app *fiber.App) (routers.Router, error) {
	served.once.Do(func() {
		resp, err := app.Test(httptest.NewRequest("GET", "/api/v1/openapi.json", nil), -1)
		if err != nil {
			served.err = err
			return
		}
		raw, _ := io.ReadAll(resp.Body)
		doc, err := openapi3.NewLoader().LoadFromData(raw)
		if err != nil {
			served.err = err
			return
		}
		if served.err = doc.Validate(context.Background()); served.err != nil {
			return
		}
		closeExtensibleEnums(doc)
		served.router, served.err = gorillamux.NewRouter(doc)
	})
	return served.router, served.err
}

// checkResponse validates one answer to req against the served document;
// it leaves resp's body readable. Requests to no documented route (an
// unknown address, a wrong method) have nothing to be checked against.
func checkResponse(t testing.TB, app *fiber.App, req *http.Request, reqBody []byte, resp *http.Response) {
	t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/") {
		return
	}
	router, err := servedRouter(app)
	if err != nil {
		t.Fatalf("the served OpenAPI document: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	// The router matches on the URL the document's server names.
	probe := req.Clone(context.Background())
	probe.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := router.FindRoute(probe)
	if err != nil {
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status:  resp.StatusCode,
		Header:  resp.Header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.Options.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string {
		return "/" + strings.Join(err.JSONPointer(), "/") + ": " + err.Reason
	})
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct != "application/json" && resp.StatusCode != http.StatusNoContent {
		// Files (CSV, XLSX, ZIP, PDF…): their type must be documented; their
		// bytes are not JSON to validate.
		in.Options.ExcludeResponseBody = true
		if r := route.Operation.Responses.Status(resp.StatusCode); r != nil && r.Value != nil && r.Value.Content.Get(resp.Header.Get("Content-Type")) == nil {
			t.Errorf("%s %s → %d: Content-Type %q is not documented", req.Method, route.Path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	if resp.StatusCode < 300 {
		// What the server accepted, the document must accept too.
		in.RequestValidationInput.Request.Body = io.NopCloser(bytes.NewReader(reqBody))
		in.RequestValidationInput.Options = &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}
		if err := openapi3filter.ValidateRequest(context.Background(), in.RequestValidationInput); err != nil {
			t.Errorf("%s %s → %d: the server accepted a request openapi.json refuses: %v", req.Method, route.Path, resp.StatusCode, err)
		}
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s → %d does not conform to openapi.json: %v\nbody: %.600s", req.Method, route.Path, resp.StatusCode, err, body)
	}
}

// closeExtensibleEnums holds the server to the values its document lists
// for the enums clients must treat as open (x-extensible-enum): a client
// must accept a value it does not know, but this server sends none it does
// not document.
func closeExtensibleEnums(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(s *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if values, ok := s.Extensions["x-extensible-enum"].([]any); ok {
			s.Enum = values
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		if s.AdditionalProperties.Schema != nil {
			walk(s.AdditionalProperties.Schema)
		}
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, p := range group {
				walk(p)
			}
		}
	}
	for _, s := range doc.Components.Schemas {
		walk(s)
	}
}
