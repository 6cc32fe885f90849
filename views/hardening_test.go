package views_test

// A full disk and an anonymous flood cannot take the centre down
// (issue 15): quotas on what the public sends, the free-space guard, the
// health endpoint, and (hardening_disk_test.go) a real full disk.

import (
	"context"
	"crypto/rand"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"yidi/cases"
	"yidi/internal/testdb"
	"yidi/views"
)

// pngOf is a distinct PNG-looking file of n bytes (distinct, so equal
// content does not share one stored file).
func pngOf(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	copy(b, "\x89PNG\r\n\x1a\n")
	return b
}

// message posts one citizen message to case n, with files of the given
// sizes, and answers the status, the JSON and the Retry-After header.
func (ts *testServer) message(n, code string, sizes ...int) (int, map[string]any, string) {
	ts.t.Helper()
	var files []upload
	for i, size := range sizes {
		files = append(files, upload{name: "材料" + strconv.Itoa(i) + ".png", data: pngOf(size)})
	}
	status, out := ts.multipartCall("/api/v1/public/messages", map[string]string{"number": n, "code": code, "body": "补充材料"}, files)
	retry, _ := out["_retry_after"].(string)
	return status, out, retry
}

func retryAfterSeconds(t *testing.T, status int, out map[string]any, header string) int {
	t.Helper()
	secs, err := strconv.Atoi(header)
	if err != nil || secs < 1 || secs > 3600 {
		t.Errorf("%d %v: Retry-After %q, want 1..3600 seconds", status, out, header)
	}
	return secs
}

func TestPublicMessagesArePerCaseLimitedAndTheCountSurvivesARestart(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	for i := 0; i < cases.DefaultMessagesPerHour; i++ {
		if status, out := ts.call("POST", "/api/v1/public/messages", "", map[string]string{"number": n, "code": code, "body": "第" + strconv.Itoa(i+1) + "条"}); status != 201 {
			t.Fatalf("message %d: %d %v", i+1, status, out)
		}
	}
	resp := ts.raw("POST", "/api/v1/public/messages", "", map[string]string{"number": n, "code": code, "body": "第11条"})
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || !strings.Contains(string(raw), `"too_many_messages"`) || !strings.Contains(string(raw), "分钟后再试") {
		t.Fatalf("11th message in an hour: %d %s", resp.StatusCode, raw)
	}
	retryAfterSeconds(t, resp.StatusCode, nil, resp.Header.Get("Retry-After"))

	// A restart forgets the per-address counts, not the per-case ones:
	// they are counted from what the database accepted.
	ts.app = views.New(ts.svc, views.Options{Index: ts.index})
	if status, out := ts.call("POST", "/api/v1/public/messages", "", map[string]string{"number": n, "code": code, "body": "重启后"}); status != 429 || errorCode(out) != "too_many_messages" {
		t.Fatalf("after a restart: %d %v", status, out)
	}
	// The hour passes: accepted again.
	ts.svc.SetClock(func() time.Time { return time.Now().Add(61 * time.Minute) })
	if status, out := ts.call("POST", "/api/v1/public/messages", "", map[string]string{"number": n, "code": code, "body": "一小时后"}); status != 201 {
		t.Fatalf("an hour later: %d %v", status, out)
	}
}

func TestUploadQuotasPerCaseHourlyAndInAll(t *testing.T) {
	// With the access log on, as serve runs: it answers errors itself, and
	// the lasting 429 must still name no wait.
	ts := newTestServer(t, views.Options{CaseQuota: cases.Quota{MessagesPerHour: 100, BytesPerHour: 1 << 20, TotalBytes: 2 << 20},
		AccessLog: io.Discard})
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	now := time.Now()
	ts.svc.SetClock(func() time.Time { return now })
	if status, out, _ := ts.message(n, code, 300<<10, 300<<10); status != 201 {
		t.Fatalf("600 KiB: %d %v", status, out)
	}
	before := len(ts.storedFiles())
	status, out, retry := ts.message(n, code, 500<<10)
	if status != 429 || errorCode(out) != "too_much_uploaded" || !strings.Contains(out["_raw"].(string), "1MB") {
		t.Fatalf("past 1 MiB in an hour: %d %v", status, out)
	}
	if secs := retryAfterSeconds(t, status, out, retry); secs < 3500 {
		t.Errorf("Retry-After %d s; the first upload was just now, so about an hour", secs)
	}
	if after := len(ts.storedFiles()); after != before {
		t.Errorf("a refused upload left files: %d before, %d after", before, after)
	}
	// Text alone is not an upload.
	if status, out, _ := ts.message(n, code); status != 201 {
		t.Fatalf("text only past the byte quota: %d %v", status, out)
	}
	// Hour by hour up to the total of 2 MiB; past it, waiting does not help.
	for i, want := range []int{201, 201, 429} {
		now = now.Add(61 * time.Minute)
		status, out, retry := ts.message(n, code, 600<<10)
		if status != want {
			t.Fatalf("hour %d: %d %v, want %d", i+2, status, out, want)
		}
		if want == 429 && (errorCode(out) != "case_upload_quota_full" || retry != "" || !strings.Contains(out["_raw"].(string), "受理窗口")) {
			t.Fatalf("past the total: %d %v, Retry-After %q", status, out, retry)
		}
	}
}

func TestPublicMessagesArePerAddressLimited(t *testing.T) {
	ts := newTestServer(t, views.Options{AddressMessages: 3, AddressBytes: 1 << 20})
	a, b := ts.intake(nil), ts.intake(nil)
	send := func(c map[string]any, sizes ...int) (int, map[string]any, string) {
		return ts.message(c["number"].(string), c["query_code"].(string), sizes...)
	}
	if status, out, _ := send(a, 700<<10); status != 201 {
		t.Fatalf("first: %d %v", status, out)
	}
	// Another case, the same address: the address's bytes are counted.
	status, out, retry := send(b, 400<<10)
	if status != 429 || errorCode(out) != "too_many_messages" {
		t.Fatalf("past the address's bytes: %d %v", status, out)
	}
	retryAfterSeconds(t, status, out, retry)
	for i := 0; i < 2; i++ {
		if status, out, _ := send(b); status != 201 {
			t.Fatalf("text %d: %d %v", i, status, out)
		}
	}
	status, out, retry = send(a)
	if status != 429 || errorCode(out) != "too_many_messages" {
		t.Fatalf("4th message from one address: %d %v", status, out)
	}
	retryAfterSeconds(t, status, out, retry)
}

func TestAcceptedApplicationsCountAndTheRefusalSaysWhenToRetry(t *testing.T) {
	ts := newTestServer(t, views.Options{Applications: 2, ApplicationWindow: time.Hour})
	for i := 0; i < 2; i++ {
		if status, out := ts.call("POST", "/api/v1/public/applications", "", application()); status != 201 {
			t.Fatalf("application %d: %d %v", i+1, status, out)
		}
	}
	resp := ts.raw("POST", "/api/v1/public/applications", "", application())
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || !strings.Contains(string(raw), "too_many_applications") {
		t.Fatalf("third accepted application: %d %s", resp.StatusCode, raw)
	}
	retryAfterSeconds(t, resp.StatusCode, nil, resp.Header.Get("Retry-After"))
}

func TestFreeSpaceGuardRefusesPublicWritesButNotStaffWork(t *testing.T) {
	ts := newTestServer(t)
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)

	_, health := ts.call("GET", "/healthz", "", nil)
	if health["status"] != "ok" || health["min_free_bytes"] != float64(cases.DefaultMinFreeBytes) || health["last_backup"] != nil {
		t.Fatalf("healthz with room: %v", health)
	}
	if free, _ := health["free_bytes"].(float64); free <= 0 {
		t.Fatalf("healthz free_bytes: %v", health)
	}

	ts.svc.SetMinFreeBytes(1 << 62) // more than any disk has
	status, out, _ := ts.message(n, code, 1000)
	if status != 507 || errorCode(out) != "storage_full" || !strings.Contains(out["_raw"].(string), "存储空间不足，请联系管理员") {
		t.Fatalf("upload below the threshold: %d %v", status, out)
	}
	if files := ts.storedFiles(); len(files) != 0 {
		t.Errorf("a refused upload stored %v", files)
	}
	if status, out, _ := ts.message(n, code); status != 201 {
		t.Errorf("a text message is not refused by the guard: %d %v", status, out)
	}
	if status, out := ts.call("POST", "/api/v1/public/applications", "", application()); status != 507 || errorCode(out) != "storage_full" {
		t.Errorf("online application below the threshold: %d %v", status, out)
	}
	// The form page says it in Chinese.
	token, cookies := ts.formToken("/apply")
	if token == "" {
		t.Fatal("the form has no CSRF token")
	}
	form := applyForm()
	form.Set("_csrf", token)
	if status, html := ts.postForm("/apply", form, cookies); status != 507 || !strings.Contains(html, "存储空间不足，请联系管理员") || !strings.Contains(html, "楼上漏水") {
		t.Errorf("apply page below the threshold: %d\n%s", status, html)
	}
	// Staff work goes on: an intake is a few KB.
	ts.intake(nil)
	_, health = ts.call("GET", "/healthz", "", nil)
	if health["status"] != "degraded" || len(health["problems"].([]any)) == 0 {
		t.Errorf("healthz below the threshold: %v", health)
	}

	if testdb.Engine() == testdb.Postgres {
		return // the rest backs up the SQLite file; PostgreSQL's is pg_dump's
	}
	// A backup is visible on the health endpoint.
	if err := ts.store.Backup(t.Context(), filepath.Join(t.TempDir(), "b.db")); err != nil {
		t.Fatal(err)
	}
	ts.svc.SetMinFreeBytes(0)
	_, health = ts.call("GET", "/healthz", "", nil)
	if health["status"] != "ok" || health["last_backup"] == nil {
		t.Errorf("healthz after a backup, default threshold: %v", health)
	}
}

// applyForm is the online application form as a citizen fills it in.
func applyForm() url.Values {
	return url.Values{"applicant_name": {"王五"}, "phone": {"13711112222"}, "respondent_name": {"赵六"},
		"category": {"neighbour"}, "summary": {"楼上漏水，多次协商未果。"}, "consent": {cases.PrivacyNotice}}
}

// panickyFeed is the case service as the index follower sees it, made to
// panic while broken is set: the injected fault of the follower test.
type panickyFeed struct {
	*cases.Service
	broken atomic.Bool
	panics atomic.Int32
}

func (f *panickyFeed) ChangedSince(ctx context.Context, seq int64, limit int) ([]cases.SearchDoc, int64, error) {
	if f.broken.Load() {
		f.panics.Add(1)
		panic("injected: the follower's feed panicked")
	}
	return f.Service.ChangedSince(ctx, seq, limit)
}

func TestAPanicInTheIndexFollowerLeavesTheServerAnswering(t *testing.T) {
	ts := newTestServer(t)
	first := ts.intake(nil)["number"].(string)
	ts.catchUp()
	feed := &panickyFeed{Service: ts.svc}
	feed.broken.Store(true)
	ctx, stop := context.WithCancel(context.Background())
	f := ts.index.Follow(ctx, feed)
	defer func() { stop(); <-f.Done() }()
	ts.svc.OnCommit(f.Wake)

	second := ts.intake(nil)["number"].(string)
	if !waitUntil(10*time.Second, func() bool { return feed.panics.Load() >= 1 && ts.index.Failing() }) {
		t.Fatal("the follower did not fail")
	}
	// The server answers: health, search from what the index holds, writes.
	_, health := ts.call("GET", "/healthz", "", nil)
	if health["status"] != "degraded" || health["index_failing"] != true || health["index_lag"].(float64) < 1 {
		t.Errorf("healthz with a failing follower: %v", health)
	}
	status, out := ts.call("GET", "/api/v1/search?q="+url.QueryEscape("工资"), "leader", nil)
	if status != 200 || out["total"] != float64(1) || out["index_behind"] != true {
		t.Errorf("search with a failing follower: %d %v", status, out)
	}
	staff := ts.signedIn(t, "leader")
	if status, page, _ := staff.do("GET", "/search?q="+url.QueryEscape("工资"), nil); status != 200 || !strings.Contains(page, "搜索索引暂未更新") || !strings.Contains(page, first) {
		t.Errorf("search page with a failing follower: %d\n%s", status, page)
	}
	ts.intake(nil)

	feed.broken.Store(false)
	if !waitUntil(15*time.Second, func() bool { return !ts.index.Failing() && ts.index.LastSeq() > 0 }) {
		t.Fatal("the follower did not recover")
	}
	if !waitUntil(5*time.Second, func() bool {
		_, out := ts.call("GET", "/api/v1/search?q="+url.QueryEscape(second), "leader", nil)
		return out["total"] == float64(1) && out["index_behind"] == false
	}) {
		t.Errorf("the case committed while the follower failed was not indexed after it recovered")
	}
	t.Logf("the follower panicked %d times; the server kept answering and the index caught up", feed.panics.Load())
}
