package cases

// The hash chains over the events (migration 00017): triggers refuse to
// rewrite history through SQL, the chains let `yidi verify` notice when
// someone with the database file rewrote it anyway (triggers dropped).
//
// Each event's hash is SHA-256 (hex) over the previous hash, a newline and
// a canonical serialisation of its stored fields: each as a netstring
// (byte length in decimal, ':', the bytes, ','), in this order:
//
//	"yidi-event-1", seq, case_id, at, kind, desk, actor_id ("" for none),
//	actor_name, actor_role, body, visibility, data
//
// with numbers in decimal and at as the exact text stored (go-sqlite3's
// timestamp format, which appendEvent binds itself so the text hashed is
// the text stored). hash
// chains every event in seq order, case_hash the events of one case; the
// first event of a chain has "" as its previous hash.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
)

// chainFields is what an event's hashes cover besides the previous hash.
type chainFields struct {
	Seq        int64
	CaseID     int64
	At         string
	Kind       string
	Desk       string
	ActorID    sql.NullInt64
	ActorName  string
	ActorRole  string
	Body       string
	Visibility string
	Data       string
}

// canonical is the serialisation the hashes are taken over: the fields as
// netstrings (decimal byte length, ':', the bytes, ','), so no field's
// content can pass for a field boundary.
func (f *chainFields) canonical() []byte {
	b := make([]byte, 0, 96+len(f.At)+len(f.Kind)+len(f.Desk)+len(f.ActorName)+len(f.ActorRole)+len(f.Body)+len(f.Visibility)+len(f.Data))
	var num [20]byte
	field := func(v []byte) {
		b = strconv.AppendInt(b, int64(len(v)), 10)
		b = append(b, ':')
		b = append(b, v...)
		b = append(b, ',')
	}
	str := func(v string) {
		b = strconv.AppendInt(b, int64(len(v)), 10)
		b = append(b, ':')
		b = append(b, v...)
		b = append(b, ',')
	}
	str("yidi-event-1")
	field(strconv.AppendInt(num[:0], f.Seq, 10))
	field(strconv.AppendInt(num[:0], f.CaseID, 10))
	str(f.At)
	str(f.Kind)
	str(f.Desk)
	if f.ActorID.Valid {
		field(strconv.AppendInt(num[:0], f.ActorID.Int64, 10))
	} else {
		str("") // no actor (the system): an empty field, unlike any number
	}
	str(f.ActorName)
	str(f.ActorRole)
	str(f.Body)
	str(f.Visibility)
	str(f.Data)
	return b
}

// chainHash links content to the previous hash of a chain.
func chainHash(prev string, content []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// chainHead is where the global chain stands inside a write transaction:
// the single writer connection and IMMEDIATE transactions make it stable
// until commit.
func chainHead(ctx context.Context, tx *sqlx.Tx) (seq int64, hash string, err error) {
	err = tx.QueryRowxContext(ctx, `SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if isNoRows(err) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("store: unable to read the event chain: %w", err)
	}
	return seq, hash, nil
}

// caseChainHead is the case_hash of a case's newest event ("" for none).
func caseChainHead(ctx context.Context, tx *sqlx.Tx, caseID int64) (string, error) {
	var h string
	err := tx.GetContext(ctx, &h, tx.Rebind(`SELECT case_hash FROM events WHERE case_id = ? ORDER BY seq DESC LIMIT 1`), caseID)
	if isNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: unable to read the case's event chain: %w", err)
	}
	return h, nil
}

// backfillChain hashes the events written before migration 00017, in seq
// order, once: the same transaction sets event_chain.backfilled, after
// which the trigger refuses every update of an event.
func (s *Store) backfillChain(ctx context.Context) error {
	var done bool
	if err := s.w.GetContext(ctx, &done, `SELECT backfilled FROM event_chain WHERE id = 1`); err != nil {
		return fmt.Errorf("store: unable to read the event chain state: %w", err)
	}
	if done {
		return nil
	}
	n := 0
	err := s.write(ctx, func(tx *sqlx.Tx) error {
		upd, err := tx.PreparexContext(ctx, `UPDATE events SET hash = ?, case_hash = ? WHERE seq = ?`)
		if err != nil {
			return err
		}
		defer upd.Close()
		prev := ""
		prevCase := map[int64]string{}
		// A page at a time: one connection cannot interleave a cursor and
		// updates, and a page keeps the memory small on a large database.
		var after int64
		for {
			var page []chainFields
			if err := walkEvents(ctx, tx, after, backfillPage, func(f *chainFields, _, _ string) error {
				page = append(page, *f)
				return nil
			}); err != nil {
				return err
			}
			for i := range page {
				f := &page[i]
				content := f.canonical()
				prev = chainHash(prev, content)
				ch := chainHash(prevCase[f.CaseID], content)
				prevCase[f.CaseID] = ch
				if _, err := upd.ExecContext(ctx, prev, ch, f.Seq); err != nil {
					return fmt.Errorf("store: unable to hash event %d: %w", f.Seq, err)
				}
			}
			n += len(page)
			if len(page) < backfillPage {
				break
			}
			after = page[len(page)-1].Seq
		}
		_, err = tx.ExecContext(ctx, `UPDATE event_chain SET backfilled = TRUE WHERE id = 1`)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: unable to hash the existing events: %w", err)
	}
	if n > 0 {
		slog.Info("event chain: hashed the existing events", "events", n)
	}
	return nil
}

// backfillPage is how many events the backfill reads at a time.
const backfillPage = 10000

// walkEvents calls fn on the events after seq after in seq order, at most
// limit of them (0: all), with their stored hashes.
func walkEvents(ctx context.Context, q sqlx.QueryerContext, after int64, limit int, fn func(f *chainFields, hash, caseHash string) error) error {
	if limit <= 0 {
		limit = math.MaxInt64 // no limit, in words both engines take
	}
	rows, err := q.QueryxContext(ctx, `
		SELECT seq, case_id, CAST(at AS TEXT), kind, desk, actor_id, actor_name, actor_role, body, visibility, data, hash, case_hash
		FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return fmt.Errorf("store: unable to read the events: %w", err)
	}
	defer rows.Close()
	var f chainFields
	var hash, caseHash string
	for rows.Next() {
		if err := rows.Scan(&f.Seq, &f.CaseID, &f.At, &f.Kind, &f.Desk, &f.ActorID, &f.ActorName, &f.ActorRole,
			&f.Body, &f.Visibility, &f.Data, &hash, &caseHash); err != nil {
			return fmt.Errorf("store: unable to read an event: %w", err)
		}
		if err := fn(&f, hash, caseHash); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: unable to read the events: %w", err)
	}
	return nil
}

// ChainCheck is what a verification of the event chains found.
type ChainCheck struct {
	CheckedAt time.Time `json:"checked_at"`
	OK        bool      `json:"ok"`
	Events    int64     `json:"events"`
	Cases     int64     `json:"cases"`
	// The first break, when not OK.
	Chain      string `json:"chain,omitempty"` // "global" or "case"
	Seq        int64  `json:"seq,omitempty"`
	CaseNumber string `json:"case_number,omitempty"`
	Message    string `json:"message,omitempty"`
}

// VerifyChains walks both chains over every event, from a read snapshot,
// and reports the first break: an event whose stored hash is not the hash
// of its fields and its predecessor's (edited, inserted out of turn, or
// its predecessor deleted), or whose seq does not follow (a deleted
// event at the end of a case leaves the case's chain intact but the
// global one broken at the next event). It records what it found for the
// health check.
func (s *Service) VerifyChains(ctx context.Context) (*ChainCheck, error) {
	res := &ChainCheck{CheckedAt: time.Now().UTC(), OK: true}
	tx, err := s.store.r.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: unable to begin: %w", err)
	}
	defer tx.Rollback()
	prev := ""
	prevCase := map[int64]string{}
	var brokenCase int64
	err = walkEvents(ctx, tx, 0, 0, func(f *chainFields, hash, caseHash string) error {
		if !res.OK {
			return nil
		}
		res.Events++
		content := f.canonical()
		want := chainHash(prev, content)
		wantCase := chainHash(prevCase[f.CaseID], content)
		if _, seen := prevCase[f.CaseID]; !seen {
			res.Cases++
		}
		switch {
		case caseHash != wantCase:
			res.OK, res.Chain, res.Seq, brokenCase = false, "case", f.Seq, f.CaseID
			res.Message = "事件内容或本案前一事件与哈希不符"
		case hash != want:
			res.OK, res.Chain, res.Seq, brokenCase = false, "global", f.Seq, f.CaseID
			res.Message = "事件与全局链中前一事件的哈希不符（前面的事件被删除或改动）"
		}
		prev, prevCase[f.CaseID] = hash, caseHash
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !res.OK {
		if err := tx.GetContext(ctx, &res.CaseNumber, tx.Rebind(`SELECT number FROM cases WHERE id = ?`), brokenCase); err != nil && !isNoRows(err) {
			return nil, fmt.Errorf("store: unable to read the case: %w", err)
		}
		if res.CaseNumber == "" {
			res.CaseNumber = fmt.Sprintf("(case id %d)", brokenCase)
		}
	}
	tx.Rollback()
	msg := res.Message
	if !res.OK {
		msg = fmt.Sprintf("%s %s seq %d: %s", res.Chain, res.CaseNumber, res.Seq, res.Message)
	}
	err = s.store.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO chain_checks (checked_at, ok, events, cases, message) VALUES (?, ?, ?, ?, ?)`),
			res.CheckedAt, res.OK, res.Events, res.Cases, msg)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("store: unable to record the verification: %w", err)
	}
	return res, nil
}

// LastChainCheck is the newest recorded verification, nil before the first.
func (s *Service) LastChainCheck(ctx context.Context) (*ChainCheck, error) {
	var row struct {
		At      time.Time `db:"checked_at"`
		OK      bool      `db:"ok"`
		Events  int64     `db:"events"`
		Cases   int64     `db:"cases"`
		Message string    `db:"message"`
	}
	err := s.store.r.GetContext(ctx, &row, `SELECT checked_at, ok, events, cases, message FROM chain_checks ORDER BY id DESC LIMIT 1`)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the last verification: %w", err)
	}
	return &ChainCheck{CheckedAt: row.At.UTC(), OK: row.OK, Events: row.Events, Cases: row.Cases, Message: row.Message}, nil
}
