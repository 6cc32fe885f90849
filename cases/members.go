package cases

// Group cases (issue 19): thirty workers owed their wages are one case
// whose applicants are its members. Each member is a party with an own
// claim and period and may be one of the group's representatives; the
// members come in from the sheet the workers' foreman brought
// (members_sheet.go) and the respondents may be placed in the chain of
// those who owe, from the project's owner down to the labour boss.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Chain roles of respondents, in the order the chain runs: who let the
// work, who contracted it as a whole, who took part of it, who supplied
// the labour, and the person behind a company.
const (
	ChainProjectOwner      = "project_owner"
	ChainGeneralContractor = "general_contractor"
	ChainSubcontractor     = "subcontractor"
	ChainLabour            = "labour_subcontractor"
	ChainActualController  = "actual_controller"
)

// ChainRoles are the chain roles in chain order.
var ChainRoles = []string{ChainProjectOwner, ChainGeneralContractor, ChainSubcontractor, ChainLabour, ChainActualController}

var chainRoleLabels = map[string]string{
	ChainProjectOwner: "发包方", ChainGeneralContractor: "总承包", ChainSubcontractor: "分包",
	ChainLabour: "劳务分包", ChainActualController: "实际控制人",
}

// ChainRoleLabel is a chain role as the pages say it.
func ChainRoleLabel(code string) string { return label(chainRoleLabels, code) }

// chainRank is a role's place in the chain; len(ChainRoles) for none.
func chainRank(code string) int {
	if i := slices.Index(ChainRoles, code); i >= 0 {
		return i
	}
	return len(ChainRoles)
}

// checkChainRole: only a respondent owes, so only a respondent has a
// place in the chain.
func checkChainRole(field, role, chain string) error {
	if chain == "" {
		return nil
	}
	if chainRank(chain) == len(ChainRoles) {
		return invalid(field+".chain_role", "unknown_chain_role", fmt.Sprintf("未知的责任链条角色“%s”", chain))
	}
	if role != PartyRespondent {
		return invalid(field+".chain_role", "not_for_role", "只有被申请人可以标注责任链条角色（总承包、分包等）")
	}
	return nil
}

// Chain is the case's respondents that have a chain role, in chain order
// (the page shows who owes whom); intake order breaks ties.
func (c *Case) Chain() []Party {
	var out []Party
	for r := range ChainRoles {
		for _, p := range c.Parties {
			if p.Role == PartyRespondent && chainRank(p.ChainRole) == r {
				out = append(out, p)
			}
		}
	}
	return out
}

// GroupSize is the number of applicants from which a case is a group
// case (and people_count ≥ GroupSize makes one for the statistics).
const GroupSize = 5

// GroupSummary sums up a case's members for its page and the API.
type GroupSummary struct {
	Members         int            `json:"members"`
	Representatives int            `json:"representatives"`
	ClaimedFen      int64          `json:"claimed_fen"`
	Claimed         float64        `json:"claimed"` // yuan
	Warnings        []GroupWarning `json:"warnings"`
}

// GroupWarning is something about the group the desk should notice: it
// refuses nothing.
type GroupWarning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// groupOf sums up the members of a case that has them: more than one
// applicant, or an applicant with a claim or a representative's mark.
func groupOf(c *Case) *GroupSummary {
	g := &GroupSummary{Warnings: []GroupWarning{}}
	detail := false
	for _, p := range c.Parties {
		if p.Role != PartyApplicant {
			continue
		}
		g.Members++
		if p.Representative {
			g.Representatives++
			detail = true
		}
		if p.claimFen != nil {
			g.ClaimedFen += *p.claimFen
			detail = true
		}
		if p.ClaimPeriod != "" {
			detail = true
		}
	}
	if g.Members < 2 && !detail {
		return nil
	}
	g.Claimed = float64(g.ClaimedFen) / 100
	g.Warnings = representativeWarnings(c, g)
	return g
}

// representativeWarnings: 《信访工作条例》 — 多人采用走访形式提出信访事项的，
// 应当推选代表，代表人数不超过5人; 民事诉讼法's 代表人诉讼 and its judicial
// interpretation — 代表人为二至五人. A court's referral is litigation too.
func representativeWarnings(c *Case, g *GroupSummary) []GroupWarning {
	out := []GroupWarning{}
	switch {
	case c.Desk == "petition" && g.Representatives > 5:
		out = append(out, GroupWarning{Code: "too_many_representatives", Message: fmt.Sprintf(
			"信访群体推选了%d名代表：依《信访工作条例》，多人走访提出信访事项的，代表人数不超过5人", g.Representatives)})
	case (c.Desk == "litigation" || c.Source == SourceCourtReferral) && g.Members >= GroupSize &&
		(g.Representatives < 2 || g.Representatives > 5):
		out = append(out, GroupWarning{Code: "representatives_out_of_range", Message: fmt.Sprintf(
			"本案%d名成员推选了%d名代表：依《民事诉讼法》代表人诉讼的规定及其司法解释，代表人为二至五人", g.Members, g.Representatives)})
	}
	return out
}

// MemberAmount reads a yuan amount as a clerk writes it (¥12,000.50元):
// non-negative, at most two decimals; answers fen.
func MemberAmount(s string) (int64, error) {
	s = strings.NewReplacer("¥", "", "￥", "", ",", "", "，", "", "元", "", " ", "").Replace(strings.TrimSpace(s))
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("诉求金额“%s”不是数字", s)
	case v < 0:
		return 0, fmt.Errorf("诉求金额不能为负数")
	case v > 1e12:
		return 0, fmt.Errorf("诉求金额过大")
	}
	fen := math.Round(v * 100)
	if math.Abs(v*100-fen) > 1e-6 {
		return 0, fmt.Errorf("诉求金额最多两位小数（元、角、分）")
	}
	return int64(fen), nil
}

// correctMembership changes what a correction may change of a party's place in a
// group: the claim, its period, the representative's mark and, for a
// respondent, the chain role.
// correctParty has found the party.
func correctMembership(ctx context.Context, x *CaseTx, field string, pc PartyCorrection) ([]CorrectionLine, error) {
	idx := slices.IndexFunc(x.Case.Parties, func(p Party) bool { return p.PartyID == pc.PartyID })
	old := x.Case.Parties[idx]
	if pc.ClaimAmount == nil && pc.ClaimPeriod == nil && pc.Representative == nil && pc.ChainRole == nil {
		return nil, nil
	}
	if old.Role != PartyApplicant && (pc.ClaimAmount != nil || pc.ClaimPeriod != nil || pc.Representative != nil) {
		return nil, invalid(field+".claim_amount", "not_for_role", "只有申请人（群体成员）有诉求金额、期间和代表身份")
	}
	claim, period, rep, chain := old.claimFen, old.ClaimPeriod, old.Representative, old.ChainRole
	if pc.ClaimAmount != nil {
		fen, err := MemberAmount(strconv.FormatFloat(*pc.ClaimAmount, 'f', -1, 64))
		if err != nil {
			return nil, invalid(field+".claim_amount", "invalid_amount", err.Error())
		}
		claim = &fen
	}
	if pc.ClaimPeriod != nil {
		period = strings.TrimSpace(*pc.ClaimPeriod)
		if err := CheckText(field+".claim_period", period, MaxName); err != nil {
			return nil, err
		}
	}
	if pc.Representative != nil {
		rep = *pc.Representative
	}
	if pc.ChainRole != nil {
		chain = strings.TrimSpace(*pc.ChainRole)
		if err := checkChainRole(field, old.Role, chain); err != nil {
			return nil, err
		}
	}
	who := fmt.Sprintf("当事人%d（%s）", idx+1, PartyRoleLabel(old.Role))
	var lines []CorrectionLine
	add := func(name, label, before, after string) {
		if before != after {
			lines = append(lines, CorrectionLine{Field: field + "." + name, Label: who + label, Before: before, After: after})
		}
	}
	add("claim_amount", "诉求金额（元）", fenText(old.claimFen), fenText(claim))
	add("claim_period", "诉求期间", old.ClaimPeriod, period)
	add("representative", "代表", yesNo(old.Representative), yesNo(rep))
	add("chain_role", "责任链条角色", chainText(old.ChainRole), chainText(chain))
	if len(lines) == 0 {
		return nil, nil
	}
	if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
		UPDATE case_parties SET claim_fen = ?, claim_period = ?, representative = ?, chain_role = ? WHERE id = ?`),
		claim, period, rep, chain, old.PartyID); err != nil {
		return nil, fmt.Errorf("store: unable to correct membership: %w", err)
	}
	return lines, nil
}

func fenText(fen *int64) string {
	if fen == nil {
		return ""
	}
	return strconv.FormatFloat(float64(*fen)/100, 'f', -1, 64)
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func chainText(code string) string {
	if code == "" {
		return ""
	}
	return ChainRoleLabel(code)
}

// EventMembersImported: a member sheet was imported (data count, added,
// updated, representatives).
const EventMembersImported = "members_imported"

// MemberImport is the answer to a member sheet: how many rows were
// imported — none when any row has an error — and the errors by row; the
// group as it now stands and its warnings.
type MemberImport struct {
	Imported int            `json:"imported"`
	Added    int            `json:"added"`   // new parties
	Updated  int            `json:"updated"` // applicants already in the case, their details updated
	Errors   []RowError     `json:"errors"`
	Warnings []GroupWarning `json:"warnings"`
	Group    *GroupSummary  `json:"group"`
	Case     *Case          `json:"-"`
}

// rejectedRows carries the row errors out of the transaction that they
// roll back.
type rejectedRows struct{ errs []RowError }

func (r *rejectedRows) Error() string { return fmt.Sprintf("%d rows rejected", len(r.errs)) }

// ImportMembers adds the sheet's members to the case as applicants, all
// or none, with one event. Those who register the case's details may
// (CorrectionAllowed). A member already an applicant of the case is
// updated (the lead applicant registered at the window is usually on
// the foreman's sheet too): the sheet's claim, period and representative's
// mark replace those recorded, a blank claim or period leaves them. A
// member already a respondent or third party is an error. Afterwards the
// case counts at least its applicants and, when members claim, at least
// the sum of their claims.
func (s *Service) ImportMembers(ctx context.Context, a Actor, number string, sheet MemberSheet) (*MemberImport, error) {
	period, err := sheet.checkHeader()
	if err != nil {
		return nil, err
	}
	rows, errs := sheet.rows(period)
	if len(rows) == 0 && len(errs) == 0 {
		return nil, invalid("file", "no_members", "表格中没有成员：表头下面每行填写一名成员")
	}
	res := &MemberImport{Errors: []RowError{}, Warnings: []GroupWarning{}}
	c, err := s.ChangeCase(ctx, a, number, nil, func(ctx context.Context, x *CaseTx) (*CaseChange, error) {
		if err := CorrectionAllowed(x.Actor, x.Case); err != nil {
			return nil, err
		}
		added, updated, more, err := storeMembers(ctx, x, rows)
		if err != nil {
			return nil, err
		}
		if errs = append(errs, more...); len(errs) > 0 {
			return nil, &rejectedRows{errs}
		}
		res.Added, res.Updated, res.Imported = added, updated, added+updated
		if err := growCaseFigures(ctx, x); err != nil {
			return nil, err
		}
		reps := 0
		for _, m := range rows {
			if m.rep {
				reps++
			}
		}
		body := fmt.Sprintf("导入群体成员%d名（新增%d名，更新%d名），其中代表%d名", res.Imported, added, updated, reps)
		return &CaseChange{Kind: EventMembersImported, Body: body, Reread: true,
			Data: map[string]any{"count": res.Imported, "added": added, "updated": updated, "representatives": reps}}, nil
	})
	var rej *rejectedRows
	if errors.As(err, &rej) {
		slices.SortStableFunc(rej.errs, func(x, y RowError) int { return x.Row - y.Row })
		res.Errors = rej.errs
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	res.Case = maskCase(c)
	res.Group = res.Case.Group
	if res.Group != nil {
		res.Warnings = res.Group.Warnings
	}
	return res, nil
}

// storeMembers writes the checked rows and answers the errors only the
// store can find: a name that differs from the one the ID number is
// registered under, a member who is already on the other side.
func storeMembers(ctx context.Context, x *CaseTx, rows []memberRow) (added, updated int, errs []RowError, err error) {
	position := len(x.Case.Parties)
	byPerson := map[int64]Party{}
	for _, p := range x.Case.Parties {
		byPerson[p.PersonID] = p
	}
	for _, m := range rows {
		personID, err := resolvePerson(ctx, x.Tx, &m.party, "row", x.Now)
		if e := ErrorOf(err); e != nil && e.Kind == KindInvalid {
			errs = append(errs, rowError(m.row, strings.TrimPrefix(e.Field, "row."), e.Message))
			continue
		} else if err != nil {
			return 0, 0, nil, err
		}
		if old, ok := byPerson[personID]; ok {
			if old.Role != PartyApplicant {
				errs = append(errs, rowError(m.row, "id_number", fmt.Sprintf("此人已是本案的%s，不能同时作为申请人成员", PartyRoleLabel(old.Role))))
				continue
			}
			claim, period := old.claimFen, old.ClaimPeriod
			if m.claim != nil {
				claim = m.claim
			}
			if m.period != "" {
				period = m.period
			}
			if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
				UPDATE case_parties SET claim_fen = ?, claim_period = ?, representative = ? WHERE id = ?`),
				claim, period, m.rep, old.PartyID); err != nil {
				return 0, 0, nil, fmt.Errorf("store: unable to update member: %w", err)
			}
			updated++
			continue
		}
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
			INSERT INTO case_parties (case_id, person_id, role, position, claim_fen, claim_period, representative)
			VALUES (?, ?, ?, ?, ?, ?, ?)`),
			x.Case.ID, personID, PartyApplicant, position, m.claim, m.period, m.rep); err != nil {
			return 0, 0, nil, fmt.Errorf("store: unable to insert member: %w", err)
		}
		byPerson[personID] = Party{Role: PartyApplicant}
		position++
		added++
	}
	return added, updated, errs, nil
}

// growCaseFigures: people_count is at least the applicants, and the
// amount at least what the members claim together, so that the leaders'
// figures (a group case is people_count ≥ GroupSize) follow the sheet.
func growCaseFigures(ctx context.Context, x *CaseTx) error {
	var f struct {
		Applicants int           `db:"applicants"`
		Claimed    sql.NullInt64 `db:"claimed"`
	}
	if err := x.Tx.GetContext(ctx, &f, x.Tx.Rebind(`
		SELECT COUNT(*) AS applicants, CAST(SUM(claim_fen) AS BIGINT) AS claimed FROM case_parties WHERE case_id = ? AND role = ?`),
		x.Case.ID, PartyApplicant); err != nil {
		return fmt.Errorf("store: unable to count members: %w", err)
	}
	if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`UPDATE cases SET people_count = ? WHERE id = ? AND people_count < ?`),
		f.Applicants, x.Case.ID, f.Applicants); err != nil {
		return fmt.Errorf("store: unable to update people count: %w", err)
	}
	if f.Claimed.Valid && f.Claimed.Int64 > 0 {
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
			UPDATE cases SET amount_fen = ? WHERE id = ? AND (amount_fen IS NULL OR amount_fen < ?)`),
			f.Claimed.Int64, x.Case.ID, f.Claimed.Int64); err != nil {
			return fmt.Errorf("store: unable to update amount: %w", err)
		}
	}
	return nil
}
