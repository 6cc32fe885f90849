package cases

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// ExternalRef names a case in another system: a 12345 hotline's ticket, a
// court's case number, the CAIL corpus an import came from. A pair names
// one case only (migration 00031), so a system that sends its ticket twice
// learns the case it already made.
type ExternalRef struct {
	System string `json:"system"`
	ID     string `json:"id"`
}

// Bounds of external references.
const (
	MaxExternalRefs  = 10
	MaxExternalID    = 128
	importRefSystem  = "import" // a historical case's reference without a system
	externalRefTaken = "external_ref_taken"
)

// systemToken is a system's name: a short lower-case token (12345,
// court, cail2019-rc), compared without regard to case.
var systemToken = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,31}$`)

func (r ExternalRef) String() string { return r.System + ":" + r.ID }

// normalize trims both halves and lower-cases the system, then checks them.
func (r *ExternalRef) normalize(field string) error {
	r.System = strings.ToLower(strings.TrimSpace(r.System))
	r.ID = strings.TrimSpace(r.ID)
	if r.System == "" {
		return invalid(field+".system", "required", "请填写外部系统名称")
	}
	if !systemToken.MatchString(r.System) {
		return invalid(field+".system", "invalid_system", "外部系统名称应为1至32位小写字母、数字、点、横线或下划线")
	}
	if r.ID == "" {
		return invalid(field+".id", "required", "请填写外部编号")
	}
	if utf8.RuneCountInString(r.ID) > MaxExternalID || strings.IndexFunc(r.ID, unicode.IsControl) >= 0 {
		return invalid(field+".id", "invalid_id", fmt.Sprintf("外部编号最长%d字符，且不能含控制字符", MaxExternalID))
	}
	return nil
}

// validateExternalRefs normalises the references of an intake and refuses
// too many or one named twice.
func validateExternalRefs(refs []ExternalRef) error {
	if len(refs) > MaxExternalRefs {
		return invalid("external_refs", "too_many", fmt.Sprintf("外部编号最多%d个", MaxExternalRefs))
	}
	for i := range refs {
		field := fmt.Sprintf("external_refs[%d]", i)
		if err := refs[i].normalize(field); err != nil {
			return err
		}
		for j := range i {
			if refs[j] == refs[i] {
				return invalid(field, "duplicate_external_ref", fmt.Sprintf("外部编号 %s 重复", refs[i]))
			}
		}
	}
	return nil
}

// ParseExternalRef reads "SYSTEM:ID" (GET /cases?external_ref=…).
func ParseExternalRef(s, field string) (ExternalRef, error) {
	system, id, ok := strings.Cut(s, ":")
	if !ok {
		return ExternalRef{}, invalid(field, "invalid_external_ref", "外部编号应写作“系统:编号”，如 12345:2026-000123")
	}
	r := ExternalRef{System: system, ID: id}
	if err := r.normalize(field); err != nil {
		e := ErrorOf(err)
		return ExternalRef{}, invalid(field, "invalid_external_ref", e.Message)
	}
	return r, nil
}

// historicalRef splits an import's reference ("cail2019-rc:12/2") into a
// pair as migration 00031 did with the references stored before it.
func historicalRef(ref string) ExternalRef {
	if system, id, ok := strings.Cut(ref, ":"); ok && system != "" {
		return ExternalRef{System: strings.ToLower(system), ID: id}
	}
	return ExternalRef{System: importRefSystem, ID: ref}
}

// caseOfExternalRef answers the number of the case r names, "" for none.
func caseOfExternalRef(ctx context.Context, q querier, r ExternalRef) (string, error) {
	var numbers []string
	if err := q.SelectContext(ctx, &numbers, q.Rebind(`
		SELECT c.number FROM case_external_refs r JOIN cases c ON c.id = r.case_id
		WHERE r.system = ? AND r.ext_id = ?`), r.System, r.ID); err != nil {
		return "", fmt.Errorf("store: unable to look up external reference: %w", err)
	}
	if len(numbers) == 0 {
		return "", nil
	}
	return numbers[0], nil
}

// insertExternalRefs records refs for caseID; a pair already naming a
// case is a conflict that names that case.
func insertExternalRefs(ctx context.Context, tx *sqlx.Tx, caseID int64, refs []ExternalRef, now time.Time) error {
	for i, r := range refs {
		number, err := caseOfExternalRef(ctx, tx, r)
		if err != nil {
			return err
		}
		if number != "" {
			return &Error{Kind: KindConflict, Code: externalRefTaken, Field: fmt.Sprintf("external_refs[%d]", i), Case: number,
				Message: fmt.Sprintf("外部编号 %s 已登记为案件 %s", r, number)}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(
			`INSERT INTO case_external_refs (system, ext_id, case_id, created_at) VALUES (?, ?, ?, ?)`),
			r.System, r.ID, caseID, now); err != nil {
			return fmt.Errorf("store: unable to record external reference: %w", err)
		}
	}
	return nil
}

// externalRefsOf loads the references of the given cases, by case id,
// in the order they were recorded.
func externalRefsOf(ctx context.Context, q querier, caseIDs []int64) (map[int64][]ExternalRef, error) {
	out := map[int64][]ExternalRef{}
	if len(caseIDs) == 0 {
		return out, nil
	}
	query, args, err := sqlx.In(`SELECT case_id, system, ext_id FROM case_external_refs WHERE case_id IN (?) ORDER BY case_id, created_at, system, ext_id`, caseIDs)
	if err != nil {
		return nil, fmt.Errorf("store: unable to build external reference query: %w", err)
	}
	var rows []struct {
		CaseID int64  `db:"case_id"`
		System string `db:"system"`
		ID     string `db:"ext_id"`
	}
	if err := q.SelectContext(ctx, &rows, q.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("store: unable to load external references: %w", err)
	}
	for _, r := range rows {
		out[r.CaseID] = append(out[r.CaseID], ExternalRef{System: r.System, ID: r.ID})
	}
	return out, nil
}
