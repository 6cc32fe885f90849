package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Idempotency-Key beyond intake (intake.go keeps its own, which seals only
// the query code): the API keeps the first successful answer to a write
// under the caller's key, and a retry of the same request gets it back
// instead of acting twice. A failed request changed nothing, so its key is
// let go and a retry runs again.

// StoredAnswer is a kept answer: its status and JSON body.
type StoredAnswer struct {
	Status int
	Body   []byte
}

// MaxIdempotencyKey bounds a key, as at intake.
const MaxIdempotencyKey = 200

// idempotencyClaimTimeout: a claim older than this whose request never
// finished (the server stopped) may be taken again.
const idempotencyClaimTimeout = time.Minute

var (
	errIdempotencyKeyReused = conflict("idempotency_key_reused", "该 Idempotency-Key 已用于另一个请求")
	errIdempotencyKeyInUse  = conflict("idempotency_key_in_use", "使用该 Idempotency-Key 的请求尚未完成，请稍后重试")
)

func checkIdempotencyKey(key string) error {
	if utf8.RuneCountInString(key) > MaxIdempotencyKey {
		return invalid("Idempotency-Key", "too_long", fmt.Sprintf("Idempotency-Key 最长%d字符", MaxIdempotencyKey))
	}
	return nil
}

// RequestFingerprint identifies a request for its key: method, path and body.
func RequestFingerprint(method, path string, body []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", method, path)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// ClaimIdempotencyKey starts a request under key: nil when the caller
// should run it (and then Remember or Release the key), the kept answer
// when the same request already succeeded, or a conflict when the key went
// with another request or its first request is still running.
func (s *Service) ClaimIdempotencyKey(ctx context.Context, scope, key, fingerprint string) (*StoredAnswer, error) {
	if err := checkIdempotencyKey(key); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var out *StoredAnswer
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		var rec struct {
			RequestHash string    `db:"request_hash"`
			Status      int       `db:"status"`
			SealedBody  string    `db:"sealed_body"`
			CreatedAt   time.Time `db:"created_at"`
		}
		err := tx.GetContext(ctx, &rec, tx.Rebind(`
			SELECT request_hash, status, sealed_body, created_at FROM idempotent_answers
			WHERE scope = ? AND idem_key = ? AND created_at >= ?`), scope, key, now.Add(-idempotencyWindow))
		switch {
		case isNoRows(err):
		case err != nil:
			return fmt.Errorf("store: unable to look up idempotency key: %w", err)
		case rec.RequestHash != fingerprint:
			return errIdempotencyKeyReused
		case rec.Status != 0:
			body, err := s.unseal(rec.SealedBody)
			if err != nil {
				return fmt.Errorf("store: unable to open a kept answer: %w", err)
			}
			out = &StoredAnswer{Status: rec.Status, Body: []byte(body)}
			return nil
		case now.Sub(rec.CreatedAt) < idempotencyClaimTimeout:
			return errIdempotencyKeyInUse
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO idempotent_answers (scope, idem_key, request_hash, status, created_at) VALUES (?, ?, ?, 0, ?)
			ON CONFLICT (scope, idem_key) DO UPDATE SET request_hash = excluded.request_hash, status = 0,
				sealed_body = '', created_at = excluded.created_at`), scope, key, fingerprint, now)
		if err != nil {
			return fmt.Errorf("store: unable to claim idempotency key: %w", err)
		}
		return nil
	})
	return out, err
}

// RememberAnswer keeps the successful answer to the request that claimed key.
func (s *Service) RememberAnswer(ctx context.Context, scope, key string, answer StoredAnswer) error {
	sealed, err := s.seal(string(answer.Body))
	if err != nil {
		return err
	}
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE idempotent_answers SET status = ?, sealed_body = ? WHERE scope = ? AND idem_key = ?`),
			answer.Status, sealed, scope, key)
		return err
	})
}

// ReleaseIdempotencyKey lets key go after its request failed.
func (s *Service) ReleaseIdempotencyKey(ctx context.Context, scope, key string) error {
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM idempotent_answers WHERE scope = ? AND idem_key = ? AND status = 0`), scope, key)
		return err
	})
}
