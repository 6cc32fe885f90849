package views_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/internal/testdb"
	"yidi/search"
	"yidi/views"
)

// node is one app server of several on one PostgreSQL database, wired as
// yidi serve wires it: its own data folder and search index, following the
// shared event log; the attachments folder shared by all.
type node struct {
	t      *testing.T
	svc    *cases.Service
	index  *search.Index
	base   string
	tokens map[string]string
}

func startNode(t *testing.T, name, dsn, attachments string, opts views.Options) *node {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), name)
	store, err := cases.OpenDatabase(ctx, cases.Database{Dir: dir, Engine: cases.EnginePostgres, DSN: dsn, Attachments: attachments})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := cases.NewService(store)
	med := mediation.New(svc)
	index, err := search.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { index.Close() })
	if err := index.LoadSynonyms(ctx, svc); err != nil {
		t.Fatal(err)
	}
	index.PollEvery(250 * time.Millisecond) // serve's followPoll on PostgreSQL
	followCtx, stop := context.WithCancel(context.Background())
	follower := index.Follow(followCtx, svc)
	svc.OnCommit(follower.Wake)
	t.Cleanup(func() { stop(); <-follower.Done() })
	opts.Index, opts.Med = index, med
	app := views.New(svc, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return &node{t: t, svc: svc, index: index, base: "http://" + ln.Addr().String(), tokens: map[string]string{}}
}

// call is apiCaller over the network: tokens are shared through the
// database, so a token got from one node is sent to the other as is.
func (n *node) call(method, path, user string, body any, headers ...string) (int, map[string]any) {
	n.t.Helper()
	status, out := n.do(method, path, user, body, headers...)
	return status, decodeAnswer(n.t, method, path, out)
}

// do sends body (JSON, or a string as it is) and answers the raw answer.
func (n *node) do(method, path, user string, body any, headers ...string) (int, []byte) {
	n.t.Helper()
	req, _ := http.NewRequest(method, n.base+path, bytes.NewReader(requestBody(body)))
	req.Header.Set("Content-Type", "application/json")
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+n.tokens[user])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// form posts a form (or GETs a page with nil) through client, which keeps
// cookies and does not follow redirects.
func form(t *testing.T, client *http.Client, method, u string, values url.Values) (int, string, http.Header) {
	t.Helper()
	var body io.Reader
	if values != nil {
		body = strings.NewReader(values.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if values != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), resp.Header
}

// The "Done when" of issue 18's several nodes: two app servers on one
// PostgreSQL, as a city runs them behind one address.
func TestTwoNodesOnOnePostgreSQL(t *testing.T) {
	if testdb.DSN() == "" || testdb.Engine() != testdb.Postgres {
		t.Skip("runs in the PostgreSQL pass (YIDI_TEST_PG)")
	}
	cases.PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	dsn := testdb.FreshDSN(t)
	shared := filepath.Join(t.TempDir(), "attachments")
	opts := views.Options{LoginFailures: 3, PublicFailures: 3}
	a := startNode(t, "a", dsn, shared, opts)
	b := startNode(t, "b", dsn, shared, opts)
	for _, u := range []cases.UserInput{
		{Username: "admin", Role: cases.RoleAdmin, Name: "管理员"},
		{Username: "intake", Role: cases.RoleIntake, Name: "王窗口"},
		{Username: "leader", Role: cases.RoleLeader, Name: "陈主任"},
		{Username: "mediation", Role: cases.RoleHandler, Desk: "mediation", Name: "李调解"},
	} {
		u.Password = "password-" + u.Username
		if _, err := a.svc.CreateUser(ctx, cases.SystemActor, u); err != nil {
			t.Fatal(err)
		}
		status, ans := a.call("POST", "/api/v1/auth/token", "", map[string]string{"username": u.Username, "password": u.Password})
		if status != 200 {
			t.Fatalf("token for %s on A: %d %v", u.Username, status, ans)
		}
		a.tokens[u.Username] = ans["token"].(string)
		b.tokens[u.Username] = ans["token"].(string)
	}

	// Outbox and webhooks: a receiver counting what reaches it.
	var hooks atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hooks.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	if status, ans := a.call("POST", "/api/v1/webhooks", "admin", map[string]any{
		"url": receiver.URL, "events": []string{"intake"}, "secret": hookSecret}); status != 201 {
		t.Fatalf("subscribe on A: %d %v", status, ans)
	}

	// An intake on A is found by a search on B within 2 s.
	body := sampleIntake()
	body["summary"] = "申请人在城关镇菜市场租用摊位，出租方提前收回摊位且不退押金五千元。"
	registered := time.Now()
	c := intakeVia(t, a, body)
	number, code := c["number"].(string), c["query_code"].(string)
	var found time.Duration
	for {
		status, ans := b.call("GET", "/api/v1/search?q="+url.QueryEscape("菜市场摊位押金"), "leader", nil)
		if status == 200 && ans["total"].(float64) == 1 {
			found = time.Since(registered)
			break
		}
		if time.Since(registered) > 2*time.Second {
			t.Fatalf("the intake on A is not found on B after 2 s: %d %v", status, ans)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("registered on A, found by a search on B after %v", found.Round(time.Millisecond))
	status, health := b.call("GET", "/healthz", "", nil)
	if status != 200 || health["index_lag"].(float64) != 0 || health["index_caught_up_seconds"] == nil ||
		health["index_caught_up_seconds"].(float64) > 1 {
		t.Errorf("B's /healthz after catching up: %d %v", status, health)
	}

	// A login on A is a session on B: sign in on A's page, open B's desk.
	jar, _ := cookiejar.New(nil) // cookies go by host, not port: B gets A's
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	_, page, _ := form(t, browser, "GET", a.base+"/login", nil)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token on A's login page")
	}
	if status, _, h := form(t, browser, "POST", a.base+"/login", url.Values{
		"username": {"mediation"}, "password": {"password-mediation"}, "_csrf": {m[1]}}); status != 303 || h.Get("Location") != "/desk" {
		t.Fatalf("login on A: %d → %q", status, h.Get("Location"))
	}
	if status, page, _ := form(t, browser, "GET", b.base+"/desk", nil); status != 200 || !strings.Contains(page, "李调解") {
		t.Fatalf("A's session on B's desk page: %d", status)
	}

	// A lockout on A is enforced on B: the sign-in throttle (3 failures)…
	for i := range 3 {
		if status, _ := a.call("POST", "/api/v1/auth/token", "", map[string]string{"username": "intake", "password": "wrong-password"}); status != 401 {
			t.Fatalf("wrong password %d on A: %d", i+1, status)
		}
	}
	if status, ans := b.call("POST", "/api/v1/auth/token", "", map[string]string{"username": "intake", "password": "password-intake"}); status != 429 {
		t.Errorf("the right password on B after 3 failures on A: %d %v, want 429", status, ans)
	}
	// …and the citizen's lookup (3 wrong codes per address).
	lookup := func(n *node, code string) int {
		status, _ := n.call("GET", "/api/v1/public/status?"+url.Values{"number": {number}, "code": {code}}.Encode(), "", nil)
		return status
	}
	if status := lookup(b, code); status != 200 {
		t.Fatalf("the right code on B before any guess: %d", status)
	}
	for i := range 3 {
		if status := lookup(a, wrongCode(code)); status != 404 {
			t.Fatalf("wrong code %d on A: %d", i+1, status)
		}
	}
	if status := lookup(b, code); status != 429 {
		t.Errorf("the right code on B after 3 wrong ones on A from the same address: %d, want 429", status)
	}

	// Routed and accepted, the case runs a time limit. Both nodes sweep at
	// once, long after it is due: one warning per crossing.
	actVia(t, a, "intake", number, "route", map[string]any{"desk": "mediation"}, 200)
	actVia(t, b, "mediation", number, "accept", nil, 200)
	// A file filed on A is read on B: the attachments folder is shared.
	var upload bytes.Buffer
	mw := multipart.NewWriter(&upload)
	_ = mw.WriteField("kind", "evidence")
	fw, _ := mw.CreateFormFile("files", "欠条.png")
	png := scanPNG("two nodes")
	_, _ = fw.Write(png)
	_ = mw.Close()
	status, filed := a.call("POST", "/api/v1/cases/"+number+"/attachments", "mediation", upload.String(), "Content-Type", mw.FormDataContentType())
	if status != 201 {
		t.Fatalf("filing a file on A: %d %v", status, filed)
	}
	id := filed["attachments"].([]any)[0].(map[string]any)["id"]
	status, got := b.do("GET", fmt.Sprintf("/api/v1/cases/%s/attachments/%v", number, id), "mediation", nil)
	if status != 200 || !bytes.Equal(got, png) {
		t.Errorf("the file filed on A, read on B: %d, %d bytes (want %d)", status, len(got), len(png))
	}
	if files := filesUnder(t, shared); files != 1 {
		t.Errorf("the shared attachments folder holds %d files, want 1", files)
	}

	late := time.Now().AddDate(1, 0, 0)
	both(t, func(n *node) error { _, err := n.svc.SweepWarnings(ctx, late); return err }, a, b)
	both(t, func(n *node) error { _, err := n.svc.SweepWarnings(ctx, late.Add(time.Hour)); return err }, a, b)
	var warnings, crossings int
	status, tl := b.call("GET", "/api/v1/cases/"+number+"/timeline", "leader", nil)
	if status != 200 {
		t.Fatalf("timeline on B: %d %v", status, tl)
	}
	for _, e := range tl["events"].([]any) {
		if e.(map[string]any)["kind"] == "warning" {
			warnings++
		}
	}
	crossings = countDeadlines(t, b, number)
	if crossings == 0 || warnings != crossings {
		t.Errorf("two nodes sweeping: %d warnings for %d crossed limits, want one each", warnings, crossings)
	}

	// Both deliver the outbox and the webhooks at once: each goes out once.
	var texts atomic.Int32
	sender := senderFunc(func(ctx context.Context, phone, text string) error { texts.Add(1); return nil })
	outbox := func(n *node) error { _, _, err := n.svc.DeliverOutbox(ctx, sender, time.Now()); return err }
	webhooks := func(n *node) error {
		_, _, err := n.svc.DeliverWebhooks(ctx, http.DefaultClient, time.Now())
		return err
	}
	for range 2 {
		both(t, outbox, a, b)
		both(t, webhooks, a, b)
	}
	notes, err := b.svc.Notifications(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) == 0 || int(texts.Load()) != len(notes) {
		t.Errorf("two nodes delivering: %d texts sent for %d messages, want one each", texts.Load(), len(notes))
	}
	if hooks.Load() != 1 {
		t.Errorf("two nodes delivering: the webhook receiver got %d posts, want 1", hooks.Load())
	}
}

// filesUnder counts the files under dir.
func filesUnder(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

type senderFunc func(ctx context.Context, phone, text string) error

func (f senderFunc) Send(ctx context.Context, phone, text string) error { return f(ctx, phone, text) }

// both runs fn on each node at once and fails on either's error.
func both(t *testing.T, fn func(*node) error, nodes ...*node) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(nodes))
	for i, n := range nodes {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = fn(n) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// countDeadlines is how many time limits the case has run.
func countDeadlines(t *testing.T, n *node, number string) int {
	t.Helper()
	status, ans := n.call("GET", "/api/v1/cases/"+number, "leader", nil)
	if status != 200 {
		t.Fatalf("case on B: %d %v", status, ans)
	}
	dl, _ := ans["deadlines"].([]any)
	return len(dl)
}

// /healthz says how far this node's index is behind and when it last
// reached the end of the event log: what to watch on every node.
func TestHealthSaysTheIndexLag(t *testing.T) {
	ts := newTestServer(t)
	ts.intake(nil)
	_, health := ts.call("GET", "/healthz", "", nil)
	if lag, _ := health["index_lag"].(float64); lag < 1 || health["index_caught_up_seconds"] != nil {
		t.Errorf("before the index caught up: %v", health)
	}
	ts.catchUp()
	_, health = ts.call("GET", "/healthz", "", nil)
	ago, ok := health["index_caught_up_seconds"].(float64)
	if health["index_lag"] != float64(0) || !ok || ago > 1 {
		t.Errorf("after a catch-up: %v", health)
	}
}
