package cases

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// SessionStorage keeps browser sessions in the web_sessions table, so a
// restart signs nobody out and several app processes can share them later.
// Its methods are those of fiber.Storage; cases does not import fiber.
type SessionStorage struct {
	store *Store
	now   func() time.Time

	mu    sync.Mutex
	swept time.Time
}

// Sessions answers the session storage over the service's database.
func (s *Service) Sessions() *SessionStorage {
	return &SessionStorage{store: s.store, now: time.Now}
}

// Get answers a session's data, or nil when it is unknown or expired.
func (st *SessionStorage) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	var row struct {
		Data      []byte     `db:"data"`
		ExpiresAt *time.Time `db:"expires_at"`
	}
	err := st.store.r.Get(&row, st.store.r.Rebind(`SELECT data, expires_at FROM web_sessions WHERE id = ?`), key)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read session: %w", err)
	}
	if row.ExpiresAt != nil && !row.ExpiresAt.After(st.now()) {
		return nil, nil
	}
	return row.Data, nil
}

// Set stores a session for exp (0: no expiry); expired sessions are swept
// on the way every ten minutes or so.
func (st *SessionStorage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	now := st.now().UTC()
	var expires any
	if exp > 0 {
		expires = now.Add(exp)
	}
	st.mu.Lock()
	sweep := now.Sub(st.swept) > 10*time.Minute
	if sweep {
		st.swept = now
	}
	st.mu.Unlock()
	return st.store.write(context.Background(), func(tx *sqlx.Tx) error {
		if sweep {
			if _, err := tx.Exec(tx.Rebind(`DELETE FROM web_sessions WHERE expires_at < ?`), now); err != nil {
				return fmt.Errorf("store: unable to sweep sessions: %w", err)
			}
		}
		_, err := tx.Exec(tx.Rebind(`INSERT INTO web_sessions (id, data, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`), key, val, expires)
		if err != nil {
			return fmt.Errorf("store: unable to save session: %w", err)
		}
		return nil
	})
}

// Delete forgets one session (logout, or a regenerated id after sign-in).
func (st *SessionStorage) Delete(key string) error {
	return st.store.write(context.Background(), func(tx *sqlx.Tx) error {
		_, err := tx.Exec(tx.Rebind(`DELETE FROM web_sessions WHERE id = ?`), key)
		return err
	})
}

// Reset signs everybody out.
func (st *SessionStorage) Reset() error {
	return st.store.write(context.Background(), func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`DELETE FROM web_sessions`)
		return err
	})
}

// Close does nothing: the store closes with the service.
func (st *SessionStorage) Close() error { return nil }

// SignInSession makes browser session id (saved just before, under a new id)
// the session of user uid. The row is the link a password reset, a role
// change or a disabled account breaks (endSignIns).
func (s *Service) SignInSession(ctx context.Context, id string, uid int64) error {
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE web_sessions SET user_id = ? WHERE id = ?`), uid, id)
		if err != nil {
			return fmt.Errorf("store: unable to sign the session in: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("store: session to sign in not found")
		}
		return nil
	})
}

// ActorForSession answers the signed-in user of browser session id, which
// claims user uid; the session row must name that user (SignInSession), so
// a session ended by a password reset, a role change or a disabled account
// signs nobody in, even when the browser saves its data again.
func (s *Service) ActorForSession(ctx context.Context, id string, uid int64) (Actor, error) {
	var u userRow
	err := s.store.r.GetContext(ctx, &u, s.store.r.Rebind(`
		SELECT u.id, u.username, u.display_name, u.password_hash, u.role, u.desk, u.disabled
		FROM web_sessions w JOIN users u ON u.id = w.user_id
		WHERE w.id = ? AND w.user_id = ? AND (w.expires_at IS NULL OR w.expires_at > ?)`), id, uid, s.now().UTC())
	if isNoRows(err) || (err == nil && u.Disabled) {
		return Actor{}, ErrTokenInvalid
	}
	if err != nil {
		return Actor{}, fmt.Errorf("store: unable to fetch user: %w", err)
	}
	return u.actor(), nil
}

// endSignIns ends every API token and browser session of user uid, inside
// the transaction that changes their password, role or account.
func endSignIns(ctx context.Context, tx *sqlx.Tx, uid int64) error {
	for _, table := range []string{"auth_tokens", "web_sessions"} {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM `+table+` WHERE user_id = ?`), uid); err != nil {
			return fmt.Errorf("store: unable to end %s of user %d: %w", table, uid, err)
		}
	}
	return nil
}
