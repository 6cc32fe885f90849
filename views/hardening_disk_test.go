package views_test

// A real full disk: the data folder is a small tmpfs, filled through the
// HTTP API with intakes and citizens' uploads, then topped off with a
// filler file. Nothing may crash; every refused write answers 507
// storage_full (JSON under /api, a Chinese page on pages); reads go on;
// after a restart on the still-full disk staff can still sign in or are
// told clearly why not; and once the filler is deleted everything that
// was acknowledged is there and writes work again.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/sys/unix"

	"yidi/cases"
	"yidi/internal/testdb"
	"yidi/search"
	"yidi/views"
)

// smallDataFolder mounts a tmpfs of size bytes and answers its path. It
// skips when mounting is impossible (not root, no tmpfs), unless CI=true.
func smallDataFolder(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0750"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but a tmpfs cannot be mounted at %s: %v", dir, err)
		}
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	// Registered first, so it runs last: after the store and index close.
	t.Cleanup(func() {
		if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// reserve writes n bytes to path.
func reserve(t *testing.T, path string, n int64) int64 {
	t.Helper()
	if err := os.WriteFile(path, make([]byte, n), 0o600); err != nil {
		t.Fatal(err)
	}
	return n
}

// fillUp writes path until the filesystem refuses, and answers how much.
func fillUp(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		if errors.Is(err, syscall.ENOSPC) {
			return 0
		}
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	var n int64
	for _, size := range []int{64 << 10, 4 << 10, 512} {
		for {
			w, err := f.Write(chunk[:size])
			n += int64(w)
			if err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
	return n
}

type diskFigures struct {
	requests, fiveXX, acked, lost int
}

// follow runs the index follower over ts as serve does, until the test
// ends or the answered stop is called.
func (ts *testServer) follow() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	f := ts.index.Follow(ctx, ts.svc)
	ts.svc.OnCommit(f.Wake)
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-f.Done() }) }
	ts.t.Cleanup(stop)
	return stop
}

// unlimited lifts the quotas, so only the disk refuses.
var unlimited = views.Options{AddressMessages: 1 << 30, AddressBytes: 1 << 50,
	CaseQuota: cases.Quota{MessagesPerHour: 1 << 30, BytesPerHour: 1 << 50, TotalBytes: 1 << 50}}

func TestAFullDiskRefusesWritesClearlyAndLosesNothing(t *testing.T) {
	testdb.SkipOnPostgres(t, "fills the data folder's disk, where PostgreSQL's database is not")
	dir := smallDataFolder(t, "24m")
	// Most of the space is taken by a file that is deleted at the end, so
	// that space can return; the rest fills through the API.
	filler := filepath.Join(dir, "filler")
	reserved := reserve(t, filler, 17<<20)
	ts := newTestServerIn(t, dir, unlimited)
	ts.svc.SetMinFreeBytes(-1) // the guard off: the disk itself must fill
	staff := newBrowser(t, ts.app)
	staff.login("leader") // a staff page session, opened while there is room
	var fig diskFigures

	type ackedMessage struct {
		number string
		ids    []string
		sizes  []int
	}
	var ackedCases []string
	var ackedMessages []ackedMessage
	check5xx := func(what string, status int, out map[string]any) {
		fig.requests++
		if status >= 500 {
			fig.fiveXX++
			if status != 507 || errorCode(out) != "storage_full" {
				t.Errorf("%s on a full disk: %d %v, want 507 storage_full", what, status, out)
			}
		}
	}
	// Phase 1: intakes and uploads until the disk refuses both, several
	// times in a row.
	refusedInARow := 0
	for i := 0; i < 400 && refusedInARow < 6; i++ {
		status, out := ts.call("POST", "/api/v1/cases", "intake", sampleIntake())
		check5xx("intake", status, out)
		if status != 201 {
			refusedInARow++
			continue
		}
		n, code := out["number"].(string), out["query_code"].(string)
		ackedCases = append(ackedCases, n)
		sizes := []int{150 << 10, 150 << 10, 150 << 10}
		status, out, _ = ts.message(n, code, sizes...)
		check5xx("upload", status, out)
		if status != 201 {
			refusedInARow++
			continue
		}
		refusedInARow = 0
		m := ackedMessage{number: n, sizes: sizes}
		for _, a := range out["attachments"].([]any) {
			m.ids = append(m.ids, itoa(int(a.(map[string]any)["id"].(float64))))
		}
		ackedMessages = append(ackedMessages, m)
	}
	if refusedInARow < 6 {
		t.Fatalf("the disk never filled: %d cases", len(ackedCases))
	}
	topped := fillUp(t, filepath.Join(dir, "filler2"))
	// The index follows only now, so it must write its segments on the
	// full disk (where bleve panicked): search answers from what the
	// index holds and says it is behind.
	stopFollowing := ts.follow()
	if !waitUntil(10*time.Second, ts.index.Failing) {
		t.Errorf("the index follower did not fail on the full disk")
	}
	fig.requests++
	status, out := ts.call("GET", "/api/v1/search?q="+url.QueryEscape("工资"), "leader", nil)
	if status != 200 || out["index_behind"] != true || out["index_lag"].(float64) < 1 {
		t.Errorf("search while the index cannot write: %d %v", status, out)
	}
	if status >= 500 {
		fig.fiveXX++
	}
	fig.requests++
	if status, page, _ := staff.do("GET", "/search?q="+url.QueryEscape("工资"), nil); status != 200 || !strings.Contains(page, "搜索索引暂未更新") {
		t.Errorf("the search page does not say the index is behind: %d\n%s", status, page)
	}

	// Phase 2: the disk is full. Writes answer 507 in the JSON shape...
	status, out = ts.call("POST", "/api/v1/cases", "intake", sampleIntake())
	check5xx("intake", status, out)
	if status != 507 {
		t.Errorf("intake on a full disk: %d %v", status, out)
	}
	status, out = ts.call("POST", "/api/v1/public/applications", "", application())
	check5xx("application", status, out)
	if status != 507 {
		t.Errorf("application on a full disk: %d %v", status, out)
	}
	last := ackedCases[len(ackedCases)-1]
	status, out = ts.call("POST", "/api/v1/cases/"+last+"/route", "intake", map[string]any{"desk": "mediation"})
	check5xx("route", status, out)
	// ... and a Chinese page on pages.
	if token, cookies := ts.formToken("/apply"); token == "" {
		t.Errorf("apply form on a full disk: no CSRF token")
	} else {
		form := applyForm()
		form.Set("_csrf", token)
		status, html := ts.postForm("/apply", form, cookies)
		fig.requests++
		if status >= 500 {
			fig.fiveXX++
		}
		if status != 507 || !strings.Contains(html, "存储空间不足，请联系管理员") {
			t.Errorf("apply page on a full disk: %d\n%s", status, html)
		}
	}
	// Reads still answer.
	for _, path := range []string{"/api/v1/cases/" + last, "/api/v1/cases?per_page=5", "/api/v1/search?q=" + url.QueryEscape("工资"), "/api/v1/stats"} {
		fig.requests++
		if status, out := ts.call("GET", path, "leader", nil); status != 200 {
			fig.fiveXX++
			t.Errorf("GET %s on a full disk: %d %v", path, status, out)
		}
	}
	_, health := ts.call("GET", "/healthz", "", nil)
	t.Logf("healthz on the full disk: %v", health)

	// Phase 3: a restart on the still-full disk.
	stopFollowing()
	ts.restart(unlimited)
	ts.svc.SetMinFreeBytes(-1)
	status, out = ts.call("POST", "/api/v1/auth/token", "", map[string]string{"username": "leader", "password": "password-leader"})
	check5xx("sign-in after a restart", status, out)
	if status != 200 && status != 507 {
		t.Errorf("sign-in after a restart on a full disk: %d %v", status, out)
	}
	signedIn := status == 200
	// The sign-in page: in, or a clear Chinese page; never a 500.
	desk := newBrowser(t, ts.app)
	desk.do("GET", "/login", nil)
	status, html, _ := desk.do("POST", "/login", url.Values{"username": {"mediation"}, "password": {"password-mediation"}, "_csrf": {desk.csrf}})
	fig.requests++
	if status >= 500 {
		fig.fiveXX++
	}
	if status != 303 && (status != 507 || !strings.Contains(html, "存储空间不足")) {
		t.Errorf("sign-in page after a restart on a full disk: %d\n%s", status, html)
	}
	t.Logf("sign-in page after a restart on the full disk: %d", status)
	status, out = ts.call("POST", "/api/v1/cases", "intake", sampleIntake())
	check5xx("intake after a restart", status, out)
	if status, out := ts.call("GET", "/api/v1/cases/"+last, "leader", nil); status != 200 {
		t.Errorf("read after a restart on a full disk: %d %v", status, out)
	}

	// Phase 4: space returns. Everything acknowledged is there.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(filepath.Join(dir, "filler2"))
	for _, n := range ackedCases {
		fig.acked++
		status, out := ts.call("GET", "/api/v1/cases/"+n, "leader", nil)
		if status != 200 || len(out["parties"].([]any)) != 2 {
			fig.lost++
			t.Errorf("acknowledged case %s: %d %v", n, status, out)
		}
	}
	for _, m := range ackedMessages {
		for i, id := range m.ids {
			fig.acked++
			resp := ts.raw("GET", "/api/v1/cases/"+m.number+"/attachments/"+id, "leader", nil)
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || len(data) != m.sizes[i] || !bytes.HasPrefix(data, []byte("\x89PNG")) {
				fig.lost++
				t.Errorf("acknowledged attachment %s/%s: %d, %d bytes", m.number, id, resp.StatusCode, len(data))
			}
		}
	}
	// No file without its row: refused uploads were cleaned up.
	rows, err := attachmentSums(filepath.Join(dir, cases.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, r := range rows {
		known[r] = true
	}
	orphans := 0
	for _, p := range ts.storedFiles() {
		if !known[filepath.Base(filepath.Dir(p))+filepath.Base(p)] {
			orphans++
			t.Errorf("file without a row: %s", p)
		}
	}
	// Writes work again, and the index catches up.
	if status, out := ts.call("POST", "/api/v1/cases", "intake", sampleIntake()); status != 201 {
		t.Errorf("intake after space returns: %d %v", status, out)
	}
	if !signedIn {
		if status, out := ts.call("POST", "/api/v1/auth/token", "", map[string]string{"username": "leader", "password": "password-leader"}); status != 200 {
			t.Errorf("sign-in after space returns: %d %v", status, out)
		}
	}
	indexed := waitUntil(15*time.Second, func() bool {
		lag, err := ts.index.Lag(context.Background(), ts.svc)
		return err == nil && lag == 0
	})
	if !indexed {
		t.Errorf("the index did not catch up after space returned")
	}
	t.Logf("full disk: %d requests, %d answered 5xx (all 507 storage_full unless reported above); %d acknowledged writes (%d cases, %d files), %d lost, %d orphan files; fillers took %d+%d KiB; sign-in after a restart on the full disk: %v",
		fig.requests, fig.fiveXX, fig.acked, len(ackedCases), fig.acked-len(ackedCases), fig.lost, orphans, reserved>>10, topped>>10, signedIn)
}

// restart closes the app's store and index and opens them again over the
// same folder, as a restarted serve would, with a follower.
func (ts *testServer) restart(opts views.Options) {
	ts.t.Helper()
	ctx := context.Background()
	ts.index.Close()
	ts.store.Close()
	store, err := cases.Open(ctx, ts.dir)
	if err != nil {
		ts.t.Fatalf("reopening the database on a full disk: %v", err)
	}
	ts.t.Cleanup(func() { store.Close() })
	index, err := search.Open(filepath.Join(ts.dir, "index"))
	if err != nil {
		ts.t.Fatalf("reopening the index on a full disk: %v", err)
	}
	ts.t.Cleanup(func() { index.Close() })
	ts.store, ts.svc, ts.index = store, cases.NewService(store), index
	opts.Index = index
	ts.app = views.New(ts.svc, opts)
	ts.follow()
}

// attachmentSums reads the stored files' names from the database, over a
// connection of its own.
func attachmentSums(path string) ([]string, error) {
	db, err := sqlx.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var rows []string
	err = db.Select(&rows, `SELECT DISTINCT sha256 FROM attachments`)
	return rows, err
}

func waitUntil(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}
