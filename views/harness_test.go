package views_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"yidi/cases"
	"yidi/internal/testdb"
	"yidi/search"
	"yidi/views"
)

// testServer is a real app over a real SQLite file in a temp dir, with one
// signed-in user per role and desk.
type testServer struct {
	t      testing.TB
	app    *fiber.App
	svc    *cases.Service
	store  *cases.Store
	index  *search.Index
	dir    string            // the data folder
	tokens map[string]string // "admin", "intake", "leader", "mediation", "petition", "litigation", "governance"
}

func TestMain(m *testing.M) { os.Exit(testdb.Run(m)) }

func newTestServer(t testing.TB, opts ...views.Options) *testServer {
	t.Helper()
	return newTestServerIn(t, t.TempDir(), opts...)
}

// newTestServerIn is newTestServer over the data folder dir.
func newTestServerIn(t testing.TB, dir string, opts ...views.Options) *testServer {
	t.Helper()
	cases.PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	engine, dsn := testdb.Config(t)
	store, err := cases.OpenDatabase(ctx, cases.Database{Dir: dir, Engine: engine, DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := cases.NewService(store)
	index, err := search.Open(dir + "/index")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { index.Close() })
	if err := index.LoadSynonyms(ctx, svc); err != nil {
		t.Fatal(err)
	}
	var o views.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	o.Index = index
	ts := &testServer{t: t, app: views.New(svc, o), svc: svc, store: store, index: index, dir: dir, tokens: map[string]string{}}
	users := []cases.UserInput{
		{Username: "admin", Role: cases.RoleAdmin, Name: "管理员"},
		{Username: "intake", Role: cases.RoleIntake, Name: "王窗口"},
		{Username: "leader", Role: cases.RoleLeader, Name: "陈主任"},
		{Username: "mediation", Role: cases.RoleHandler, Desk: "mediation", Name: "李调解"},
		{Username: "petition", Role: cases.RoleHandler, Desk: "petition", Name: "赵信访"},
		{Username: "litigation", Role: cases.RoleHandler, Desk: "litigation", Name: "孙法官"},
		{Username: "governance", Role: cases.RoleHandler, Desk: "governance", Name: "周综治"},
	}
	for _, u := range users {
		u.Password = "password-" + u.Username
		if _, err := svc.CreateUser(ctx, cases.SystemActor, u); err != nil {
			t.Fatal(err)
		}
		ts.signIn(u.Username)
	}
	return ts
}

// signIn gets username (password "password-"+username) a fresh API token.
func (ts *testServer) signIn(username string) {
	ts.t.Helper()
	status, body := ts.call("POST", "/api/v1/auth/token", "", map[string]string{"username": username, "password": "password-" + username})
	if status != 200 {
		ts.t.Fatalf("login %s: %d %v", username, status, body)
	}
	ts.tokens[username] = body["token"].(string)
}

// catchUp brings the search index up to date, as the follower does after
// each commit in a running server.
func (ts *testServer) catchUp() {
	ts.t.Helper()
	if _, err := ts.index.CatchUp(context.Background(), ts.svc); err != nil {
		ts.t.Fatal(err)
	}
}

// call sends a JSON request as the user whose token key is given ("" for
// none) and decodes the JSON answer.
func (ts *testServer) call(method, path, user string, body any, headers ...string) (int, map[string]any) {
	ts.t.Helper()
	resp := ts.raw(method, path, user, body, headers...)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, decodeAnswer(ts.t, method, path, raw)
}

// decodeAnswer decodes a JSON answer; an empty one is nil.
func decodeAnswer(t testing.TB, method, path string, raw []byte) map[string]any {
	t.Helper()
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %s", method, path, raw)
		}
	}
	return out
}

func (ts *testServer) raw(method, path, user string, body any, headers ...string) *http.Response {
	ts.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		raw, _ = json.Marshal(b)
	}
	req := ts.request(method, path, user, bytes.NewReader(raw), headers...)
	resp, err := ts.app.Test(req, -1)
	if err != nil {
		ts.t.Fatal(err)
	}
	// Every answer of the API is held to the served document (responses_test.go).
	checkResponse(ts.t, ts.app, req, raw, resp)
	return resp
}

// request is a JSON request as the user whose token key is given ("" for
// none), with headers as name, value pairs.
func (ts *testServer) request(method, path, user string, body io.Reader, headers ...string) *http.Request {
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("Content-Type", "application/json")
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+ts.tokens[user])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

// sampleIntake is a realistic intake body; mutate the copy it returns.
func sampleIntake() map[string]any {
	return map[string]any{
		"title":        "拖欠工资纠纷",
		"category":     "labor",
		"source":       "walk_in",
		"summary":      "申请人于2026年3月至8月在被申请人承建的城关镇安置房工地从事木工，工资共计12000元至今未付。",
		"claims":       "请求被申请人支付拖欠工资12000元。",
		"town":         "城关镇",
		"amount":       12000,
		"people_count": 1,
		"parties": []map[string]any{
			{"role": "applicant", "name": "张三", "id_number": "11010519491231002X", "phone": "13800000000"},
			{"role": "respondent", "name": "某某建筑公司"},
		},
	}
}

// apiCaller is the test server, or a watch over it that checks every answer.
type apiCaller interface {
	call(method, path, user string, body any, headers ...string) (int, map[string]any)
}

// intake registers sampleIntake (or body) as the intake officer and returns the answer.
func (ts *testServer) intake(body map[string]any) map[string]any {
	ts.t.Helper()
	return intakeVia(ts.t, ts, body)
}

func intakeVia(t testing.TB, c apiCaller, body map[string]any) map[string]any {
	t.Helper()
	if body == nil {
		body = sampleIntake()
	}
	status, out := c.call("POST", "/api/v1/cases", "intake", body)
	if status != 201 {
		t.Fatalf("intake: %d %v", status, out)
	}
	return out
}

// mediationCase registers sampleIntake, routes it to mediation and has
// mediation accept it; it answers the case number and the query code.
func (ts *testServer) mediationCase() (number, code string) {
	ts.t.Helper()
	c := ts.intake(nil)
	number, code = c["number"].(string), c["query_code"].(string)
	ts.act("intake", number, "route", map[string]any{"desk": "mediation"}, 200)
	ts.act("mediation", number, "accept", nil, 200)
	return number, code
}

// act posts one action and fails the test unless the status is want.
func (ts *testServer) act(user, number, action string, body map[string]any, want int) map[string]any {
	ts.t.Helper()
	return actVia(ts.t, ts, user, number, action, body, want)
}

func actVia(t testing.TB, c apiCaller, user, number, action string, body map[string]any, want int) map[string]any {
	t.Helper()
	status, out := c.call("POST", "/api/v1/cases/"+number+"/"+action, user, body)
	if status != want {
		t.Fatalf("%s %s by %s: got %d %v, want %d", action, number, user, status, out, want)
	}
	return out
}

func errorCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func errorField(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	f, _ := e["field"].(string)
	return f
}

// signedIn is a browser on the staff pages signed in as user.
func (ts *testServer) signedIn(t testing.TB, user string) *browser {
	t.Helper()
	b := newBrowser(t, ts.app)
	b.login(user)
	return b
}
