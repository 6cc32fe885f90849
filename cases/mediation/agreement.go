package mediation

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"yidi/cases"
)

// Agreement forms (人民调解法 第二十八条).
const (
	FormWritten = "written" // 调解协议书
	FormOral    = "oral"    // 口头协议, recorded by the mediator
)

// formLabels say an agreement's form.
var formLabels = map[string]string{FormWritten: "书面协议", FormOral: "口头协议"}

// ConfirmationWindowDays: the parties may jointly apply for 司法确认
// within 30 days of the agreement taking effect (人民调解法 第三十三条).
const ConfirmationWindowDays = 30

// ObligationInput is one obligation of an agreement; instalments are
// several obligations. Amount is yuan with at most two decimals ("" none).
type ObligationInput struct {
	Obligor string   `json:"obligor"` // a party's name
	Obligee string   `json:"obligee"` // a party's name
	Content string   `json:"content"`
	Amount  YuanText `json:"amount"`
	DueOn   string   `json:"due_on"` // YYYY-MM-DD
	Manner  string   `json:"manner"` // manner and place of performance
	// ObligeePartyID names the member a group agreement pays (an
	// applicant's party_id): members may share a name, party ids do not.
	// Obligee may then be left out; when given it must be that member's name.
	ObligeePartyID int64 `json:"obligee_party_id"`
}

// AgreementInput is an agreement the parties reached. A second agreement
// of the same case supersedes the one in force: both are kept.
type AgreementInput struct {
	Version        *int64            `json:"version"`
	Form           string            `json:"form"`
	Facts          string            `json:"facts"`          // 纠纷的主要事实、争议事项
	Terms          string            `json:"terms"`          // 达成协议的内容
	Responsibility string            `json:"responsibility"` // 各方当事人的责任
	PersonalStatus bool              `json:"personal_status"`
	SignedOn       string            `json:"signed_on"`  // written: the day the last party signed
	ReachedOn      string            `json:"reached_on"` // oral: the day it was reached; written: defaults to signed_on
	SessionID      int64             `json:"session_id"` // the session it was reached at, if any
	Obligations    []ObligationInput `json:"obligations"`
}

// Agreement is one version of a case's agreement.
type Agreement struct {
	ID              int64         `json:"id"`
	Number          string        `json:"number"` // 卷号
	Version         int           `json:"version"`
	Supersedes      *int64        `json:"supersedes"`
	SupersededBy    *int64        `json:"superseded_by"`
	Effective       bool          `json:"effective"` // not superseded
	Form            string        `json:"form"`
	Facts           string        `json:"facts"`
	Terms           string        `json:"terms"`
	Responsibility  string        `json:"responsibility"`
	PersonalStatus  bool          `json:"personal_status"`
	SignedOn        string        `json:"signed_on"`
	ReachedOn       string        `json:"reached_on"`
	EffectiveOn     string        `json:"effective_on"`
	ConfirmationDue string        `json:"confirmation_due"` // last day to apply for 司法确认
	SessionID       *int64        `json:"session_id"`
	CreatedAt       time.Time     `json:"created_at"`
	CreatedBy       string        `json:"created_by"`
	Obligations     []Obligation  `json:"obligations"`
	Confirmation    *Confirmation `json:"confirmation"`
}

type agreementRow struct {
	ID              int64          `db:"id"`
	CaseID          int64          `db:"case_id"`
	Desk            string         `db:"desk"`
	Number          string         `db:"number"`
	Version         int            `db:"version"`
	Supersedes      sql.NullInt64  `db:"supersedes"`
	SupersededBy    sql.NullInt64  `db:"superseded_by"`
	Form            string         `db:"form"`
	Facts           string         `db:"facts"`
	Terms           string         `db:"terms"`
	Responsibility  string         `db:"responsibility"`
	PersonalStatus  bool           `db:"personal_status"`
	SignedOn        sql.NullString `db:"signed_on"`
	ReachedOn       string         `db:"reached_on"`
	EffectiveOn     string         `db:"effective_on"`
	ConfirmationDue string         `db:"confirmation_due"`
	SessionID       sql.NullInt64  `db:"session_id"`
	CreatedAt       time.Time      `db:"created_at"`
	CreatedBy       string         `db:"created_by"`
}

func nullInt(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func (r *agreementRow) agreement() *Agreement {
	return &Agreement{ID: r.ID, Number: r.Number, Version: r.Version, Supersedes: nullInt(r.Supersedes),
		SupersededBy: nullInt(r.SupersededBy), Effective: !r.SupersededBy.Valid, Form: r.Form, Facts: r.Facts,
		Terms: r.Terms, Responsibility: r.Responsibility, PersonalStatus: r.PersonalStatus, SignedOn: r.SignedOn.String,
		ReachedOn: r.ReachedOn, EffectiveOn: r.EffectiveOn, ConfirmationDue: r.ConfirmationDue,
		SessionID: nullInt(r.SessionID), CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, Obligations: []Obligation{}}
}

// currentAgreement is the case's agreement in force, or nil.
func currentAgreement(ctx context.Context, q sqlx.QueryerContext, caseID int64) (*agreementRow, error) {
	var r agreementRow
	err := sqlx.GetContext(ctx, q, &r, rebind(q,
		`SELECT * FROM mediation_agreements WHERE case_id = ? AND superseded_by IS NULL`), caseID)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mediation: unable to read the agreement: %w", err)
	}
	return &r, nil
}

type obligation struct {
	obligor, obligee, content, dueOn, manner string
	amountFen                                *int64
	obligeeParty                             *int64
}

func checkObligations(c *cases.Case, reachedOn string, in []ObligationInput) ([]obligation, error) {
	if len(in) > maxObligations {
		return nil, invalid("obligations", "too_many", fmt.Sprintf("最多%d项履行义务", maxObligations))
	}
	out := make([]obligation, 0, len(in))
	for i, o := range in {
		f := func(name string) string { return fmt.Sprintf("obligations[%d].%s", i, name) }
		ob := obligation{obligor: strings.TrimSpace(o.Obligor), obligee: strings.TrimSpace(o.Obligee),
			content: strings.TrimSpace(o.Content), manner: strings.TrimSpace(o.Manner)}
		if o.ObligeePartyID == 0 {
			// A schedule typed on the page names members by name: a
			// name only one applicant of a group bears is that member.
			o.ObligeePartyID = soleMember(c, ob.obligee)
		}
		if o.ObligeePartyID != 0 {
			name, err := memberName(c, f("obligee_party_id"), o.ObligeePartyID, ob.obligee)
			if err != nil {
				return nil, err
			}
			ob.obligee, ob.obligeeParty = name, &o.ObligeePartyID
		}
		for _, p := range []struct{ field, name, label string }{{"obligor", ob.obligor, "义务人"}, {"obligee", ob.obligee, "权利人"}} {
			if p.name == "" {
				return nil, invalid(f(p.field), "required", "请填写"+p.label)
			}
			if _, ok := partyByName(c, p.name); !ok {
				return nil, invalid(f(p.field), "unknown_party", fmt.Sprintf("%s“%s”不是本案当事人", p.label, p.name))
			}
		}
		if ob.obligor == ob.obligee {
			return nil, invalid(f("obligee"), "same_party", "义务人和权利人不能是同一人")
		}
		if err := cases.RequiredText(f("content"), ob.content, maxReason, "履行内容"); err != nil {
			return nil, err
		}
		var err error
		if ob.amountFen, err = parseYuan(f("amount"), string(o.Amount)); err != nil {
			return nil, err
		}
		if ob.amountFen != nil && *ob.amountFen == 0 {
			return nil, invalid(f("amount"), "invalid_amount", "金额应大于0；没有金额的义务请不填金额")
		}
		if ob.dueOn, err = parseDay(f("due_on"), o.DueOn, "履行期限"); err != nil {
			return nil, err
		}
		if ob.dueOn < reachedOn {
			return nil, invalid(f("due_on"), "date_before_agreement", "履行期限不能早于协议达成之日")
		}
		if err := cases.CheckText(f("manner"), ob.manner, maxReason); err != nil {
			return nil, err
		}
		out = append(out, ob)
	}
	return out, nil
}

// maxObligations: a group agreement schedules each member's amount, so
// an agreement holds as many obligations as a sheet holds members.
const maxObligations = cases.MaxMembers

// memberName is the name of the applicant a per-member obligation pays;
// a name given with it must agree.
func memberName(c *cases.Case, field string, partyID int64, given string) (string, error) {
	for _, p := range c.Parties {
		if p.PartyID != partyID {
			continue
		}
		if p.Role != cases.PartyApplicant {
			return "", invalid(field, "not_a_member", fmt.Sprintf("“%s”不是本案申请人（群体成员）", p.Name))
		}
		if given != "" && given != p.Name {
			return "", invalid(field, "name_mismatch", fmt.Sprintf("编号%d的成员是“%s”，与填写的权利人“%s”不一致", partyID, p.Name, given))
		}
		return p.Name, nil
	}
	return "", invalid(field, "unknown_party", fmt.Sprintf("本案没有编号为%d的当事人", partyID))
}

// soleMember is the party id of the one applicant called name when the
// case has several applicants (a group), 0 otherwise.
func soleMember(c *cases.Case, name string) int64 {
	var id int64
	applicants, named := 0, 0
	for _, p := range c.Parties {
		if p.Role != cases.PartyApplicant {
			continue
		}
		applicants++
		if p.Name == name {
			named++
			id = p.PartyID
		}
	}
	if applicants < 2 || named != 1 {
		return 0
	}
	return id
}

// nextFileNumber allocates the committee's next 卷号 of the year.
func nextFileNumber(ctx context.Context, tx *sqlx.Tx, desk string, year int) (string, error) {
	var short string
	err := tx.GetContext(ctx, &short, tx.Rebind(`SELECT short_name FROM mediation_committees WHERE desk = ?`), desk)
	if err == sql.ErrNoRows {
		s, err := readSettings(ctx, tx)
		if err != nil {
			return "", err
		}
		short = s.DefaultShortName
	} else if err != nil {
		return "", err
	}
	var seq int64
	err = tx.GetContext(ctx, &seq, tx.Rebind(
		`UPDATE mediation_counters SET last_seq = last_seq + 1 WHERE desk = ? AND year = ? RETURNING last_seq`), desk, year)
	if err == sql.ErrNoRows {
		seq = 1
		_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO mediation_counters (desk, year, last_seq) VALUES (?, ?, 1)`), desk, year)
	}
	if err != nil {
		return "", fmt.Errorf("mediation: unable to allocate a file number: %w", err)
	}
	return fmt.Sprintf("（%d）%s人调字第%d号", year, short, seq), nil
}

// SignAgreement records the agreement the parties reached (the holding
// desk). When the case has one in force, the new one supersedes it: the old
// stays, marked superseded_by, its open 回访 tasks end, and the new version
// keeps the 卷号.
func (m *Service) SignAgreement(ctx context.Context, a cases.Actor, number string, in AgreementInput) (*Agreement, error) {
	var id int64
	return changeThen(ctx, m.cases, a, number, in.Version, &id, m.agreement, func(ctx context.Context, x *cases.CaseTx) (*cases.CaseChange, error) {
		c := x.Case
		if err := mustHoldOpen(a, c, "制作调解协议"); err != nil {
			return nil, err
		}
		day := today(x.Now)
		var signedOn any
		var reachedOn string
		switch in.Form {
		case FormWritten:
			s, err := parseDay("signed_on", in.SignedOn, "签字日期")
			if err != nil {
				return nil, err
			}
			if s > day {
				return nil, invalid("signed_on", "date_in_future", "签字日期不能晚于今天")
			}
			signedOn, reachedOn = s, s
			if strings.TrimSpace(in.ReachedOn) != "" {
				if reachedOn, err = parseDay("reached_on", in.ReachedOn, "达成日期"); err != nil {
					return nil, err
				}
				if reachedOn > s {
					return nil, invalid("reached_on", "date_after_signing", "达成日期不能晚于签字日期")
				}
			}
		case FormOral:
			if strings.TrimSpace(in.SignedOn) != "" {
				return nil, invalid("signed_on", "oral_not_signed", "口头协议没有签字日期；请填写达成日期")
			}
			r, err := parseDay("reached_on", in.ReachedOn, "达成日期")
			if err != nil {
				return nil, err
			}
			reachedOn = r
		case "":
			return nil, invalid("form", "required", "请选择协议形式")
		default:
			return nil, invalid("form", "invalid_form", "协议形式只能是 written（书面）或 oral（口头）")
		}
		if reachedOn > day {
			return nil, invalid("reached_on", "date_in_future", "达成日期不能晚于今天")
		}
		// 人民调解法 第二十九条: a written agreement takes effect when the
		// parties and the mediator have signed; 第三十条: an oral one on
		// the day it is reached.
		effectiveOn := reachedOn
		if in.Form == FormWritten {
			effectiveOn = signedOn.(string)
		}
		facts, terms, resp := strings.TrimSpace(in.Facts), strings.TrimSpace(in.Terms), strings.TrimSpace(in.Responsibility)
		if err := cases.RequiredText("facts", facts, maxText, "纠纷的主要事实和争议事项"); err != nil {
			return nil, err
		}
		if err := cases.RequiredText("terms", terms, maxText, "协议内容"); err != nil {
			return nil, err
		}
		if err := cases.CheckText("responsibility", resp, maxText); err != nil {
			return nil, err
		}
		var sessionID any
		if in.SessionID != 0 {
			if _, err := loadSessionForChange(ctx, x.Tx, c.ID, in.SessionID); err != nil {
				return nil, invalid("session_id", "unknown_session", "本案没有这次会议")
			}
			sessionID = in.SessionID
		}
		obs, err := checkObligations(c, reachedOn, in.Obligations)
		if err != nil {
			return nil, err
		}
		cur, err := currentAgreement(ctx, x.Tx, c.ID)
		if err != nil {
			return nil, err
		}
		version, fileNo := 1, ""
		var supersedes any
		if cur != nil {
			conf, err := confirmationOf(ctx, x.Tx, cur.ID)
			if err != nil {
				return nil, err
			}
			if conf != nil && (conf.Status == ConfirmApplied || conf.Status == ConfirmAccepted) {
				return nil, conflict("confirmation_pending", "现行协议正在司法确认中，人民法院作出裁定前不能变更协议")
			}
			version, fileNo, supersedes = cur.Version+1, cur.Number, cur.ID
		} else {
			if fileNo, err = nextFileNumber(ctx, x.Tx, c.Desk, x.Now.In(cases.ChinaZone).Year()); err != nil {
				return nil, err
			}
		}
		cal := x.Calendar
		due := periodEnd(cal, effectiveOn, ConfirmationWindowDays)
		if err := x.Tx.GetContext(ctx, &id, x.Tx.Rebind(`
			INSERT INTO mediation_agreements (case_id, desk, number, version, supersedes, form, facts, terms, responsibility,
				personal_status, signed_on, reached_on, effective_on, confirmation_due, session_id, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			c.ID, c.Desk, fileNo, version, supersedes, in.Form, facts, terms, resp, in.PersonalStatus, signedOn, reachedOn,
			effectiveOn, due, sessionID, x.Now, a.Username); err != nil {
			return nil, fmt.Errorf("mediation: unable to save the agreement: %w", err)
		}
		if cur != nil {
			if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(
				`UPDATE mediation_agreements SET superseded_by = ? WHERE id = ? AND superseded_by IS NULL`), id, cur.ID); err != nil {
				return nil, err
			}
			if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
				UPDATE mediation_followups SET status = 'cancelled'
				WHERE status = 'open' AND obligation_id IN (SELECT id FROM mediation_obligations WHERE agreement_id = ?)`), cur.ID); err != nil {
				return nil, err
			}
		}
		settings, err := readSettings(ctx, x.Tx)
		if err != nil {
			return nil, err
		}
		for i, o := range obs {
			var oid int64
			if err := x.Tx.GetContext(ctx, &oid, x.Tx.Rebind(`
				INSERT INTO mediation_obligations (agreement_id, position, obligor, obligee, content, amount_fen, due_on, manner, obligee_party_id)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
				id, i+1, o.obligor, o.obligee, o.content, o.amountFen, o.dueOn, o.manner, o.obligeeParty); err != nil {
				return nil, fmt.Errorf("mediation: unable to save an obligation: %w", err)
			}
			// 回访 after each due date: did it happen?
			if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
				INSERT INTO mediation_followups (case_id, desk, reason, obligation_id, due_on, status, created_at)
				VALUES (?, ?, 'obligation_due', ?, ?, 'open', ?)`),
				c.ID, c.Desk, oid, addDays(o.dueOn, settings.FollowUpDays), x.Now); err != nil {
				return nil, err
			}
		}
		data := map[string]any{"agreement_id": id, "number": fileNo, "version": version, "form": in.Form,
			"effective_on": effectiveOn, "confirmation_due": due, "obligations": len(obs)}
		body := fmt.Sprintf("%s（第%d版，%s）", fileNo, version, formLabels[in.Form])
		if supersedes != nil {
			data["supersedes"] = supersedes
			body += "，取代第" + fmt.Sprint(version-1) + "版"
		}
		return &cases.CaseChange{Kind: EventAgreementSigned, Body: body, Data: data}, nil
	})
}

func (m *Service) agreement(ctx context.Context, id int64) (*Agreement, error) {
	var r agreementRow
	if err := m.db.GetContext(ctx, &r, m.db.Rebind(`SELECT * FROM mediation_agreements WHERE id = ?`), id); err != nil {
		return nil, fmt.Errorf("mediation: unable to read the agreement: %w", err)
	}
	return m.fill(ctx, &r)
}

func (m *Service) fill(ctx context.Context, r *agreementRow) (*Agreement, error) {
	ag := r.agreement()
	var err error
	if ag.Obligations, err = m.obligations(ctx, r.ID, today(m.cases.Now())); err != nil {
		return nil, err
	}
	if ag.Confirmation, err = confirmationOf(ctx, m.db, r.ID); err != nil {
		return nil, err
	}
	return ag, nil
}

// Agreements lists every version of the case's agreement, oldest first.
func (m *Service) Agreements(ctx context.Context, a cases.Actor, number string) ([]Agreement, error) {
	c, err := m.readCase(ctx, a, number)
	if err != nil {
		return nil, err
	}
	var rows []agreementRow
	if err := m.db.SelectContext(ctx, &rows, m.db.Rebind(
		`SELECT * FROM mediation_agreements WHERE case_id = ? ORDER BY version`), c.ID); err != nil {
		return nil, fmt.Errorf("mediation: unable to read agreements: %w", err)
	}
	out := make([]Agreement, 0, len(rows))
	for i := range rows {
		ag, err := m.fill(ctx, &rows[i])
		if err != nil {
			return nil, err
		}
		out = append(out, *ag)
	}
	return out, nil
}

// CurrentAgreement answers the case's agreement in force, or nil.
func (m *Service) CurrentAgreement(ctx context.Context, a cases.Actor, number string) (*Agreement, error) {
	c, err := m.readCase(ctx, a, number)
	if err != nil {
		return nil, err
	}
	r, err := currentAgreement(ctx, m.db, c.ID)
	if err != nil || r == nil {
		return nil, err
	}
	return m.fill(ctx, r)
}
