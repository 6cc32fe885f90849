package main

// The worked integration run against a real yidi server on loopback: the
// hotline registers, retries and resends its ticket, staff close the case,
// the hotline follows the feed to the close and reads the outcome.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yidi/cases"
	"yidi/views"
)

// startYidi serves a fresh data folder on loopback with a hotline account
// and a mediator, and answers its address.
func startYidi(t *testing.T) string {
	t.Helper()
	cases.PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	store, err := cases.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := cases.NewService(store)
	for _, u := range []cases.UserInput{
		{Username: "hotline", Password: "password-hotline", Role: cases.RoleIntake, Name: "12345热线"},
		{Username: "mediation", Password: "password-mediation", Role: cases.RoleHandler, Desk: "mediation", Name: "李调解"},
	} {
		if _, err := svc.CreateUser(ctx, cases.SystemActor, u); err != nil {
			t.Fatal(err)
		}
	}
	app := views.New(svc, views.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return "http://" + ln.Addr().String()
}

func signIn(t *testing.T, base, user string) *Client {
	t.Helper()
	c := &Client{Base: base, HTTP: &http.Client{Timeout: 10 * time.Second}}
	var tok struct {
		Token string `json:"token"`
	}
	if err := c.do(context.Background(), "POST", "/api/v1/auth/token", map[string]string{"username": user, "password": "password-" + user}, nil, &tok); err != nil {
		t.Fatal(err)
	}
	c.Token = tok.Token
	return c
}

func TestTheHotlineFollowsItsTicketToTheOutcome(t *testing.T) {
	base := startYidi(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	hotline, staff := signIn(t, base, "hotline"), signIn(t, base, "mediation")
	intake := map[string]any{"title": "来电反映：拖欠工资", "category": "labor", "summary": "来电人反映工资至今未结清。",
		"parties": []map[string]string{{"role": "applicant", "name": "王五", "phone": "13800000001"}}}
	number, err := hotline.CreateCase(ctx, "2026-000123", intake)
	if err != nil || number == "" {
		t.Fatalf("create: %q %v", number, err)
	}
	// A retry after a lost answer, and a resend with edited content, both
	// answer the same case.
	if again, err := hotline.CreateCase(ctx, "2026-000123", intake); err != nil || again != number {
		t.Errorf("retried: %q %v, want %s", again, err, number)
	}
	intake["summary"] = "来电人再次来电：工资至今未结清，要求尽快处理。"
	if again, err := hotline.CreateCase(ctx, "2026-000123", intake); err != nil || again != number {
		t.Errorf("resent with other content: %q %v, want %s", again, err, number)
	}

	// Staff at the centre work the case to its close.
	for _, step := range []struct {
		c      *Client
		action string
		body   map[string]any
	}{
		{hotline, "route", map[string]any{"desk": "mediation"}},
		{staff, "accept", nil},
		{staff, "close", map[string]any{"closure_type": "withdrawn", "outcome": "经电话调解，双方自行和解，申请人撤回"}},
	} {
		if err := step.c.do(ctx, "POST", "/api/v1/cases/"+number+"/"+step.action, step.body, nil, nil); err != nil {
			t.Fatalf("%s: %v", step.action, err)
		}
	}

	// The hotline follows the feed to the close.
	var kinds []string
	_, err = hotline.Follow(ctx, number, 0, 50*time.Millisecond, func(e Event) { kinds = append(kinds, e.Kind) })
	var e *APIError
	if errors.As(err, &e) && e.Code == "route_not_found" {
		t.Skip("GET /api/v1/events (issue 17, the event feed) is not in this build yet")
	}
	if err != nil || len(kinds) == 0 || kinds[len(kinds)-1] != "close" {
		t.Fatalf("feed: %v %v", kinds, err)
	}
	o, err := hotline.Outcome(ctx, number)
	if err != nil || o.Status != "closed" || o.ClosureType != "withdrawn" || o.Outcome == "" {
		t.Errorf("outcome: %+v %v", o, err)
	}
}

func TestWebhookSignaturesAreCheckedAndDeliveriesHandledOnce(t *testing.T) {
	secret := []byte("s3cret-of-the-hotline")
	closed := make(chan struct{}, 2)
	h := Webhook(secret, "YD-2026-00001", closed)
	body := []byte(`{"seq":7,"case":"YD-2026-00001","kind":"close"}`)
	sign := func(t time.Time, key []byte) string {
		ts := strconv.FormatInt(t.Unix(), 10)
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(ts + "." + string(body)))
		return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
	}
	deliver := func(sig string) int {
		req := httptest.NewRequest("POST", "/yidi", bytes.NewReader(body))
		req.Header.Set("X-Yidi-Event", "close")
		req.Header.Set("X-Yidi-Delivery", "7")
		req.Header.Set("X-Yidi-Signature", sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	if got := deliver(sign(time.Now(), []byte("another secret"))); got != 401 {
		t.Errorf("wrong secret: %d, want 401", got)
	}
	if got := deliver(sign(time.Now().Add(-time.Hour), secret)); got != 401 {
		t.Errorf("an hour-old signature: %d, want 401", got)
	}
	for range 2 { // delivered at least once: the retry is answered, not acted on
		if got := deliver(sign(time.Now(), secret)); got != 204 {
			t.Errorf("signed delivery: %d, want 204", got)
		}
	}
	if len(closed) != 1 {
		t.Errorf("the close was handled %d times, want once", len(closed))
	}
}
