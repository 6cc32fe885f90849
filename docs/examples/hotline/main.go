// Command hotline is a worked integration with yidi, written as a 12345
// hotline's bridge would be: it registers a dispute under the hotline's
// ticket id, follows the event feed (and, if an administrator has
// registered it, a signed webhook) until the case is closed, and reads
// the outcome back. It speaks only HTTP and the contract of docs/api.md.
//
//	go run ./docs/examples/hotline --base https://tiaojie.example.gov.cn \
//	    --token "$YIDI_TOKEN" --ticket 2026-000123 \
//	    [--webhook-listen :9000 --webhook-secret "$SECRET"]
//
// The token is a machine client's (`yidi client add --name 12345热线
// --scopes intake,read:own,events`) or, without one, a staff account's
// from POST /api/v1/auth/token. A webhook is registered by an
// administrator: POST /api/v1/webhooks {"url":"https://bridge/yidi",
// "events":["close"],"secret":"…"}.
package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// System is how the hotline names itself in external_refs.
const System = "12345"

// Client calls one yidi server with one bearer token.
type Client struct {
	Base  string // https://host, no trailing slash
	Token string
	HTTP  *http.Client
}

// APIError is yidi's error shape.
type APIError struct {
	Status  int
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
	Case    string `json:"case"`
}

func (e *APIError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// do sends one JSON request and decodes a 2xx answer into out.
func (c *Client) do(ctx context.Context, method, path string, body any, header http.Header, out any) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error APIError `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		e.Error.Status = resp.StatusCode
		return &e.Error
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// CreateCase registers the dispute under the hotline's ticket and answers
// its case number. A retry (the same ticket and body: the Idempotency-Key
// is the ticket) gets the first answer; a ticket already registered with
// other content answers the case it made, found by its external reference.
func (c *Client) CreateCase(ctx context.Context, ticket string, intake map[string]any) (string, error) {
	body := map[string]any{}
	for k, v := range intake {
		body[k] = v
	}
	body["source"] = "hotline"
	body["external_refs"] = []map[string]string{{"system": System, "id": ticket}}
	var created struct {
		Number string `json:"number"`
	}
	err := c.do(ctx, "POST", "/api/v1/cases", body, http.Header{"Idempotency-Key": {System + "-" + ticket}}, &created)
	var e *APIError
	switch {
	case err == nil:
		return created.Number, nil
	case errors.As(err, &e) && e.Code == "external_ref_taken":
		return e.Case, nil
	case errors.As(err, &e) && e.Code == "idempotency_key_reused":
		return c.FindByTicket(ctx, ticket)
	}
	return "", err
}

// FindByTicket answers the case the ticket names ("" for none).
func (c *Client) FindByTicket(ctx context.Context, ticket string) (string, error) {
	var list struct {
		Cases []struct {
			Number string `json:"number"`
		} `json:"cases"`
	}
	q := url.Values{"external_ref": {System + ":" + ticket}}
	if err := c.do(ctx, "GET", "/api/v1/cases?"+q.Encode(), nil, nil, &list); err != nil {
		return "", err
	}
	if len(list.Cases) == 0 {
		return "", nil
	}
	return list.Cases[0].Number, nil
}

// Event is one entry of GET /api/v1/events.
type Event struct {
	Seq       int64  `json:"seq"`
	Case      string `json:"case"`
	Kind      string `json:"kind"`
	At        string `json:"at"`
	Desk      string `json:"desk"`
	ActorRole string `json:"actor_role"`
}

// Follow reads the feed after the cursor after until the case number is
// closed, calling seen for each of its events (kinds it does not know
// included: the list grows). It answers the cursor to resume from, which
// a real bridge stores after each page.
func (c *Client) Follow(ctx context.Context, number string, after int64, poll time.Duration, seen func(Event)) (int64, error) {
	for {
		var page struct {
			Events []Event `json:"events"`
			Next   int64   `json:"next"`
		}
		q := url.Values{"after": {strconv.FormatInt(after, 10)}, "limit": {"500"}}
		if err := c.do(ctx, "GET", "/api/v1/events?"+q.Encode(), nil, nil, &page); err != nil {
			return after, err
		}
		closed := false
		for _, e := range page.Events {
			if e.Case != number {
				continue
			}
			seen(e)
			closed = closed || e.Kind == "close"
		}
		if page.Next > after {
			after = page.Next
		}
		if closed {
			return after, nil
		}
		if len(page.Events) == 0 {
			select {
			case <-ctx.Done():
				return after, ctx.Err()
			case <-time.After(poll):
			}
		}
	}
}

// Outcome is what the hotline reports back to the caller.
type Outcome struct {
	Number      string `json:"number"`
	Status      string `json:"status"`
	ClosureType string `json:"closure_type"`
	Outcome     string `json:"outcome"`
	ClosedAt    string `json:"closed_at"`
}

// Outcome reads how the case ended.
func (c *Client) Outcome(ctx context.Context, number string) (Outcome, error) {
	var o Outcome
	err := c.do(ctx, "GET", "/api/v1/cases/"+url.PathEscape(number), nil, nil, &o)
	return o, err
}

// VerifySignature checks X-Yidi-Signature ("t=<unix seconds>,v1=<hex
// HMAC-SHA256 of "<t>.<body>">") and refuses a timestamp further than
// tolerance from now (a replayed delivery).
func VerifySignature(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var t, v1 string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			t = v
		case "v1":
			v1 = v
		}
	}
	sec, err := strconv.ParseInt(t, 10, 64)
	if err != nil || v1 == "" {
		return errors.New("malformed signature header")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("signature timestamp out of tolerance")
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(t + "." + string(body)))
	want, _ := hex.DecodeString(v1)
	if !hmac.Equal(mac.Sum(nil), want) {
		return errors.New("signature mismatch")
	}
	return nil
}

// Webhook receives yidi's deliveries: each verified, each handled once by
// its X-Yidi-Delivery (the event's seq; deliveries come at least once),
// and closed is told when the case number is closed.
func Webhook(secret []byte, number string, closed chan<- struct{}) http.Handler {
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil || VerifySignature(secret, r.Header.Get("X-Yidi-Signature"), body, time.Now(), 5*time.Minute) != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		delivery := r.Header.Get("X-Yidi-Delivery")
		if seen[delivery] {
			w.WriteHeader(http.StatusNoContent) // a retry of one already handled
			return
		}
		seen[delivery] = true
		var e Event
		_ = json.Unmarshal(body, &e)
		if r.Header.Get("X-Yidi-Event") == "close" && e.Case == number {
			select {
			case closed <- struct{}{}:
			default:
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "yidi's address")
	token := flag.String("token", os.Getenv("YIDI_TOKEN"), "bearer token (or YIDI_TOKEN)")
	ticket := flag.String("ticket", "", "the hotline's ticket id")
	listen := flag.String("webhook-listen", "", "address to receive webhook deliveries on (optional)")
	secret := flag.String("webhook-secret", os.Getenv("YIDI_WEBHOOK_SECRET"), "the webhook's secret")
	flag.Parse()
	if *ticket == "" || *token == "" {
		log.Fatal("--ticket and --token are required")
	}
	ctx := context.Background()
	c := &Client{Base: strings.TrimSuffix(*base, "/"), Token: *token, HTTP: &http.Client{Timeout: 30 * time.Second}}
	number, err := c.CreateCase(ctx, *ticket, map[string]any{
		"title": "来电反映：拖欠工资", "category": "labor", "summary": "来电人反映在工地务工，工资至今未结清。",
		"parties": []map[string]string{{"role": "applicant", "name": "来电人", "phone": "13800000000"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("ticket %s is case %s", *ticket, number)
	if *listen != "" {
		closed := make(chan struct{}, 1)
		go func() { log.Fatal(http.ListenAndServe(*listen, Webhook([]byte(*secret), number, closed))) }()
		go func() { <-closed; log.Printf("webhook: %s closed", number) }()
	}
	if _, err := c.Follow(ctx, number, 0, 5*time.Second, func(e Event) { log.Printf("%s: %s", number, e.Kind) }); err != nil {
		log.Fatal(err)
	}
	o, err := c.Outcome(ctx, number)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%s closed (%s): %s", number, o.ClosureType, o.Outcome)
}
