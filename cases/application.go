package cases

// 网上申请: a citizen applies for dispute resolution without coming in. The
// application becomes a case in status submitted (待受理), registered by the
// disabled system-online account; the window then registers it (into the
// usual lifecycle) or declines it with a reason the citizen reads.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// ApplicationInput is an intake body from the public form, with the
// applicant's contact phone. Website is a honeypot: people never see the
// field, robots fill it in.
type ApplicationInput struct {
	IntakeInput
	Phone   string `json:"phone"`
	Website string `json:"website"`
	// Consent is the notice version the applicant ticked on the public
	// form (PrivacyNotice); nil where an integrator's own app asked for
	// consent (the API).
	Consent *string `json:"-"`
	// Files are the applicant's evidence, attached to the application
	// within the public upload limits (validateAttachments).
	Files []AttachmentInput `json:"-"`
}

// PrivacyNotice is the version of the 个人信息处理告知 the public form shows;
// a new text gets a new version, so each consent says which text it was.
const PrivacyNotice = "2026-12"

// Consent is what an applicant agreed to, and when.
type Consent struct {
	Notice string    `db:"notice_version" json:"notice_version"`
	At     time.Time `db:"consented_at" json:"consented_at"`
}

// ApplicationReceipt answers an online application: the number and the
// query code, shown once on the confirmation page.
type ApplicationReceipt struct {
	Number    string `json:"number"`
	QueryCode string `json:"query_code"`
	Status    Status `json:"status"`
}

// OnlineActor registers online applications (account made by migration 00008).
var OnlineActor = Actor{Username: "system-online", Name: "网上申请", Role: RoleIntake}

// ErrApplicationRefused answers a filled-in honeypot: as bland as a
// validation error, telling a robot nothing, storing nothing.
var ErrApplicationRefused = &Error{Kind: KindInvalid, Code: "application_refused", Message: "申请未能提交，请检查填写内容后重试"}

// Apply records an online application. It validates like an intake at the
// window (the same rules, one function), requires a contact phone, which
// becomes the first applicant's phone when that one has none, and writes
// the submitted event and the citizen's text message in one transaction.
func (s *Service) Apply(ctx context.Context, in ApplicationInput) (*ApplicationReceipt, error) {
	if strings.TrimSpace(in.Website) != "" {
		return nil, ErrApplicationRefused
	}
	// The public must not be able to fill the disk: below the free-space
	// threshold only staff work goes on.
	if err := s.checkFreeSpace(); err != nil {
		return nil, err
	}
	if in.Consent != nil && *in.Consent != PrivacyNotice {
		return nil, invalid("consent", "consent_required", "请阅读个人信息处理告知，勾选同意后再提交")
	}
	mimes, err := validateAttachments(in.Files)
	if err != nil {
		return nil, err
	}
	in.Source = "online"
	in.Phone = normalizePhone(in.Phone)
	if in.Phone == "" {
		return nil, invalid("phone", "required", "请填写联系电话，便于我们联系您")
	}
	if !ValidPhone(in.Phone) {
		return nil, invalid("phone", "invalid_phone", "电话号码有误：手机号11位，座机请带区号")
	}
	if strings.TrimSpace(in.Title) == "" {
		in.Title = s.applicationTitle(ctx, in.Category)
	}
	for i := range in.Parties {
		if in.Parties[i].Role == PartyApplicant {
			if strings.TrimSpace(in.Parties[i].Phone) == "" {
				in.Parties[i].Phone = in.Phone
			}
			break
		}
	}
	if err := s.validateIntake(ctx, &in.IntakeInput); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var res *IntakeResult
	err = s.writeWithFiles(ctx, in.Files, mimes, func(tx *sqlx.Tx, batch *blobBatch) error {
		a := OnlineActor
		var err error
		if a.UserID, err = systemUser(ctx, tx, a, now); err != nil {
			return err
		}
		res, err = s.insertCaseAs(ctx, tx, a, &in.IntakeInput, StatusSubmitted, now)
		if err != nil {
			return err
		}
		if err := s.recordApplication(ctx, tx, res.Case.ID, in, batch, now); err != nil {
			return err
		}
		e := &Event{Kind: EventSubmitted}
		desks, err := s.Desks(ctx)
		if err != nil {
			return err
		}
		return queueNotification(ctx, tx, res.Case, e, deskNamer(desks), now)
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return &ApplicationReceipt{Number: res.Case.Number, QueryCode: res.QueryCode, Status: StatusSubmitted}, nil
}

// applicationTitle names an untitled application by its category: category
// names mostly say 纠纷 or 争议 already (邻里纠纷), the others get it
// (婚姻家庭纠纷).
func (s *Service) applicationTitle(ctx context.Context, category string) string {
	name, err := s.CategoryName(ctx, category)
	if err != nil || name == "" || name == category {
		name = "矛盾" // an unknown category is refused by validateIntake
	}
	if !strings.HasSuffix(name, "纠纷") && !strings.HasSuffix(name, "争议") {
		name += "纠纷"
	}
	return "网上申请：" + name
}

// recordApplication stores, with the submitted event of the new case id,
// the applicant's consent and evidence files.
func (s *Service) recordApplication(ctx context.Context, tx *sqlx.Tx, caseID int64, in ApplicationInput, batch *blobBatch, now time.Time) error {
	if in.Consent != nil {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO application_consents (case_id, notice_version, consented_at) VALUES (?, ?, ?)`),
			caseID, *in.Consent, now); err != nil {
			return fmt.Errorf("store: unable to record consent: %w", err)
		}
	}
	if len(in.Files) == 0 {
		return nil
	}
	var seq int64
	if err := tx.GetContext(ctx, &seq, tx.Rebind(
		`SELECT seq FROM events WHERE case_id = ? AND kind = ?`), caseID, EventSubmitted); err != nil {
		return fmt.Errorf("store: unable to find the application's event: %w", err)
	}
	_, err := batch.insert(ctx, tx, caseID, seq, AttachmentEvidence, now)
	return err
}

// ApplicationConsent answers what the applicant of an online application
// agreed to on the public form; nil for a case without (the window's, the
// API's).
func (s *Service) ApplicationConsent(ctx context.Context, caseID int64) (*Consent, error) {
	var c Consent
	err := s.store.r.GetContext(ctx, &c, s.store.r.Rebind(
		`SELECT notice_version, consented_at FROM application_consents WHERE case_id = ?`), caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read consent: %w", err)
	}
	return &c, nil
}

// SystemUserID answers the id of a system account such as OnlineActor's,
// so that queues can tell online applications apart.
func (s *Service) SystemUserID(ctx context.Context, a Actor) (int64, error) {
	var id int64
	err := s.store.r.GetContext(ctx, &id, s.store.r.Rebind(`SELECT id FROM users WHERE username = ?`), a.Username)
	if err != nil {
		return 0, fmt.Errorf("store: unable to find account %s: %w", a.Username, err)
	}
	return id, nil
}
