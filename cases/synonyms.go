package cases

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// SynonymGroups answers the search synonym groups (欠薪 = 拖欠工资 = …).
func (s *Service) SynonymGroups(ctx context.Context) ([][]string, error) {
	var rows []string
	if err := s.store.r.SelectContext(ctx, &rows, `SELECT terms FROM synonym_groups ORDER BY id`); err != nil {
		return nil, fmt.Errorf("store: unable to fetch synonyms: %w", err)
	}
	groups := make([][]string, 0, len(rows))
	for _, r := range rows {
		groups = append(groups, strings.Fields(r))
	}
	return groups, nil
}

// Limits for synonym groups.
const (
	MaxSynonymGroups = 500
	MaxSynonymTerm   = 20
)

// SetSynonymGroups replaces every group at once (admins edit the list as a
// whole); groups of fewer than two distinct terms are dropped.
func (s *Service) SetSynonymGroups(ctx context.Context, a Actor, groups [][]string) ([][]string, error) {
	if !adminRole(a) {
		return nil, forbidden("只有管理员可以修改同义词")
	}
	if len(groups) > MaxSynonymGroups {
		return nil, invalid("groups", "too_many", fmt.Sprintf("同义词最多%d组", MaxSynonymGroups))
	}
	var clean [][]string
	for i, g := range groups {
		seen := map[string]bool{}
		var terms []string
		for _, t := range g {
			t = strings.TrimSpace(t)
			if t == "" || seen[t] {
				continue
			}
			if strings.ContainsAny(t, " \t\n") || utf8.RuneCountInString(t) > MaxSynonymTerm || strings.ContainsFunc(t, isControl) {
				return nil, invalid(fmt.Sprintf("groups[%d]", i), "invalid_term",
					fmt.Sprintf("同义词“%s”无效：不能含空格，最长%d字", t, MaxSynonymTerm))
			}
			seen[t] = true
			terms = append(terms, t)
		}
		if len(terms) >= 2 {
			clean = append(clean, terms)
		}
	}
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM synonym_groups`); err != nil {
			return err
		}
		for _, g := range clean {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO synonym_groups (terms) VALUES (?)`), strings.Join(g, " ")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: unable to save synonyms: %w", err)
	}
	if clean == nil {
		clean = [][]string{}
	}
	return clean, nil
}
