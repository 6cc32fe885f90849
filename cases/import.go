package cases

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Historical cases: disputes settled before the centre used yidi (or
// elsewhere, such as court judgments kept for reference) brought in as
// closed cases, so that search and related-case detection know them.

// HistoricalCase is one dispute settled in the past, as an import reads it.
type HistoricalCase struct {
	Ref      string // where it comes from, unique: "cail2019-rc:1"; importing it twice adds nothing
	Title    string
	Category string
	Source   string // a key of Sources; default referral (部门转办)
	Summary  string
	Claims   string
	Town     string
	Amount   *float64
	Parties  []PartyInput // at least one applicant
	Desk     string       // the desk that settled it; default DeskForCategory(Category)
	At       time.Time    // when it was registered
	ClosedAt time.Time    // when it was settled; zero: the day it was registered
	Outcome  string       // 办理结果, required
	Note     string       // the closing summary (办结小结), optional
}

// MaxRef bounds an outside reference.
const MaxRef = 200

// deskByCategory is the desk that usually settles each category: courts'
// business and money claims at 诉讼服务, land and expropriation at 信访,
// pollution at 综治, the rest at 人民调解.
var deskByCategory = map[string]string{
	"labor":              "litigation",
	"loan_contract":      "litigation",
	"litigation_related": "litigation",
	"land":               "petition",
	"expropriation":      "petition",
	"environment":        "governance",
	"marriage_family":    "mediation",
	"neighbour":          "mediation",
	"property_mgmt":      "mediation",
	"medical":            "mediation",
	"traffic":            "mediation",
	"consumer":           "mediation",
	"other":              "mediation",
}

// DeskForCategory is the desk an imported case of the category is filed under.
func DeskForCategory(category string) string {
	if d, ok := deskByCategory[category]; ok {
		return d
	}
	return "mediation"
}

// ImportHistorical records one closed historical case in one transaction:
// its parties, the case row at its desk, and a timeline of exactly two
// events, the intake at h.At and the close at h.ClosedAt. When a case with
// the same Ref exists it answers that case's number, created false, and
// writes nothing. Admins and leaders (and SystemActor) may import.
func (s *Service) ImportHistorical(ctx context.Context, a Actor, h HistoricalCase) (number string, created bool, err error) {
	if !adminRole(a) && a.Role != RoleLeader {
		return "", false, forbidden("只有管理员和领导可以导入历史案件")
	}
	h.Ref = strings.TrimSpace(h.Ref)
	if err := RequiredText("ref", h.Ref, MaxRef, "来源编号"); err != nil {
		return "", false, err
	}
	if h.Source == "" {
		h.Source = "referral"
	}
	in := IntakeInput{Title: h.Title, Category: h.Category, Source: h.Source, Summary: h.Summary,
		Claims: h.Claims, Town: h.Town, Amount: h.Amount, Parties: h.Parties}
	if err := s.validateIntake(ctx, &in); err != nil {
		return "", false, err
	}
	h.Outcome, h.Note = strings.TrimSpace(h.Outcome), strings.TrimSpace(h.Note)
	if err := RequiredText("outcome", h.Outcome, MaxReason, "办理结果"); err != nil {
		return "", false, err
	}
	if err := CheckText("note", h.Note, MaxNote); err != nil {
		return "", false, err
	}
	if h.At.IsZero() {
		return "", false, invalid("at", "required", "请填写登记时间")
	}
	if h.ClosedAt.IsZero() {
		h.ClosedAt = h.At
	}
	if h.ClosedAt.Before(h.At) {
		return "", false, invalid("closed_at", "closed_before_intake", "办结时间早于登记时间")
	}
	if h.Desk == "" {
		h.Desk = DeskForCategory(in.Category)
	}
	desks, err := s.Desks(ctx)
	if err != nil {
		return "", false, err
	}
	if _, ok := deskLookup(desks)(h.Desk); !ok {
		return "", false, invalid("desk", "unknown_desk", fmt.Sprintf("没有代码为“%s”的窗口", h.Desk))
	}

	now := s.now().UTC()
	err = s.store.write(ctx, func(tx *sqlx.Tx) error {
		var err error
		if number, err = caseOfExternalRef(ctx, tx, historicalRef(h.Ref)); err != nil || number != "" {
			return err
		}
		if a.UserID == 0 {
			if a.UserID, err = systemUser(ctx, tx, a, now); err != nil {
				return err
			}
		}
		number, err = s.insertHistorical(ctx, tx, a, &in, &h, now)
		created = err == nil
		return err
	})
	if err != nil {
		return "", false, err
	}
	if created {
		s.committed()
	}
	return number, created, nil
}

func (s *Service) insertHistorical(ctx context.Context, tx *sqlx.Tx, a Actor, in *IntakeInput, h *HistoricalCase, now time.Time) (string, error) {
	at, closedAt := h.At.UTC(), h.ClosedAt.UTC()
	personIDs := make([]int64, len(in.Parties))
	for i := range in.Parties {
		id, err := resolvePerson(ctx, tx, &in.Parties[i], fmt.Sprintf("parties[%d]", i), at)
		if err != nil {
			return "", err
		}
		if j := slices.Index(personIDs[:i], id); j >= 0 {
			return "", invalid(fmt.Sprintf("parties[%d]", i), "duplicate_party",
				fmt.Sprintf("第%d名当事人与第%d名是同一人/单位，请勿重复登记", i+1, j+1))
		}
		personIDs[i] = id
	}
	number, err := nextCaseNumber(ctx, tx, at.In(ChinaZone).Year())
	if err != nil {
		return "", err
	}
	var amountFen any
	if in.Amount != nil {
		amountFen = int64(math.Round(*in.Amount * 100))
	}
	// Nobody holds a query code for a historical case: the hash is of one
	// that is thrown away, so the public status page never finds it.
	salt := newSalt()
	var caseID int64
	err = tx.GetContext(ctx, &caseID, tx.Rebind(`
		INSERT INTO cases (number, title, category, source, summary, claims, town, amount_fen, people_count,
			status, desk, deadline_at, deadline_rule, query_code_salt, query_code_hash, repeat_visit,
			outcome, version, created_by, created_at, updated_at, closed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '', ?, ?, FALSE, ?, 1, ?, ?, ?, ?) RETURNING id`),
		number, in.Title, in.Category, in.Source, in.Summary, in.Claims, in.Town, amountFen, in.PeopleCount,
		StatusClosed, h.Desk, salt, hashQueryCode(salt, newQueryCode()),
		h.Outcome, a.UserID, at, closedAt, closedAt)
	if err != nil {
		return "", fmt.Errorf("store: unable to insert case: %w", err)
	}
	if _, err := insertParties(ctx, tx, caseID, personIDs, in.Parties); err != nil {
		return "", err
	}
	if err := insertExternalRefs(ctx, tx, caseID, []ExternalRef{historicalRef(h.Ref)}, now); err != nil {
		return "", err
	}
	intake := newEvent(EventIntake, "", map[string]string{"imported_from": h.Ref})
	intake.Visibility = VisibilityInternal
	if err := s.appendActorEvent(ctx, tx, a, caseID, intake, at); err != nil {
		return "", err
	}
	// The close is the settling desk's act, so the timeline shows that desk.
	closing := newEvent(EventClose, h.Note, map[string]string{"outcome": h.Outcome})
	closing.Visibility = VisibilityInternal
	closing.Desk = h.Desk
	if err := s.appendActorEvent(ctx, tx, a, caseID, closing, closedAt); err != nil {
		return "", err
	}
	return number, nil
}

// systemUser finds or creates the disabled account an actor without one
// (SystemActor) acts through. Its password hash matches no password.
func systemUser(ctx context.Context, tx *sqlx.Tx, a Actor, now time.Time) (int64, error) {
	username := a.Username
	if username == "" {
		username = SystemActor.Username
	}
	var id int64
	err := tx.GetContext(ctx, &id, tx.Rebind(`SELECT id FROM users WHERE username = ?`), username)
	if err == nil {
		return id, nil
	}
	if !isNoRows(err) {
		return 0, fmt.Errorf("store: unable to look up the import account: %w", err)
	}
	err = tx.GetContext(ctx, &id, tx.Rebind(`
		INSERT INTO users (username, display_name, password_hash, role, desk, disabled, created_at)
		VALUES (?, ?, '!', ?, NULL, TRUE, ?) RETURNING id`), username, a.Name, a.Role, now)
	if err != nil {
		return 0, fmt.Errorf("store: unable to create the import account: %w", err)
	}
	return id, nil
}
