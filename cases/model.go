// Package cases is the domain of yidi: desks, categories, persons and
// parties, cases, their lifecycle and the append-only event log, with the
// SQL store and the service that applies each change in one transaction.
package cases

import (
	"time"

	"github.com/jmoiron/sqlx/types"
)

// Role is what a staff account may do; see lifecycle.go for the rules.
type Role string

const (
	RoleAdmin   Role = "admin"   // manages users, desks and categories
	RoleIntake  Role = "intake"  // 窗口受理员: registers and routes cases
	RoleHandler Role = "handler" // a desk's staff; always belongs to one desk
	RoleLeader  Role = "leader"  // reads everything, supervises
)

// Roles lists every role, in the order the UI offers them.
var Roles = []Role{RoleAdmin, RoleIntake, RoleHandler, RoleLeader}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Actor is the signed-in user on whose behalf a service method runs.
type Actor struct {
	UserID   int64  `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Desk     string `json:"desk,omitempty"`
	// Scopes are a machine client's (clients.go); nil for a person.
	Scopes []string `json:"scopes,omitempty"`

	system bool // SystemActor: the command line, which may do what an admin may
}

// Desk is a window in the centre that can hold a case.
type Desk struct {
	Code   string `db:"code" json:"code"`
	Name   string `db:"name" json:"name"`
	Order  int    `db:"sort_order" json:"-"`
	Active bool   `db:"active" json:"active"`
}

// Category is a kind of dispute.
type Category struct {
	Code   string `db:"code" json:"code"`
	Name   string `db:"name" json:"name"`
	Order  int    `db:"sort_order" json:"-"`
	Active bool   `db:"active" json:"active"`
}

// Status of a case; the transitions between them live in lifecycle.go.
type Status string

const (
	StatusRegistered Status = "registered" // 已登记待分流
	StatusRouted     Status = "routed"     // 待签收
	StatusInProgress Status = "in_progress"
	StatusSuspended  Status = "suspended" // 已中止: the time limit stops (awaiting an appraisal, a hearing)
	StatusClosed     Status = "closed"
	// Online applications (网上申请) wait at the window before registration.
	StatusSubmitted Status = "submitted" // 待受理
	StatusDeclined  Status = "declined"  // 不予受理(网上申请)
	// 已并案: merged into another open case about the same dispute
	// (links.go); its number and query code answer that case.
	StatusMerged Status = "merged"
)

// Party roles in a case.
const (
	PartyApplicant  = "applicant"   // 申请人
	PartyRespondent = "respondent"  // 被申请人
	PartyThird      = "third_party" // 第三人
)

// Person kinds: a natural person or an organisation.
const (
	PersonIndividual   = "person"
	PersonOrganisation = "org"
)

// Party is one person's part in one case. ID numbers and phones leave the
// service masked; only the store sees them whole.
type Party struct {
	PartyID    int64  `json:"party_id"` // this case's party (corrections name it)
	Role       string `json:"role"`
	Kind       string `json:"kind"`
	PersonID   int64  `json:"person_id"`
	Name       string `json:"name"`
	IDType     string `json:"id_type,omitempty"` // a person's document type (idtypes.go)
	IDNumber   string `json:"id_number,omitempty"`
	Country    string `json:"country,omitempty"` // a passport's issuing country, ISO 3166-1 alpha-3
	CreditCode string `json:"credit_code,omitempty"`
	LegalRep   string `json:"legal_representative,omitempty"`
	Phone      string `json:"phone,omitempty"`
	// A member of a group case (members.go): the applicant's own claim in
	// yuan, its period as written ("2025-03至2025-11") and whether the
	// member is one of the group's representatives.
	ClaimAmount    *float64 `json:"claim_amount,omitempty"`
	ClaimPeriod    string   `json:"claim_period,omitempty"`
	Representative bool     `json:"representative,omitempty"`
	// ChainRole places a respondent in the chain of those who owe
	// (general_contractor, subcontractor, …; members.go).
	ChainRole string `json:"chain_role,omitempty"`
	claimFen  *int64
}

// Case is the current state of a case, as every desk sees it.
type Case struct {
	ID           int64      `json:"-"`
	Number       string     `json:"number"`
	Title        string     `json:"title"`
	Category     string     `json:"category"`
	Source       string     `json:"source"`
	Summary      string     `json:"summary"`
	Claims       string     `json:"claims"`
	Town         string     `json:"town"`
	Amount       *float64   `json:"amount"`
	PeopleCount  int        `json:"people_count"`
	Status       Status     `json:"status"`
	Desk         string     `json:"desk"`
	CoDesks      []string   `json:"co_desks"`
	Deadline     *Deadline  `json:"deadline"`
	RepeatVisit  bool       `json:"repeat_visit"`
	Visits       int        `json:"visits"`
	Outcome      string     `json:"outcome,omitempty"`
	Version      int64      `json:"version"`
	Parties      []Party    `json:"parties"`
	CreatedBy    int64      `json:"-"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	ClosureType  string     `json:"closure_type,omitempty"`
	ClosedOnTime *bool      `json:"closed_on_time,omitempty"`
	ReopenCount  int        `json:"reopen_count"`
	Warning      string     `json:"warning"`     // "", "yellow", "red"
	Supervision  string     `json:"supervision"` // 督办 awaiting a response: "", "normal", "yellow", "red"
	// Deadlines are the running time limits: the stage's and a 督办 response date.
	Deadlines []DeadlineView `json:"deadlines"`
	// UnreadMessages counts citizen messages the holding desk has not opened.
	UnreadMessages int `json:"unread_messages"`
	// Referral is the court's 委派调解函 of a court_referral case (referral.go).
	Referral *Referral `json:"referral,omitempty"`
	// 并案 and links (links.go): the cases linked with this one (those the
	// viewer may not see by number and relation only), the case it was
	// merged into, and the cases merged into it.
	Links      []CaseLink `json:"links"`
	MergedInto string     `json:"merged_into,omitempty"`
	MergedFrom []string   `json:"merged_from"`
	// ExternalRefs name the case in other systems (externalref.go).
	ExternalRefs []ExternalRef `json:"external_refs"`
	// Materials is the 一次性告知 checklist: the category's materials and
	// which of them the case has received (materials.go).
	Materials []CaseMaterial `json:"materials"`
	// Group sums up the members of a group case (members.go); absent
	// for a case of one applicant.
	Group *GroupSummary `json:"group,omitempty"`
	// Risk is the level, the rules' suggestion and the 包案 leader (risk.go).
	Risk         *Risk           `json:"risk"`
	previousDesk []string        // desks that held or co-handled it before, for read access
	deadlines    []*caseDeadline // open deadline records (and those an action just ended)
	// newCode is a query code a transition issued (reissue_code); the
	// service stores its hash and hands it out once.
	newCode string
}

// Deadline is the time limit of the case's current stage and the rule behind it.
type Deadline struct {
	Due  time.Time `json:"due"`
	Rule string    `json:"rule"`
}

// Event is one entry of the append-only timeline.
type Event struct {
	Seq        int64          `db:"seq" json:"seq"`
	CaseID     int64          `db:"case_id" json:"-"`
	At         time.Time      `db:"at" json:"at"`
	Kind       string         `db:"kind" json:"kind"`
	Desk       string         `db:"desk" json:"desk"`
	DeskName   string         `db:"-" json:"desk_name"`
	ActorID    *int64         `db:"actor_id" json:"-"`
	ActorName  string         `db:"actor_name" json:"actor"`
	ActorRole  string         `db:"actor_role" json:"actor_role"`
	Body       string         `db:"body" json:"body"`
	Visibility string         `db:"visibility" json:"visibility"`
	Data       types.JSONText `db:"data" json:"data"`
	// CaseNumber names the case an event was written on when it is not the
	// case whose timeline this is: a case merged into it (links.go).
	CaseNumber string `db:"case_number" json:"case_number,omitempty"`
}

// Event kinds; one per action plus intake.
const (
	EventIntake   = "intake"
	EventRoute    = "route"
	EventAccept   = "accept"
	EventReturn   = "return"
	EventTransfer = "transfer"
	EventNote     = "note"
	EventVisit    = "visit"
	EventInvite   = "invite"
	EventClose    = "close"
	EventExtend   = "extend"
	EventSuspend  = "suspend"
	EventResume   = "resume"
	EventEscalate = "escalate"
	EventRespond  = "respond"
	EventReopen   = "reopen"
	EventWarning  = "warning" // the sweep: a limit turned yellow or red; data {"level"}
	// A court referral's (referral.go): its period extended with both
	// parties' consent; the court's 民事调解书 recorded.
	EventReferralExtended = "referral_extended"
	EventCourtDocument    = "court_mediation_document"

	// The citizen's side.
	EventCitizenMessage = "citizen_message" // 补充材料/留言 from the citizen
	EventRating         = "rating"          // 满意度评价
	EventSubmitted      = "submitted"       // an online application arrived
	EventRegister       = "register"        // the window accepted it
	EventDecline        = "decline"         // the window declined it, with a reason
	EventCodeReissued   = "code_reissued"   // staff issued a new query code
	EventCorrection     = "correction"      // 补正: registered details corrected (correction.go)
)

// Closure types: an honest account of how a case ended.
const (
	ClosureResolved       = "resolved"        // 实质化解
	ClosureProcedural     = "procedural"      // 程序性办结
	ClosureLegalProcedure = "legal_procedure" // 导入法定程序（仲裁、诉讼）
	ClosureWithdrawn      = "withdrawn"       // 撤回
	ClosureNotAccepted    = "not_accepted"    // 不予受理
)

// ClosureTypes lists the closure types in the order the form offers them.
var ClosureTypes = []string{ClosureResolved, ClosureProcedural, ClosureLegalProcedure, ClosureWithdrawn, ClosureNotAccepted}

var closureLabels = map[string]string{
	ClosureResolved: "实质化解", ClosureProcedural: "程序性办结", ClosureLegalProcedure: "导入法定程序",
	ClosureWithdrawn: "撤回", ClosureNotAccepted: "不予受理",
}

// ClosureLabel is the closure type as the counter says it.
func ClosureLabel(t string) string { return label(closureLabels, t) }

var partyRoleLabels = map[string]string{PartyApplicant: "申请人", PartyRespondent: "被申请人", PartyThird: "第三人"}

// PartyRoleLabel is a party's role as the pages say it.
func PartyRoleLabel(role string) string { return label(partyRoleLabels, role) }

// label is m's word for k, or k itself when m has none.
func label(m map[string]string, k string) string {
	if l, ok := m[k]; ok {
		return l
	}
	return k
}

// Supervision (督办) levels a leader sets.
var SupervisionLevels = []string{"normal", "yellow", "red"}

var supervisionLabels = map[string]string{"normal": "一般督办", "yellow": "黄牌督办", "red": "红牌督办"}

// SupervisionLabel is the 督办 level in words.
func SupervisionLabel(l string) string { return label(supervisionLabels, l) }

// Visibility of an event's body: only a public note's text reaches the
// citizen; the public timeline narrates the other steps itself (public.go).
const (
	VisibilityInternal = "internal"
	VisibilityPublic   = "public"
)

// Warning accompanies a successful intake that the officer must notice.
type Warning struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Cases   []string `json:"cases"`
}

// Sources a case can come from.
var Sources = map[string]string{
	"walk_in":  "来访",
	"phone":    "来电",
	"letter":   "来信",
	"online":   "网上",
	"hotline":  "12345热线",
	"grid":     "网格上报",
	"referral": "部门转办",
	// 诉前调解: the court referred it with a 委派调解函 (referral.go).
	SourceCourtReferral: "法院委派调解",
}
