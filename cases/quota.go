package cases

// What the public may send to one case, counted from what was accepted
// (the events and attachments tables), so the counts survive a restart
// and hold across every address. Per-address limits are the web layer's
// (it knows addresses): views.Options.

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3"
)

// Quota bounds what citizens may send to one case. Zero fields take the
// defaults below; a negative field turns that limit off.
type Quota struct {
	// MessagesPerHour: accepted citizen messages per case in any hour
	// (default 10: a citizen adding material rarely sends more than a
	// few; a flood sends hundreds).
	MessagesPerHour int
	// BytesPerHour: attachment bytes accepted per case in any hour
	// (default 30 MiB: one message's three 10 MiB files).
	BytesPerHour int64
	// TotalBytes: every attachment of the case together (default 200 MiB,
	// some twenty messages of full-size photos; beyond it the citizen brings
	// the material to the window).
	TotalBytes int64
}

// Defaults of Quota.
const (
	DefaultMessagesPerHour = 10
	DefaultBytesPerHour    = 30 << 20
	DefaultTotalBytes      = 200 << 20
	QuotaWindow            = time.Hour
)

// SetQuota sets what the public may send per case.
func (s *Service) SetQuota(q Quota) {
	s.quota.set(q)
}

// EffectiveQuota is the quota with defaults filled in (a limit that is off
// reads as 0).
func (s *Service) EffectiveQuota() Quota {
	q := s.quota.get()
	return Quota{
		MessagesPerHour: int(orDefault(int64(q.MessagesPerHour), DefaultMessagesPerHour)),
		BytesPerHour:    orDefault(q.BytesPerHour, DefaultBytesPerHour),
		TotalBytes:      orDefault(q.TotalBytes, DefaultTotalBytes),
	}
}

// checkCaseQuota refuses a message of size bytes to the case when it would
// pass a limit; the hourly refusals say how long to wait.
func (s *Service) checkCaseQuota(ctx context.Context, q sqlx.QueryerContext, caseID, size int64, now time.Time) error {
	quota := s.EffectiveQuota()
	since := now.Add(-QuotaWindow)
	if quota.MessagesPerHour > 0 {
		var n int
		var oldest sqlNullTime
		if err := q.QueryRowxContext(ctx, sqlx.Rebind(sqlx.BindType(driverName), `SELECT COUNT(*), MIN(at) FROM events
			WHERE case_id = ? AND kind = ? AND at >= ?`), caseID, EventCitizenMessage, since).Scan(&n, &oldest); err != nil {
			return fmt.Errorf("store: unable to count messages: %w", err)
		}
		if n >= quota.MessagesPerHour {
			return quotaError("too_many_messages", "本案留言过于频繁，请%d分钟后再试；如有急事请致电或到受理窗口", oldest.wait(now))
		}
	}
	if size == 0 || (quota.BytesPerHour == 0 && quota.TotalBytes == 0) {
		return nil
	}
	var used struct {
		Total  int64       `db:"total"`
		Recent int64       `db:"recent"`
		Oldest sqlNullTime `db:"oldest"`
	}
	if err := sqlx.GetContext(ctx, q, &used, sqlx.Rebind(sqlx.BindType(driverName), `SELECT COALESCE(SUM(size), 0) AS total,
		COALESCE(SUM(CASE WHEN created_at >= ? THEN size END), 0) AS recent,
		MIN(CASE WHEN created_at >= ? THEN created_at END) AS oldest
		FROM attachments WHERE case_id = ?`), since, since, caseID); err != nil {
		return fmt.Errorf("store: unable to sum attachments: %w", err)
	}
	if quota.TotalBytes > 0 && used.Total+size > quota.TotalBytes {
		return &Error{Kind: KindTooMany, Code: "case_upload_quota_full", Lasting: true,
			Message: fmt.Sprintf("本案在线提交的材料已达上限（%dMB），如需补充材料请到受理窗口提交", quota.TotalBytes>>20)}
	}
	if quota.BytesPerHour > 0 && used.Recent+size > quota.BytesPerHour {
		return quotaError("too_much_uploaded", fmt.Sprintf("本案一小时内上传的材料已达上限（%dMB），", quota.BytesPerHour>>20)+"请%d分钟后再试，或到受理窗口提交", used.Oldest.wait(now))
	}
	return nil
}

// quotaError is a 429 whose message names the wait in minutes (format has
// one %d) and whose RetryAfter carries it exactly.
func quotaError(code, format string, wait time.Duration) *Error {
	wait = max(wait, time.Second)
	return &Error{Kind: KindTooMany, Code: code, RetryAfter: wait,
		Message: fmt.Sprintf(format, max(1, int(math.Ceil(wait.Minutes()))))}
}

const driverName = "sqlite3"

// sqlNullTime scans a timestamp that an aggregate (MIN) returns as the
// text SQLite stored, since the column's declared type is lost.
type sqlNullTime struct {
	t     time.Time
	valid bool
}

func (n *sqlNullTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		n.valid = false
		return nil
	case time.Time:
		n.t, n.valid = x, true
		return nil
	case []byte:
		v = string(x)
	}
	str, ok := v.(string)
	if !ok {
		return fmt.Errorf("quota: cannot read %T as a time", v)
	}
	for _, layout := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.Parse(layout, str); err == nil {
			n.t, n.valid = t, true
			return nil
		}
	}
	return fmt.Errorf("quota: cannot read %q as a time", str)
}

// wait is how long until the oldest counted item leaves the window.
func (n sqlNullTime) wait(now time.Time) time.Duration {
	if !n.valid {
		return QuotaWindow
	}
	return n.t.Add(QuotaWindow).Sub(now)
}
