package cases

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"
)

// Account, desk and category administration (管理), admins only, each
// change in one transaction.

// UserInfo is a staff account as the admin page lists it.
type UserInfo struct {
	ID       int64  `db:"id" json:"id"`
	Username string `db:"username" json:"username"`
	Name     string `db:"display_name" json:"name"`
	Role     Role   `db:"role" json:"role"`
	Desk     string `db:"desk" json:"desk"`
	Disabled bool   `db:"disabled" json:"disabled"`
}

// UserUpdate changes an account; empty fields stay as they are, except
// Desk, which is set with Role.
type UserUpdate struct {
	Role     Role
	Desk     string
	Password string
	Disabled *bool
}

func adminOnly(a Actor) error {
	if !adminRole(a) {
		return forbidden("只有管理员可以管理用户、窗口和类别")
	}
	return nil
}

// Users lists every staff account (not the machine clients' own accounts).
func (s *Service) Users(ctx context.Context, a Actor) ([]UserInfo, error) {
	if err := adminOnly(a); err != nil {
		return nil, err
	}
	var out []UserInfo
	err := s.store.r.SelectContext(ctx, &out, `SELECT id, username, display_name, role, COALESCE(desk, '') AS desk, disabled
		FROM users WHERE id NOT IN (SELECT user_id FROM api_clients) ORDER BY disabled, role, username`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list users: %w", err)
	}
	return out, nil
}

// UpdateUser changes role and desk, resets the password, or disables an
// account; each of these ends the account's API tokens and browser
// sessions in the same transaction.
func (s *Service) UpdateUser(ctx context.Context, a Actor, id int64, u UserUpdate) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	if u.Role != "" {
		if !u.Role.Valid() {
			return invalid("role", "unknown_role", "角色只能是 admin、intake、handler 或 leader")
		}
		desks, err := s.Desks(ctx)
		if err != nil {
			return err
		}
		switch {
		case u.Role == RoleHandler && u.Desk == "":
			return invalid("desk", "required", "窗口工作人员必须指定所属窗口")
		case u.Role != RoleHandler && u.Desk != "":
			return invalid("desk", "desk_not_allowed", "只有窗口工作人员属于某个窗口")
		case u.Desk != "":
			if _, ok := deskLookup(desks)(u.Desk); !ok {
				return invalid("desk", "unknown_desk", fmt.Sprintf("没有代码为“%s”的窗口", u.Desk))
			}
		}
	}
	var hash []byte
	if u.Password != "" {
		if utf8.RuneCountInString(u.Password) < MinPasswordLen || len(u.Password) > 72 {
			return invalid("password", "weak_password", fmt.Sprintf("密码至少%d位（最长72字节）", MinPasswordLen))
		}
		var err error
		if hash, err = bcrypt.GenerateFromPassword([]byte(u.Password), PasswordCost); err != nil {
			return fmt.Errorf("users: unable to hash password: %w", err)
		}
	}
	if id == a.UserID && u.Disabled != nil && *u.Disabled {
		return invalid("disabled", "self_disable", "不能停用自己的账号")
	}
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM users WHERE id = ?`), id); err != nil {
			return err
		}
		if n == 0 {
			return &Error{Kind: KindNotFound, Code: "user_not_found", Message: "没有这个用户"}
		}
		if u.Role != "" {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE users SET role = ?, desk = ? WHERE id = ?`), u.Role, nullString(u.Desk), id); err != nil {
				return err
			}
		}
		if hash != nil {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE users SET password_hash = ? WHERE id = ?`), string(hash), id); err != nil {
				return err
			}
		}
		if u.Disabled != nil {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE users SET disabled = ? WHERE id = ?`), *u.Disabled, id); err != nil {
				return err
			}
		}
		// A reset password or a new role must not leave the old sign-ins
		// working: whoever held them signs in again, as the account is now.
		if u.Role != "" || hash != nil || (u.Disabled != nil && *u.Disabled) {
			return endSignIns(ctx, tx, id)
		}
		return nil
	})
}

// SaveDesk renames, activates or deactivates an existing desk.
func (s *Service) SaveDesk(ctx context.Context, a Actor, code, name string, active bool) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	return s.saveNamed(ctx, deskList, code, name, active)
}

// AddCategory adds a kind of dispute.
func (s *Service) AddCategory(ctx context.Context, a Actor, code, name string) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	if !validCode(code) {
		return invalid("code", "invalid_code", "类别代码应为2-32位小写英文字母、数字或下划线，以字母开头")
	}
	if err := RequiredText("name", name, 30, "类别名称"); err != nil {
		return err
	}
	return s.addNamed(ctx, categoryList, code,
		`INSERT INTO categories (code, name, sort_order, active) VALUES (?, ?, 100, TRUE)`, code, name)
}

// SaveCategory renames, activates or deactivates a category.
func (s *Service) SaveCategory(ctx context.Context, a Actor, code, name string, active bool) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	return s.saveNamed(ctx, categoryList, code, name, active)
}

// namedList is an admin-kept list of coded, named rows that the Service
// caches: the desks and the categories of dispute.
type namedList struct {
	table string // desks, categories
	noun  string // 窗口, 类别: in the messages
	taken string // the error code of a code already in use
	cache func(s *Service) droppable
}

// droppable is a cache that this process's edits make stale.
type droppable interface{ drop() }

var (
	deskList     = namedList{"desks", "窗口", "desk_exists", func(s *Service) droppable { return &s.desks }}
	categoryList = namedList{"categories", "类别", "category_exists", func(s *Service) droppable { return &s.cats }}
)

// addNamed inserts a row into l with insert, refusing a code already in use.
func (s *Service) addNamed(ctx context.Context, l namedList, code, insert string, args ...any) error {
	defer l.cache(s).drop()
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM `+l.table+` WHERE code = ?`), code); err != nil {
			return err
		}
		if n > 0 {
			return &Error{Kind: KindConflict, Code: l.taken, Message: "该" + l.noun + "代码已存在", Field: "code"}
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(insert), args...)
		return err
	})
}

// saveNamed renames, activates or deactivates a row of l.
func (s *Service) saveNamed(ctx context.Context, l namedList, code, name string, active bool) error {
	if err := RequiredText("name", name, 30, l.noun+"名称"); err != nil {
		return err
	}
	defer l.cache(s).drop()
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE `+l.table+` SET name = ?, active = ? WHERE code = ?`), name, active, code)
		if err != nil {
			return fmt.Errorf("store: unable to save %s: %w", l.table, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &Error{Kind: KindNotFound, Code: "not_found", Message: "没有这个" + l.noun}
		}
		return nil
	})
}
