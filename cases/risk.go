package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Risk levels (风险等级, 红橙黄绿) of a dispute, who answers for it (包案), and
// the rules that suggest a level (migration 00033). The rules and what each
// level requires are data an admin edits (risk_rules.go); a leader
// confirms or changes the suggestion, and each change is one event.
//
// The suggestion is computed when a case is read, not stored: it always
// follows the case's current texts and people and the rules as they are
// now (an admin's edit needs no recomputation of stored suggestions), and
// it costs a few indexed queries on a single case's read, which lists and
// statistics never pay: they read the confirmed level only.

// Risk levels, gravest first.
const (
	RiskRed    = "red"
	RiskOrange = "orange"
	RiskYellow = "yellow"
	RiskGreen  = "green"
)

// RiskLevelNames lists the levels, gravest first.
var RiskLevelNames = []string{RiskRed, RiskOrange, RiskYellow, RiskGreen}

// GroupCaseMinPeople is how many people involved make a case a group case
// (群体性纠纷): the statistics, the leader's view and the history rule
// count by it.
const GroupCaseMinPeople = 5

// PetitionDesk is the 信访 desk: earlier cases of the same people there
// are earlier petitions.
const PetitionDesk = "petition"

// DeadlineRiskReview is the re-assessment date a level above green runs.
const DeadlineRiskReview = "risk_review"

// Events of risk.
const (
	EventRiskAssessed = "risk_assessed" // a level confirmed or changed
	EventLeadAssigned = "lead_assigned" // 包案 leader named
)

// Risk is a case's risk as staff see it.
type Risk struct {
	Level      string         `json:"level"` // "" when never assessed
	Reason     string         `json:"reason"`
	Suggested  RiskSuggestion `json:"suggested"`
	Lead       *RiskLead      `json:"lead"`
	AssessedAt *time.Time     `json:"assessed_at"`
	// LeadMissing: the level needs a 包案 leader of a rank the case's lead
	// (if any) does not have.
	LeadMissing bool `json:"lead_missing"`
	peak        string
}

// RiskSuggestion is what the rules suggest: the gravest level any rule
// reaches ("" when none fires) and every rule that fired.
type RiskSuggestion struct {
	Level   string   `json:"level"`
	Reasons []string `json:"reasons"`
}

// RiskLead is a case's 包案 leader.
type RiskLead struct {
	Username string `json:"username" db:"username"`
	Name     string `json:"name" db:"display_name"`
	Role     Role   `json:"-" db:"role"`
}

// RiskLabel is a level in Chinese (红色…), "未评估" for none.
func RiskLabel(level string) string {
	switch level {
	case RiskRed:
		return "红色"
	case RiskOrange:
		return "橙色"
	case RiskYellow:
		return "黄色"
	case RiskGreen:
		return "绿色"
	}
	return "未评估"
}

// riskSeverity orders levels: red 4 … green 1, none 0.
func riskSeverity(level string) int {
	if i := slices.Index(RiskLevelNames, level); i >= 0 {
		return len(RiskLevelNames) - i
	}
	return 0
}

type riskRow struct {
	Level      string         `db:"level"`
	Reason     string         `db:"reason"`
	Peak       string         `db:"peak"`
	AssessedAt sql.NullTime   `db:"assessed_at"`
	Username   sql.NullString `db:"username"`
	Name       sql.NullString `db:"display_name"`
	Role       sql.NullString `db:"role"`
}

// findRisk reads c's risk and computes the rules' suggestion.
func findRisk(ctx context.Context, q querier, c *Case) (*Risk, error) {
	r := &Risk{Suggested: RiskSuggestion{Reasons: []string{}}}
	var row riskRow
	err := q.GetContext(ctx, &row, q.Rebind(`
		SELECT r.level, r.reason, r.peak, r.assessed_at, u.username, u.display_name, u.role
		FROM case_risk r LEFT JOIN users u ON u.id = r.lead_user_id WHERE r.case_id = ?`), c.ID)
	switch {
	case isNoRows(err):
	case err != nil:
		return nil, fmt.Errorf("store: unable to fetch risk: %w", err)
	default:
		r.Level, r.Reason, r.peak = row.Level, row.Reason, row.Peak
		if row.AssessedAt.Valid {
			t := row.AssessedAt.Time.UTC()
			r.AssessedAt = &t
		}
		if row.Username.Valid {
			r.Lead = &RiskLead{Username: row.Username.String, Name: row.Name.String, Role: Role(row.Role.String)}
		}
	}
	levels, err := riskLevels(ctx, q)
	if err != nil {
		return nil, err
	}
	r.LeadMissing = leadMissing(levels, r.Level, r.Lead)
	rules, err := riskRules(ctx, q, true)
	if err != nil {
		return nil, err
	}
	if r.Suggested, err = suggestRisk(ctx, q, c, rules); err != nil {
		return nil, err
	}
	return r, nil
}

// leadMissing: level needs a lead of a rank lead does not have.
func leadMissing(levels []RiskLevel, level string, lead *RiskLead) bool {
	for _, l := range levels {
		if l.Level == level && len(l.LeadRoles) > 0 {
			return lead == nil || !slices.Contains(l.LeadRoles, lead.Role)
		}
	}
	return false
}

// riskTexts are the case's texts the word rules read: its title, summary
// and claims, and what staff see on its timeline (notes, visits, the
// citizen's messages), but not what risk wrote itself (a reason quoting
// 堵路 must not feed the suggestion it answers) nor the sweep's warnings.
func riskTexts(ctx context.Context, q querier, c *Case) (string, error) {
	var bodies []string
	if err := q.SelectContext(ctx, &bodies, q.Rebind(`
		SELECT body FROM events WHERE case_id = ? AND body <> '' AND kind NOT IN (?, ?, ?) ORDER BY seq`),
		c.ID, EventRiskAssessed, EventLeadAssigned, EventWarning); err != nil {
		return "", fmt.Errorf("store: unable to read case texts: %w", err)
	}
	return strings.Join(append([]string{c.Title, c.Summary, c.Claims}, bodies...), "\n"), nil
}

// earlierPetitions counts the other cases in which a person of c is a
// party that went to the petition desk or involved a group.
func earlierPetitions(ctx context.Context, q querier, c *Case) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`
		SELECT COUNT(DISTINCT o.id) FROM case_parties mine
		JOIN case_parties theirs ON theirs.person_id = mine.person_id AND theirs.case_id <> mine.case_id
		JOIN cases o ON o.id = theirs.case_id
		WHERE mine.case_id = ? AND o.status NOT IN (?, ?) AND (o.desk = ? OR o.people_count >= ?)`),
		c.ID, StatusDeclined, StatusMerged, PetitionDesk, GroupCaseMinPeople)
	if err != nil {
		return 0, fmt.Errorf("store: unable to count earlier petitions: %w", err)
	}
	return n, nil
}

// suggestRisk runs the active rules over c.
func suggestRisk(ctx context.Context, q querier, c *Case, rules []RiskRule) (RiskSuggestion, error) {
	s := RiskSuggestion{Reasons: []string{}}
	var texts *string
	history := -1
	type firedRule struct{ level, reason string }
	best := map[string]firedRule{}
	var order []string
	for _, rule := range rules {
		fired := ""
		switch rule.Kind {
		case RiskRulePeople:
			if float64(c.PeopleCount) >= rule.Threshold {
				fired = fmt.Sprintf("%s（%d人）", rule.Label, c.PeopleCount)
			}
		case RiskRuleAmount:
			if c.Amount != nil && *c.Amount >= rule.Threshold {
				fired = fmt.Sprintf("%s（%.2f元）", rule.Label, *c.Amount)
			}
		case RiskRuleWords:
			if texts == nil {
				t, err := riskTexts(ctx, q, c)
				if err != nil {
					return s, err
				}
				texts = &t
			}
			var found []string
			for _, w := range rule.WordList() {
				if strings.Contains(*texts, w) {
					found = append(found, w)
				}
			}
			if len(found) > 0 {
				fired = rule.Label + "（“" + strings.Join(found, "”“") + "”）"
			}
		case RiskRuleHistory:
			if history < 0 {
				n, err := earlierPetitions(ctx, q, c)
				if err != nil {
					return s, err
				}
				history = n
			}
			if history > 0 && float64(history) >= rule.Threshold {
				fired = fmt.Sprintf("%s（%d件）", rule.Label, history)
			}
		}
		if fired == "" {
			continue
		}
		// Of a ladder (30 people orange, 10 people yellow) only the
		// gravest step that fired is a reason; each word list is its own.
		key := rule.Kind
		if rule.Kind == RiskRuleWords {
			key += fmt.Sprint(rule.ID)
		}
		if prev, ok := best[key]; ok && riskSeverity(prev.level) >= riskSeverity(rule.Level) {
			continue
		}
		if _, ok := best[key]; !ok {
			order = append(order, key)
		}
		best[key] = firedRule{rule.Level, RiskLabel(rule.Level) + "：" + fired}
		if riskSeverity(rule.Level) > riskSeverity(s.Level) {
			s.Level = rule.Level
		}
	}
	for _, k := range order {
		s.Reasons = append(s.Reasons, best[k].reason)
	}
	return s, nil
}

// RiskInput confirms or changes a case's level.
type RiskInput struct {
	Level   string `json:"level"`
	Reason  string `json:"reason"`
	Version *int64 `json:"version,omitempty"`
}

// LeadInput names a case's 包案 leader.
type LeadInput struct {
	Username string `json:"username"`
	Version  *int64 `json:"version,omitempty"`
}

func mustBeOpenForRisk(c *Case) error {
	if !slices.Contains(openStatuses, c.Status) {
		return conflict("invalid_transition", fmt.Sprintf("案件当前状态为“%s”，不能评定风险等级或包案", StatusLabel(c.Status)))
	}
	return nil
}

// AssessRisk sets a case's level with a reason, restarts its
// re-assessment date, and appends one risk_assessed event.
func (s *Service) AssessRisk(ctx context.Context, a Actor, number string, in RiskInput) (*Case, error) {
	if err := Authorize(a, AssessRisk); err != nil {
		return nil, err
	}
	if !slices.Contains(RiskLevelNames, in.Level) {
		return nil, invalid("level", "unknown_level", "风险等级只能是 red（红）、orange（橙）、yellow（黄）或 green（绿）")
	}
	if err := RequiredText("reason", in.Reason, MaxReason, "评定理由"); err != nil {
		return nil, err
	}
	return s.ChangeCase(ctx, a, number, in.Version, func(ctx context.Context, x *CaseTx) (*CaseChange, error) {
		if err := mustBeOpenForRisk(x.Case); err != nil {
			return nil, err
		}
		before, err := findRisk(ctx, x.Tx, x.Case)
		if err != nil {
			return nil, err
		}
		levels, err := riskLevels(ctx, x.Tx)
		if err != nil {
			return nil, err
		}
		peak := before.peak
		if riskSeverity(in.Level) > riskSeverity(peak) {
			peak = in.Level
		}
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
			INSERT INTO case_risk (case_id, level, reason, peak, assessed_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (case_id) DO UPDATE SET level = excluded.level, reason = excluded.reason,
				peak = excluded.peak, assessed_at = excluded.assessed_at`),
			x.Case.ID, in.Level, in.Reason, peak, x.Now); err != nil {
			return nil, fmt.Errorf("store: unable to save risk: %w", err)
		}
		body := "风险等级评定为" + RiskLabel(in.Level) + "：" + in.Reason
		if before.Level != "" && before.Level != in.Level {
			body = "风险等级由" + RiskLabel(before.Level) + "调整为" + RiskLabel(in.Level) + "：" + in.Reason
		}
		ch := &CaseChange{Kind: EventRiskAssessed, Body: body, Reread: true,
			Data: map[string]any{"level": in.Level, "from": before.Level, "suggested": before.Suggested.Level,
				"rules": before.Suggested.Reasons}}
		ch.Deadline = &DeadlineChange{Kind: DeadlineRiskReview, End: true}
		if days := levelOf(levels, in.Level).ReviewDays; days > 0 {
			due := x.Now.In(ChinaZone).AddDate(0, 0, days).Format(time.DateOnly)
			ch.Deadline = &DeadlineChange{Kind: DeadlineRiskReview, Label: RiskLabel(in.Level) + "风险等级重新评估",
				Basis: fmt.Sprintf("%s等级每%d日重新评估", RiskLabel(in.Level), days), Start: x.Now, DueOn: due}
		}
		return ch, nil
	})
}

// AssignLead names the user who answers for the case (包案): a user of a
// role the case's level requires.
func (s *Service) AssignLead(ctx context.Context, a Actor, number string, in LeadInput) (*Case, error) {
	if err := Authorize(a, AssessRisk); err != nil {
		return nil, err
	}
	if err := RequiredText("username", in.Username, 100, "包案领导的用户名"); err != nil {
		return nil, err
	}
	return s.ChangeCase(ctx, a, number, in.Version, func(ctx context.Context, x *CaseTx) (*CaseChange, error) {
		if err := mustBeOpenForRisk(x.Case); err != nil {
			return nil, err
		}
		var lead struct {
			ID int64 `db:"id"`
			RiskLead
		}
		err := x.Tx.GetContext(ctx, &lead, x.Tx.Rebind(`
			SELECT id, username, display_name, role FROM users
			WHERE username = ? AND disabled = FALSE AND id NOT IN (SELECT user_id FROM api_clients)`), in.Username)
		if isNoRows(err) {
			return nil, invalid("username", "unknown_user", "没有这个用户（或已停用）")
		}
		if err != nil {
			return nil, fmt.Errorf("store: unable to fetch user: %w", err)
		}
		var level string
		if err := x.Tx.GetContext(ctx, &level, x.Tx.Rebind(`SELECT level FROM case_risk WHERE case_id = ?`), x.Case.ID); err != nil && !isNoRows(err) {
			return nil, fmt.Errorf("store: unable to fetch risk: %w", err)
		}
		levels, err := riskLevels(ctx, x.Tx)
		if err != nil {
			return nil, err
		}
		l := levelOf(levels, level)
		if len(l.LeadRoles) == 0 {
			return nil, conflict("lead_not_needed", "案件的风险等级（"+RiskLabel(level)+"）不需要包案，请先评定风险等级")
		}
		if !slices.Contains(l.LeadRoles, lead.Role) {
			return nil, invalid("username", "lead_rank", RiskLabel(level)+"等级须由"+roleNames(l.LeadRoles)+"包案，"+lead.Name+"不符合")
		}
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`UPDATE case_risk SET lead_user_id = ? WHERE case_id = ?`), lead.ID, x.Case.ID); err != nil {
			return nil, fmt.Errorf("store: unable to save lead: %w", err)
		}
		return &CaseChange{Kind: EventLeadAssigned, Body: lead.Name + "包案（" + RiskLabel(level) + "）", Reread: true,
			Data: map[string]string{"username": lead.Username, "name": lead.Name, "level": level}}, nil
	})
}

// roleNames says roles in Chinese, 、-separated.
func roleNames(roles []Role) string {
	names := map[Role]string{RoleLeader: "领导", RoleHandler: "窗口工作人员", RoleIntake: "受理员"}
	var out []string
	for _, r := range roles {
		out = append(out, cmpOr(names[r], string(r)))
	}
	return strings.Join(out, "或")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// turnGreen: a case closing with a level above green turns green (转绿):
// its level becomes green, its re-assessment date ends, and the closing
// event records the level it had (history keeps every level).
const turnedGreenReason = "案件办结，转绿"

func turnGreen(ctx context.Context, tx *sqlx.Tx, c *Case, e *Event, now time.Time) error {
	if e.Kind != EventClose {
		return nil
	}
	var level string
	err := tx.GetContext(ctx, &level, tx.Rebind(`SELECT level FROM case_risk WHERE case_id = ?`), c.ID)
	if isNoRows(err) || (err == nil && (level == "" || level == RiskGreen)) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: unable to fetch risk: %w", err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE case_risk SET level = ?, reason = ?, assessed_at = ? WHERE case_id = ?`),
		RiskGreen, turnedGreenReason, now, c.ID); err != nil {
		return fmt.Errorf("store: unable to turn green: %w", err)
	}
	if d := c.openDeadline(DeadlineRiskReview); d != nil {
		d.end(now)
		c.syncDeadlines()
	}
	if c.Risk != nil {
		r := *c.Risk // shared with the case as it was before
		r.Level, r.Reason, r.LeadMissing, r.AssessedAt = RiskGreen, turnedGreenReason, false, &now
		c.Risk = &r
	}
	data := map[string]any{}
	if len(e.Data) > 0 {
		if err := json.Unmarshal(e.Data, &data); err != nil {
			return fmt.Errorf("cases: close event data: %w", err)
		}
	}
	data["risk_from"] = level
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("cases: close event data: %w", err)
	}
	e.Data = raw
	return nil
}

// LeadCandidates are the enabled users of a role the case's current level
// requires of its 包案 leader, for the lead form; none when it needs none.
func (s *Service) LeadCandidates(ctx context.Context, a Actor, c *Case) ([]RiskLead, error) {
	if err := Authorize(a, AssessRisk); err != nil || c.Risk == nil {
		return nil, nil
	}
	levels, err := riskLevels(ctx, s.store.r)
	if err != nil {
		return nil, err
	}
	roles := levelOf(levels, c.Risk.Level).LeadRoles
	if len(roles) == 0 {
		return nil, nil
	}
	q, args, err := sqlx.In(`SELECT username, display_name, role FROM users
		WHERE role IN (?) AND disabled = FALSE AND id NOT IN (SELECT user_id FROM api_clients) ORDER BY role DESC, username`, roles)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list users: %w", err)
	}
	var out []RiskLead
	if err := s.store.r.SelectContext(ctx, &out, s.store.r.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: unable to list users: %w", err)
	}
	return out, nil
}
