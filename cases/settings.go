package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
)

// The centre's own settings, admin-edited: its name, address, phone and
// hours (the receipt and the citizen pages print them), and the towns
// (乡镇/街道) a case may name.

// CentreSettings is how the centre names itself to citizens.
type CentreSettings struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Phone   string `json:"phone"`
	Hours   string `json:"hours"`
}

// Length limits of the settings, in characters.
const (
	maxCentreName    = 50
	maxCentreAddress = 100
	maxCentreHours   = 100
)

// Centre answers the centre's settings; unset ones are empty.
func (s *Service) Centre(ctx context.Context) (CentreSettings, error) {
	var rows []struct {
		Key   string `db:"key"`
		Value string `db:"value"`
	}
	if err := s.store.r.SelectContext(ctx, &rows, `SELECT key, value FROM centre_settings`); err != nil {
		return CentreSettings{}, fmt.Errorf("store: unable to read centre settings: %w", err)
	}
	var out CentreSettings
	for _, r := range rows {
		if f := out.field(r.Key); f != nil {
			*f = r.Value
		}
	}
	return out, nil
}

// field is the setting stored under key, or nil for a key of no setting.
func (c *CentreSettings) field(key string) *string {
	switch key {
	case "name":
		return &c.Name
	case "address":
		return &c.Address
	case "phone":
		return &c.Phone
	case "hours":
		return &c.Hours
	}
	return nil
}

// SetCentre replaces the centre's settings (admins), all in one step.
func (s *Service) SetCentre(ctx context.Context, a Actor, in CentreSettings) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	in.Name, in.Address = strings.TrimSpace(in.Name), strings.TrimSpace(in.Address)
	in.Phone, in.Hours = strings.TrimSpace(in.Phone), strings.TrimSpace(in.Hours)
	if err := RequiredText("name", in.Name, maxCentreName, "中心名称"); err != nil {
		return err
	}
	if err := CheckText("address", in.Address, maxCentreAddress); err != nil {
		return err
	}
	if in.Phone != "" && !ValidPhone(in.Phone) {
		return invalid("phone", "invalid_phone", "电话号码有误：手机号11位，座机请带区号（如0573-87654321）")
	}
	if err := CheckText("hours", in.Hours, maxCentreHours); err != nil {
		return err
	}
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		for _, key := range []string{"name", "address", "phone", "hours"} {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`
				INSERT INTO centre_settings (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`), key, *in.field(key)); err != nil {
				return fmt.Errorf("store: unable to save centre settings: %w", err)
			}
		}
		return nil
	})
}

// Towns lists the towns (乡镇/街道) in the admin's order; empty until an
// admin (or the demo) fills it.
func (s *Service) Towns(ctx context.Context) ([]string, error) {
	towns := []string{}
	if err := s.store.r.SelectContext(ctx, &towns, `SELECT name FROM towns ORDER BY sort_order, name`); err != nil {
		return nil, fmt.Errorf("store: unable to list towns: %w", err)
	}
	return towns, nil
}

// AddTown adds a town at the end of the list (admins).
func (s *Service) AddTown(ctx context.Context, a Actor, name string) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if err := RequiredText("town", name, MaxTown, "乡镇（街道）名称"); err != nil {
		return err
	}
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM towns WHERE name = ?`), name); err != nil {
			return fmt.Errorf("store: unable to look up town: %w", err)
		}
		if n > 0 {
			return invalid("town", "town_exists", fmt.Sprintf("乡镇（街道）“%s”已在列表中", name))
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO towns (name, sort_order, created_at)
			VALUES (?, (SELECT COALESCE(MAX(sort_order), 0) + 10 FROM towns), ?)`), name, s.now().UTC())
		if err != nil {
			return fmt.Errorf("store: unable to add town: %w", err)
		}
		return nil
	})
}

// RemoveTown takes a town off the list (admins); cases that name it keep
// their town as written.
func (s *Service) RemoveTown(ctx context.Context, a Actor, name string) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM towns WHERE name = ?`), name)
		if err != nil {
			return fmt.Errorf("store: unable to remove town: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &Error{Kind: KindNotFound, Code: "town_not_found", Message: fmt.Sprintf("列表中没有乡镇（街道）“%s”", name)}
		}
		return nil
	})
}

// CheckTown accepts an empty town, and any town while the list is empty;
// otherwise the town must be on the list.
func (s *Service) CheckTown(ctx context.Context, field, town string) error {
	if town == "" {
		return nil
	}
	if err := CheckText(field, town, MaxTown); err != nil {
		return err
	}
	towns, err := s.Towns(ctx)
	if err != nil {
		return err
	}
	if len(towns) > 0 && !slices.Contains(towns, town) {
		return invalid(field, "unknown_town", fmt.Sprintf("乡镇（街道）“%s”不在本中心的乡镇列表中，请从列表中选择", town))
	}
	return nil
}
