package mediation

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"yidi/cases"
)

// The 卷宗: a case's file as the committee keeps it and hands it to the
// court. Its index lists the documents the case has — most printed from
// its own data (受理登记表, 权利义务告知书, 调解笔录, 协议书 or 口头协议登记表,
// 回访记录, 结案报告), the rest files filed at the desk — and marks the
// ones every file must hold. 归档 closes the file: refused until every
// required document is there, and from then on the case takes notes only
// (the guard New installs through cases.OnGuard).

// EventArchived: the case's file was archived (归档).
const EventArchived = "case_archived"

func init() {
	cases.RegisterEventKinds(cases.EventKind{Kind: EventArchived, Label: "归档", Icon: "档",
		Citizen: citizen(func(map[string]string) string { return "案件材料已整理归档" })})
}

// Required documents of every file (the brief of issue 13 after the
// 司法部 人民调解文书格式): each is met by a document of the index.
const (
	ReqApplication = "application" // 申请书 or 受理登记表
	ReqNotice      = "notice"      // 人民调解权利义务告知书
	ReqIdentity    = "identity"    // 当事人身份证明
	ReqRecord      = "record"      // 调解笔录
	ReqAgreement   = "agreement"   // 调解协议书 or 口头协议登记表
	ReqFollowUp    = "followup"    // 回访记录
	ReqClosing     = "closing"     // 结案报告
)

var requirementTitles = []struct{ code, title string }{
	{ReqApplication, "申请书或受理登记表"},
	{ReqNotice, "人民调解权利义务告知书"},
	{ReqIdentity, "当事人身份证明"},
	{ReqRecord, "调解笔录"},
	{ReqAgreement, "调解协议书或口头协议登记表"},
	{ReqFollowUp, "回访记录"},
	{ReqClosing, "结案报告"},
}

// Requirement is one required document and whether the file holds it.
type Requirement struct {
	Code  string `json:"code"`
	Title string `json:"title"`
	Met   bool   `json:"met"`
	// NotApplicable says why the file need not hold it (a case closed
	// without an agreement has none to file); "" when it applies.
	NotApplicable string `json:"not_applicable,omitempty"`
}

// Document is one entry of the index: printed from the case's data
// (Attachment nil) or a file filed with the case.
type Document struct {
	Code       string            `json:"code"` // intake, notice, record-<session>, agreement-<id>, followups, closing, attachment-<id>
	Title      string            `json:"title"`
	Date       string            `json:"date"`  // YYYY-MM-DD, China time
	Meets      string            `json:"meets"` // the requirement it meets, "" none
	Note       string            `json:"note,omitempty"`
	Attachment *cases.Attachment `json:"attachment,omitempty"`
}

// Retention is the file's 保管期限 and the rule behind it.
type Retention struct {
	Period string `json:"period"` // 定期10年, 定期30年
	Basis  string `json:"basis"`
}

// Archive is the record of a file's 归档.
type Archive struct {
	ArchivedAt time.Time `db:"archived_at" json:"archived_at"`
	ArchivedBy string    `db:"archived_by" json:"archived_by"`
	FileNumber string    `db:"file_number" json:"file_number"`
	Retention  string    `db:"retention" json:"retention"`
}

// Closing is the 结案报告's matter: the close event.
type Closing struct {
	At                time.Time `json:"at"`
	By                string    `json:"by"`
	Outcome           string    `json:"outcome"`
	ClosureType       string    `json:"closure_type"`
	Summary           string    `json:"summary"`
	NoAgreementReason string    `json:"no_agreement_reason,omitempty"`
}

// Dossier is a case's 卷宗: cover, index and the matter of each document.
type Dossier struct {
	Case         *cases.Case       `json:"case"` // masked, like every case that leaves the service
	FileNumber   string            `json:"file_number"`
	Committee    string            `json:"committee"` // the holding desk's name
	Category     string            `json:"category"`  // the category's name
	Mediators    []string          `json:"mediators"` // display names
	Registrar    string            `json:"registrar"` // who registered the case
	OpenedOn     string            `json:"opened_on"`
	ClosedOn     string            `json:"closed_on"`
	Retention    Retention         `json:"retention"`
	Archive      *Archive          `json:"archive"`
	Requirements []Requirement     `json:"requirements"`
	Missing      []string          `json:"missing"` // titles of the required documents not yet filed
	Documents    []Document        `json:"documents"`
	Sessions     []Session         `json:"-"` // held, with their 调解笔录
	Agreements   []Agreement       `json:"-"`
	FollowUps    []FollowUp        `json:"-"` // done
	Closing      *Closing          `json:"-"`
	Names        map[string]string `json:"-"` // staff usernames → display names, for the documents
	Allowed      struct {
		Archive bool `json:"archive"`
		File    bool `json:"file"`
	} `json:"allowed"`
}

// Name is a staff member's display name (the username when unknown).
func (d *Dossier) Name(username string) string {
	if n, ok := d.Names[username]; ok && n != "" {
		return n
	}
	return username
}

// Doc finds a document of the index by its code.
func (d *Dossier) Doc(code string) (*Document, bool) {
	for i := range d.Documents {
		if d.Documents[i].Code == code {
			return &d.Documents[i], true
		}
	}
	return nil, false
}

// ErrCaseArchived refuses every change of an archived case but a note.
var ErrCaseArchived = &cases.Error{Kind: cases.KindConflict, Code: "case_archived",
	Message: "案件已归档，卷宗不能再改动；如需补充情况，请添加记录"}

// guard is installed by New: an archived case takes notes only.
func (m *Service) guard(ctx context.Context, g cases.GuardArgs) error {
	if g.Action == "notes" {
		return nil
	}
	archived, err := isArchived(ctx, g.Tx, g.Case.ID)
	if err != nil {
		return err
	}
	if archived {
		return ErrCaseArchived
	}
	return nil
}

func archiveOf(ctx context.Context, q sqlx.QueryerContext, caseID int64) (*Archive, error) {
	var a Archive
	err := sqlx.GetContext(ctx, q, &a, rebind(q,
		`SELECT archived_at, archived_by, file_number, retention FROM case_archives WHERE case_id = ?`), caseID)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mediation: unable to read the archive record: %w", err)
	}
	a.ArchivedAt = a.ArchivedAt.UTC()
	return &a, nil
}

func isArchived(ctx context.Context, q sqlx.QueryerContext, caseID int64) (bool, error) {
	a, err := archiveOf(ctx, q, caseID)
	return a != nil, err
}

// retentionOf is the file's 保管期限. The periods are those of 国家档案局令
// 第8号《机关文件材料归档范围和文书档案保管期限规定》(2006): 永久, 定期30年,
// 定期10年. Which period a mediation file gets is this centre's rule
// (adjust it here): 定期30年 for a file that may be needed for years — an
// agreement the court confirmed (an enforceable title; 强制执行 and later
// suits refer to it), a dispute of five or more people (群体性纠纷), or one
// over 100,000 yuan; 定期10年 for every other file.
func retentionOf(c *cases.Case, confirmed bool) Retention {
	basis := "依据：国家档案局令第8号《机关文件材料归档范围和文书档案保管期限规定》；"
	switch {
	case confirmed:
		return Retention{"定期30年", basis + "调解协议经人民法院司法确认（本中心规则）"}
	case c.PeopleCount >= 5:
		return Retention{"定期30年", basis + "群体性纠纷（5人以上，本中心规则）"}
	case c.Amount != nil && *c.Amount >= 100000:
		return Retention{"定期30年", basis + "涉及金额10万元以上（本中心规则）"}
	}
	return Retention{"定期10年", basis + "一般纠纷（本中心规则）"}
}

// fileFacts are what both the index and 归档 decide from; read with q, so
// that 归档 decides inside its own transaction.
type fileFacts struct {
	identity, application int
	records, followUps    int
	agreement             *agreementRow
	confirmed             bool
}

func readFileFacts(ctx context.Context, q sqlx.QueryerContext, caseID int64) (*fileFacts, error) {
	f := &fileFacts{}
	for _, c := range []struct {
		n     *int
		query string
	}{
		{&f.identity, `SELECT COUNT(*) FROM attachments WHERE case_id = ? AND kind = 'identity'`},
		{&f.application, `SELECT COUNT(*) FROM attachments WHERE case_id = ? AND kind = 'application'`},
		{&f.records, `SELECT COUNT(*) FROM mediation_records r JOIN mediation_sessions s ON s.id = r.session_id WHERE s.case_id = ?`},
		{&f.followUps, `SELECT COUNT(*) FROM mediation_followups WHERE case_id = ? AND status = 'done'`},
	} {
		if err := sqlx.GetContext(ctx, q, c.n, rebind(q, c.query), caseID); err != nil {
			return nil, fmt.Errorf("mediation: unable to read the file: %w", err)
		}
	}
	var err error
	if f.agreement, err = currentAgreement(ctx, q, caseID); err != nil {
		return nil, err
	}
	if f.agreement != nil {
		conf, err := confirmationOf(ctx, q, f.agreement.ID)
		if err != nil {
			return nil, err
		}
		f.confirmed = conf != nil && conf.Status == ConfirmConfirmed
	}
	return f, nil
}

// requirements says which required documents the file holds. The
// 受理登记表 and the 权利义务告知书 are printed from the intake, so every
// registered case has them.
func (f *fileFacts) requirements(c *cases.Case) []Requirement {
	closed := c.Status == cases.StatusClosed
	met := map[string]bool{
		ReqApplication: true, ReqNotice: true, ReqIdentity: f.identity > 0, ReqRecord: f.records > 0,
		ReqAgreement: f.agreement != nil, ReqFollowUp: f.followUps > 0, ReqClosing: closed,
	}
	out := make([]Requirement, 0, len(requirementTitles))
	for _, r := range requirementTitles {
		req := Requirement{Code: r.code, Title: r.title, Met: met[r.code]}
		if r.code == ReqAgreement && !req.Met && closed {
			// Closed without an agreement (not resolved, or resolved with
			// the reason the close rule asked for): there is none to file.
			req.NotApplicable = "办结时未达成调解协议（" + cases.ClosureLabel(c.ClosureType) + "）"
		}
		out = append(out, req)
	}
	return out
}

func missingOf(reqs []Requirement) []string {
	out := []string{}
	for _, r := range reqs {
		if !r.Met && r.NotApplicable == "" {
			out = append(out, r.Title)
		}
	}
	return out
}

// fileNumber is the file's 卷号: the agreement's "（2026）X人调字第N号", or
// the case number of a file without one.
func fileNumber(c *cases.Case, ag *agreementRow) string {
	if ag != nil {
		return ag.Number
	}
	return c.Number
}

// Dossier answers the case's 卷宗 to whoever may read the case.
func (m *Service) Dossier(ctx context.Context, a cases.Actor, number string) (*Dossier, error) {
	raw, err := m.readCase(ctx, a, number)
	if err != nil {
		return nil, err
	}
	kase, err := m.cases.Case(ctx, a, number)
	if err != nil {
		return nil, err
	}
	facts, err := readFileFacts(ctx, m.db, raw.ID)
	if err != nil {
		return nil, err
	}
	d := &Dossier{Case: kase, FileNumber: fileNumber(raw, facts.agreement), Mediators: []string{},
		Retention: retentionOf(raw, facts.confirmed), Requirements: facts.requirements(raw)}
	d.Missing = missingOf(d.Requirements)
	if d.Archive, err = archiveOf(ctx, m.db, raw.ID); err != nil {
		return nil, err
	}
	if d.Archive != nil {
		// The cover keeps what was decided at 归档.
		d.FileNumber, d.Retention.Period = d.Archive.FileNumber, d.Archive.Retention
	}
	names, err := m.cases.DeskNames(ctx)
	if err != nil {
		return nil, err
	}
	if kase.Desk != "" {
		d.Committee = names(kase.Desk)
	}
	if d.Category, err = m.cases.CategoryName(ctx, kase.Category); err != nil {
		return nil, err
	}
	if err := m.fillDossier(ctx, a, d); err != nil {
		return nil, err
	}
	hold := holdingDesk(a, raw) || a.Role == cases.RoleLeader
	d.Allowed.Archive = hold && kase.Status == cases.StatusClosed && d.Archive == nil
	d.Allowed.File = cases.MayFile(a, raw) && d.Archive == nil
	return d, nil
}

// fillDossier reads the documents' matter and builds the index.
func (m *Service) fillDossier(ctx context.Context, a cases.Actor, d *Dossier) error {
	number := d.Case.Number
	events, err := m.cases.Timeline(ctx, a, number)
	if err != nil {
		return err
	}
	d.OpenedOn = today(d.Case.CreatedAt)
	if d.Case.ClosedAt != nil {
		d.ClosedOn = today(*d.Case.ClosedAt)
	}
	for _, e := range events {
		switch e.Kind {
		case cases.EventIntake:
			d.Registrar = e.ActorName
		case cases.EventClose:
			var data map[string]string
			_ = json.Unmarshal(e.Data, &data)
			d.Closing = &Closing{At: e.At.UTC(), By: e.ActorName, Outcome: data["outcome"], ClosureType: data["closure_type"],
				Summary: e.Body, NoAgreementReason: data["no_agreement_reason"]}
		case cases.EventReopen:
			d.Closing = nil // a reopened case's report is the next closing's
		}
	}
	sessions, err := m.Sessions(ctx, a, number)
	if err != nil {
		return err
	}
	users := []string{}
	for _, s := range sessions {
		if s.Record == nil {
			continue
		}
		d.Sessions = append(d.Sessions, s)
		users = append(users, s.Presiding, s.Clerk, s.Record.RecordedBy)
		users = append(users, s.Mediators...)
		users = append(users, s.Record.AttendedStaff...)
		for _, u := range append([]string{s.Presiding}, s.Mediators...) {
			if u != "" && !slices.Contains(d.Mediators, u) {
				d.Mediators = append(d.Mediators, u)
			}
		}
	}
	if d.Agreements, err = m.Agreements(ctx, a, number); err != nil {
		return err
	}
	followUps, err := m.FollowUps(ctx, a, number)
	if err != nil {
		return err
	}
	for _, f := range followUps {
		if f.Status == "done" {
			d.FollowUps = append(d.FollowUps, f)
			users = append(users, f.RecordedBy)
		}
	}
	for _, ag := range d.Agreements {
		users = append(users, ag.CreatedBy)
	}
	if d.Names, err = displayNames(ctx, m.db, users); err != nil {
		return err
	}
	for i, u := range d.Mediators {
		d.Mediators[i] = d.Name(u)
	}
	atts, err := m.cases.Attachments(ctx, a, number)
	if err != nil {
		return err
	}
	d.Documents = indexOf(d, atts)
	return nil
}

// indexOf orders the file as it is bound: the application, the notice,
// identity proofs, the records, the agreements, the other files, the
// 回访记录 and the 结案报告.
func indexOf(d *Dossier, atts []cases.Attachment) []Document {
	docs := []Document{{Code: "intake", Title: "受理登记表", Date: d.OpenedOn, Meets: ReqApplication}}
	files := func(keep func(kind string) bool, meets string) {
		for i := range atts {
			at := &atts[i]
			if !keep(at.Kind) {
				continue
			}
			title := cases.AttachmentKindLabel(at.Kind)
			if at.OriginalName != "" {
				title += "（" + at.OriginalName + "）"
			}
			docs = append(docs, Document{Code: fmt.Sprintf("attachment-%d", at.ID), Title: title,
				Date: today(at.CreatedAt), Meets: meets, Attachment: at})
		}
	}
	is := func(kind string) func(string) bool { return func(k string) bool { return k == kind } }
	files(is(cases.AttachmentApplication), ReqApplication)
	docs = append(docs, Document{Code: "notice", Title: "人民调解权利义务告知书", Date: d.OpenedOn, Meets: ReqNotice})
	files(is(cases.AttachmentIdentity), ReqIdentity)
	for _, s := range d.Sessions {
		docs = append(docs, Document{Code: fmt.Sprintf("record-%d", s.ID), Title: "调解笔录（" + s.KindLabel + "）",
			Date: today(s.StartsAt), Meets: ReqRecord})
	}
	for _, ag := range d.Agreements {
		doc := Document{Code: fmt.Sprintf("agreement-%d", ag.ID), Title: "人民调解协议书", Date: ag.EffectiveOn}
		if ag.Form == FormOral {
			doc.Title = "口头调解协议登记表"
		}
		if len(d.Agreements) > 1 {
			doc.Title += fmt.Sprintf("（第%d版）", ag.Version)
		}
		if ag.Effective {
			doc.Meets = ReqAgreement
		} else {
			doc.Note = fmt.Sprintf("已被第%d版取代", ag.Version+1)
		}
		docs = append(docs, doc)
	}
	files(func(k string) bool {
		return k != cases.AttachmentApplication && k != cases.AttachmentIdentity
	}, "")
	if len(d.FollowUps) > 0 {
		docs = append(docs, Document{Code: "followups", Title: "回访记录", Date: d.FollowUps[len(d.FollowUps)-1].DueOn, Meets: ReqFollowUp})
	}
	if d.Closing != nil {
		docs = append(docs, Document{Code: "closing", Title: "结案报告", Date: today(d.Closing.At), Meets: ReqClosing})
	}
	return docs
}

// displayNames maps usernames to display names (disabled accounts too:
// an old record names whoever wrote it).
func displayNames(ctx context.Context, q sqlx.QueryerContext, usernames []string) (map[string]string, error) {
	out := map[string]string{}
	list := slices.DeleteFunc(slices.Clone(usernames), func(u string) bool { return u == "" })
	if len(list) == 0 {
		return out, nil
	}
	query, args, err := sqlx.In(`SELECT username, display_name FROM users WHERE username IN (?)`, list)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Username string `db:"username"`
		Name     string `db:"display_name"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, rebind(q, query), args...); err != nil {
		return nil, fmt.Errorf("mediation: unable to read users: %w", err)
	}
	for _, r := range rows {
		out[r.Username] = r.Name
	}
	return out, nil
}

// ArchiveInput archives a case's file.
type ArchiveInput struct {
	Version *int64 `json:"version"`
}

// ErrNotClosed: only a closed case's file is archived.
var errNotClosed = &cases.Error{Kind: cases.KindConflict, Code: "not_closed", Message: "案件办结后才能归档"}

// Archive closes the case's file (归档): the holding desk or a leader, on
// a closed case whose file holds every required document; one
// case_archived event. From then on the case takes notes only.
func (m *Service) Archive(ctx context.Context, a cases.Actor, number string, in ArchiveInput) (*Archive, error) {
	var out *Archive
	_, err := m.cases.ChangeCase(ctx, a, number, in.Version, func(ctx context.Context, x *cases.CaseTx) (*cases.CaseChange, error) {
		c := x.Case
		if !holdingDesk(a, c) && a.Role != cases.RoleLeader {
			return nil, forbidden("只有承办窗口的工作人员或领导可以归档")
		}
		if c.Status != cases.StatusClosed {
			return nil, errNotClosed
		}
		facts, err := readFileFacts(ctx, x.Tx, c.ID)
		if err != nil {
			return nil, err
		}
		if missing := missingOf(facts.requirements(c)); len(missing) > 0 {
			return nil, &cases.Error{Kind: cases.KindConflict, Code: "dossier_incomplete", Field: "documents",
				Message: "卷宗缺少必备材料，不能归档：" + strings.Join(missing, "、")}
		}
		out = &Archive{ArchivedAt: x.Now, ArchivedBy: a.Name, FileNumber: fileNumber(c, facts.agreement),
			Retention: retentionOf(c, facts.confirmed).Period}
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
			INSERT INTO case_archives (case_id, archived_at, archived_by, file_number, retention) VALUES (?, ?, ?, ?, ?)`),
			c.ID, out.ArchivedAt, out.ArchivedBy, out.FileNumber, out.Retention); err != nil {
			return nil, fmt.Errorf("mediation: unable to archive: %w", err)
		}
		return &cases.CaseChange{Kind: EventArchived, Body: fmt.Sprintf("卷号%s，保管期限%s", out.FileNumber, out.Retention),
			Data: map[string]any{"file_number": out.FileNumber, "retention": out.Retention}}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Labels, in words, for the printed documents.

// ResultLabel is a session record's result.
func ResultLabel(r string) string { return resultLabels[r] }

// RecusalLabel is a 回避 decision.
func RecusalLabel(d string) string {
	return map[string]string{"granted": "准予回避", "refused": "不予准许"}[d]
}

// FollowUpLabels are a 回访's method, performance and satisfaction.
func FollowUpLabels(f FollowUp) (method, performance, satisfaction string) {
	return followMethods[f.Method], followPerformance[f.Performance], followSatisfaction[f.Satisfaction]
}
