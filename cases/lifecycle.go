package cases

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx/types"
)

// This file holds every rule of a case's life: which actions exist, who may
// take them, from which statuses, what they change and which event they
// append. The service applies them; nothing else decides.

// ActionRequest is what a staff member asks to do with a case. Each action
// reads only the fields it documents.
type ActionRequest struct {
	Action     string `json:"-"`
	Version    *int64 `json:"version"`
	Desk       string `json:"desk"`
	Note       string `json:"note"`
	Reason     string `json:"reason"`
	Body       string `json:"body"`
	Visibility string `json:"visibility"`
	Outcome    string `json:"outcome"`
	Summary    string `json:"summary"`
	// The deadline engine's actions (deadline_actions.go).
	Days        int    `json:"days"`         // extend: days of the rule's kind
	Level       string `json:"level"`        // escalate: normal | yellow | red
	RespondBy   string `json:"respond_by"`   // escalate: YYYY-MM-DD
	ClosureType string `json:"closure_type"` // close: resolved | procedural | legal_procedure | withdrawn | not_accepted
	// close as resolved without an agreement: why there is none (当场履行、
	// 口头和解不需书面协议, …). The mediation extension requires either.
	NoAgreementReason string `json:"no_agreement_reason"`
	// A court referral's (referral.go). extend_referral: the parties who
	// consented (each applicant and respondent, by name) and the new last
	// day (YYYY-MM-DD); court_document: the 民事调解书's number and date.
	Consents   PartyNames `json:"consents"`
	DueOn      string     `json:"due_on"`
	DocumentNo string     `json:"document_no"`
	DocumentOn string     `json:"document_on"`
}

// Length limits, in characters, for what people type.
const (
	MaxTitle   = 100
	MaxName    = 100
	MaxTown    = 50
	MaxSummary = 5000
	MaxClaims  = 2000
	MaxNote    = 5000
	MaxReason  = 1000
	MaxParties = 30
)

// ActionInfo describes an action for the meta endpoint and the UI.
type ActionInfo struct {
	Name   string   `json:"name"`
	Label  string   `json:"label"`
	From   []Status `json:"from"` // empty: any status
	Who    string   `json:"who"`
	Fields []string `json:"fields"`
}

type transition struct {
	ActionInfo
	allowed func(a Actor, c *Case) bool
	// apply checks the request against the case and changes c in place; the
	// event it returns is appended in the same transaction.
	apply func(c *Case, r ActionRequest, env *applyEnv) (*Event, error)
	// applies, when set, says whether the action means anything for c at
	// all (a court referral's actions on a referred case): pages do not
	// offer it elsewhere, while the API still answers why not.
	applies func(c *Case) bool
}

// applyEnv is what a transition may consult besides the case.
type applyEnv struct {
	now       time.Time
	desk      func(code string) (Desk, bool)
	actor     Actor
	deadlines *deadlineEnv
}

func holdingDeskHandler(a Actor, c *Case) bool {
	return a.Role == RoleHandler && a.Desk != "" && a.Desk == c.Desk
}

var transitions = []transition{
	{
		ActionInfo: ActionInfo{Name: "route", Label: "分流", From: []Status{StatusRegistered},
			Who: "intake, leader", Fields: []string{"desk", "note"}},
		allowed: func(a Actor, c *Case) bool { return a.Role == RoleIntake || a.Role == RoleLeader },
		apply: func(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
			d, err := targetDesk(r.Desk, env)
			if err != nil {
				return nil, err
			}
			if err := CheckText("note", r.Note, MaxNote); err != nil {
				return nil, err
			}
			c.Status, c.Desk = StatusRouted, d.Code
			return newEvent(EventRoute, r.Note, map[string]string{"to_desk": d.Code}), nil
		},
	},
	{
		ActionInfo: ActionInfo{Name: "accept", Label: "签收", From: []Status{StatusRouted},
			Who: "handler of the receiving desk"},
		allowed: holdingDeskHandler,
		apply: func(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
			c.Status = StatusInProgress
			return newEvent(EventAccept, "", nil), nil
		},
	},
	{
		ActionInfo: ActionInfo{Name: "return", Label: "退回", From: []Status{StatusRouted},
			Who: "handler of the receiving desk (back to intake)", Fields: []string{"reason"}},
		allowed: holdingDeskHandler,
		apply: func(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
			if err := RequiredText("reason", r.Reason, MaxReason, "退回理由"); err != nil {
				return nil, err
			}
			from := c.Desk
			c.Status, c.Desk = StatusRegistered, ""
			// The window routes it afresh; whoever holds it next decides on joint handling.
			c.CoDesks = []string{}
			return newEvent(EventReturn, r.Reason, map[string]string{"from_desk": from}), nil
		},
	},
	{
		ActionInfo: ActionInfo{Name: "transfer", Label: "移交", From: []Status{StatusRouted, StatusInProgress},
			Who: "handler of the holding desk", Fields: []string{"desk", "reason"}},
		allowed: holdingDeskHandler,
		apply: func(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
			d, err := targetDesk(r.Desk, env)
			if err != nil {
				return nil, err
			}
			if d.Code == c.Desk {
				return nil, invalid("desk", "same_desk", "案件已在本窗口，不能移交给自己")
			}
			if err := RequiredText("reason", r.Reason, MaxReason, "移交理由"); err != nil {
				return nil, err
			}
			from := c.Desk
			c.Status, c.Desk = StatusRouted, d.Code
			// The new holder is no longer a guest of its own case.
			c.CoDesks = slices.DeleteFunc(c.CoDesks, func(x string) bool { return x == d.Code })
			data := map[string]string{"from_desk": from, "to_desk": d.Code}
			// A court referral that goes back to the court has failed: the
			// court desk takes the whole file for 立案, the reason with it.
			if d.Code == ReferralCourtDesk && c.endReferral(ReferralReturned, env.now) {
				data["referral"] = ReferralReturned
			}
			return newEvent(EventTransfer, r.Reason, data), nil
		},
	},
	{
		ActionInfo: ActionInfo{Name: "invite", Label: "邀请联合调处", From: []Status{StatusInProgress},
			Who: "handler of the holding desk", Fields: []string{"desk", "note"}},
		allowed: holdingDeskHandler,
		apply: func(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
			d, err := targetDesk(r.Desk, env)
			if err != nil {
				return nil, err
			}
			if d.Code == c.Desk || slices.Contains(c.CoDesks, d.Code) {
				return nil, invalid("desk", "already_handling", "该窗口已在办理本案")
			}
			if err := CheckText("note", r.Note, MaxNote); err != nil {
				return nil, err
			}
			c.CoDesks = append(c.CoDesks, d.Code)
			return newEvent(EventInvite, r.Note, map[string]string{"co_desk": d.Code}), nil
		},
	},
	{
		ActionInfo: ActionInfo{Name: "notes", Label: "记录", Who: "anyone who can see the case",
			Fields: []string{"body", "visibility"}},
		allowed: func(a Actor, c *Case) bool { return canSee(a, c) },
		apply: func(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
			if err := RequiredText("body", r.Body, MaxNote, "记录内容"); err != nil {
				return nil, err
			}
			vis := r.Visibility
			if vis == "" {
				vis = VisibilityInternal
			}
			if vis != VisibilityInternal && vis != VisibilityPublic {
				return nil, invalid("visibility", "invalid_visibility", "可见范围只能是 internal（内部）或 public（群众可见）")
			}
			e := newEvent(EventNote, r.Body, nil)
			e.Visibility = vis
			return e, nil
		},
	},
	{
		ActionInfo: ActionInfo{Name: "visits", Label: "来访登记", Who: "intake, handler — the citizen came in person",
			Fields: []string{"note"}},
		allowed: func(a Actor, c *Case) bool {
			return (a.Role == RoleIntake || a.Role == RoleHandler) && canSee(a, c)
		},
		apply: func(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
			if err := CheckText("note", r.Note, MaxNote); err != nil {
				return nil, err
			}
			c.Visits++
			c.RepeatVisit = true
			return newEvent(EventVisit, r.Note, nil), nil
		},
	},
	{
		ActionInfo: ActionInfo{Name: "close", Label: "办结", From: []Status{StatusInProgress},
			Who: "handler of the holding desk", Fields: []string{"outcome", "closure_type", "summary", "no_agreement_reason"}},
		allowed: holdingDeskHandler,
		apply: func(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
			if err := RequiredText("outcome", r.Outcome, MaxReason, "办理结果"); err != nil {
				return nil, err
			}
			if err := validClosureType(r.ClosureType); err != nil {
				return nil, err
			}
			if err := CheckText("summary", r.Summary, MaxNote); err != nil {
				return nil, err
			}
			if err := CheckText("no_agreement_reason", r.NoAgreementReason, MaxReason); err != nil {
				return nil, err
			}
			c.Status, c.Outcome, c.ClosureType = StatusClosed, strings.TrimSpace(r.Outcome), r.ClosureType
			at := env.now
			c.ClosedAt = &at
			// On time: closed by the end of the running stage limit (NULL
			// when the stage had none).
			c.ClosedOnTime = nil
			if d := c.openDeadline(DeadlineStage); d != nil {
				onTime := !env.now.After(d.DueAt)
				c.ClosedOnTime = &onTime
			}
			data := map[string]string{"outcome": c.Outcome, "closure_type": c.ClosureType}
			if why := strings.TrimSpace(r.NoAgreementReason); why != "" {
				data["no_agreement_reason"] = why
			}
			return newEvent(EventClose, r.Summary, data), nil
		},
	},
	// The deadline engine's actions; their checks and effects are in
	// deadline_actions.go.
	{
		ActionInfo: ActionInfo{Name: "extend", Label: "延期", From: openStatuses,
			Who: "leader (approves the extension the rule allows)", Fields: []string{"days", "reason"}},
		allowed: func(a Actor, c *Case) bool { return a.Role == RoleLeader },
		apply:   applyExtend,
	},
	{
		ActionInfo: ActionInfo{Name: "suspend", Label: "中止", From: []Status{StatusInProgress},
			Who: "handler of the holding desk — the time limit stops", Fields: []string{"reason"}},
		allowed: holdingDeskHandler,
		apply:   applySuspend,
	},
	{
		ActionInfo: ActionInfo{Name: "resume", Label: "恢复办理", From: []Status{StatusSuspended},
			Who: "handler of the holding desk"},
		allowed: holdingDeskHandler,
		apply:   applyResume,
	},
	{
		ActionInfo: ActionInfo{Name: "escalate", Label: "督办", From: openStatuses,
			Who: "leader", Fields: []string{"level", "respond_by", "note"}},
		allowed: func(a Actor, c *Case) bool { return a.Role == RoleLeader },
		apply:   applyEscalate,
	},
	{
		ActionInfo: ActionInfo{Name: "respond", Label: "督办答复", From: openStatuses,
			Who: "handler of the holding desk", Fields: []string{"body"}},
		allowed: holdingDeskHandler,
		apply:   applyRespond,
		// Offered only while a 督办 awaits its answer (the API still
		// answers no_supervision otherwise).
		applies: func(c *Case) bool { return c.Supervision != "" },
	},
	{
		ActionInfo: ActionInfo{Name: "reopen", Label: "重新办理", From: []Status{StatusClosed},
			Who: "handler of the desk that closed it, leader", Fields: []string{"reason"}},
		allowed: func(a Actor, c *Case) bool { return holdingDeskHandler(a, c) || a.Role == RoleLeader },
		apply:   applyReopen,
	},
	// A court referral's (referral.go).
	{
		ActionInfo: ActionInfo{Name: "extend_referral", Label: "延长委派调解期限", From: openStatuses,
			Who:    "handler of the holding desk — with every applicant's and respondent's consent",
			Fields: []string{"consents", "due_on", "reason"}},
		allowed: holdingDeskHandler,
		apply:   applyExtendReferral,
		applies: referralRunning,
	},
	{
		ActionInfo: ActionInfo{Name: "court_document", Label: "记录法院调解书", From: []Status{StatusInProgress, StatusSuspended, StatusClosed},
			Who:    "handler of the holding desk or of the court desk (litigation)",
			Fields: []string{"document_no", "document_on", "note"}},
		allowed: referralAllowed,
		apply:   applyCourtDocument,
		applies: func(c *Case) bool { return c.Referral != nil && c.Referral.DocumentNo == "" },
	},
	{
		ActionInfo: ActionInfo{Name: "register", Label: "受理登记", From: []Status{StatusSubmitted},
			Who: "intake, leader — accept an online application"},
		allowed: func(a Actor, c *Case) bool { return a.Role == RoleIntake || a.Role == RoleLeader },
		apply: func(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
			c.Status = StatusRegistered
			return newEvent(EventRegister, "", nil), nil
		},
	},
	{
		ActionInfo: ActionInfo{Name: "decline", Label: "不予受理", From: []Status{StatusSubmitted},
			Who:    "intake, leader — decline an online application; the citizen sees the reason",
			Fields: []string{"reason"}},
		allowed: func(a Actor, c *Case) bool { return a.Role == RoleIntake || a.Role == RoleLeader },
		apply: func(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
			if err := RequiredText("reason", r.Reason, MaxReason, "不予受理的理由"); err != nil {
				return nil, err
			}
			c.Status, c.Outcome = StatusDeclined, strings.TrimSpace(r.Reason)
			e := newEvent(EventDecline, r.Reason, nil)
			e.Visibility = VisibilityPublic // written for the citizen
			return e, nil
		},
	},
	{
		ActionInfo: ActionInfo{Name: "reissue_code", Label: "补发查询码",
			Who: "intake, leader, handler of the holding desk — the old code stops working"},
		allowed: func(a Actor, c *Case) bool {
			return a.Role == RoleIntake || a.Role == RoleLeader || holdingDeskHandler(a, c)
		},
		apply: func(c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
			c.newCode = newQueryCode()
			return newEvent(EventCodeReissued, "", nil), nil
		},
	},
}

// openStatuses are the statuses of a case still being handled.
var openStatuses = []Status{StatusRegistered, StatusRouted, StatusInProgress, StatusSuspended}

// Actions lists every action a staff member can take on a case.
func Actions() []ActionInfo {
	out := make([]ActionInfo, len(transitions))
	for i, t := range transitions {
		out[i] = t.ActionInfo
		// Lists, never null, for clients in typed languages.
		out[i].From = append([]Status{}, t.From...)
		out[i].Fields = append([]string{}, t.Fields...)
	}
	return out
}

func findTransition(name string) (*transition, bool) {
	for i := range transitions {
		if transitions[i].Name == name {
			return &transitions[i], true
		}
	}
	return nil, false
}

// applyAction runs one action against c (a copy the caller may discard),
// checking in the order a user can act on: stale version first, then
// permission, status, and finally the request's own fields.
func applyAction(a Actor, c *Case, r ActionRequest, env *applyEnv) (*Event, error) {
	t, ok := findTransition(r.Action)
	if !ok {
		return nil, invalid("action", "unknown_action", fmt.Sprintf("未知的操作“%s”", r.Action))
	}
	if r.Version != nil && *r.Version != c.Version {
		return nil, ErrStaleVersion
	}
	// A merged case lives on in the case it was merged into (links.go):
	// only its citizen's lost code may still be reissued.
	if c.Status == StatusMerged && r.Action != "reissue_code" {
		return nil, mergedConflict(c)
	}
	if !t.allowed(a, c) {
		return nil, forbidden(fmt.Sprintf("您无权对本案执行“%s”", t.Label))
	}
	if len(t.From) > 0 && !slices.Contains(t.From, c.Status) {
		return nil, &Error{Kind: KindConflict, Code: "invalid_transition",
			Message: fmt.Sprintf("案件当前状态为“%s”，不能%s", StatusLabel(c.Status), t.Label)}
	}
	prevStatus, prevDesk := c.Status, c.Desk
	e, err := t.apply(c, r, env)
	if err != nil {
		return nil, err
	}
	// A new stage (another status or desk) starts its own time limit; a
	// suspension pauses the running one instead, and a note changes nothing.
	if (c.Status != prevStatus || c.Desk != prevDesk) && prevStatus != StatusSuspended && c.Status != StatusSuspended {
		c.startStage(env.deadlines)
	}
	c.syncDeadlines()
	// Visibility is about the body: staff wording (route notes, reasons,
	// visit notes, closing summaries) stays internal unless a note is marked
	// public. The citizen's timeline tells every step in its own words.
	if e.Visibility == "" {
		e.Visibility = VisibilityInternal
	}
	return e, nil
}

// canSee is the read rule: intake and leaders see every case (the window
// must find repeat visitors, leaders supervise); a handler sees what their
// desk holds, co-handles, held before, or registered. Admins manage
// accounts, not cases, and see none.
func canSee(a Actor, c *Case) bool {
	if a.IsClient() {
		return clientSees(a, c)
	}
	switch a.Role {
	case RoleIntake, RoleLeader:
		return true
	case RoleHandler:
		return a.Desk != "" && (c.Desk == a.Desk || slices.Contains(c.CoDesks, a.Desk) ||
			slices.Contains(c.previousDesk, a.Desk) || c.CreatedBy == a.UserID)
	}
	return false
}

var statusLabels = map[Status]string{
	StatusRegistered: "已登记待分流",
	StatusRouted:     "待签收",
	StatusInProgress: "办理中",
	StatusSuspended:  "已中止",
	StatusClosed:     "已办结",
	StatusSubmitted:  "待受理",
	StatusDeclined:   "不予受理",
	StatusMerged:     "已并案",
}

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusSubmitted, StatusRegistered, StatusRouted, StatusInProgress, StatusSuspended, StatusClosed, StatusDeclined, StatusMerged}

// StatusLabel is the status as the counter says it.
func StatusLabel(s Status) string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

func targetDesk(code string, env *applyEnv) (Desk, error) {
	if strings.TrimSpace(code) == "" {
		return Desk{}, invalid("desk", "required", "请选择窗口")
	}
	d, ok := env.desk(code)
	if !ok || !d.Active {
		return Desk{}, invalid("desk", "unknown_desk", fmt.Sprintf("没有代码为“%s”的窗口", code))
	}
	return d, nil
}

// RequiredText refuses an empty v ("请填写" label), then checks it as
// CheckText does. Subpackages (mediation) validate their texts with it.
func RequiredText(field, v string, max int, label string) error {
	if strings.TrimSpace(v) == "" {
		return invalid(field, "required", "请填写"+label)
	}
	return CheckText(field, v, max)
}

// CheckText refuses a text over max characters, invalid UTF-8 or control
// characters other than line breaks and tabs, naming field.
func CheckText(field, v string, max int) error {
	if utf8.RuneCountInString(v) > max {
		return invalid(field, "too_long", fmt.Sprintf("内容过长，最多%d字", max))
	}
	if !utf8.ValidString(v) || strings.ContainsFunc(v, isControl) {
		return invalid(field, "invalid_text", "内容含有无效字符")
	}
	return nil
}

// isControl is true for invisible control characters; line breaks and tabs
// are what people type into long texts and stay allowed.
func isControl(r rune) bool {
	return r != '\n' && r != '\r' && r != '\t' && unicode.IsControl(r)
}

func newEvent(kind, body string, data map[string]string) *Event {
	raw := types.JSONText("{}")
	if len(data) > 0 {
		raw, _ = json.Marshal(data)
	}
	return &Event{Kind: kind, Body: strings.TrimSpace(body), Data: raw}
}

// AvailableActions lists the actions a may take on c now: the same
// permission and from-status checks applyAction makes, so a page offers
// only what would be accepted (bar the fields the user has yet to type).
func AvailableActions(a Actor, c *Case) []ActionInfo {
	var out []ActionInfo
	for _, info := range Actions() {
		t, _ := findTransition(info.Name)
		if t.allowed(a, c) && (len(t.From) == 0 || slices.Contains(t.From, c.Status)) && (t.applies == nil || t.applies(c)) {
			out = append(out, info)
		}
	}
	return out
}
