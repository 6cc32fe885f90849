package views_test

// Webhooks (issue 17) against a receiver the test runs on loopback.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type received struct {
	event, delivery, signature string
	body                       []byte
}

// receiver records every POST and answers fail's next status (200 when
// it is empty).
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	got  []received
	fail []int
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.got = append(r.got, received{req.Header.Get("X-Yidi-Event"), req.Header.Get("X-Yidi-Delivery"),
			req.Header.Get("X-Yidi-Signature"), body})
		status := 200
		if len(r.fail) > 0 {
			status, r.fail = r.fail[0], r.fail[1:]
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) received() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// verify checks a signature as a receiver would, from docs/api.md alone.
func verify(secret string, r received) bool {
	var ts, v1 string
	for _, part := range strings.Split(r.signature, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			v1 = v
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(t, 0)).Abs() > 24*time.Hour*365 {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(r.body)))
	want := hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(want), []byte(v1))
}

const hookSecret = "a-secret-of-enough-length"

func (ts *testServer) subscribe(t *testing.T, url string, kinds ...string) int64 {
	t.Helper()
	status, ans := ts.call("POST", "/api/v1/webhooks", "admin", map[string]any{"url": url, "events": kinds, "secret": hookSecret})
	if status != 201 {
		t.Fatalf("subscribe: %d %v", status, ans)
	}
	return int64(ans["id"].(float64))
}

func (ts *testServer) deliver(t *testing.T, at time.Time) (sent, failed int) {
	t.Helper()
	sent, failed, err := ts.svc.DeliverWebhooks(context.Background(), http.DefaultClient, at)
	if err != nil {
		t.Fatal(err)
	}
	return sent, failed
}

func (ts *testServer) deliveries(t *testing.T, id int64) []map[string]any {
	t.Helper()
	status, ans := ts.call("GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries", id), "admin", nil)
	if status != 200 {
		t.Fatalf("deliveries: %d %v", status, ans)
	}
	var out []map[string]any
	for _, d := range ans["deliveries"].([]any) {
		out = append(out, d.(map[string]any))
	}
	return out
}

func TestWebhookIsSignedAndCarriesTheSubscribedEvents(t *testing.T) {
	ts := newTestServer(t)
	rcv := newReceiver(t)
	id := ts.subscribe(t, rcv.URL, "note")
	number := ts.intake(sampleIntake())["number"].(string)
	if status, ans := ts.call("POST", "/api/v1/cases/"+number+"/notes", "intake", map[string]any{"body": "已电话联系"}); status != 200 {
		t.Fatalf("note: %d %v", status, ans)
	}
	if sent, failed := ts.deliver(t, time.Now()); sent != 1 || failed != 0 {
		t.Fatalf("delivered %d, failed %d; want the note alone", sent, failed)
	}
	got := rcv.received()
	if len(got) != 1 {
		t.Fatalf("the receiver got %d posts", len(got))
	}
	r := got[0]
	var e map[string]any
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("the body is not JSON: %s", r.body)
	}
	feed, _ := readFeed(t, ts, "leader", 0, 10)
	if r.event != "note" || e["kind"] != "note" || e["case"] != number || e["body"] != "已电话联系" ||
		r.delivery != fmt.Sprint(feed[1]["seq"]) || fmt.Sprint(e["seq"]) != fmt.Sprint(feed[1]["seq"]) {
		t.Fatalf("the delivery %+v / %v is not the feed's %v", r, e, feed[1])
	}
	if !verify(hookSecret, r) {
		t.Fatalf("the signature %q does not verify", r.signature)
	}
	r.body = append([]byte(nil), r.body...)
	r.body[len(r.body)-2] ^= 1
	if verify(hookSecret, r) || verify("another-secret-entirely", got[0]) {
		t.Fatal("a changed body or another secret verifies")
	}
	if d := ts.deliveries(t, id); len(d) != 1 || d[0]["delivered_at"] == nil || d[0]["last_status"].(float64) != 200 {
		t.Fatalf("the delivery log: %v", d)
	}
	if sent, _ := ts.deliver(t, time.Now().Add(time.Hour)); sent != 0 {
		t.Fatal("a delivered event was sent again")
	}
	// Admins only, and bad subscriptions are refused by field.
	for _, tc := range []struct {
		user  string
		body  map[string]any
		field string
	}{
		{"leader", map[string]any{"url": rcv.URL, "events": []string{"note"}, "secret": hookSecret}, ""},
		{"admin", map[string]any{"url": "ftp://x", "events": []string{"note"}, "secret": hookSecret}, "url"},
		{"admin", map[string]any{"url": rcv.URL, "events": []string{"note"}, "secret": "short"}, "secret"},
		{"admin", map[string]any{"url": rcv.URL, "events": []string{"nope"}, "secret": hookSecret}, "events"},
		{"admin", map[string]any{"url": rcv.URL, "events": []string{}, "secret": hookSecret}, "events"},
	} {
		status, ans := ts.call("POST", "/api/v1/webhooks", tc.user, tc.body)
		e, _ := ans["error"].(map[string]any)
		if (tc.field == "" && status != 403) || (tc.field != "" && (status != 400 || e["field"] != tc.field)) {
			t.Errorf("%s %v: %d %v", tc.user, tc.body, status, ans)
		}
	}
}

// A receiver that fails is tried again after a pause; it gets the same
// event, with the same X-Yidi-Delivery, more than once (at least once).
func TestWebhookRetriesWithBackoffUntilDelivered(t *testing.T) {
	ts := newTestServer(t)
	rcv := newReceiver(t)
	rcv.fail = []int{500, 503}
	id := ts.subscribe(t, rcv.URL, "*")
	ts.intake(sampleIntake())
	t0 := time.Now()
	if sent, failed := ts.deliver(t, t0); sent != 0 || failed != 1 {
		t.Fatalf("first round: sent %d, failed %d", sent, failed)
	}
	if sent, failed := ts.deliver(t, t0.Add(10*time.Second)); sent+failed != 0 {
		t.Fatal("a failed delivery was retried before its pause")
	}
	ts.deliver(t, t0.Add(31*time.Second))
	if sent, _ := ts.deliver(t, t0.Add(5*time.Minute)); sent != 1 {
		t.Fatal("the third attempt did not deliver")
	}
	got := rcv.received()
	if len(got) != 3 || got[0].delivery != got[2].delivery || string(got[0].body) != string(got[2].body) || got[0].event != "intake" {
		t.Fatalf("the receiver got %+v", got)
	}
	d := ts.deliveries(t, id)
	if len(d) != 1 || d[0]["attempts"].(float64) != 3 || d[0]["delivered_at"] == nil {
		t.Fatalf("the log: %v", d)
	}
}

// A subscription that keeps failing is paused, the admins are told, and
// once resumed it gets what it missed.
func TestWebhookThatKeepsFailingIsPausedAndTheAdminToldAndResumes(t *testing.T) {
	ts := newTestServer(t)
	rcv := newReceiver(t)
	for range 20 {
		rcv.fail = append(rcv.fail, 500)
	}
	id := ts.subscribe(t, rcv.URL, "intake")
	ts.intake(sampleIntake())
	at := time.Now()
	for range 12 {
		ts.deliver(t, at)
		at = at.Add(2 * time.Hour)
	}
	if n := len(rcv.received()); n != 10 {
		t.Fatalf("the receiver was tried %d times, want 10 before the pause", n)
	}
	_, list := ts.call("GET", "/api/v1/webhooks", "admin", nil)
	hook := list["webhooks"].([]any)[0].(map[string]any)
	if hook["paused_at"] == nil {
		t.Fatalf("not paused: %v", hook)
	}
	_, notes := ts.call("GET", "/api/v1/notifications", "admin", nil)
	if ns := notes["notifications"].([]any); len(ns) != 1 || ns[0].(map[string]any)["kind"] != "webhook_paused" ||
		!strings.Contains(ns[0].(map[string]any)["text"].(string), rcv.URL) {
		t.Fatalf("the admins were not told: %v", notes)
	}
	ts.intake(sampleIntake()) // queued while paused
	rcv.fail = nil
	if sent, _ := ts.deliver(t, at); sent != 0 {
		t.Fatal("a paused subscription was sent to")
	}
	if status, _ := ts.call("POST", fmt.Sprintf("/api/v1/webhooks/%d/resume", id), "admin", nil); status != 204 {
		t.Fatalf("resume: %d", status)
	}
	// A resume starts the count again: one more failure does not pause it.
	rcv.fail = []int{500}
	if _, failed := ts.deliver(t, at); failed != 1 {
		t.Fatalf("after resuming: %d failed, want the first try to fail", failed)
	}
	if _, list := ts.call("GET", "/api/v1/webhooks", "admin", nil); list["webhooks"].([]any)[0].(map[string]any)["paused_at"] != nil {
		t.Fatal("one failure after resuming paused it again")
	}
	if sent, _ := ts.deliver(t, at.Add(time.Hour)); sent != 2 {
		t.Fatalf("after resuming %d were sent, want both events", sent)
	}
	if status, _ := ts.call("DELETE", fmt.Sprintf("/api/v1/webhooks/%d", id), "admin", nil); status != 204 {
		t.Fatalf("delete: %d", status)
	}
	ts.intake(sampleIntake())
	if _, list := ts.call("GET", "/api/v1/webhooks", "admin", nil); len(list["webhooks"].([]any)) != 0 {
		t.Fatalf("a deleted subscription is listed: %v", list)
	}
	if sent, _ := ts.deliver(t, at.Add(time.Hour)); sent != 0 {
		t.Fatal("a deleted subscription was sent to")
	}
	if status, ans := ts.call("DELETE", fmt.Sprintf("/api/v1/webhooks/%d", id), "admin", nil); status != 404 {
		t.Fatalf("deleting twice: %d %v", status, ans)
	}
}
