package cases

// The event feed (GET /api/v1/events): other systems follow the event log
// with one number, the seq of the last event they read.
//
// A reader that comes back later must miss nothing, so the feed hands out
// only a gap-free run of seqs: an event is appended with the next seq
// (appendEvent, the sweep), so a missing seq below a committed one is a
// transaction that took its number and has not committed yet. Today the
// hash chain makes that impossible (each event's hash is computed from the
// committed event before it, and SQLite has one writer), but the feed does
// not rely on it: with a database whose writers overlap (PostgreSQL with a
// sequence), it stops before the first missing seq and hands out the rest
// once the number commits. A gap whose next event is older than
// feedGapWait is a number given up (a rolled-back transaction), and is
// stepped over.

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx/types"
)

// FeedEvent is one event as the feed and webhooks send it.
type FeedEvent struct {
	Seq        int64          `db:"seq" json:"seq"`
	Case       string         `db:"number" json:"case"`
	Kind       string         `db:"kind" json:"kind"`
	At         time.Time      `db:"at" json:"at"`
	Desk       string         `db:"desk" json:"desk"`
	ActorRole  string         `db:"actor_role" json:"actor_role"`
	Actor      string         `db:"actor_name" json:"actor"`
	Visibility string         `db:"visibility" json:"visibility"`
	Body       string         `db:"body" json:"body"`
	Data       types.JSONText `db:"data" json:"data"`
}

// FeedPage is one read of the feed; Next is the after of the next read.
type FeedPage struct {
	Events []FeedEvent `json:"events"`
	Next   int64       `json:"next"`
}

// Feed limits.
const (
	MaxFeedLimit     = 500
	DefaultFeedLimit = 100
	feedGapWait      = time.Minute
	feedScanFactor   = 10 // events looked at per event answered, for readers who see few
)

const feedColumns = `SELECT ev.seq, c.number, ev.kind, ev.at, ev.desk, ev.actor_role, ev.actor_name, ev.visibility, ev.body, ev.data
	FROM events ev JOIN cases c ON c.id = ev.case_id`

// Events answers up to limit events after seq after that a may see, in
// seq order, and the cursor to read on from. Fewer than limit events means
// the reader has caught up.
func (s *Service) Events(ctx context.Context, a Actor, after int64, limit int) (*FeedPage, error) {
	if err := requireScope(a, ScopeEvents); err != nil {
		return nil, err
	}
	if a.Role == RoleAdmin {
		return nil, forbidden("管理员账号不办理案件，请用接入系统或 Webhook 接收事件")
	}
	if after < 0 {
		return nil, invalid("after", "invalid_after", "after 应为不小于0的整数")
	}
	if limit == 0 {
		limit = DefaultFeedLimit
	}
	if limit < 1 || limit > MaxFeedLimit {
		return nil, invalid("limit", "limit_out_of_range", fmt.Sprintf("limit 应在1到%d之间", MaxFeedLimit))
	}
	r := s.store.r
	// One read transaction, so that the run of seqs and the events read
	// from it come from one snapshot.
	tx, err := r.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the feed: %w", err)
	}
	defer tx.Rollback()
	var scanned []struct {
		Seq int64     `db:"seq"`
		At  time.Time `db:"at"`
	}
	if err := tx.SelectContext(ctx, &scanned, tx.Rebind(`SELECT seq, at FROM events WHERE seq > ? ORDER BY seq LIMIT ?`),
		after, limit*feedScanFactor); err != nil {
		return nil, fmt.Errorf("store: unable to read the feed: %w", err)
	}
	horizon, settled := after, s.now().Add(-feedGapWait)
	for _, e := range scanned {
		if e.Seq != horizon+1 && e.At.After(settled) {
			break // an earlier seq may still commit
		}
		horizon = e.Seq
	}
	page := &FeedPage{Events: []FeedEvent{}, Next: horizon}
	if horizon == after {
		return page, nil
	}
	q := feedColumns + ` WHERE ev.seq > ? AND ev.seq <= ?`
	args := []any{after, horizon}
	if rule, v := ReadRuleSQL(a); rule != "" {
		q += ` AND ` + rule
		args = append(args, v...)
	}
	if err := tx.SelectContext(ctx, &page.Events, tx.Rebind(q+` ORDER BY ev.seq LIMIT ?`), append(args, limit)...); err != nil {
		return nil, fmt.Errorf("store: unable to read the feed: %w", err)
	}
	for i := range page.Events {
		page.Events[i].At = page.Events[i].At.UTC()
	}
	if len(page.Events) == limit {
		page.Next = page.Events[limit-1].Seq
	}
	return page, nil
}
