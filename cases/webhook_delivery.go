package cases

// Sending the webhooks' outbox: each delivery is a JSON POST of the event
// (as the feed shows it) signed with the subscription's secret, retried
// with a growing pause (outboxBackoff) until the receiver answers 2xx. A
// receiver may get an event twice (at least once): X-Yidi-Delivery, the
// event's seq, is its idempotency key. A subscription whose delivery keeps
// failing (WebhookPauseAfter attempts in a row) is paused and the admins are told;
// what it is owed waits for ResumeWebhook.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
)

// WebhookPauseAfter is how many failed attempts in a row pause a
// subscription (one a round at most: with outboxBackoff, about four hours
// of trying); a success or a resume starts the count again.
const WebhookPauseAfter = 10

// Webhook headers (docs/api.md).
const (
	HeaderWebhookEvent     = "X-Yidi-Event"
	HeaderWebhookDelivery  = "X-Yidi-Delivery"
	HeaderWebhookSignature = "X-Yidi-Signature"
)

// SignWebhook is the X-Yidi-Signature of body sent at t with secret:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
func SignWebhook(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

type dueDelivery struct {
	ID       int64  `db:"id"`
	SubID    int64  `db:"subscription_id"`
	Seq      int64  `db:"event_seq"`
	Attempts int    `db:"attempts"`
	URL      string `db:"url"`
	Secret   string `db:"secret"`
}

// DeliverWebhooks sends the deliveries that are due, claiming them first
// so a second loop skips them; it answers how many were delivered and how
// many failed.
func (s *Service) DeliverWebhooks(ctx context.Context, client *http.Client, now time.Time) (sent, failed int, err error) {
	now = now.UTC()
	var due []dueDelivery
	events := map[int64]FeedEvent{}
	err = s.store.write(ctx, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &due, tx.Rebind(`
			SELECT d.id, d.subscription_id, d.event_seq, d.attempts, s.url, s.secret
			FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
			WHERE d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= ? AND s.paused_at IS NULL AND s.deleted_at IS NULL
			ORDER BY d.id LIMIT ?`), now, outboxBatch); err != nil {
			return fmt.Errorf("store: unable to read the webhook outbox: %w", err)
		}
		for _, d := range due {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?`),
				now.Add(outboxLease), d.ID); err != nil {
				return fmt.Errorf("store: unable to claim a webhook delivery: %w", err)
			}
			if _, ok := events[d.Seq]; !ok {
				var e FeedEvent
				if err := tx.GetContext(ctx, &e, tx.Rebind(feedColumns+` WHERE ev.seq = ?`), d.Seq); err != nil {
					return fmt.Errorf("store: unable to read event %d: %w", d.Seq, err)
				}
				e.At = e.At.UTC()
				events[d.Seq] = e
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	failing := map[int64]time.Time{} // subscriptions that failed this round: their next try
	claimed := time.Now()
	for _, d := range due {
		if leaseRunningOut(claimed) {
			break
		}
		if next, ok := failing[d.SubID]; ok {
			// One failure is enough to know the receiver is down: the rest
			// of its deliveries wait with it, their attempts not counted.
			if err := s.postpone(ctx, d.ID, next); err != nil {
				return sent, failed, err
			}
			continue
		}
		status, sendErr := postWebhook(ctx, client, d, events[d.Seq], now)
		if err := s.recordDelivery(ctx, d, status, sendErr, now); err != nil {
			// The event may go out twice: at least once is the promise.
			return sent, failed, err
		}
		if sendErr != nil {
			failed++
			failing[d.SubID] = now.Add(outboxBackoff(d.Attempts + 1))
			slog.WarnContext(ctx, "webhook not delivered", "subscription", d.SubID, "seq", d.Seq, "attempt", d.Attempts+1, "err", sendErr)
		} else {
			sent++
		}
	}
	return sent, failed, nil
}

func postWebhook(ctx context.Context, client *http.Client, d dueDelivery, e FeedEvent, now time.Time) (int, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "yidi-webhook/1")
	req.Header.Set(HeaderWebhookEvent, e.Kind)
	req.Header.Set(HeaderWebhookDelivery, strconv.FormatInt(e.Seq, 10))
	req.Header.Set(HeaderWebhookSignature, SignWebhook(d.Secret, now, body))
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("the receiver answered %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

func (s *Service) postpone(ctx context.Context, id int64, next time.Time) error {
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?`), next, id)
		return err
	})
}

// recordDelivery writes one attempt's result; a failure that reaches
// WebhookPauseAfter pauses the subscription and tells the admins.
func (s *Service) recordDelivery(ctx context.Context, d dueDelivery, status int, sendErr error, now time.Time) error {
	attempts := d.Attempts + 1
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		if sendErr == nil {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE webhook_deliveries
				SET delivered_at = ?, next_attempt_at = NULL, attempts = ?, last_status = ?, last_error = '' WHERE id = ?`),
				now, attempts, status, d.ID); err != nil {
				return fmt.Errorf("store: unable to record a webhook delivery: %w", err)
			}
			_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE webhook_subscriptions SET failures = 0 WHERE id = ?`), d.SubID)
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE webhook_deliveries
			SET attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ? WHERE id = ?`),
			attempts, now.Add(outboxBackoff(attempts)), status, truncateRunes(sendErr.Error(), 500), d.ID); err != nil {
			return fmt.Errorf("store: unable to record a webhook failure: %w", err)
		}
		var failures int
		if err := tx.GetContext(ctx, &failures, tx.Rebind(
			`UPDATE webhook_subscriptions SET failures = failures + 1 WHERE id = ? RETURNING failures`), d.SubID); err != nil {
			return err
		}
		if failures < WebhookPauseAfter {
			return nil
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE webhook_subscriptions SET paused_at = ? WHERE id = ? AND paused_at IS NULL`), now, d.SubID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return addAdminNotice(ctx, tx, "webhook_paused", fmt.Sprintf(
			"Webhook 订阅 #%d（%s）连续%d次投递失败，已暂停发送；请排查接收方后在“管理 → 接入与 Webhook”中恢复。最近一次错误：%s",
			d.SubID, d.URL, failures, truncateRunes(sendErr.Error(), 200)), now)
	})
}

// RunWebhooks delivers due webhooks every interval until ctx ends; serve runs it.
func (s *Service) RunWebhooks(ctx context.Context, client *http.Client, interval time.Duration) {
	runEvery(ctx, interval, "webhook delivery", func() error {
		_, _, err := s.DeliverWebhooks(ctx, client, s.now())
		return err
	})
}

// WebhookClient is the HTTP client serve delivers with: a receiver has ten
// seconds, and a redirect is an answer (not followed), so a subscription
// posts only where the admin said.
func WebhookClient() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// addAdminNotice tells the admins something in their notification list.
func addAdminNotice(ctx context.Context, tx *sqlx.Tx, kind, text string, now time.Time) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO admin_notices (kind, text, created_at) VALUES (?, ?, ?)`), kind, text, now)
	if err != nil {
		return fmt.Errorf("store: unable to notify the admins: %w", err)
	}
	return nil
}
