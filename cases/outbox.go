package cases

// The notifications outbox: text messages (短信) telling citizens what
// happened to their case. A message is written in the transaction of the
// change it tells about and delivered afterwards by DeliverOutbox, so a
// slow or broken SMS gateway never blocks or undoes a transition, and a
// crash between commit and delivery loses nothing (at-least-once).

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Sender delivers one text message. A real SMS gateway implements it; a
// nil error means the gateway took the message.
type Sender interface {
	Send(ctx context.Context, phone, text string) error
}

// LogSender is the default Sender: it writes each message to the log (with
// the phone masked), for centres without an SMS gateway yet.
type LogSender struct{}

// Send logs the message.
func (LogSender) Send(ctx context.Context, phone, text string) error {
	slog.InfoContext(ctx, "notification", "phone", MaskPhone(phone), "text", text)
	return nil
}

// Outbox delivery tuning.
const (
	outboxBatch       = 50
	outboxLease       = 2 * time.Minute // a claimed message is not claimed again before this
	outboxFirstRetry  = 30 * time.Second
	outboxMaxRetry    = time.Hour
	OutboxMaxAttempts = 12 // then it is given up (next_attempt_at NULL), kept for the record
)

// Notification is one row of the outbox, as tests and admins read it.
type Notification struct {
	ID            int64      `db:"id" json:"id"`
	CaseID        int64      `db:"case_id" json:"-"`
	Phone         string     `db:"phone" json:"phone"`
	Body          string     `db:"body" json:"body"`
	CreatedAt     time.Time  `db:"created_at" json:"created_at"`
	Attempts      int        `db:"attempts" json:"attempts"`
	NextAttemptAt *time.Time `db:"next_attempt_at" json:"next_attempt_at"`
	SentAt        *time.Time `db:"sent_at" json:"sent_at"`
	LastError     string     `db:"last_error" json:"last_error"`
}

// notificationText is what the citizen is told about an event, if
// anything: no staff names, no internal wording, only what the public
// timeline shows too.
func notificationText(c *Case, e *Event, deskName func(string) string) (string, bool) {
	var data map[string]string
	_ = json.Unmarshal(e.Data, &data)
	n := c.Number
	switch e.Kind {
	case EventSubmitted:
		return fmt.Sprintf("【一地】您的网上申请已提交，案件编号%s，我们将在1个工作日内答复，可凭查询码查看进度。", n), true
	case EventRegister:
		return fmt.Sprintf("【一地】您的网上申请%s已受理登记，可凭查询码查看进度。", n), true
	case EventDecline:
		return fmt.Sprintf("【一地】您的网上申请%s不予受理，原因可凭查询码查看。如有疑问请到中心受理窗口咨询。", n), true
	case EventRoute:
		return fmt.Sprintf("【一地】您的案件%s已分流至%s窗口办理，可凭查询码查看进度。", n, deskName(data["to_desk"])), true
	case EventAccept:
		return fmt.Sprintf("【一地】您的案件%s已由%s窗口签收办理，可凭查询码查看进度。", n, deskName(e.Desk)), true
	case EventTransfer:
		return fmt.Sprintf("【一地】您的案件%s已移交至%s窗口办理，可凭查询码查看进度。", n, deskName(data["to_desk"])), true
	case EventClose:
		return fmt.Sprintf("【一地】您的案件%s已办结，可凭查询码查看结果，欢迎评价。", n), true
	case "reopen": // the deadlines part's action
		return fmt.Sprintf("【一地】您的案件%s已重新办理，可凭查询码查看进度。", n), true
	case EventMergedInto:
		return fmt.Sprintf("【一地】您的案件%s已与同一纠纷的案件%s合并办理，原查询码继续有效，可凭其查看进度。", n, data["into"]), true
	case EventCodeReissued:
		return fmt.Sprintf("【一地】您的案件%s已补发新的查询码，原查询码已失效。如非本人申请，请联系中心受理窗口。", n), true
	case EventNote:
		if e.Visibility == VisibilityPublic {
			return fmt.Sprintf("【一地】您的案件%s有新的办理进展，可凭查询码查看。", n), true
		}
	}
	return "", false
}

// citizenPhone is where the case's news goes: the first applicant with a phone.
func citizenPhone(c *Case) string {
	for _, p := range c.Parties {
		if p.Role == PartyApplicant && p.Phone != "" {
			return p.Phone
		}
	}
	return ""
}

// queueNotification writes the outbox row for e inside the transition's
// transaction, when the citizen should hear of it and left a phone.
func queueNotification(ctx context.Context, tx *sqlx.Tx, c *Case, e *Event, deskName func(string) string, now time.Time) error {
	text, ok := notificationText(c, e, deskName)
	phone := citizenPhone(c)
	if !ok || phone == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`
		INSERT INTO notifications_outbox (case_id, phone, body, created_at, attempts, next_attempt_at)
		VALUES (?, ?, ?, ?, 0, ?)`), c.ID, phone, text, now, now)
	if err != nil {
		return fmt.Errorf("store: unable to queue notification: %w", err)
	}
	return nil
}

// DeliverOutbox sends the messages that are due, once each: it claims them
// (so a second loop skips them for outboxLease), sends, and marks a message
// sent only after the sender took it; a failure is retried later with a
// growing pause. It answers how many were sent and how many failed.
func (s *Service) DeliverOutbox(ctx context.Context, sender Sender, now time.Time) (sent, failed int, err error) {
	now = now.UTC()
	var due []Notification
	err = s.store.write(ctx, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &due, tx.Rebind(`
			SELECT id, case_id, phone, body, created_at, attempts, next_attempt_at, sent_at, last_error
			FROM notifications_outbox
			WHERE sent_at IS NULL AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?
			ORDER BY id LIMIT ?`), now, outboxBatch); err != nil {
			return fmt.Errorf("store: unable to read the outbox: %w", err)
		}
		for _, n := range due {
			if _, err := tx.ExecContext(ctx, tx.Rebind(
				`UPDATE notifications_outbox SET next_attempt_at = ? WHERE id = ?`), now.Add(outboxLease), n.ID); err != nil {
				return fmt.Errorf("store: unable to claim a notification: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	claimed := time.Now()
	for _, n := range due {
		if leaseRunningOut(claimed) {
			break
		}
		sendErr := sender.Send(ctx, n.Phone, n.Body)
		attempts := n.Attempts + 1
		err := s.store.write(ctx, func(tx *sqlx.Tx) error {
			if sendErr == nil {
				_, err := tx.ExecContext(ctx, tx.Rebind(`
					UPDATE notifications_outbox SET sent_at = ?, attempts = ?, last_error = '' WHERE id = ?`),
					now, attempts, n.ID)
				return err
			}
			var next any
			if attempts < OutboxMaxAttempts {
				next = now.Add(outboxBackoff(attempts))
			}
			_, err := tx.ExecContext(ctx, tx.Rebind(`
				UPDATE notifications_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`),
				attempts, next, truncateRunes(sendErr.Error(), 500), n.ID)
			return err
		})
		if err != nil {
			// The message may go out twice: at least once is the promise.
			return sent, failed, fmt.Errorf("store: unable to record a delivery: %w", err)
		}
		if sendErr != nil {
			failed++
			slog.WarnContext(ctx, "notification not delivered", "id", n.ID, "attempt", attempts, "err", sendErr)
		} else {
			sent++
		}
	}
	return sent, failed, nil
}

// leaseRunningOut reports whether a batch claimed at claimed has used half
// its lease: the rest of it is left to the lease's end, when any node (this
// one too) claims it again. Sending past the lease, a slow batch could send
// a message another node had claimed meanwhile: twice, where once is meant.
func leaseRunningOut(claimed time.Time) bool {
	return time.Since(claimed) > outboxLease/2
}

// outboxBackoff is the pause after the n-th failed attempt: 30 s, 1 min,
// 2 min, … at most an hour.
func outboxBackoff(attempts int) time.Duration {
	d := outboxFirstRetry
	for i := 1; i < attempts && d < outboxMaxRetry; i++ {
		d *= 2
	}
	return min(d, outboxMaxRetry)
}

// Notifications lists a case's outbox rows, oldest first (admins, tests).
func (s *Service) Notifications(ctx context.Context, number string) ([]Notification, error) {
	var out []Notification
	err := s.store.r.SelectContext(ctx, &out, s.store.r.Rebind(`
		SELECT o.id, o.case_id, o.phone, o.body, o.created_at, o.attempts, o.next_attempt_at, o.sent_at, o.last_error
		FROM notifications_outbox o JOIN cases c ON c.id = o.case_id
		WHERE c.number = ? ORDER BY o.id`), NormalizeCaseNumber(number))
	if err != nil {
		return nil, fmt.Errorf("store: unable to read notifications: %w", err)
	}
	return out, nil
}

// RunOutbox delivers due messages every interval until ctx ends; serve runs it.
func (s *Service) RunOutbox(ctx context.Context, sender Sender, interval time.Duration) {
	runEvery(ctx, interval, "outbox delivery", func() error {
		_, _, err := s.DeliverOutbox(ctx, sender, s.now())
		return err
	})
}

// runEvery runs one round of a background job at once and then every
// interval until ctx ends; a failed round (a panic in it too, e.g. from a
// sender plugged in later) is logged as name, not the end of the server.
func runEvery(ctx context.Context, interval time.Duration, name string, round func() error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	safe := func() (err error) {
		defer RecoverTo(name, &err)
		return round()
	}
	for {
		if err := safe(); err != nil && ctx.Err() == nil {
			slog.Error(name, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// truncateRunes cuts s to at most n characters.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
