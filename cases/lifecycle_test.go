package cases_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"yidi/cases"
)

// lifeFixture is a fresh store with a settable clock and one account per
// role and desk the lifecycle tests act as.
type lifeFixture struct {
	t     *testing.T
	ctx   context.Context
	svc   *cases.Service
	clock time.Time

	intake, leader, admin       cases.Actor
	mediation, petition, govern cases.Actor
}

func newLifeFixture(t *testing.T) *lifeFixture {
	t.Helper()
	cases.PasswordCost = 4 // bcrypt.MinCost: these tests sign no one in
	fx := &lifeFixture{t: t, ctx: context.Background(), svc: openImportService(t),
		clock: time.Date(2026, 3, 2, 9, 0, 0, 0, cases.ChinaZone)}
	fx.svc.SetClock(func() time.Time { return fx.clock })
	user := func(name string, role cases.Role, desk string) cases.Actor {
		a, err := fx.svc.CreateUser(fx.ctx, cases.SystemActor, cases.UserInput{Username: name, Name: name,
			Password: "password-" + name, Role: role, Desk: desk})
		if err != nil {
			t.Fatal(err)
		}
		return *a
	}
	fx.intake, fx.leader, fx.admin = user("intake", cases.RoleIntake, ""), user("leader", cases.RoleLeader, ""), user("admin", cases.RoleAdmin, "")
	fx.mediation = user("mediation", cases.RoleHandler, "mediation")
	fx.petition = user("petition", cases.RoleHandler, "petition")
	fx.govern = user("governance", cases.RoleHandler, "governance")
	return fx
}

// newCase registers a walk-in case as a.
func (fx *lifeFixture) newCase(a cases.Actor) string {
	fx.t.Helper()
	res, err := fx.svc.Intake(fx.ctx, a, cases.IntakeInput{Title: "欠薪纠纷", Category: "labor", Source: "walk_in",
		Summary: "工资未付。", Town: "城关镇", Parties: []cases.PartyInput{
			{Role: "applicant", Name: "张三"}, {Role: "respondent", Name: "某公司"}}}, "")
	if err != nil {
		fx.t.Fatal(err)
	}
	return res.Case.Number
}

func (fx *lifeFixture) do(a cases.Actor, n string, r cases.ActionRequest) *cases.Case {
	fx.t.Helper()
	c, err := fx.svc.Do(fx.ctx, a, n, r)
	if err != nil {
		fx.t.Fatalf("%s by %s: %v", r.Action, a.Username, err)
	}
	return c
}

// refuse expects r to fail with an error of kind and, when code is set, that code.
func (fx *lifeFixture) refuse(a cases.Actor, n string, r cases.ActionRequest, kind cases.Kind, code string) {
	fx.t.Helper()
	_, err := fx.svc.Do(fx.ctx, a, n, r)
	e := cases.ErrorOf(err)
	if e == nil || e.Kind != kind || (code != "" && e.Code != code) {
		fx.t.Fatalf("%s by %s: %v, want %v %q", r.Action, a.Username, err, kind, code)
	}
}

func (fx *lifeFixture) sees(a cases.Actor, n string) bool {
	fx.t.Helper()
	_, err := fx.svc.Case(fx.ctx, a, n)
	if err != nil && cases.ErrorOf(err) == nil {
		fx.t.Fatal(err)
	}
	return err == nil
}

func (fx *lifeFixture) timeline(n string) []cases.Event {
	fx.t.Helper()
	events, err := fx.svc.Timeline(fx.ctx, fx.leader, n)
	if err != nil || len(events) == 0 {
		fx.t.Fatalf("timeline of %s: %d events, %v", n, len(events), err)
	}
	return events
}

func (fx *lifeFixture) kinds(n string) (out []string) {
	for _, e := range fx.timeline(n) {
		out = append(out, e.Kind)
	}
	return out
}

func (fx *lifeFixture) last(n string) cases.Event {
	events := fx.timeline(n)
	return events[len(events)-1]
}

func offered(a cases.Actor, c *cases.Case) []string {
	var out []string
	for _, info := range cases.AvailableActions(a, c) {
		out = append(out, info.Name)
	}
	return out
}

// A case walks route → accept → invite → transfer → accept → close, each
// step changing exactly the status, desk and co-desks the rule says, and
// the desks that touched it keep reading it.
func TestLifecycleMovesTheCaseBetweenDesks(t *testing.T) {
	fx := newLifeFixture(t)
	n := fx.newCase(fx.intake)
	fx.refuse(fx.mediation, n, cases.ActionRequest{Action: "route", Desk: "mediation"}, cases.KindNotFound, "")
	fx.refuse(fx.intake, n, cases.ActionRequest{Action: "route"}, cases.KindInvalid, "required")
	fx.refuse(fx.intake, n, cases.ActionRequest{Action: "route", Desk: "nowhere"}, cases.KindInvalid, "unknown_desk")
	c := fx.do(fx.intake, n, cases.ActionRequest{Action: "route", Desk: "mediation", Note: "请调处"})
	if c.Status != cases.StatusRouted || c.Desk != "mediation" {
		t.Fatalf("after route: %s at %q", c.Status, c.Desk)
	}
	if e := fx.last(n); e.Kind != cases.EventRoute || e.Body != "请调处" || e.Visibility != cases.VisibilityInternal ||
		!strings.Contains(string(e.Data), `"to_desk":"mediation"`) {
		t.Fatalf("route event %+v", e)
	}
	// Only the receiving desk signs for it.
	fx.refuse(fx.petition, n, cases.ActionRequest{Action: "accept"}, cases.KindNotFound, "")
	fx.refuse(fx.intake, n, cases.ActionRequest{Action: "accept"}, cases.KindForbidden, "")
	fx.refuse(fx.mediation, n, cases.ActionRequest{Action: "close", Outcome: "x", ClosureType: "resolved"}, cases.KindConflict, "invalid_transition")
	c = fx.do(fx.mediation, n, cases.ActionRequest{Action: "accept"})
	if c.Status != cases.StatusInProgress {
		t.Fatalf("after accept: %s", c.Status)
	}
	fx.refuse(fx.mediation, n, cases.ActionRequest{Action: "invite", Desk: "mediation"}, cases.KindInvalid, "already_handling")
	c = fx.do(fx.mediation, n, cases.ActionRequest{Action: "invite", Desk: "governance"})
	if !slices.Equal(c.CoDesks, []string{"governance"}) {
		t.Fatalf("co-desks %v", c.CoDesks)
	}
	fx.refuse(fx.mediation, n, cases.ActionRequest{Action: "invite", Desk: "governance"}, cases.KindInvalid, "already_handling")
	// A co-desk reads and writes notes but does not hold the case.
	if !fx.sees(fx.govern, n) {
		t.Fatal("the co-desk cannot read the case")
	}
	fx.do(fx.govern, n, cases.ActionRequest{Action: "notes", Body: "已联系"})
	fx.refuse(fx.govern, n, cases.ActionRequest{Action: "transfer", Desk: "petition", Reason: "r"}, cases.KindForbidden, "")
	fx.refuse(fx.mediation, n, cases.ActionRequest{Action: "transfer", Desk: "mediation", Reason: "r"}, cases.KindInvalid, "same_desk")
	fx.refuse(fx.mediation, n, cases.ActionRequest{Action: "transfer", Desk: "governance"}, cases.KindInvalid, "required")
	// Transferred to its co-desk, that desk holds it and is no guest any more.
	c = fx.do(fx.mediation, n, cases.ActionRequest{Action: "transfer", Desk: "governance", Reason: "属综治"})
	if c.Status != cases.StatusRouted || c.Desk != "governance" || len(c.CoDesks) != 0 {
		t.Fatalf("after transfer: %s at %q with %v", c.Status, c.Desk, c.CoDesks)
	}
	if !fx.sees(fx.mediation, n) {
		t.Fatal("the desk that held the case before cannot read it")
	}
	if fx.sees(fx.petition, n) {
		t.Fatal("a desk that never touched the case reads it")
	}
	fx.refuse(fx.mediation, n, cases.ActionRequest{Action: "accept"}, cases.KindForbidden, "")
	fx.do(fx.govern, n, cases.ActionRequest{Action: "accept"})
	want := []string{cases.EventIntake, cases.EventRoute, cases.EventAccept, cases.EventInvite, cases.EventNote,
		cases.EventTransfer, cases.EventAccept}
	if got := fx.kinds(n); !slices.Equal(got, want) {
		t.Fatalf("timeline %v, want %v", got, want)
	}
}

// Returning a case sends it back to the window with no desk and no co-desks.
func TestReturnClearsTheDeskAndItsCoDesks(t *testing.T) {
	fx := newLifeFixture(t)
	n := fx.newCase(fx.intake)
	fx.do(fx.intake, n, cases.ActionRequest{Action: "route", Desk: "mediation"})
	fx.do(fx.mediation, n, cases.ActionRequest{Action: "accept"})
	fx.do(fx.mediation, n, cases.ActionRequest{Action: "invite", Desk: "petition"})
	fx.do(fx.mediation, n, cases.ActionRequest{Action: "transfer", Desk: "governance", Reason: "属综治"})
	fx.refuse(fx.govern, n, cases.ActionRequest{Action: "return", Reason: " "}, cases.KindInvalid, "required")
	c := fx.do(fx.govern, n, cases.ActionRequest{Action: "return", Reason: "不属本窗口"})
	if c.Status != cases.StatusRegistered || c.Desk != "" || len(c.CoDesks) != 0 {
		t.Fatalf("after return: %s at %q with %v", c.Status, c.Desk, c.CoDesks)
	}
	if e := fx.last(n); e.Kind != cases.EventReturn || !strings.Contains(string(e.Data), `"from_desk":"governance"`) {
		t.Fatalf("return event %+v", e)
	}
	fx.refuse(fx.govern, n, cases.ActionRequest{Action: "return", Reason: "再退"}, cases.KindForbidden, "")
}

// The read rule: the window and leaders see every case, a handler what
// their desk holds, co-handles, held before or registered; admins none.
func TestReadRuleFollowsTheDesksAndTheRegistrar(t *testing.T) {
	fx := newLifeFixture(t)
	n := fx.newCase(fx.intake)
	for _, a := range []cases.Actor{fx.intake, fx.leader} {
		if !fx.sees(a, n) {
			t.Fatalf("%s cannot read a new case", a.Username)
		}
	}
	for _, a := range []cases.Actor{fx.admin, fx.mediation, {Role: cases.RoleHandler, UserID: fx.mediation.UserID}} {
		if fx.sees(a, n) {
			t.Fatalf("%q of desk %q reads an unrouted case", a.Role, a.Desk)
		}
	}
	// A handler who registered a case reads it wherever it goes, even from
	// another desk later; that desk's other handlers do not.
	own := fx.newCase(fx.petition)
	fx.do(fx.intake, own, cases.ActionRequest{Action: "route", Desk: "mediation"})
	if !fx.sees(fx.petition, own) {
		t.Fatal("the registrar cannot read their case")
	}
	moved := cases.Actor{Role: cases.RoleHandler, Desk: "litigation", UserID: fx.petition.UserID, Username: "moved"}
	if !fx.sees(moved, own) {
		t.Fatal("the registrar, now at another desk, cannot read their case")
	}
	if fx.sees(cases.Actor{Role: cases.RoleHandler, Desk: "litigation", UserID: fx.admin.UserID}, own) {
		t.Fatal("a handler of a desk that never touched the case reads it")
	}
	fx.do(moved, own, cases.ActionRequest{Action: "notes", Body: "补充材料"})
	fx.refuse(moved, own, cases.ActionRequest{Action: "accept"}, cases.KindForbidden, "")
	// A deskless actor carrying a handler role never matches an empty desk.
	if fx.sees(cases.Actor{Role: cases.RoleHandler}, n) {
		t.Fatal("a handler without a desk reads a deskless case")
	}
	if got := offered(cases.Actor{Role: cases.RoleHandler}, &cases.Case{Status: cases.StatusRegistered}); len(got) != 0 {
		t.Fatalf("a deskless handler is offered %v", got)
	}
}

// Notes take a body within the limit, internal unless marked public;
// texts are limited in characters, not bytes, and control characters other
// than line breaks and tabs are refused.
func TestNotesAndTextLimits(t *testing.T) {
	fx := newLifeFixture(t)
	n := fx.newCase(fx.intake)
	fx.refuse(fx.intake, n, cases.ActionRequest{Action: "notes"}, cases.KindInvalid, "required")
	fx.refuse(fx.intake, n, cases.ActionRequest{Action: "notes", Body: "x", Visibility: "secret"}, cases.KindInvalid, "invalid_visibility")
	fx.refuse(fx.intake, n, cases.ActionRequest{Action: "notes", Body: strings.Repeat("字", cases.MaxNote+1)}, cases.KindInvalid, "too_long")
	fx.do(fx.intake, n, cases.ActionRequest{Action: "notes", Body: strings.Repeat("字", cases.MaxNote)})
	if e := fx.last(n); e.Visibility != cases.VisibilityInternal || string(e.Data) != "{}" {
		t.Fatalf("default note %q %s", e.Visibility, e.Data)
	}
	fx.do(fx.intake, n, cases.ActionRequest{Action: "notes", Body: "  第一行\n\t第二行\r\n ", Visibility: cases.VisibilityPublic})
	if e := fx.last(n); e.Visibility != cases.VisibilityPublic || e.Body != "第一行\n\t第二行" {
		t.Fatalf("public note %q %q", e.Visibility, e.Body)
	}
	for _, bad := range []string{"响\x01铃", "删\x7f除", string([]byte{0xff, 'a'})} {
		fx.refuse(fx.intake, n, cases.ActionRequest{Action: "notes", Body: bad}, cases.KindInvalid, "invalid_text")
	}
	if err := cases.RequiredText("reason", "  ", 10, "理由"); cases.ErrorOf(err) == nil || !strings.Contains(cases.ErrorOf(err).Message, "请填写理由") {
		t.Fatalf("blank required text: %v", err)
	}
	if err := cases.CheckText("t", "一二三", 3); err != nil {
		t.Fatalf("three characters within three: %v", err)
	}
}

// A visit by the citizen counts and marks the case a repeat visit; only
// the window and handlers who see the case record one.
func TestVisitsCountRepeatVisits(t *testing.T) {
	fx := newLifeFixture(t)
	n := fx.newCase(fx.intake)
	fx.refuse(fx.leader, n, cases.ActionRequest{Action: "visits"}, cases.KindForbidden, "")
	c := fx.do(fx.intake, n, cases.ActionRequest{Action: "visits", Note: "又来了"})
	if c.Visits != 1 || !c.RepeatVisit {
		t.Fatalf("after one visit: %d %v", c.Visits, c.RepeatVisit)
	}
	fx.do(fx.intake, n, cases.ActionRequest{Action: "route", Desk: "mediation"})
	c = fx.do(fx.mediation, n, cases.ActionRequest{Action: "visits"})
	if c.Visits != 2 {
		t.Fatalf("after two visits: %d", c.Visits)
	}
	fx.refuse(fx.petition, n, cases.ActionRequest{Action: "visits"}, cases.KindNotFound, "")
}

// Closing needs an outcome and a closure type; closed on time when done by
// the stage's last day, late after it; a stale version is refused first.
func TestCloseRecordsOnTimeAgainstTheStageLimit(t *testing.T) {
	fx := newLifeFixture(t)
	closeAfter := func(days int) *cases.Case {
		n := fx.newCase(fx.intake)
		fx.do(fx.intake, n, cases.ActionRequest{Action: "route", Desk: "mediation"})
		c := fx.do(fx.mediation, n, cases.ActionRequest{Action: "accept"})
		stage := c.Deadlines[0].Due
		fx.refuse(fx.mediation, n, cases.ActionRequest{Action: "close", ClosureType: "resolved"}, cases.KindInvalid, "required")
		fx.refuse(fx.mediation, n, cases.ActionRequest{Action: "close", Outcome: "调解成功", ClosureType: "maybe"}, cases.KindInvalid, "")
		old := c.Version - 1
		fx.refuse(fx.mediation, n, cases.ActionRequest{Action: "close", Version: &old, Outcome: "调解成功", ClosureType: "resolved"}, cases.KindConflict, "")
		saved := fx.clock
		fx.clock = stage.Add(time.Duration(days) * time.Second)
		defer func() { fx.clock = saved }()
		c = fx.do(fx.mediation, n, cases.ActionRequest{Action: "close", Version: &c.Version, Outcome: " 调解成功 ",
			ClosureType: "resolved", NoAgreementReason: "当场履行"})
		if c.Status != cases.StatusClosed || c.Outcome != "调解成功" || c.ClosedAt == nil || !c.ClosedAt.Equal(fx.clock) {
			t.Fatalf("closed case %s %q %v", c.Status, c.Outcome, c.ClosedAt)
		}
		if data := string(fx.last(n).Data); !strings.Contains(data, `"no_agreement_reason":"当场履行"`) || !strings.Contains(data, `"closure_type":"resolved"`) {
			t.Fatalf("close event data %s", data)
		}
		return c
	}
	if c := closeAfter(0); c.ClosedOnTime == nil || !*c.ClosedOnTime {
		t.Fatalf("closed at the due moment: on time %v", c.ClosedOnTime)
	}
	if c := closeAfter(1); c.ClosedOnTime == nil || *c.ClosedOnTime {
		t.Fatalf("closed a second late: on time %v", c.ClosedOnTime)
	}
}

// Online applications are registered or declined by the window; declining
// records the reason publicly for the citizen.
func TestSubmittedApplicationsAreRegisteredOrDeclined(t *testing.T) {
	fx := newLifeFixture(t)
	apply := func() string {
		res, err := fx.svc.Apply(fx.ctx, cases.ApplicationInput{Phone: "13800000000", IntakeInput: cases.IntakeInput{
			Title: "邻里纠纷", Category: "neighbour", Summary: "噪声扰民。", Town: "城关镇", Parties: []cases.PartyInput{
				{Role: "applicant", Name: "李四"}, {Role: "respondent", Name: "王五"}}}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Number
	}
	a, b := apply(), apply()
	fx.refuse(fx.intake, a, cases.ActionRequest{Action: "route", Desk: "mediation"}, cases.KindConflict, "invalid_transition")
	if c := fx.do(fx.intake, a, cases.ActionRequest{Action: "register"}); c.Status != cases.StatusRegistered {
		t.Fatalf("registered application: %s", c.Status)
	}
	fx.refuse(fx.leader, b, cases.ActionRequest{Action: "decline"}, cases.KindInvalid, "required")
	c := fx.do(fx.leader, b, cases.ActionRequest{Action: "decline", Reason: " 不属调解范围 "})
	if c.Status != cases.StatusDeclined || c.Outcome != "不属调解范围" {
		t.Fatalf("declined application: %s %q", c.Status, c.Outcome)
	}
	if e := fx.last(b); e.Kind != cases.EventDecline || e.Visibility != cases.VisibilityPublic {
		t.Fatalf("decline event %+v", e)
	}
	fx.refuse(fx.leader, b, cases.ActionRequest{Action: "reopen", Reason: "r"}, cases.KindConflict, "invalid_transition")
}

// Offered actions are exactly those the rules accept: every action is
// listed with non-null lists, and the offer follows role and status.
func TestAvailableActionsFollowRoleAndStatus(t *testing.T) {
	for _, a := range cases.Actions() {
		if a.From == nil || a.Fields == nil {
			t.Fatalf("action %s has a null list", a.Name)
		}
	}
	h := cases.Actor{Role: cases.RoleHandler, Desk: "mediation"}
	for _, c := range []struct {
		a    cases.Actor
		c    cases.Case
		want []string
	}{
		{h, cases.Case{Status: cases.StatusRouted, Desk: "mediation"}, []string{"accept", "return", "transfer", "notes", "visits", "reissue_code"}},
		{h, cases.Case{Status: cases.StatusInProgress, Desk: "mediation"}, []string{"transfer", "invite", "notes", "visits", "close", "suspend", "reissue_code"}},
		{h, cases.Case{Status: cases.StatusClosed, Desk: "mediation"}, []string{"notes", "visits", "reopen", "reissue_code"}},
		{h, cases.Case{Status: cases.StatusInProgress, Desk: "petition", CoDesks: []string{"mediation"}}, []string{"notes", "visits"}},
		{cases.Actor{Role: cases.RoleIntake}, cases.Case{Status: cases.StatusRegistered}, []string{"route", "notes", "visits", "reissue_code"}},
		{cases.Actor{Role: cases.RoleIntake}, cases.Case{Status: cases.StatusSubmitted}, []string{"notes", "visits", "register", "decline", "reissue_code"}},
		{cases.Actor{Role: cases.RoleLeader}, cases.Case{Status: cases.StatusInProgress, Desk: "mediation"}, []string{"notes", "extend", "escalate", "reissue_code"}},
		{cases.Actor{Role: cases.RoleLeader}, cases.Case{Status: cases.StatusClosed}, []string{"notes", "reopen", "reissue_code"}},
		{cases.Actor{Role: cases.RoleAdmin}, cases.Case{Status: cases.StatusInProgress}, nil},
		// 督办答复 is offered only while a 督办 awaits its answer.
		{h, cases.Case{Status: cases.StatusInProgress, Desk: "mediation", Supervision: "yellow"}, []string{"transfer", "invite", "notes", "visits", "close", "suspend", "respond", "reissue_code"}},
		{cases.Actor{Role: cases.RoleLeader}, cases.Case{Status: cases.StatusSubmitted}, []string{"notes", "register", "decline", "reissue_code"}},
		{h, cases.Case{Status: cases.StatusSubmitted, Desk: "mediation"}, []string{"notes", "visits", "reissue_code"}},
		{h, cases.Case{Status: cases.StatusInProgress, Desk: "mediation", Referral: &cases.Referral{}}, []string{"transfer", "invite", "notes", "visits", "close", "suspend", "court_document", "reissue_code"}},
		{h, cases.Case{Status: cases.StatusInProgress, Desk: "mediation", Referral: &cases.Referral{DocumentNo: "（2026）浙0102民特1号"}}, []string{"transfer", "invite", "notes", "visits", "close", "suspend", "reissue_code"}},
	} {
		if got := offered(c.a, &c.c); !slices.Equal(got, c.want) {
			t.Errorf("%s on %s at %q: %v, want %v", c.a.Role, c.c.Status, c.c.Desk, got, c.want)
		}
	}
}

// A new stage (another status or desk) starts its own time limit; a note
// or a visit changes nothing, while a transfer between desks restarts it
// even though the status stays 待签收.
func TestStageLimitRestartsOnlyWithANewStage(t *testing.T) {
	fx := newLifeFixture(t)
	n := fx.newCase(fx.intake)
	due := func(c *cases.Case) time.Time {
		t.Helper()
		for _, d := range c.Deadlines {
			if d.Kind == "stage" {
				return d.Due
			}
		}
		t.Fatalf("no stage limit on %s: %+v", c.Status, c.Deadlines)
		return time.Time{}
	}
	routed := due(fx.do(fx.intake, n, cases.ActionRequest{Action: "route", Desk: "mediation"}))
	fx.clock = fx.clock.AddDate(0, 0, 7)
	if got := due(fx.do(fx.mediation, n, cases.ActionRequest{Action: "notes", Body: "稍后签收"})); !got.Equal(routed) {
		t.Fatalf("a note moved the stage limit from %v to %v", routed, got)
	}
	if got := due(fx.do(fx.intake, n, cases.ActionRequest{Action: "visits"})); !got.Equal(routed) {
		t.Fatalf("a visit moved the stage limit from %v to %v", routed, got)
	}
	if got := due(fx.do(fx.mediation, n, cases.ActionRequest{Action: "transfer", Desk: "petition", Reason: "属信访"})); !got.After(routed) {
		t.Fatalf("a transfer a week later kept the stage limit %v (was %v)", got, routed)
	}
}

// A court referral moved between mediation desks keeps running; sent back
// to the court desk it has failed, and the transfer says so.
func TestTransferToTheCourtDeskEndsAReferral(t *testing.T) {
	fx := newLifeFixture(t)
	res, err := fx.svc.Intake(fx.ctx, fx.intake, cases.IntakeInput{Title: "委派调解案", Category: "labor",
		Source: cases.SourceCourtReferral, ReferralNo: "（2026）浙0102诉前调1号", ReferralDate: "2026-03-01",
		Summary: "法院委派。", Town: "城关镇", Parties: []cases.PartyInput{
			{Role: "applicant", Name: "张三"}, {Role: "respondent", Name: "某公司"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	n := res.Case.Number
	fx.do(fx.intake, n, cases.ActionRequest{Action: "route", Desk: "mediation"})
	fx.do(fx.mediation, n, cases.ActionRequest{Action: "accept"})
	c := fx.do(fx.mediation, n, cases.ActionRequest{Action: "transfer", Desk: "governance", Reason: "综治调处"})
	if strings.Contains(string(fx.last(n).Data), "referral") || c.Referral == nil || c.Referral.Outcome != cases.ReferralRunning {
		t.Fatalf("moved between desks: %s, referral %+v", fx.last(n).Data, c.Referral)
	}
	c = fx.do(fx.govern, n, cases.ActionRequest{Action: "transfer", Desk: cases.ReferralCourtDesk, Reason: "调解不成，退回立案"})
	if !strings.Contains(string(fx.last(n).Data), `"referral":"returned"`) || c.Referral.Outcome != cases.ReferralReturned {
		t.Fatalf("back to the court: %s, referral %+v", fx.last(n).Data, c.Referral)
	}
}
