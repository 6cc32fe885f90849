package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// 诉前调解 referred by the court (issue 13 item 4). The court's 委派调解函
// (its number and date) comes in at intake as the source court_referral;
// from the letter's date a 30-calendar-day clock runs, a case deadline of
// kind "referral" beside the stage's own limit, so it warns, shows and
// turns red like any other. It is extended only with both parties'
// recorded consent (extend_referral). The referral ends when the court
// issues a 民事调解书 (court_document), when the case closes (an agreement,
// and 司法确认 through cases/mediation), or when mediation fails and the
// file goes back to the court desk for 立案 (transfer to ReferralCourtDesk,
// its reason on the timeline the court desk now holds).

// SourceCourtReferral is the source of a case the court referred.
const SourceCourtReferral = "court_referral"

// DeadlineReferral is the kind of the referral's clock.
const DeadlineReferral = "referral"

// ReferralCourtDesk is the court's desk at the centre (诉讼服务): a referral
// transferred to it has failed and goes back for 立案.
const ReferralCourtDesk = "litigation"

// The referral's period and how far the parties may extend it (the
// centre's cap, as the seeded litigation_pre_suit rule says).
const (
	ReferralDays             = 30
	ReferralMaxExtensionDays = 30
	maxLetterNo              = 60
)

// How a referral ended.
const (
	ReferralRunning       = ""
	ReferralCourtDocument = "court_document" // the court issued a 民事调解书
	ReferralReturned      = "returned"       // failed: back to the court desk for 立案
	ReferralClosed        = "closed"         // the case closed at the centre
)

// Referral is the court's 委派调解函 and where the referral stands.
type Referral struct {
	LetterNo   string `db:"letter_no" json:"letter_no"`
	LetterDate string `db:"letter_date" json:"letter_date"`
	DueOn      string `db:"due_on" json:"due_on"` // last day, extensions included
	Outcome    string `db:"outcome" json:"outcome"`
	DocumentNo string `db:"document_no" json:"document_no"`
	DocumentOn string `db:"document_on" json:"document_on"`
	dirty      bool
}

// checkReferral validates the letter of a court_referral intake (both
// fields required, the date a real day not after today); other sources
// carry none.
func (in *IntakeInput) checkReferral(now time.Time) (time.Time, error) {
	in.ReferralNo, in.ReferralDate = strings.TrimSpace(in.ReferralNo), strings.TrimSpace(in.ReferralDate)
	if in.Source != SourceCourtReferral {
		if in.ReferralNo != "" || in.ReferralDate != "" {
			return time.Time{}, invalid("source", "not_a_referral", "填写了委派调解函的，来源应选“法院委派调解”")
		}
		return time.Time{}, nil
	}
	if err := RequiredText("referral_no", in.ReferralNo, maxLetterNo, "委派调解函编号"); err != nil {
		return time.Time{}, err
	}
	if in.ReferralDate == "" {
		return time.Time{}, invalid("referral_date", "required", "请填写委派调解函日期（YYYY-MM-DD）")
	}
	day, err := ParseDay("referral_date", in.ReferralDate)
	if err != nil {
		return time.Time{}, err
	}
	if day.After(StartOfDay(now)) {
		return time.Time{}, invalid("referral_date", "date_in_future", "委派调解函日期不能晚于今天")
	}
	return day, nil
}

// startReferral starts the referral's clock from the letter's day: the
// day itself not counted, a last day on a holiday moved to the next
// working day (民事诉讼法 第八十五条), as every calendar-day limit here.
func (c *Case) startReferral(env *deadlineEnv, letterNo string, letter time.Time) {
	d := &caseDeadline{CaseID: c.ID, Kind: DeadlineReferral, RuleCode: SourceCourtReferral,
		Label: "诉前委派调解30日内完成", Basis: "委派调解函" + letterNo + "；依据：《最高人民法院关于人民法院特邀调解的规定》（以现行文本为准）",
		Length: ReferralDays, Unit: UnitDay, DaysKind: DaysCalendar, MaxExtensionDays: ReferralMaxExtensionDays,
		StartedAt: letter.UTC()}
	d.DueAt = stageDue(env.cal, letter, ReferralDays, UnitDay, DaysCalendar, 0)
	d.refresh(env)
	c.deadlines = append(c.deadlines, d)
	c.Referral = &Referral{LetterNo: letterNo, LetterDate: letter.Format(DayLayout), DueOn: ChinaTime(d.DueAt).Format(DayLayout), dirty: true}
}

// endReferral stops the clock with how the referral ended, once.
func (c *Case) endReferral(outcome string, now time.Time) bool {
	if c.Referral == nil || c.Referral.Outcome != ReferralRunning {
		return false
	}
	c.Referral.Outcome, c.Referral.dirty = outcome, true
	if d := c.openDeadline(DeadlineReferral); d != nil {
		d.end(now)
	}
	return true
}

// referralRunning: the case is a court referral whose clock still runs.
func referralRunning(c *Case) bool {
	_, err := c.runningReferral()
	return err == nil
}

// PartyNames is a list of party names: a JSON array, or one string of
// names separated by 、，, or spaces (what a form's text field sends).
type PartyNames []string

// UnmarshalJSON reads either form.
func (p *PartyNames) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*p = list
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*p = strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、，,;； \t\n", r) })
	return nil
}

// runningReferral is the referral's open clock, or the conflict why there
// is none.
func (c *Case) runningReferral() (*caseDeadline, error) {
	if c.Referral == nil {
		return nil, conflict("no_referral", "本案不是法院委派调解的案件")
	}
	d := c.openDeadline(DeadlineReferral)
	if c.Referral.Outcome != ReferralRunning || d == nil {
		return nil, conflict("referral_ended", "委派调解已结束")
	}
	return d, nil
}

// applyExtendReferral: the parties agreed to more time. Every applicant
// and respondent must be named in consents (third parties need not); the
// new last day is later than the current one and within the cap.
func applyExtendReferral(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
	d, err := c.runningReferral()
	if err != nil {
		return nil, err
	}
	consents := make([]string, 0, len(r.Consents))
	for i, name := range r.Consents {
		name = strings.TrimSpace(name)
		if !slices.ContainsFunc(c.Parties, func(p Party) bool { return p.Name == name }) {
			return nil, invalid(fmt.Sprintf("consents[%d]", i), "unknown_party", fmt.Sprintf("本案没有名为“%s”的当事人", name))
		}
		consents = append(consents, name)
	}
	for _, p := range c.Parties {
		if (p.Role == PartyApplicant || p.Role == PartyRespondent) && !slices.Contains(consents, p.Name) {
			return nil, invalid("consents", "consent_required",
				fmt.Sprintf("延长委派调解期限须经双方当事人同意：尚未记录%s的同意", p.Name))
		}
	}
	if strings.TrimSpace(r.DueOn) == "" {
		return nil, invalid("due_on", "required", "请填写延长后的期限（YYYY-MM-DD）")
	}
	day, err := ParseDay("due_on", strings.TrimSpace(r.DueOn))
	if err != nil {
		return nil, err
	}
	newDue := dueAt(day)
	if !newDue.After(d.DueAt) {
		return nil, invalid("due_on", "not_later", "延长后的期限应晚于现在的期限"+ChinaTime(d.DueAt).Format(DayLayout))
	}
	base := stageDue(env.deadlines.cal, d.StartedAt, d.Length, d.Unit, d.DaysKind, 0)
	days := int(StartOfDay(newDue).Sub(StartOfDay(base)).Hours()/24 + 0.5)
	if days > d.MaxExtensionDays {
		return nil, invalid("due_on", "extension_exceeds_limit",
			fmt.Sprintf("委派调解期限最多延长%d日，即至%s", d.MaxExtensionDays, ChinaTime(base).AddDate(0, 0, d.MaxExtensionDays).Format(DayLayout)))
	}
	if err := CheckText("reason", r.Reason, MaxReason); err != nil {
		return nil, err
	}
	d.DueAt, d.ExtendedDays = newDue, days
	d.refresh(env.deadlines)
	c.Referral.DueOn, c.Referral.dirty = day.Format(DayLayout), true
	body := fmt.Sprintf("经双方当事人同意（%s），委派调解期限延长至%s", strings.Join(consents, "、"), c.Referral.DueOn)
	if why := strings.TrimSpace(r.Reason); why != "" {
		body += "。" + why
	}
	return newEvent(EventReferralExtended, body, map[string]string{"due_on": c.Referral.DueOn,
		"consents": strings.Join(consents, "、"), "days": fmt.Sprint(days)}), nil
}

// applyCourtDocument records the court's 民事调解书: the referral succeeded.
func applyCourtDocument(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
	if c.Referral == nil {
		return nil, conflict("no_referral", "本案不是法院委派调解的案件")
	}
	if c.Referral.DocumentNo != "" {
		return nil, conflict("document_recorded", "已记录法院调解书"+c.Referral.DocumentNo)
	}
	if err := RequiredText("document_no", r.DocumentNo, maxLetterNo, "调解书文号"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(r.DocumentOn) == "" {
		return nil, invalid("document_on", "required", "请填写调解书日期（YYYY-MM-DD）")
	}
	day, err := ParseDay("document_on", strings.TrimSpace(r.DocumentOn))
	if err != nil {
		return nil, err
	}
	if day.After(StartOfDay(env.now)) {
		return nil, invalid("document_on", "date_in_future", "调解书日期不能晚于今天")
	}
	if err := CheckText("note", r.Note, MaxNote); err != nil {
		return nil, err
	}
	c.endReferral(ReferralCourtDocument, env.now)
	c.Referral.DocumentNo, c.Referral.DocumentOn = strings.TrimSpace(r.DocumentNo), day.Format(DayLayout)
	c.Referral.Outcome, c.Referral.dirty = ReferralCourtDocument, true
	return newEvent(EventCourtDocument, r.Note, map[string]string{"document_no": c.Referral.DocumentNo,
		"document_on": c.Referral.DocumentOn}), nil
}

// referralAllowed: the holding desk, or the court desk when it can see
// the case (the 调解书 is the court's).
func referralAllowed(a Actor, c *Case) bool {
	return holdingDeskHandler(a, c) || (a.Role == RoleHandler && a.Desk == ReferralCourtDesk && canSee(a, c))
}

func insertReferral(ctx context.Context, tx *sqlx.Tx, caseID int64, r *Referral) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO court_referrals (case_id, letter_no, letter_date, due_on) VALUES (?, ?, ?, ?)`),
		caseID, r.LetterNo, r.LetterDate, r.DueOn)
	if err != nil {
		return fmt.Errorf("store: unable to save the referral: %w", err)
	}
	r.dirty = false
	return nil
}

// saveReferral writes what an action changed of the referral.
func saveReferral(ctx context.Context, tx *sqlx.Tx, c *Case) error {
	r := c.Referral
	if r == nil || !r.dirty {
		return nil
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE court_referrals SET due_on = ?, outcome = ?, document_no = ?, document_on = ?
		WHERE case_id = ?`), r.DueOn, r.Outcome, r.DocumentNo, r.DocumentOn, c.ID)
	if err != nil {
		return fmt.Errorf("store: unable to save the referral: %w", err)
	}
	r.dirty = false
	return nil
}

func findReferral(ctx context.Context, q querier, caseID int64) (*Referral, error) {
	var r Referral
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT letter_no, letter_date, due_on, outcome, document_no, document_on
		FROM court_referrals WHERE case_id = ?`), caseID)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch the referral: %w", err)
	}
	return &r, nil
}
