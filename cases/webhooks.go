package cases

// Webhooks (issue 17): an admin subscribes a URL to kinds of events; each
// event of those kinds is queued for it in the transaction that appends
// the event (queueWebhooks, from appendEvent and the sweep), like the text
// messages' outbox, so no change goes untold and none is told that did not
// happen. webhook_delivery.go sends them.

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// AnyEventKind subscribes to every kind, those added later included.
const AnyEventKind = "*"

// Webhook is a subscription as admins list it; the secret is never shown.
type Webhook struct {
	ID        int64      `db:"id" json:"id"`
	URL       string     `db:"url" json:"url"`
	Events    []string   `db:"-" json:"events"`
	CreatedAt time.Time  `db:"created_at" json:"created_at"`
	Failures  int        `db:"failures" json:"failures"`
	PausedAt  *time.Time `db:"paused_at" json:"paused_at"`
}

// WebhookInput registers a subscription.
type WebhookInput struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
	Secret string   `json:"secret"`
}

// Secret length bounds: long enough not to be guessed, short enough to type.
const (
	minWebhookSecret = 16
	maxWebhookSecret = 200
)

func (in *WebhookInput) validate() error {
	in.URL = strings.TrimSpace(in.URL)
	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(in.URL) > 500 {
		return invalid("url", "invalid_url", "请填写以 http:// 或 https:// 开头的完整地址（最长500字符）")
	}
	if n := utf8.RuneCountInString(in.Secret); n < minWebhookSecret || n > maxWebhookSecret {
		return invalid("secret", "invalid_secret", fmt.Sprintf("签名密钥应为%d到%d个字符", minWebhookSecret, maxWebhookSecret))
	}
	if len(in.Events) == 0 {
		return invalid("events", "required", "请至少选择一种事件（* 表示全部）")
	}
	known := map[string]bool{AnyEventKind: true}
	for _, k := range EventKinds {
		known[k.Kind] = true
	}
	var kinds []string
	for _, k := range in.Events {
		if !known[k] {
			return invalid("events", "unknown_event_kind", fmt.Sprintf("没有“%s”这种事件", k))
		}
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	in.Events = kinds
	return nil
}

// CreateWebhook registers a subscription (admins only).
func (s *Service) CreateWebhook(ctx context.Context, a Actor, in WebhookInput) (*Webhook, error) {
	if err := adminOnly(a); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	w := &Webhook{URL: in.URL, Events: in.Events, CreatedAt: s.now().UTC()}
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &w.ID, tx.Rebind(`
			INSERT INTO webhook_subscriptions (url, secret, created_at, created_by) VALUES (?, ?, ?, ?) RETURNING id`),
			w.URL, in.Secret, w.CreatedAt, nullID(a.UserID)); err != nil {
			return fmt.Errorf("store: unable to save the webhook: %w", err)
		}
		for _, k := range w.Events {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO webhook_kinds (subscription_id, kind) VALUES (?, ?)`), w.ID, k); err != nil {
				return fmt.Errorf("store: unable to save the webhook's events: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// Webhooks lists the subscriptions not deleted, oldest first.
func (s *Service) Webhooks(ctx context.Context, a Actor) ([]Webhook, error) {
	if err := adminOnly(a); err != nil {
		return nil, err
	}
	out := []Webhook{}
	r := s.store.r
	if err := r.SelectContext(ctx, &out, `SELECT id, url, created_at, failures, paused_at
		FROM webhook_subscriptions WHERE deleted_at IS NULL ORDER BY id`); err != nil {
		return nil, fmt.Errorf("store: unable to list webhooks: %w", err)
	}
	var kinds []struct {
		ID   int64  `db:"subscription_id"`
		Kind string `db:"kind"`
	}
	if err := r.SelectContext(ctx, &kinds, `SELECT subscription_id, kind FROM webhook_kinds ORDER BY subscription_id, kind`); err != nil {
		return nil, fmt.Errorf("store: unable to list webhooks: %w", err)
	}
	for i := range out {
		w := &out[i]
		w.CreatedAt = w.CreatedAt.UTC()
		InUTC(&w.PausedAt)
		w.Events = []string{}
		for _, k := range kinds {
			if k.ID == w.ID {
				w.Events = append(w.Events, k.Kind)
			}
		}
	}
	return out, nil
}

var errWebhookNotFound = &Error{Kind: KindNotFound, Code: "webhook_not_found", Message: "没有这个 Webhook 订阅"}

// changeWebhook runs fn on subscription id (not deleted) in one transaction.
func (s *Service) changeWebhook(ctx context.Context, a Actor, id int64, fn func(tx *sqlx.Tx, now time.Time) error) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM webhook_subscriptions WHERE id = ? AND deleted_at IS NULL`), id); err != nil {
			return err
		}
		if n == 0 {
			return errWebhookNotFound
		}
		return fn(tx, s.now().UTC())
	})
}

// DeleteWebhook ends a subscription; what it still owed is given up, and
// its delivery log is kept.
func (s *Service) DeleteWebhook(ctx context.Context, a Actor, id int64) error {
	return s.changeWebhook(ctx, a, id, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE webhook_subscriptions SET deleted_at = ? WHERE id = ?`), now, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE webhook_deliveries SET next_attempt_at = NULL
			WHERE subscription_id = ? AND delivered_at IS NULL`), id)
		return err
	})
}

// ResumeWebhook sends a paused subscription's deliveries again, at once.
func (s *Service) ResumeWebhook(ctx context.Context, a Actor, id int64) error {
	return s.changeWebhook(ctx, a, id, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE webhook_subscriptions SET paused_at = NULL, failures = 0 WHERE id = ?`), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE webhook_deliveries SET next_attempt_at = ?
			WHERE subscription_id = ? AND next_attempt_at IS NOT NULL`), now, id)
		return err
	})
}

// WebhookDelivery is one event owed to one subscription, as the log shows it.
type WebhookDelivery struct {
	ID            int64      `db:"id" json:"id"`
	Seq           int64      `db:"event_seq" json:"seq"`
	Kind          string     `db:"kind" json:"kind"`
	Case          string     `db:"number" json:"case"`
	CreatedAt     time.Time  `db:"created_at" json:"created_at"`
	Attempts      int        `db:"attempts" json:"attempts"`
	NextAttemptAt *time.Time `db:"next_attempt_at" json:"next_attempt_at"`
	DeliveredAt   *time.Time `db:"delivered_at" json:"delivered_at"`
	LastStatus    int        `db:"last_status" json:"last_status"`
	LastError     string     `db:"last_error" json:"last_error"`
}

// WebhookDeliveries is a subscription's delivery log, newest first (200 at most).
func (s *Service) WebhookDeliveries(ctx context.Context, a Actor, id int64) ([]WebhookDelivery, error) {
	if err := adminOnly(a); err != nil {
		return nil, err
	}
	r := s.store.r
	var n int
	if err := r.GetContext(ctx, &n, r.Rebind(`SELECT COUNT(*) FROM webhook_subscriptions WHERE id = ?`), id); err != nil {
		return nil, fmt.Errorf("store: unable to find the webhook: %w", err)
	}
	if n == 0 {
		return nil, errWebhookNotFound
	}
	out := []WebhookDelivery{}
	if err := r.SelectContext(ctx, &out, r.Rebind(`
		SELECT d.id, d.event_seq, ev.kind, c.number, d.created_at, d.attempts, d.next_attempt_at, d.delivered_at, d.last_status, d.last_error
		FROM webhook_deliveries d JOIN events ev ON ev.seq = d.event_seq JOIN cases c ON c.id = ev.case_id
		WHERE d.subscription_id = ? ORDER BY d.id DESC LIMIT 200`), id); err != nil {
		return nil, fmt.Errorf("store: unable to read the delivery log: %w", err)
	}
	for i := range out {
		d := &out[i]
		d.CreatedAt = d.CreatedAt.UTC()
		InUTC(&d.NextAttemptAt, &d.DeliveredAt)
	}
	return out, nil
}

// queueWebhooks owes every subscriber of their kinds the events with a seq
// in (from, to], inside the transaction that appended them.
func queueWebhooks(ctx context.Context, tx *sqlx.Tx, from, to int64, now time.Time) error {
	// The pairs are read first and inserted with VALUES: a parameter in an
	// INSERT … SELECT list has no column to take its type from, which
	// PostgreSQL refuses for a time sent as text.
	var owed []struct {
		Sub int64 `db:"id"`
		Seq int64 `db:"seq"`
	}
	if err := tx.SelectContext(ctx, &owed, tx.Rebind(`
		SELECT DISTINCT s.id, ev.seq
		FROM events ev JOIN webhook_kinds k ON k.kind IN (ev.kind, '*')
		JOIN webhook_subscriptions s ON s.id = k.subscription_id AND s.deleted_at IS NULL
		WHERE ev.seq > ? AND ev.seq <= ?`), from, to); err != nil {
		return fmt.Errorf("store: unable to queue webhooks: %w", err)
	}
	for _, o := range owed {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO webhook_deliveries
			(subscription_id, event_seq, created_at, attempts, next_attempt_at) VALUES (?, ?, ?, 0, ?)`),
			o.Sub, o.Seq, now.UTC(), now.UTC()); err != nil {
			return fmt.Errorf("store: unable to queue webhooks: %w", err)
		}
	}
	return nil
}
