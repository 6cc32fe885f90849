package cases

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// 一次性告知 (one notice of everything needed): per category, the materials
// an applicant brings. The window ticks what was handed in at intake; the
// receipt lists what is still missing, so the citizen comes back at most
// once; what arrives later is ticked with one event.

// EventMaterialsReceived records materials received after intake.
const EventMaterialsReceived = "materials_received"

func init() {
	RegisterEventKinds(EventKind{EventMaterialsReceived, "收到补交材料", "材",
		shown(func(_ Event, d map[string]string, _ func(string) string) string {
			return "已收到您补交的材料：" + d["names"]
		})})
}

// Material is one item of a category's list.
type Material struct {
	Code     string `db:"code" json:"code"`
	Name     string `db:"name" json:"name"`
	Required bool   `db:"required" json:"required"`
	Note     string `db:"note" json:"note"`
	Active   bool   `db:"active" json:"-"`
	Order    int    `db:"sort_order" json:"-"`
}

// CaseMaterial is one line of a case's checklist.
type CaseMaterial struct {
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	Required   bool       `json:"required"`
	Note       string     `json:"note"`
	Received   bool       `json:"received"`
	ReceivedAt *time.Time `json:"received_at,omitempty"`
}

// Length limits of a material, in characters.
const (
	maxMaterialName = 50
	maxMaterialNote = 200
)

// Materials answers the active materials of every category, by category
// code, in the admin's order: what a form offers.
func (s *Service) Materials(ctx context.Context) (map[string][]Material, error) {
	var rows []struct {
		Category string `db:"category"`
		Material
	}
	if err := s.store.r.SelectContext(ctx, &rows, `SELECT category, code, name, required, note, active, sort_order
		FROM category_materials WHERE active ORDER BY category, sort_order, code`); err != nil {
		return nil, fmt.Errorf("store: unable to list materials: %w", err)
	}
	out := map[string][]Material{}
	for _, r := range rows {
		out[r.Category] = append(out[r.Category], r.Material)
	}
	return out, nil
}

// CategoryMaterials lists one category's materials, retired ones too (admins).
func (s *Service) CategoryMaterials(ctx context.Context, a Actor, category string) ([]Material, error) {
	if err := adminOnly(a); err != nil {
		return nil, err
	}
	out := []Material{}
	if err := s.store.r.SelectContext(ctx, &out, s.store.r.Rebind(`SELECT code, name, required, note, active, sort_order
		FROM category_materials WHERE category = ? ORDER BY active DESC, sort_order, code`), category); err != nil {
		return nil, fmt.Errorf("store: unable to list materials: %w", err)
	}
	return out, nil
}

// SaveMaterial adds a material to a category's list (isNew) or edits one
// (admins): its name, whether it is required, its note, whether it is
// still asked for.
func (s *Service) SaveMaterial(ctx context.Context, a Actor, category string, m Material, isNew bool) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(cats, func(c Category) bool { return c.Code == category }) {
		return invalid("category", "unknown_category", fmt.Sprintf("没有代码为“%s”的纠纷类别", category))
	}
	m.Code, m.Name, m.Note = strings.TrimSpace(m.Code), strings.TrimSpace(m.Name), strings.TrimSpace(m.Note)
	if !validCode(m.Code) {
		return invalid("code", "invalid_code", "材料代码应为2-32位小写英文字母、数字或下划线，以字母开头")
	}
	if err := RequiredText("name", m.Name, maxMaterialName, "材料名称"); err != nil {
		return err
	}
	if err := CheckText("note", m.Note, maxMaterialNote); err != nil {
		return err
	}
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM category_materials WHERE category = ? AND code = ?`),
			category, m.Code); err != nil {
			return fmt.Errorf("store: unable to look up material: %w", err)
		}
		switch {
		case isNew && n > 0:
			return invalid("code", "material_exists", fmt.Sprintf("本类别已有代码为“%s”的材料", m.Code))
		case !isNew && n == 0:
			return &Error{Kind: KindNotFound, Code: "material_not_found", Message: "本类别没有这项材料"}
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO category_materials (category, code, name, required, note, sort_order, active)
			VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(sort_order), 0) + 10 FROM category_materials WHERE category = ?), ?)
			ON CONFLICT (category, code) DO UPDATE SET name = excluded.name, required = excluded.required,
				note = excluded.note, active = excluded.active`),
			category, m.Code, m.Name, m.Required, m.Note, category, m.Active)
		if err != nil {
			return fmt.Errorf("store: unable to save material: %w", err)
		}
		return nil
	})
}

// checkMaterials answers the codes without repeats, each an active
// material of the category, or names the first that is not.
func (s *Service) checkMaterials(ctx context.Context, category, field string, codes []string) ([]string, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	all, err := s.Materials(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, code := range codes {
		code = strings.TrimSpace(code)
		if !slices.ContainsFunc(all[category], func(m Material) bool { return m.Code == code }) {
			return nil, invalid(field, "unknown_material", fmt.Sprintf("本类纠纷没有代码为“%s”的材料", code))
		}
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	return out, nil
}

func insertMaterials(ctx context.Context, tx *sqlx.Tx, caseID int64, codes []string, by int64, attachment *int64, now time.Time) error {
	for _, code := range codes {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO case_materials (case_id, code, received_at, received_by, attachment_id)
			VALUES (?, ?, ?, ?, ?)`), caseID, code, now, nullID(by), attachment); err != nil {
			return fmt.Errorf("store: unable to record a material: %w", err)
		}
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// findCaseMaterials is a case's checklist: the category's active materials
// and any retired one the case received.
func findCaseMaterials(ctx context.Context, q querier, caseID int64, category string) ([]CaseMaterial, error) {
	var rows []struct {
		Code       string       `db:"code"`
		Name       string       `db:"name"`
		Required   bool         `db:"required"`
		Note       string       `db:"note"`
		ReceivedAt sql.NullTime `db:"received_at"`
	}
	if err := q.SelectContext(ctx, &rows, q.Rebind(`
		SELECT m.code, m.name, m.required, m.note, cm.received_at
		FROM category_materials m LEFT JOIN case_materials cm ON cm.case_id = ? AND cm.code = m.code
		WHERE m.category = ? AND (m.active OR cm.code IS NOT NULL)
		ORDER BY m.sort_order, m.code`), caseID, category); err != nil {
		return nil, fmt.Errorf("store: unable to fetch the case's materials: %w", err)
	}
	out := make([]CaseMaterial, len(rows))
	for i, r := range rows {
		out[i] = CaseMaterial{Code: r.Code, Name: r.Name, Required: r.Required, Note: r.Note, Received: r.ReceivedAt.Valid}
		if r.ReceivedAt.Valid {
			at := r.ReceivedAt.Time
			out[i].ReceivedAt = &at
		}
	}
	return out, nil
}

// MissingMaterials are the checklist's lines not yet received: what the
// 一次性告知书 lists.
func (c *Case) MissingMaterials() []CaseMaterial {
	var out []CaseMaterial
	for _, m := range c.Materials {
		if !m.Received {
			out = append(out, m)
		}
	}
	return out
}

// MaterialsInput ticks materials received after intake: at the counter, or
// a citizen's upload (AttachmentID, an attachment of this case) the staff
// marked as that material.
type MaterialsInput struct {
	Version      *int64   `json:"version"`
	Received     []string `json:"received"`
	AttachmentID *int64   `json:"attachment_id"`
}

// MayReceiveMaterials says whether a may tick a case's materials: the
// window, the holding desk's handlers and leaders, while the case is open.
func MayReceiveMaterials(a Actor, c *Case) bool {
	return canSee(a, c) && slices.Contains(openStatuses, c.Status) &&
		(a.Role == RoleIntake || a.Role == RoleLeader || holdingDeskHandler(a, c))
}

// ReceiveMaterials ticks materials a case received after intake, with one
// event the citizen's timeline words as "已收到您补交的材料".
func (s *Service) ReceiveMaterials(ctx context.Context, a Actor, number string, in MaterialsInput) (*Case, error) {
	return s.ChangeCase(ctx, a, number, in.Version, func(ctx context.Context, x *CaseTx) (*CaseChange, error) {
		c := x.Case
		if !MayReceiveMaterials(a, c) {
			if !slices.Contains(openStatuses, c.Status) {
				return nil, &Error{Kind: KindConflict, Code: "invalid_transition",
					Message: fmt.Sprintf("案件当前状态为“%s”，不能登记收到材料", StatusLabel(c.Status))}
			}
			return nil, forbidden("只有受理窗口、办理窗口工作人员和领导可以登记收到材料")
		}
		if len(in.Received) == 0 {
			return nil, invalid("received", "required", "请勾选收到的材料")
		}
		codes, err := s.checkMaterials(ctx, c.Category, "received", in.Received)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, code := range codes {
			i := slices.IndexFunc(c.Materials, func(m CaseMaterial) bool { return m.Code == code })
			if i < 0 || c.Materials[i].Received {
				return nil, invalid("received", "already_received", fmt.Sprintf("材料“%s”已登记收到", code))
			}
			names = append(names, c.Materials[i].Name)
		}
		data := map[string]string{"codes": strings.Join(codes, ","), "names": strings.Join(names, "、")}
		if in.AttachmentID != nil {
			var n int
			if err := x.Tx.GetContext(ctx, &n, x.Tx.Rebind(`SELECT COUNT(*) FROM attachments WHERE id = ? AND case_id = ?`),
				*in.AttachmentID, c.ID); err != nil {
				return nil, fmt.Errorf("store: unable to look up attachment: %w", err)
			}
			if n == 0 {
				return nil, invalid("attachment_id", "unknown_attachment", "本案没有这个附件")
			}
			data["attachment_id"] = fmt.Sprint(*in.AttachmentID)
		}
		if err := insertMaterials(ctx, x.Tx, c.ID, codes, a.UserID, in.AttachmentID, x.Now); err != nil {
			return nil, err
		}
		return &CaseChange{Kind: EventMaterialsReceived, Body: "收到材料：" + data["names"], Data: data}, nil
	})
}
