package cases

// Machine clients (issue 17): a program such as the 12345 hotline calls the
// API with a token of its own that carries only the scopes an admin gave
// it. A client acts as the intake window would (its role is intake, so the
// lifecycle's rules for the window apply to its actions), through a
// disabled account of its own that the cases it registers name; its scopes
// then narrow what that role may do. The checks are here, in the service
// methods and the read rule, so that every way in (API, a future one)
// obeys them.

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Scopes a client may be given.
const (
	ScopeIntake  = "intake"   // register cases (POST /cases, /cases/check)
	ScopeReadOwn = "read:own" // read the cases it registered
	ScopeReadAll = "read:all" // read every case
	ScopeAct     = "act"      // case actions on the cases it may read
	ScopeEvents  = "events"   // the event feed (of the cases it may read)
)

// AllScopes lists the scopes in the order the admin page offers them.
var AllScopes = []string{ScopeIntake, ScopeReadOwn, ScopeReadAll, ScopeAct, ScopeEvents}

// ClientTokenPrefix starts every client token, so that a token tells which
// table to look in (a person's starts "yd_").
const ClientTokenPrefix = "ydc_"

// IsClient reports whether a is a machine client rather than a person.
func (a Actor) IsClient() bool { return a.Scopes != nil }

// Allows reports whether a may do what scope covers: a person always (their
// role decides), a client only with the scope.
func (a Actor) Allows(scope string) bool {
	return !a.IsClient() || slices.Contains(a.Scopes, scope)
}

// requireScope refuses a client without scope, naming the scope it lacks.
func requireScope(a Actor, scope string) error {
	if a.Allows(scope) {
		return nil
	}
	return &Error{Kind: KindForbidden, Code: "insufficient_scope",
		Message: fmt.Sprintf("该接入系统的令牌没有“%s”权限", scope)}
}

// errClientsNotAllowed answers a client that calls what no scope covers.
var errClientsNotAllowed = &Error{Kind: KindForbidden, Code: "insufficient_scope", Message: "接入系统的令牌不能使用此功能"}

// clientSees is the read rule of a client: its read scopes.
func clientSees(a Actor, c *Case) bool {
	return a.Allows(ScopeReadAll) || (a.Allows(ScopeReadOwn) && c.CreatedBy == a.UserID)
}

// Client is a machine client as admins list it; the token is never kept.
type Client struct {
	ID         int64      `db:"id" json:"id"`
	Name       string     `db:"name" json:"name"`
	Scopes     []string   `db:"-" json:"scopes"`
	ScopeText  string     `db:"scopes" json:"-"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	ExpiresAt  *time.Time `db:"expires_at" json:"expires_at"`
	RotatedAt  *time.Time `db:"rotated_at" json:"rotated_at"`
	RevokedAt  *time.Time `db:"revoked_at" json:"revoked_at"`
	LastUsedAt *time.Time `db:"last_used_at" json:"last_used_at"`
	// Token is set only in the answer that made or rotated it: shown once.
	Token string `db:"-" json:"token,omitempty"`
}

// ClientInput creates a client; ExpiresAt nil keeps it until revoked.
type ClientInput struct {
	Name      string     `json:"name"`
	Scopes    []string   `json:"scopes"`
	ExpiresAt *time.Time `json:"expires_at"`
}

func newClientToken() (token, hash string, err error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", "", err
	}
	token = ClientTokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	return token, hashToken(token), nil
}

// CreateClient makes a machine client with its own token, answered once.
func (s *Service) CreateClient(ctx context.Context, a Actor, in ClientInput) (*Client, error) {
	if err := adminOnly(a); err != nil {
		return nil, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if err := RequiredText("name", in.Name, 40, "接入系统名称"); err != nil {
		return nil, err
	}
	if len(in.Scopes) == 0 {
		return nil, invalid("scopes", "required", "请至少选择一项权限："+strings.Join(AllScopes, "、"))
	}
	var scopes []string
	for _, sc := range in.Scopes {
		if !slices.Contains(AllScopes, sc) {
			return nil, invalid("scopes", "unknown_scope", fmt.Sprintf("没有“%s”这项权限，可选：%s", sc, strings.Join(AllScopes, "、")))
		}
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	now := s.now().UTC()
	if in.ExpiresAt != nil && !in.ExpiresAt.After(now) {
		return nil, invalid("expires_at", "expired", "到期时间应晚于现在")
	}
	token, hash, err := newClientToken()
	if err != nil {
		return nil, err
	}
	c := &Client{Name: in.Name, Scopes: scopes, CreatedAt: now, Token: token}
	if in.ExpiresAt != nil {
		t := in.ExpiresAt.UTC()
		c.ExpiresAt = &t
	}
	err = s.store.write(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM api_clients WHERE name = ? AND revoked_at IS NULL`), in.Name); err != nil {
			return fmt.Errorf("store: unable to check the client's name: %w", err)
		}
		if n > 0 {
			return &Error{Kind: KindConflict, Code: "client_exists", Message: "已有同名的接入系统", Field: "name"}
		}
		suffix := make([]byte, 6)
		if _, err := rand.Read(suffix); err != nil {
			return err
		}
		var uid int64
		// The account cannot sign in: disabled, and no password hashes to "!".
		if err := tx.GetContext(ctx, &uid, tx.Rebind(`
			INSERT INTO users (username, display_name, password_hash, role, desk, disabled, created_at)
			VALUES (?, ?, '!', ?, NULL, TRUE, ?) RETURNING id`),
			"client-"+hex.EncodeToString(suffix), in.Name, RoleIntake, now); err != nil {
			return fmt.Errorf("store: unable to create the client's account: %w", err)
		}
		return tx.GetContext(ctx, &c.ID, tx.Rebind(`
			INSERT INTO api_clients (name, user_id, scopes, token_hash, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), in.Name, uid, strings.Join(scopes, " "), hash, now, c.ExpiresAt)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Clients lists every client, revoked ones last, with when each was last used.
func (s *Service) Clients(ctx context.Context, a Actor) ([]Client, error) {
	if err := adminOnly(a); err != nil {
		return nil, err
	}
	out := []Client{}
	if err := s.store.r.SelectContext(ctx, &out, `
		SELECT id, name, scopes, created_at, expires_at, rotated_at, revoked_at, last_used_at
		FROM api_clients ORDER BY revoked_at IS NOT NULL, name, id`); err != nil {
		return nil, fmt.Errorf("store: unable to list clients: %w", err)
	}
	for i := range out {
		out[i].Scopes = strings.Fields(out[i].ScopeText)
		InUTC(&out[i].ExpiresAt, &out[i].RotatedAt, &out[i].RevokedAt, &out[i].LastUsedAt)
		out[i].CreatedAt = out[i].CreatedAt.UTC()
	}
	return out, nil
}

var errClientNotFound = &Error{Kind: KindNotFound, Code: "client_not_found", Message: "没有这个接入系统（或已吊销）"}

// activeClient finds a client that is not revoked, by id or (id 0) by name.
func activeClient(ctx context.Context, tx *sqlx.Tx, id int64, name string) (int64, error) {
	var got int64
	err := tx.GetContext(ctx, &got, tx.Rebind(`SELECT id FROM api_clients
		WHERE revoked_at IS NULL AND (id = ? OR (? = 0 AND name = ?))`), id, id, name)
	if isNoRows(err) {
		return 0, errClientNotFound
	}
	return got, err
}

// RevokeClient ends a client's token at once; by id, or by name with id 0.
func (s *Service) RevokeClient(ctx context.Context, a Actor, id int64, name string) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		id, err := activeClient(ctx, tx, id, name)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE api_clients SET revoked_at = ? WHERE id = ?`), s.now().UTC(), id)
		return err
	})
}

// RotateClient gives a client a new token and ends the old one; the new
// token is answered once.
func (s *Service) RotateClient(ctx context.Context, a Actor, id int64) (*Client, error) {
	if err := adminOnly(a); err != nil {
		return nil, err
	}
	token, hash, err := newClientToken()
	if err != nil {
		return nil, err
	}
	err = s.store.write(ctx, func(tx *sqlx.Tx) error {
		if _, err := activeClient(ctx, tx, id, ""); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE api_clients SET token_hash = ?, rotated_at = ? WHERE id = ?`), hash, s.now().UTC(), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	list, err := s.Clients(ctx, a)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(list, func(c Client) bool { return c.ID == id })
	c := list[i]
	c.Token = token
	return &c, nil
}

// lastUseEvery is how stale a client's last use may be before a request
// records it again: once a minute, not a write per request.
const lastUseEvery = time.Minute

// actorForClientToken answers the client a token belongs to, if it is
// neither revoked nor expired.
func (s *Service) actorForClientToken(ctx context.Context, token string) (Actor, error) {
	now := s.now().UTC()
	var row struct {
		ID       int64      `db:"id"`
		Name     string     `db:"name"`
		UserID   int64      `db:"user_id"`
		Username string     `db:"username"`
		Scopes   string     `db:"scopes"`
		LastUsed *time.Time `db:"last_used_at"`
	}
	err := s.store.r.GetContext(ctx, &row, s.store.r.Rebind(`
		SELECT k.id, k.name, k.user_id, u.username, k.scopes, k.last_used_at
		FROM api_clients k JOIN users u ON u.id = k.user_id
		WHERE k.token_hash = ? AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)`),
		hashToken(token), now)
	if isNoRows(err) {
		return Actor{}, ErrTokenInvalid
	}
	if err != nil {
		return Actor{}, fmt.Errorf("store: unable to check token: %w", err)
	}
	if row.LastUsed == nil || now.Sub(*row.LastUsed) >= lastUseEvery {
		// A note for the admins, not a condition of the call: a full disk
		// must not turn the client's reads away.
		if err := s.store.write(ctx, func(tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE api_clients SET last_used_at = ? WHERE id = ?`), now, row.ID)
			return err
		}); err != nil {
			slog.WarnContext(ctx, "client's last use not recorded", "client", row.Name, "err", err)
		}
	}
	return Actor{UserID: row.UserID, Username: row.Username, Name: row.Name, Role: RoleIntake,
		Scopes: strings.Fields(row.Scopes)}, nil
}

// RefreshToken swaps a person's valid token for a new one with a full
// lifetime; the old one stops working in the same transaction.
func (s *Service) RefreshToken(ctx context.Context, a Actor, old string) (string, time.Time, error) {
	if a.IsClient() {
		return "", time.Time{}, errClientsNotAllowed
	}
	return s.issueToken(ctx, a, old)
}

// RevokeToken ends one of a person's API tokens (logout); a client's
// token is revoked by an admin (RevokeClient).
func (s *Service) RevokeToken(ctx context.Context, a Actor, token string) error {
	if a.IsClient() {
		return errClientsNotAllowed
	}
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM auth_tokens WHERE token_hash = ?`), hashToken(token))
		return err
	})
}
