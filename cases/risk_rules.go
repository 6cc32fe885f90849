package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
)

// The rules that suggest a risk level and what each level requires, as
// data (migration 00033 seeds them; an admin edits them).

// Kinds of a risk rule.
const (
	RiskRulePeople  = "people"  // people involved ≥ threshold
	RiskRuleAmount  = "amount"  // amount involved ≥ threshold (元)
	RiskRuleWords   = "words"   // any of the words in the case's texts
	RiskRuleHistory = "history" // ≥ threshold earlier petitions or group cases of the same persons
)

// RiskRuleKinds lists the kinds, in the order the admin page offers them.
var RiskRuleKinds = []string{RiskRulePeople, RiskRuleAmount, RiskRuleWords, RiskRuleHistory}

// RiskRuleKindLabel names a kind in Chinese.
func RiskRuleKindLabel(kind string) string {
	return map[string]string{RiskRulePeople: "涉及人数", RiskRuleAmount: "涉及金额",
		RiskRuleWords: "关键词", RiskRuleHistory: "既往信访或群体性纠纷"}[kind]
}

// RiskRule is one rule: when it fires it suggests Level.
type RiskRule struct {
	ID        int64   `db:"id" json:"id"`
	Kind      string  `db:"kind" json:"kind"`
	Label     string  `db:"label" json:"label"`
	Threshold float64 `db:"threshold" json:"threshold"`
	Words     string  `db:"words" json:"words"` // 、-separated
	Level     string  `db:"level" json:"level"`
	Active    bool    `db:"active" json:"active"`
	Order     int     `db:"sort_order" json:"sort_order"`
}

// WordList is the rule's words, split at 、 , ， and spaces.
func (r RiskRule) WordList() []string {
	return strings.FieldsFunc(r.Words, func(c rune) bool {
		return c == '、' || c == ',' || c == '，' || c == ' ' || c == '\n'
	})
}

// RiskLevel is what a level requires: the roles a 包案 leader may have
// (none: no lead needed) and the days between re-assessments (0: none).
type RiskLevel struct {
	Level      string `json:"level"`
	Label      string `json:"label"`
	LeadRoles  []Role `json:"lead_roles"`
	ReviewDays int    `json:"review_days"`
}

func riskLevels(ctx context.Context, q querier) ([]RiskLevel, error) {
	var rows []struct {
		Level      string `db:"level"`
		Label      string `db:"label"`
		LeadRoles  string `db:"lead_roles"`
		ReviewDays int    `db:"review_days"`
	}
	if err := q.SelectContext(ctx, &rows,
		`SELECT level, label, lead_roles, review_days FROM risk_levels ORDER BY severity DESC`); err != nil {
		return nil, fmt.Errorf("store: unable to fetch risk levels: %w", err)
	}
	out := make([]RiskLevel, 0, len(rows))
	for _, r := range rows {
		l := RiskLevel{Level: r.Level, Label: r.Label, ReviewDays: r.ReviewDays, LeadRoles: []Role{}}
		for _, role := range strings.Split(r.LeadRoles, ",") {
			if role = strings.TrimSpace(role); role != "" {
				l.LeadRoles = append(l.LeadRoles, Role(role))
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// levelOf is level's requirements; a zero value (none) for "" or unknown.
func levelOf(levels []RiskLevel, level string) RiskLevel {
	for _, l := range levels {
		if l.Level == level {
			return l
		}
	}
	return RiskLevel{}
}

func riskRules(ctx context.Context, q querier, activeOnly bool) ([]RiskRule, error) {
	query := `SELECT id, kind, label, threshold, words, level, active, sort_order FROM risk_rules`
	if activeOnly {
		query += ` WHERE active = TRUE`
	}
	rules := []RiskRule{}
	if err := q.SelectContext(ctx, &rules, query+` ORDER BY sort_order, id`); err != nil {
		return nil, fmt.Errorf("store: unable to fetch risk rules: %w", err)
	}
	return rules, nil
}

// RiskSettings are the rules and the levels' requirements.
type RiskSettings struct {
	Rules  []RiskRule  `json:"rules"`
	Levels []RiskLevel `json:"levels"`
}

// RiskSettings answers the rules and levels: admins edit them, leaders
// read them (the case page says why a level is suggested).
func (s *Service) RiskSettings(ctx context.Context, a Actor) (*RiskSettings, error) {
	if Authorize(a, EditRiskRules) != nil && Authorize(a, AssessRisk) != nil {
		return nil, forbidden("只有管理员和领导可以查看风险研判规则")
	}
	rules, err := riskRules(ctx, s.store.r, false)
	if err != nil {
		return nil, err
	}
	levels, err := riskLevels(ctx, s.store.r)
	if err != nil {
		return nil, err
	}
	return &RiskSettings{Rules: rules, Levels: levels}, nil
}

// SaveRiskRule adds a rule (ID 0) or changes one; it applies to every
// suggestion from now on (suggestions are computed on read).
func (s *Service) SaveRiskRule(ctx context.Context, a Actor, r RiskRule) (*RiskRule, error) {
	if err := Authorize(a, EditRiskRules); err != nil {
		return nil, err
	}
	r.Label, r.Words = strings.TrimSpace(r.Label), strings.TrimSpace(r.Words)
	if !slices.Contains(RiskRuleKinds, r.Kind) {
		return nil, invalid("kind", "unknown_kind", "规则类型只能是 people、amount、words 或 history")
	}
	if err := RequiredText("label", r.Label, 100, "规则名称"); err != nil {
		return nil, err
	}
	if !slices.Contains(RiskLevelNames, r.Level) {
		return nil, invalid("level", "unknown_level", "风险等级只能是 red、orange、yellow 或 green")
	}
	if r.Kind == RiskRuleWords {
		if err := RequiredText("words", r.Words, 1000, "关键词"); err != nil {
			return nil, err
		}
	} else if r.Threshold <= 0 || r.Threshold > 1e12 {
		return nil, invalid("threshold", "threshold_out_of_range", "门槛应为正数")
	}
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		if r.ID == 0 {
			return tx.GetContext(ctx, &r.ID, tx.Rebind(`
				INSERT INTO risk_rules (kind, label, threshold, words, level, active, sort_order)
				VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), r.Kind, r.Label, r.Threshold, r.Words, r.Level, r.Active, r.Order)
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(`
			UPDATE risk_rules SET kind = ?, label = ?, threshold = ?, words = ?, level = ?, active = ?, sort_order = ?
			WHERE id = ?`), r.Kind, r.Label, r.Threshold, r.Words, r.Level, r.Active, r.Order, r.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &Error{Kind: KindNotFound, Code: "rule_not_found", Message: "没有这条规则"}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}
