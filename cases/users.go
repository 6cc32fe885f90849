package cases

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"
)

// UserInput creates a staff account.
type UserInput struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Role     Role   `json:"role"`
	Desk     string `json:"desk"`
	Name     string `json:"name"`
}

// MinPasswordLen keeps out the worst passwords without a policy zoo.
const MinPasswordLen = 8

// PasswordCost is bcrypt's work factor; tests lower it to keep fast.
var PasswordCost = bcrypt.DefaultCost

// TokenLifetime is how long an API token works: one working day and a bit.
const TokenLifetime = 12 * time.Hour

// CreateUser adds a staff account on an admin's behalf; the first admin is
// created from the command line by SystemActor.
func (s *Service) CreateUser(ctx context.Context, a Actor, in UserInput) (*Actor, error) {
	if !adminRole(a) {
		return nil, forbidden("只有管理员可以新增用户")
	}
	in.Username = strings.TrimSpace(in.Username)
	in.Name = strings.TrimSpace(in.Name)
	if !validUsername(in.Username) {
		return nil, invalid("username", "invalid_username", "用户名应为2-32位英文字母、数字、点、下划线或连字符")
	}
	if utf8.RuneCountInString(in.Password) < MinPasswordLen || len(in.Password) > 72 {
		return nil, invalid("password", "weak_password", fmt.Sprintf("密码至少%d位（最长72字节）", MinPasswordLen))
	}
	if !in.Role.Valid() {
		return nil, invalid("role", "unknown_role", "角色只能是 admin、intake、handler 或 leader")
	}
	if in.Name == "" {
		in.Name = in.Username
	}
	if err := CheckText("name", in.Name, MaxName); err != nil {
		return nil, err
	}
	desks, err := s.Desks(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Role == RoleHandler && in.Desk == "":
		return nil, invalid("desk", "required", "窗口工作人员必须指定所属窗口")
	case in.Role != RoleHandler && in.Desk != "":
		return nil, invalid("desk", "desk_not_allowed", "只有窗口工作人员（handler）属于某个窗口")
	case in.Desk != "":
		if _, ok := deskLookup(desks)(in.Desk); !ok {
			return nil, invalid("desk", "unknown_desk", fmt.Sprintf("没有代码为“%s”的窗口", in.Desk))
		}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), PasswordCost)
	if err != nil {
		return nil, fmt.Errorf("users: unable to hash password: %w", err)
	}
	actor := &Actor{Username: in.Username, Name: in.Name, Role: in.Role, Desk: in.Desk}
	err = s.store.write(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM users WHERE username = ?`), in.Username); err != nil {
			return fmt.Errorf("store: unable to check username: %w", err)
		}
		if n > 0 {
			return &Error{Kind: KindConflict, Code: "username_taken", Message: "该用户名已存在", Field: "username"}
		}
		return tx.GetContext(ctx, &actor.UserID, tx.Rebind(`
			INSERT INTO users (username, display_name, password_hash, role, desk, disabled, created_at)
			VALUES (?, ?, ?, ?, ?, FALSE, ?) RETURNING id`),
			in.Username, in.Name, string(hash), in.Role, nullString(in.Desk), s.now().UTC())
	})
	if err != nil {
		return nil, err
	}
	return actor, nil
}

func validUsername(s string) bool {
	if len(s) < 2 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

type userRow struct {
	ID           int64   `db:"id"`
	Username     string  `db:"username"`
	DisplayName  string  `db:"display_name"`
	PasswordHash string  `db:"password_hash"`
	Role         string  `db:"role"`
	Desk         *string `db:"desk"`
	Disabled     bool    `db:"disabled"`
}

func (u *userRow) actor() Actor {
	a := Actor{UserID: u.ID, Username: u.Username, Name: u.DisplayName, Role: Role(u.Role)}
	if u.Desk != nil {
		a.Desk = *u.Desk
	}
	return a
}

// dummyHash keeps a wrong username as slow as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such user"), bcrypt.DefaultCost)

// Authenticate checks a username and password.
func (s *Service) Authenticate(ctx context.Context, username, password string) (Actor, error) {
	var u userRow
	err := s.store.r.GetContext(ctx, &u, s.store.r.Rebind(
		`SELECT id, username, display_name, password_hash, role, desk, disabled FROM users WHERE username = ?`),
		strings.TrimSpace(username))
	if isNoRows(err) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return Actor{}, ErrBadCredentials
	}
	if err != nil {
		return Actor{}, fmt.Errorf("store: unable to fetch user: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.Disabled {
		return Actor{}, ErrBadCredentials
	}
	return u.actor(), nil
}

// IssueToken creates an API token for a.
func (s *Service) IssueToken(ctx context.Context, a Actor) (string, time.Time, error) {
	return s.issueToken(ctx, a, "")
}

// issueToken creates an API token for a and ends the token old (a refresh)
// in the same transaction.
func (s *Service) issueToken(ctx context.Context, a Actor, old string) (string, time.Time, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, err
	}
	token := "yd_" + base64.RawURLEncoding.EncodeToString(raw)
	now := s.now().UTC()
	expires := now.Add(TokenLifetime)
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		// Expired tokens are swept here rather than by a timer: sign-ins are rare.
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM auth_tokens WHERE expires_at < ? OR token_hash = ?`), now, hashToken(old)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(
			`INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`),
			hashToken(token), a.UserID, now, expires)
		return err
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("store: unable to store token: %w", err)
	}
	return token, expires, nil
}

// ErrTokenInvalid is for a missing, unknown or expired token.
var ErrTokenInvalid = &Error{Kind: KindUnauthorized, Code: "unauthorized", Message: "请先登录（令牌无效或已过期）"}

// ActorForToken answers who holds a token; a disabled account's tokens stop
// working at once.
func (s *Service) ActorForToken(ctx context.Context, token string) (Actor, error) {
	if token == "" {
		return Actor{}, ErrTokenInvalid
	}
	if strings.HasPrefix(token, ClientTokenPrefix) {
		return s.actorForClientToken(ctx, token)
	}
	var u userRow
	err := s.store.r.GetContext(ctx, &u, s.store.r.Rebind(`
		SELECT u.id, u.username, u.display_name, u.password_hash, u.role, u.desk, u.disabled
		FROM auth_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND t.expires_at > ?`), hashToken(token), s.now().UTC())
	if isNoRows(err) || (err == nil && u.Disabled) {
		return Actor{}, ErrTokenInvalid
	}
	if err != nil {
		return Actor{}, fmt.Errorf("store: unable to check token: %w", err)
	}
	return u.actor(), nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// UserCount tells the first start whether an admin still has to be created
// (the disabled import account does not count).
func (s *Service) UserCount(ctx context.Context) (int, error) {
	var n int
	err := s.store.r.GetContext(ctx, &n, `SELECT COUNT(*) FROM users WHERE disabled = FALSE`)
	return n, err
}

// CaseCount tells the demo seeder whether the database is still empty.
func (s *Service) CaseCount(ctx context.Context) (int, error) {
	var n int
	err := s.store.r.GetContext(ctx, &n, `SELECT COUNT(*) FROM cases`)
	return n, err
}
