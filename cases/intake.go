package cases

import (
	"cmp"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// IntakeInput is one dispute as registered at the window.
type IntakeInput struct {
	Title       string       `json:"title"`
	Category    string       `json:"category"`
	Source      string       `json:"source"`
	Summary     string       `json:"summary"`
	Claims      string       `json:"claims"`
	Town        string       `json:"town"`
	Amount      *float64     `json:"amount"`
	PeopleCount int          `json:"people_count"`
	Parties     []PartyInput `json:"parties"`
	// Source court_referral: the court's 委派调解函, its number and date
	// (YYYY-MM-DD); both required for that source, neither for others.
	ReferralNo   string `json:"referral_no"`
	ReferralDate string `json:"referral_date"`
	// ExternalRefs name the case in the systems it came from (externalref.go).
	ExternalRefs []ExternalRef `json:"external_refs"`
	// 一次性告知: the codes of the category's materials handed in at the
	// window (materials.go).
	MaterialsReceived []string `json:"materials_received"`
}

// PartyInput is a party as typed at the window. Kind may be left out: an
// ID number means a person, a credit code or a name like 某某公司 an organisation.
// A person's IDType says what IDNumber is (idtypes.go; 居民身份证 when
// empty), Country the issuing country of a passport; an organisation may
// name its 法定代表人.
type PartyInput struct {
	Role       string `json:"role"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	IDType     string `json:"id_type"`
	IDNumber   string `json:"id_number"`
	Country    string `json:"country"`
	CreditCode string `json:"credit_code"`
	LegalRep   string `json:"legal_representative"`
	Phone      string `json:"phone"`
	// ChainRole places a respondent in the chain of those who owe
	// (chainRoles in members.go); "" for none.
	ChainRole string `json:"chain_role"`
}

// IntakeResult is the answer to an intake. QueryCode is the only time the
// code exists outside the citizen's receipt.
type IntakeResult struct {
	Case      *Case
	QueryCode string
	Warnings  []Warning
	Replayed  bool // an earlier intake with the same idempotency key
}

// CaseNumberPrefix starts every case number: YD-2026-00042 (一地, year, sequence).
const CaseNumberPrefix = "YD"

// FormatCaseNumber spells a case number; it has no characters that need
// escaping in a URL and sorts by year then sequence.
func FormatCaseNumber(year int, seq int64) string {
	return fmt.Sprintf("%s-%d-%05d", CaseNumberPrefix, year, seq)
}

// NormalizeCaseNumber accepts lower case and stray spaces.
func NormalizeCaseNumber(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

var orgSuffixes = []string{"公司", "厂", "局", "委员会", "村委", "居委", "中心", "商店", "超市", "合作社",
	"事务所", "医院", "学校", "银行", "集团", "店", "站", "协会", "物业", "政府", "办事处"}

// validateIntake checks and normalises the input against the rules of
// intake and the categories in use; every error names its field.
func (s *Service) validateIntake(ctx context.Context, in *IntakeInput) error {
	if err := s.validateCaseFields(ctx, in, true); err != nil {
		return err
	}
	if in.Source == "" {
		in.Source = "walk_in"
	}
	if _, ok := Sources[in.Source]; !ok {
		return invalid("source", "unknown_source", fmt.Sprintf("未知的来源“%s”", in.Source))
	}
	if in.PeopleCount == 0 {
		in.PeopleCount = 1
	}
	if in.PeopleCount < 1 || in.PeopleCount > 100000 {
		return invalid("people_count", "invalid_people_count", "涉及人数应在1至100000之间")
	}
	if len(in.Parties) == 0 {
		return invalid("parties", "required", "请至少登记一名申请人")
	}
	if len(in.Parties) > MaxParties {
		return invalid("parties", "too_many", fmt.Sprintf("当事人最多%d名", MaxParties))
	}
	applicants := 0
	for i := range in.Parties {
		if err := in.Parties[i].validate(fmt.Sprintf("parties[%d]", i)); err != nil {
			return err
		}
		if in.Parties[i].Role == PartyApplicant {
			applicants++
		}
	}
	if applicants == 0 {
		return invalid("parties", "no_applicant", "请至少登记一名申请人")
	}
	return validateExternalRefs(in.ExternalRefs)
}

// validateCaseFields checks and normalises what describes the dispute,
// the fields a correction may change too; the category only when asked
// (a correction that leaves a since-retired category alone keeps it).
func (s *Service) validateCaseFields(ctx context.Context, in *IntakeInput, category bool) error {
	in.Title = strings.TrimSpace(in.Title)
	in.Summary = strings.TrimSpace(in.Summary)
	in.Claims = strings.TrimSpace(in.Claims)
	in.Town = strings.TrimSpace(in.Town)
	in.Category = strings.TrimSpace(in.Category)
	if err := RequiredText("title", in.Title, MaxTitle, "案由/标题"); err != nil {
		return err
	}
	if category {
		categories, err := s.Categories(ctx)
		if err != nil {
			return err
		}
		if in.Category == "" {
			return invalid("category", "required", "请选择纠纷类别")
		}
		if !slices.ContainsFunc(categories, func(c Category) bool { return c.Code == in.Category && c.Active }) {
			return invalid("category", "unknown_category", fmt.Sprintf("没有代码为“%s”的纠纷类别", in.Category))
		}
	}
	if err := RequiredText("summary", in.Summary, MaxSummary, "事实与理由"); err != nil {
		return err
	}
	if err := CheckText("claims", in.Claims, MaxClaims); err != nil {
		return err
	}
	if err := CheckText("town", in.Town, MaxTown); err != nil {
		return err
	}
	if in.Amount != nil && (math.IsNaN(*in.Amount) || *in.Amount < 0 || *in.Amount > 1e12) {
		return invalid("amount", "invalid_amount", "涉及金额应为0至1万亿元之间的数字")
	}
	return nil
}

func (p *PartyInput) validate(field string) error {
	// One space between words: a foreigner's name in Latin letters is
	// compared as written on the passport, not as spaced at the keyboard.
	p.Name = strings.Join(strings.Fields(p.Name), " ")
	p.LegalRep = strings.Join(strings.Fields(p.LegalRep), " ")
	p.IDType = strings.TrimSpace(p.IDType)
	p.CreditCode = strings.ToUpper(strings.TrimSpace(p.CreditCode))
	p.Phone = normalizePhone(p.Phone)
	switch p.Role {
	case PartyApplicant, PartyRespondent, PartyThird:
	case "":
		return invalid(field+".role", "required", "请选择当事人身份（申请人/被申请人/第三人）")
	default:
		return invalid(field+".role", "unknown_role", fmt.Sprintf("未知的当事人身份“%s”", p.Role))
	}
	if err := RequiredText(field+".name", p.Name, MaxName, "当事人姓名或名称"); err != nil {
		return err
	}
	if p.Kind == "" {
		p.Kind = PersonIndividual
		if p.CreditCode != "" || (p.IDNumber == "" && p.IDType == "" && hasOrgSuffix(p.Name)) {
			p.Kind = PersonOrganisation
		}
	}
	switch p.Kind {
	case PersonIndividual:
		if p.CreditCode != "" {
			return invalid(field+".credit_code", "not_for_person", "自然人不填统一社会信用代码")
		}
		if p.LegalRep != "" {
			return invalid(field+".legal_representative", "not_for_person", "自然人不填法定代表人")
		}
		if p.IDType == "" {
			p.IDType = IDResident
		}
		var err error
		if p.IDNumber, p.Country, err = normalizeDocument(field, p.IDType, p.Country, p.IDNumber); err != nil {
			return err
		}
	case PersonOrganisation:
		if p.IDNumber != "" {
			return invalid(field+".id_number", "not_for_org", "单位不填身份证号，请填统一社会信用代码")
		}
		if p.IDType != "" || p.Country != "" {
			return invalid(field+".id_type", "not_for_org", "单位不选证件类型，请填统一社会信用代码")
		}
		if err := CheckText(field+".legal_representative", p.LegalRep, MaxName); err != nil {
			return err
		}
		if p.CreditCode != "" && !ValidCreditCode(p.CreditCode) {
			return invalid(field+".credit_code", "invalid_credit_code", "统一社会信用代码有误，请核对（18位，校验码不符）")
		}
	default:
		return invalid(field+".kind", "unknown_kind", "当事人类型只能是 person（自然人）或 org（单位）")
	}
	if p.Phone != "" && !ValidPhone(p.Phone) {
		return invalid(field+".phone", "invalid_phone", "电话号码有误：手机号11位，座机请带区号")
	}
	return checkChainRole(field, p.Role, p.ChainRole)
}

func hasOrgSuffix(name string) bool {
	for _, s := range orgSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

func (in *IntakeInput) fingerprint() string {
	b, _ := json.Marshal(in)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Intake registers one dispute: persons deduplicated, the case row, its
// parties and the intake event, all in one transaction. With an idempotency
// key, a retry of the same request answers the first result instead.
func (s *Service) Intake(ctx context.Context, a Actor, in IntakeInput, idemKey string) (*IntakeResult, error) {
	// Leaders register too: 领导接访日, when they receive visitors themselves.
	if a.Role != RoleIntake && a.Role != RoleHandler && a.Role != RoleLeader {
		return nil, forbidden("只有受理窗口、各窗口工作人员和领导可以登记案件")
	}
	if err := requireScope(a, ScopeIntake); err != nil {
		return nil, err
	}
	if err := checkIdempotencyKey(idemKey); err != nil {
		return nil, err
	}
	if err := s.validateIntake(ctx, &in); err != nil {
		return nil, err
	}
	// The window names the town from the centre's list; an online
	// application keeps the citizen's words and an import its history's.
	if err := s.CheckTown(ctx, "town", in.Town); err != nil {
		return nil, err
	}
	var err error
	if in.MaterialsReceived, err = s.checkMaterials(ctx, in.Category, "materials_received", in.MaterialsReceived); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var fingerprint string
	if idemKey != "" {
		fingerprint = in.fingerprint()
	}
	var res *IntakeResult
	err = s.store.write(ctx, func(tx *sqlx.Tx) error {
		if idemKey != "" {
			var replayErr error
			if res, replayErr = s.replayIntake(ctx, tx, a, idemKey, fingerprint, now); res != nil || replayErr != nil {
				return replayErr
			}
		}
		var err error
		if res, err = s.insertCase(ctx, tx, a, &in, now); err != nil {
			return err
		}
		if idemKey != "" {
			return s.rememberIntake(ctx, tx, a, idemKey, fingerprint, res, now)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !res.Replayed {
		s.committed()
	}
	res.Case = maskCase(res.Case)
	return res, nil
}

func (s *Service) insertCase(ctx context.Context, tx *sqlx.Tx, a Actor, in *IntakeInput, now time.Time) (*IntakeResult, error) {
	return s.insertCaseAs(ctx, tx, a, in, StatusRegistered, now)
}

// insertCaseAs inserts a case in its first status: registered at the
// window, or submitted online (application.go), each with its own event.
func (s *Service) insertCaseAs(ctx context.Context, tx *sqlx.Tx, a Actor, in *IntakeInput, status Status, now time.Time) (*IntakeResult, error) {
	personIDs := make([]int64, len(in.Parties))
	for i := range in.Parties {
		id, err := resolvePerson(ctx, tx, &in.Parties[i], fmt.Sprintf("parties[%d]", i), now)
		if err != nil {
			return nil, err
		}
		if j := slices.Index(personIDs[:i], id); j >= 0 {
			return nil, invalid(fmt.Sprintf("parties[%d]", i), "duplicate_party",
				fmt.Sprintf("第%d名当事人与第%d名是同一人/单位，请勿重复登记", i+1, j+1))
		}
		personIDs[i] = id
	}
	warnings, err := repeatVisitorWarnings(ctx, tx, in.Parties, personIDs)
	if err != nil {
		return nil, err
	}
	number, err := nextCaseNumber(ctx, tx, now.In(ChinaZone).Year())
	if err != nil {
		return nil, err
	}
	code, salt := newQueryCode(), newSalt()
	denv, err := s.deadlineEnv(ctx, tx, now)
	if err != nil {
		return nil, err
	}
	stage := &Case{Status: status}
	stage.startStage(denv)
	letter, err := in.checkReferral(now)
	if err != nil {
		return nil, err
	}
	if in.Source == SourceCourtReferral {
		stage.startReferral(denv, in.ReferralNo, letter)
	}
	stage.syncDeadlines()
	deadlineAt, deadlineRule := stage.deadlineColumns()
	var amountFen any
	if in.Amount != nil {
		fen := int64(math.Round(*in.Amount * 100))
		amountFen = fen
		yuan := float64(fen) / 100 // what is stored: whole fen
		in.Amount = &yuan
	}
	var caseID int64
	err = tx.GetContext(ctx, &caseID, tx.Rebind(`
		INSERT INTO cases (number, title, category, source, summary, claims, town, amount_fen, people_count,
			status, desk, deadline_at, deadline_rule, query_code_salt, query_code_hash, repeat_visit,
			version, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id`),
		number, in.Title, in.Category, in.Source, in.Summary, in.Claims, in.Town, amountFen, in.PeopleCount,
		status, deadlineAt, deadlineRule, salt, hashQueryCode(salt, code), len(warnings) > 0,
		a.UserID, now, now)
	if err != nil {
		return nil, fmt.Errorf("store: unable to insert case: %w", err)
	}
	partyIDs, err := insertParties(ctx, tx, caseID, personIDs, in.Parties)
	if err != nil {
		return nil, err
	}
	if err := insertExternalRefs(ctx, tx, caseID, in.ExternalRefs, now); err != nil {
		return nil, err
	}
	stage.ID = caseID
	// Only the window takes materials in hand; an online application's
	// are ticked when it is registered or later.
	if status == StatusRegistered {
		if err := insertMaterials(ctx, tx, caseID, in.MaterialsReceived, a.UserID, nil, now); err != nil {
			return nil, err
		}
	}
	if err := saveDeadlines(ctx, tx, stage); err != nil {
		return nil, err
	}
	if stage.Referral != nil {
		if err := insertReferral(ctx, tx, caseID, stage.Referral); err != nil {
			return nil, err
		}
	}
	data := map[string]string{}
	if len(warnings) > 0 {
		data["repeat_of"] = strings.Join(warnings[0].Cases, ",")
	}
	if status == StatusRegistered && len(in.MaterialsReceived) > 0 {
		data["materials"] = strings.Join(in.MaterialsReceived, ",")
	}
	kind := EventIntake
	if status == StatusSubmitted {
		kind = EventSubmitted
	}
	e := newEvent(kind, "", data)
	e.Visibility = VisibilityInternal
	if err := s.appendActorEvent(ctx, tx, a, caseID, e, now); err != nil {
		return nil, err
	}
	// The case as just written; reading it back would double the work.
	c := &Case{ID: caseID, Number: number, Title: in.Title, Category: in.Category, Source: in.Source,
		Summary: in.Summary, Claims: in.Claims, Town: in.Town, Amount: in.Amount, PeopleCount: in.PeopleCount,
		Status: status, CoDesks: []string{}, Deadline: stage.Deadline, RepeatVisit: len(warnings) > 0,
		Deadlines: stage.deadlineViews(now), deadlines: stage.deadlines, Referral: stage.Referral,
		Version: 1, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now, Parties: make([]Party, len(in.Parties)),
		ExternalRefs: append([]ExternalRef{}, in.ExternalRefs...)}
	if c.Materials, err = findCaseMaterials(ctx, tx, caseID, in.Category); err != nil {
		return nil, err
	}
	for i, p := range in.Parties {
		c.Parties[i] = Party{PartyID: partyIDs[i], Role: p.Role, Kind: p.Kind, PersonID: personIDs[i], Name: p.Name,
			IDType: p.IDType, IDNumber: p.IDNumber, Country: p.Country, CreditCode: p.CreditCode, LegalRep: p.LegalRep, Phone: p.Phone,
			ChainRole: p.ChainRole}
	}
	// The rules suggest a level at intake already (risk.go).
	if c.Risk, err = findRisk(ctx, tx, c); err != nil {
		return nil, err
	}
	return &IntakeResult{Case: c, QueryCode: code, Warnings: warnings}, nil
}

// resolvePerson finds the person or organisation a party names, or records
// a new one. A document number or credit code identifies someone for sure
// (personKey), an organisation's name nearly so; a person without a
// document is recorded anew each time (repeat visits still match by phone).
func resolvePerson(ctx context.Context, tx *sqlx.Tx, p *PartyInput, field string, now time.Time) (int64, error) {
	if cond, args := personCond(p); cond != "" {
		var found struct {
			ID       int64  `db:"id"`
			Name     string `db:"name"`
			Phone    string `db:"phone"`
			LegalRep string `db:"legal_rep"`
		}
		err := tx.GetContext(ctx, &found, tx.Rebind(`SELECT id, name, phone, legal_rep FROM persons WHERE `+cond+` ORDER BY id LIMIT 1`), args...)
		if err == nil {
			if !strings.EqualFold(found.Name, p.Name) {
				return 0, invalid(field+".name", "name_mismatch",
					fmt.Sprintf("该证件号已登记为“%s”，与填写的姓名/名称不一致，请核对", found.Name))
			}
			if p.Phone == "" {
				// Left blank at the counter: the phone on file, which the
				// form offered (masked), stays the party's.
				p.Phone = found.Phone
			}
			// What changes over time follows the latest registration.
			rep := cmp.Or(p.LegalRep, found.LegalRep)
			if p.Phone != found.Phone || rep != found.LegalRep {
				if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE persons SET phone = ?, legal_rep = ?, updated_at = ? WHERE id = ?`),
					p.Phone, rep, now, found.ID); err != nil {
					return 0, fmt.Errorf("store: unable to update person: %w", err)
				}
			}
			return found.ID, nil
		}
		if !isNoRows(err) {
			return 0, fmt.Errorf("store: unable to look up person: %w", err)
		}
	}
	var idNumber, docNumber string
	if p.IDType == IDResident || p.IDType == "" {
		idNumber = p.IDNumber
	} else {
		docNumber = p.IDNumber
	}
	var id int64
	err := tx.GetContext(ctx, &id, tx.Rebind(`
		INSERT INTO persons (kind, name, id_type, id_number, doc_number, country, credit_code, legal_rep, phone, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		p.Kind, p.Name, p.IDType, nullString(idNumber), nullString(docNumber), p.Country, nullString(p.CreditCode),
		p.LegalRep, p.Phone, now, now)
	if err != nil {
		return 0, fmt.Errorf("store: unable to insert person: %w", err)
	}
	return id, nil
}

// personCond is personKey for a validated party: an organisation without
// its code is still the same organisation by its registered name (people's
// names are not unique).
func personCond(p *PartyInput) (string, []any) {
	cond, args := personKey(p.IDType, p.Country, p.IDNumber, p.CreditCode)
	if cond == "" && p.Kind == PersonOrganisation {
		return "kind = ? AND name = ?", []any{PersonOrganisation, p.Name}
	}
	return cond, args
}

// personKey is the condition on persons that finds the one person a
// document names: a 身份证号 alone (the default type), another document by
// type, country and number, an organisation by its credit code; "" when
// nothing identifies the party.
func personKey(idType, country, idNumber, creditCode string) (string, []any) {
	switch {
	case idNumber != "" && (idType == IDResident || idType == ""):
		return "id_number = ?", []any{idNumber}
	case idNumber != "":
		return "id_type = ? AND country = ? AND doc_number = ?", []any{idType, country, idNumber}
	case creditCode != "":
		return "credit_code = ?", []any{creditCode}
	}
	return "", nil
}

// insertParties links the case to its parties' persons in order and
// answers the parties' ids.
func insertParties(ctx context.Context, tx *sqlx.Tx, caseID int64, personIDs []int64, parties []PartyInput) ([]int64, error) {
	ids := make([]int64, len(personIDs))
	for i, pid := range personIDs {
		if err := tx.GetContext(ctx, &ids[i], tx.Rebind(
			`INSERT INTO case_parties (case_id, person_id, role, position, chain_role) VALUES (?, ?, ?, ?, ?) RETURNING id`),
			caseID, pid, parties[i].Role, i, parties[i].ChainRole); err != nil {
			return nil, fmt.Errorf("store: unable to insert party: %w", err)
		}
	}
	return ids, nil
}

// repeatVisitorWarnings finds open cases in which the same applicants, matched
// by person (so by ID number) or by phone, already applied: the repeat visits
// this reform exists to end. Having been a respondent is not a visit.
func repeatVisitorWarnings(ctx context.Context, tx *sqlx.Tx, parties []PartyInput, personIDs []int64) ([]Warning, error) {
	var ids []int64
	var phones []string
	for i, p := range parties {
		if p.Role != PartyApplicant || p.Kind != PersonIndividual {
			continue
		}
		ids = append(ids, personIDs[i])
		if p.Phone != "" {
			phones = append(phones, p.Phone)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	// "!" keeps the phone list from being empty and matches no phone
	// (PostgreSQL refuses the NUL byte SQLite took).
	query, args, err := sqlx.In(`
		SELECT DISTINCT c.number FROM cases c
		JOIN case_parties cp ON cp.case_id = c.id
		JOIN persons p ON p.id = cp.person_id
		WHERE c.status NOT IN (?) AND cp.role = ? AND (p.id IN (?) OR p.phone IN (?))
		ORDER BY c.number`, []Status{StatusClosed, StatusDeclined, StatusMerged}, PartyApplicant, ids, append(phones, "!"))
	if err != nil {
		return nil, fmt.Errorf("store: unable to build repeat-visitor query: %w", err)
	}
	var numbers []string
	if err := tx.SelectContext(ctx, &numbers, tx.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("store: unable to find earlier cases: %w", err)
	}
	if len(numbers) == 0 {
		return nil, nil
	}
	return []Warning{{Code: "repeat_visitor",
		Message: fmt.Sprintf("重复来访：申请人已有%d件未办结案件，请核对是否为同一纠纷", len(numbers)),
		Cases:   numbers}}, nil
}

// replayIntake answers a retried intake. The query code is kept only sealed
// with the data folder's secret and only for a day: the database alone
// never reveals it.
func (s *Service) replayIntake(ctx context.Context, tx *sqlx.Tx, a Actor, key, fingerprint string, now time.Time) (*IntakeResult, error) {
	var rec struct {
		RequestHash string    `db:"request_hash"`
		CaseID      int64     `db:"case_id"`
		SealedCode  string    `db:"sealed_code"`
		Warnings    string    `db:"warnings"`
		CreatedAt   time.Time `db:"created_at"`
	}
	err := tx.GetContext(ctx, &rec, tx.Rebind(`
		SELECT request_hash, case_id, sealed_code, warnings, created_at FROM idempotency_keys
		WHERE user_id = ? AND idem_key = ?`), a.UserID, key)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to look up idempotency key: %w", err)
	}
	if rec.RequestHash != fingerprint {
		return nil, conflict("idempotency_key_reused", "该 Idempotency-Key 已用于另一份登记内容")
	}
	var number string
	if err := tx.GetContext(ctx, &number, tx.Rebind(`SELECT number FROM cases WHERE id = ?`), rec.CaseID); err != nil {
		return nil, fmt.Errorf("store: unable to fetch replayed case: %w", err)
	}
	c, err := findCase(ctx, tx, number)
	if err != nil {
		return nil, err
	}
	c.Deadlines = c.deadlineViews(now)
	res := &IntakeResult{Case: c, Replayed: true}
	if now.Sub(rec.CreatedAt) < idempotencyWindow {
		res.QueryCode, _ = s.unseal(rec.SealedCode)
	}
	_ = json.Unmarshal([]byte(rec.Warnings), &res.Warnings)
	return res, nil
}

// idempotencyWindow is how long a retry still gets the query code back.
const idempotencyWindow = 24 * time.Hour

func (s *Service) rememberIntake(ctx context.Context, tx *sqlx.Tx, a Actor, key, fingerprint string, res *IntakeResult, now time.Time) error {
	warnings, _ := json.Marshal(res.Warnings)
	sealed, err := s.seal(res.QueryCode)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, tx.Rebind(`
		INSERT INTO idempotency_keys (user_id, idem_key, request_hash, case_id, sealed_code, warnings, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), a.UserID, key, fingerprint, res.Case.ID, sealed, string(warnings), now)
	if err != nil {
		return fmt.Errorf("store: unable to record idempotency key: %w", err)
	}
	return nil
}

// ForgetSealedCodes wipes sealed query codes older than the replay window.
func (s *Service) ForgetSealedCodes(ctx context.Context) error {
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		cutoff := s.now().UTC().Add(-idempotencyWindow)
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE idempotency_keys SET sealed_code = '' WHERE sealed_code <> '' AND created_at < ?`),
			cutoff); err != nil {
			return err
		}
		// The other writes' kept answers (idempotency.go) go after a day too.
		_, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM idempotent_answers WHERE created_at < ?`), cutoff)
		return err
	})
}

func (s *Service) seal(plain string) (string, error) {
	gcm, err := s.aead()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return hex.EncodeToString(gcm.Seal(nonce, nonce, []byte(plain), nil)), nil
}

func (s *Service) unseal(sealed string) (string, error) {
	raw, err := hex.DecodeString(sealed)
	if err != nil || sealed == "" {
		return "", fmt.Errorf("no sealed code")
	}
	gcm, err := s.aead()
	if err != nil {
		return "", err
	}
	if len(raw) < gcm.NonceSize() {
		return "", fmt.Errorf("sealed code too short")
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
	return string(plain), err
}

func (s *Service) aead() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.store.secret)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
