package mediation_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/internal/testdb"
)

// fixture is a centre with a mediation desk, a court desk and two rooms,
// on a clock the test moves.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	svc    *cases.Service
	m      *mediation.Service
	now    time.Time
	window cases.Actor
	med    cases.Actor // 人民调解 desk
	med2   cases.Actor
	court  cases.Actor // 诉讼服务 desk
	gov    cases.Actor // 综治 desk
	leader cases.Actor
	admin  cases.Actor
	room1  int64
	room2  int64
}

// china is a China wall-clock time.
func china(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, cases.ChinaZone)
}

func TestMain(m *testing.M) { os.Exit(testdb.Run(m)) }

func newFixture(t *testing.T, start time.Time) *fixture {
	t.Helper()
	cases.PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	engine, dsn := testdb.Config(t)
	store, err := cases.OpenDatabase(ctx, cases.Database{Dir: t.TempDir(), Engine: engine, DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{t: t, ctx: ctx, svc: cases.NewService(store), now: start}
	f.svc.SetClock(func() time.Time { return f.now })
	f.m = mediation.New(f.svc)
	user := func(in cases.UserInput) cases.Actor {
		in.Password = "password-" + in.Username
		a, err := f.svc.CreateUser(ctx, cases.SystemActor, in)
		if err != nil {
			t.Fatal(err)
		}
		return *a
	}
	f.window = user(cases.UserInput{Username: "window", Role: cases.RoleIntake})
	f.med = user(cases.UserInput{Username: "wangmei", Name: "王梅", Role: cases.RoleHandler, Desk: "mediation"})
	f.med2 = user(cases.UserInput{Username: "liqiang", Name: "李强", Role: cases.RoleHandler, Desk: "mediation"})
	f.court = user(cases.UserInput{Username: "judge", Name: "赵法官", Role: cases.RoleHandler, Desk: "litigation"})
	f.gov = user(cases.UserInput{Username: "gov", Role: cases.RoleHandler, Desk: "governance"})
	f.leader = user(cases.UserInput{Username: "boss", Role: cases.RoleLeader})
	f.admin = user(cases.UserInput{Username: "admin", Role: cases.RoleAdmin})
	r1, err := f.m.AddRoom(ctx, f.admin, "第一调解室")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := f.m.AddRoom(ctx, f.admin, "第二调解室")
	if err != nil {
		t.Fatal(err)
	}
	f.room1, f.room2 = r1.ID, r2.ID
	return f
}

// dispute registers a case, routes it to the mediation desk and accepts it.
func (f *fixture) dispute(title, category string) string {
	f.t.Helper()
	res, err := f.svc.Intake(f.ctx, f.window, cases.IntakeInput{Title: title, Category: category, Source: "walk_in",
		Summary: "两家因院墙和排水沟发生争执。", Parties: []cases.PartyInput{
			{Role: "applicant", Name: "张三", Phone: "13800000001"},
			{Role: "respondent", Name: "李四", Phone: "13900000002"}}}, "")
	if err != nil {
		f.t.Fatal(err)
	}
	n := res.Case.Number
	f.do(f.window, n, cases.ActionRequest{Action: "route", Desk: "mediation"})
	f.do(f.med, n, cases.ActionRequest{Action: "accept"})
	return n
}

func (f *fixture) do(a cases.Actor, number string, r cases.ActionRequest) *cases.Case {
	f.t.Helper()
	c, err := f.svc.Do(f.ctx, a, number, r)
	if err != nil {
		f.t.Fatalf("%s %s: %v", r.Action, number, err)
	}
	return c
}

func (f *fixture) version(number string) int64 {
	f.t.Helper()
	c, err := f.svc.Case(f.ctx, f.leader, number)
	if err != nil {
		f.t.Fatal(err)
	}
	return c.Version
}

func (f *fixture) events(number string) []string {
	f.t.Helper()
	evs, err := f.svc.Timeline(f.ctx, f.leader, number)
	if err != nil {
		f.t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

// wantErr asserts err is a domain error with code (and field, when given).
func wantErr(t *testing.T, err error, kind cases.Kind, code, field string) *cases.Error {
	t.Helper()
	e := cases.ErrorOf(err)
	if e == nil {
		t.Fatalf("want %s, got %v", code, err)
	}
	if e.Kind != kind || e.Code != code || (field != "" && e.Field != field) {
		t.Fatalf("want %s (kind %d, field %q), got %+v", code, kind, field, e)
	}
	return e
}

func session(room int64, at string, presiding string) mediation.SessionInput {
	return mediation.SessionInput{Kind: mediation.KindMediation, StartsAt: at, Minutes: 90, RoomID: room,
		Presiding: presiding, Summoned: []string{"张三", "李四"}}
}

// TestMediationStory follows a 邻里 dispute from its first session to the
// performed agreement and an honest close.
func TestMediationStory(t *testing.T) {
	f := newFixture(t, china(2026, 3, 2, 9, 0))
	ctx := f.ctx
	n := f.dispute("院墙排水纠纷", "neighbour")

	// --- a session is scheduled; the parties get an SMS with time and place ---
	in := session(f.room1, "2026-03-04T09:30", "wangmei")
	in.Mediators = []string{"liqiang"}
	in.Outsiders = []mediation.Outsider{{Name: "王五", Role: "村干部"}, {Name: "陈律师", Role: "律师"}}
	in.InvitedDesks = []string{"governance"}
	in.Bring = "宅基地使用证、现场照片"
	for _, who := range []cases.Actor{f.window, f.admin, f.leader} {
		if _, err := f.m.Schedule(ctx, who, n, in); cases.ErrorOf(err) == nil || cases.ErrorOf(err).Kind == cases.KindInvalid {
			t.Fatalf("%s scheduled a session: %v", who.Role, err)
		}
	}
	// Bad input names its field and writes nothing.
	v0 := f.version(n)
	for _, tc := range []struct {
		spoil       func(*mediation.SessionInput)
		code, field string
	}{
		{func(s *mediation.SessionInput) { s.Kind = "" }, "required", "kind"},
		{func(s *mediation.SessionInput) { s.Summoned = []string{"张三", "王麻子"} }, "unknown_party", "summoned[1]"},
		{func(s *mediation.SessionInput) { s.StartsAt = "2026-03-01T09:30" }, "time_in_past", "starts_at"},
		{func(s *mediation.SessionInput) { s.Presiding = "nobody" }, "unknown_user", "presiding"},
	} {
		bad := in
		tc.spoil(&bad)
		_, err := f.m.Schedule(ctx, f.med, n, bad)
		wantErr(t, err, cases.KindInvalid, tc.code, tc.field)
	}
	if ss, _ := f.m.Sessions(ctx, f.med, n); len(ss) != 0 || f.version(n) != v0 {
		t.Fatalf("a refused schedule left %d sessions, version %d→%d", len(ss), v0, f.version(n))
	}

	s1, err := f.m.Schedule(ctx, f.med, n, in)
	if err != nil {
		t.Fatal(err)
	}
	if s1.Room != "第一调解室" || s1.Presiding != "wangmei" || len(s1.Mediators) != 1 || s1.Status != mediation.SessionScheduled ||
		!s1.StartsAt.Equal(china(2026, 3, 4, 9, 30)) || !s1.EndsAt.Equal(china(2026, 3, 4, 11, 0)) {
		t.Fatalf("session %+v", s1)
	}
	if f.version(n) != v0+1 {
		t.Errorf("scheduling did not bump the version once: %d→%d", v0, f.version(n))
	}
	// The desk invited to the 3+X conference now sees the case, to attend and note.
	if _, err := f.svc.Case(ctx, f.gov, n); err != nil {
		t.Errorf("the invited desk cannot see the case: %v", err)
	}
	sms, err := f.svc.Notifications(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	told := map[string]string{}
	for _, s := range sms {
		if strings.Contains(s.Body, "调解会") {
			told[s.Phone] = s.Body
		}
	}
	if len(told) != 2 || !strings.Contains(told["13900000002"], "2026年3月4日（星期三）09:30") ||
		!strings.Contains(told["13800000001"], "第一调解室") || !strings.Contains(told["13800000001"], "宅基地使用证") {
		t.Fatalf("summons SMS: %v", told)
	}

	// Double booking: the room, then the presiding mediator, at overlapping times.
	other := f.dispute("另一起纠纷", "neighbour")
	_, err = f.m.Schedule(ctx, f.med2, other, session(f.room1, "2026-03-04T10:30", "liqiang"))
	e := wantErr(t, err, cases.KindConflict, "room_busy", "room_id")
	if !strings.Contains(e.Message, "第一调解室") || !strings.Contains(e.Message, n) {
		t.Errorf("room busy message %q", e.Message)
	}
	_, err = f.m.Schedule(ctx, f.med2, other, session(f.room2, "2026-03-04T10:59", "liqiang"))
	e = wantErr(t, err, cases.KindConflict, "staff_busy", "presiding")
	if !strings.Contains(e.Message, "李强") {
		t.Errorf("staff busy message %q", e.Message)
	}
	// Back to back is not a double booking.
	if _, err := f.m.Schedule(ctx, f.med2, other, session(f.room1, "2026-03-04T11:00", "liqiang")); err != nil {
		t.Fatalf("a session right after another was refused: %v", err)
	}

	// The citizen sees the next session: when, where, what to bring; no phones, no staff.
	pub, err := f.m.Public(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if pub.NextSession == nil || pub.NextSession.Place != "第一调解室" || pub.NextSession.Bring != "宅基地使用证、现场照片" ||
		!strings.Contains(pub.NextSession.When, "09:30") || pub.Agreement != nil {
		t.Fatalf("public %+v", pub)
	}
	raw, _ := json.Marshal(pub)
	for _, secret := range []string{"1390000", "1380000", "wangmei", "liqiang", "陈律师"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the citizen's view shows %q: %s", secret, raw)
		}
	}

	// --- the session is held and recorded ---
	rec := mediation.RecordInput{AttendedStaff: []string{"wangmei", "liqiang"}, AttendedParties: []string{"张三", "李四"},
		Statements: "张三称李四家排水沟将雨水排入其院内；李四称院墙系张三越界所建。经调解，双方同意李四赔偿并改建排水沟。",
		Result:     mediation.ResultAgreement,
		Recusal: &mediation.Recusal{RequestedBy: "李四", Against: "liqiang", Reason: "认为调解员与张三系同村熟人",
			Decision: "refused"}}
	_, err = f.m.RecordSession(ctx, f.med, n, s1.ID, rec)
	wantErr(t, err, cases.KindConflict, "session_not_started", "")
	f.now = china(2026, 3, 4, 11, 10)
	badRec := rec
	badRec.Result = mediation.ResultAdjourned
	_, err = f.m.RecordSession(ctx, f.med, n, s1.ID, badRec)
	wantErr(t, err, cases.KindInvalid, "required", "adjourned_to")
	badRec = rec
	badRec.Recusal = &mediation.Recusal{RequestedBy: "李四", Against: "liqiang", Reason: "熟人", Decision: "granted"}
	_, err = f.m.RecordSession(ctx, f.med, n, s1.ID, badRec)
	wantErr(t, err, cases.KindInvalid, "required", "recusal.replacement")
	_, err = f.m.RecordSession(ctx, f.court, n, s1.ID, rec)
	if cases.ErrorOf(err) == nil {
		t.Fatal("the court desk recorded a session of a case it cannot see")
	}
	held, err := f.m.RecordSession(ctx, f.med, n, s1.ID, rec)
	if err != nil {
		t.Fatal(err)
	}
	if held.Status != mediation.SessionHeld || held.Record == nil || held.Record.Result != mediation.ResultAgreement ||
		held.Record.Recusal == nil || held.Record.Recusal.Decision != "refused" {
		t.Fatalf("recorded session %+v", held)
	}
	_, err = f.m.RecordSession(ctx, f.med, n, s1.ID, rec)
	wantErr(t, err, cases.KindConflict, "already_recorded", "")

	// --- a written agreement with two instalments ---
	ain := mediation.AgreementInput{Form: mediation.FormWritten, SignedOn: "2026-03-04", SessionID: s1.ID,
		Facts: "李四家排水沟雨水排入张三院内，致院墙受损。", Terms: "李四赔偿张三损失5000.50元，分两期支付；李四于三月底前改建排水沟。",
		Responsibility: "李四承担主要责任。",
		Obligations: []mediation.ObligationInput{
			{Obligor: "李四", Obligee: "张三", Content: "第一期赔偿款", Amount: "3000", DueOn: "2026-03-20", Manner: "银行转账"},
			{Obligor: "李四", Obligee: "张三", Content: "第二期赔偿款", Amount: "2000.50", DueOn: "2026-04-20", Manner: "在调委会当面支付"},
		}}
	badAg := ain
	badAg.Obligations = []mediation.ObligationInput{{Obligor: "李四", Obligee: "张三", Content: "赔偿", Amount: "12.345", DueOn: "2026-03-20"}}
	_, err = f.m.SignAgreement(ctx, f.med, n, badAg)
	wantErr(t, err, cases.KindInvalid, "invalid_amount", "obligations[0].amount")
	badAg = ain
	badAg.SignedOn = "2026-03-05"
	_, err = f.m.SignAgreement(ctx, f.med, n, badAg)
	wantErr(t, err, cases.KindInvalid, "date_in_future", "signed_on")
	ag, err := f.m.SignAgreement(ctx, f.med, n, ain)
	if err != nil {
		t.Fatal(err)
	}
	if ag.Number != "（2026）一地人调字第1号" || ag.Version != 1 || ag.EffectiveOn != "2026-03-04" ||
		ag.ConfirmationDue != "2026-04-03" || len(ag.Obligations) != 2 || *ag.Obligations[1].AmountFen != 200050 ||
		ag.Obligations[0].Status != mediation.ObligationPending || !ag.Effective {
		t.Fatalf("agreement %+v", ag)
	}

	// --- 司法确认: day 31 refused, day 30 accepted ---
	f.now = china(2026, 4, 4, 10, 0) // day 31 (清明, but the window ended on the working day before)
	app := mediation.ApplicationInput{Applicants: []string{"张三", "李四"}}
	_, err = f.m.ApplyConfirmation(ctx, f.med, n, app)
	e = wantErr(t, err, cases.KindConflict, "confirmation_window_closed", "")
	if !strings.Contains(e.Message, "人民调解法") || !strings.Contains(e.Message, "第八十五条") || !strings.Contains(e.Message, "2026-04-03") {
		t.Errorf("window message %q", e.Message)
	}
	_, err = f.m.ApplyConfirmation(ctx, f.med, n, mediation.ApplicationInput{Applicants: []string{"张三"}, AppliedOn: "2026-04-03"})
	wantErr(t, err, cases.KindInvalid, "joint_application_required", "applicants")
	if _, err := f.svc.Case(ctx, f.court, n); cases.ErrorOf(err) == nil {
		t.Fatal("the court desk sees the case before any application")
	}
	app.AppliedOn = "2026-04-03" // day 30, recorded the day after
	ag, err = f.m.ApplyConfirmation(ctx, f.med, n, app)
	if err != nil {
		t.Fatal(err)
	}
	if ag.Confirmation == nil || ag.Confirmation.Status != mediation.ConfirmApplied {
		t.Fatalf("after applying %+v", ag.Confirmation)
	}
	if _, err := f.svc.Case(ctx, f.court, n); err != nil {
		t.Fatalf("the court desk cannot see the case it must rule on: %v", err)
	}
	for who, want := range map[*cases.Actor]mediation.Allowed{
		&f.court:  {Court: true},
		&f.med:    {Schedule: true, Agree: true, Perform: true},
		&f.window: {},
	} {
		ov, err := f.m.Overview(ctx, *who, n)
		if err != nil {
			t.Fatal(err)
		}
		if ov.Allowed != want || ov.Current == nil || len(ov.Sessions) != 1 || ov.Sessions[0].Record == nil {
			t.Errorf("%s overview: allowed %+v, want %+v", who.Username, ov.Allowed, want)
		}
	}
	pending, err := f.m.PendingConfirmations(ctx, f.court)
	if err != nil || len(pending) != 1 || pending[0].CaseNumber != n || pending[0].Status != mediation.ConfirmApplied {
		t.Fatalf("the court's pending list %+v %v", pending, err)
	}
	if mine, _ := f.m.PendingConfirmations(ctx, f.med); len(mine) != 0 {
		t.Errorf("the mediation desk's court list %+v", mine)
	}
	_, err = f.m.ApplyConfirmation(ctx, f.med, n, app)
	wantErr(t, err, cases.KindConflict, "already_applied", "")

	// Only the court desk accepts and rules.
	f.now = china(2026, 4, 7, 9, 0)
	_, err = f.m.AcceptConfirmation(ctx, f.med, n, mediation.AcceptInput{CourtNumber: "（2026）浙0481民特12号"})
	wantErr(t, err, cases.KindForbidden, "forbidden", "")
	_, err = f.m.AcceptConfirmation(ctx, f.court, n, mediation.AcceptInput{})
	wantErr(t, err, cases.KindInvalid, "required", "court_number")
	ag, err = f.m.AcceptConfirmation(ctx, f.court, n, mediation.AcceptInput{CourtNumber: "（2026）浙0481民特12号"})
	if err != nil {
		t.Fatal(err)
	}
	if ag.Confirmation.AcceptedOn != "2026-04-07" || ag.Confirmation.RulingDue != "2026-04-22" {
		t.Fatalf("accepted %+v", ag.Confirmation)
	}
	// The ruling's limit is a limit of the case, as its deadlines show it.
	rulingLimit := func() *cases.DeadlineView {
		c, err := f.svc.Case(ctx, f.leader, n)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range c.Deadlines {
			if d.Kind == mediation.DeadlineRuling {
				return &c.Deadlines[i]
			}
		}
		return nil
	}
	if d := rulingLimit(); d == nil || cases.ChinaTime(d.Due).Format(time.DateOnly) != "2026-04-22" || !strings.Contains(d.Basis, "十五日") {
		t.Fatalf("the ruling's limit among the case's deadlines: %+v", d)
	}
	if _, err := f.m.SignAgreement(ctx, f.med, n, ain); cases.ErrorOf(err) == nil || cases.ErrorOf(err).Code != "confirmation_pending" {
		t.Fatalf("a new version while the court is ruling: %v", err)
	}
	ag, err = f.m.ExtendRuling(ctx, f.court, n, mediation.ExtendInput{Days: 10, ApprovedBy: "院长", Reason: "需要调查核实"})
	if err != nil {
		t.Fatal(err)
	}
	if ag.Confirmation.RulingDue != "2026-05-06" { // 04-07 + 25 = 05-02 (劳动节) → 05-06
		t.Fatalf("extended ruling due %s", ag.Confirmation.RulingDue)
	}
	if d := rulingLimit(); d == nil || cases.ChinaTime(d.Due).Format(time.DateOnly) != "2026-05-06" {
		t.Fatalf("the extended ruling's limit: %+v", d)
	}
	_, err = f.m.ExtendRuling(ctx, f.court, n, mediation.ExtendInput{Days: 1, ApprovedBy: "院长", Reason: "再延"})
	wantErr(t, err, cases.KindConflict, "extension_used_up", "")
	f.now = china(2026, 4, 10, 15, 0)
	_, err = f.m.RuleConfirmation(ctx, f.med, n, mediation.RulingInput{Ruling: mediation.ConfirmConfirmed})
	wantErr(t, err, cases.KindForbidden, "forbidden", "")
	_, err = f.m.RuleConfirmation(ctx, f.court, n, mediation.RulingInput{Ruling: "maybe"})
	wantErr(t, err, cases.KindInvalid, "invalid_ruling", "ruling")
	ag, err = f.m.RuleConfirmation(ctx, f.court, n, mediation.RulingInput{Ruling: mediation.ConfirmConfirmed})
	if err != nil {
		t.Fatal(err)
	}
	if d := rulingLimit(); d != nil {
		t.Fatalf("the ruling's limit still runs after the ruling: %+v", d)
	}
	// Two years after the last due date (2026-04-20): 2028-04-20, a Thursday.
	if !ag.Confirmation.Enforceable || ag.Confirmation.EnforcementDue != "2028-04-20" || !strings.Contains(ag.Confirmation.Message, "强制执行") {
		t.Fatalf("ruling %+v", ag.Confirmation)
	}

	// --- performance: instalment 1 performed, instalment 2 overdue ---
	// Instalment 1 was paid on its due date; the desk records it now.
	ob1, ob2 := ag.Obligations[0].ID, ag.Obligations[1].ID
	_, err = f.m.RecordPerformance(ctx, f.med, n, ob1, mediation.PerformanceInput{Status: mediation.PerformPartial, Amount: "3000", Date: "2026-03-20"})
	wantErr(t, err, cases.KindInvalid, "not_partial", "amount")
	_, err = f.m.RecordPerformance(ctx, f.med, n, ob1, mediation.PerformanceInput{Status: mediation.PerformPerformed, Date: "2026-04-11"})
	wantErr(t, err, cases.KindInvalid, "date_in_future", "date")
	o1, err := f.m.RecordPerformance(ctx, f.med, n, ob1, mediation.PerformanceInput{Status: mediation.PerformPerformed, Date: "2026-03-20", Note: "已转账"})
	if err != nil {
		t.Fatal(err)
	}
	if o1.Status != mediation.ObligationPerformed || o1.PerformedFen != 300000 || o1.Performances[0].OnDate != "2026-03-20" {
		t.Fatalf("instalment 1 %+v", o1)
	}
	_, err = f.m.RecordPerformance(ctx, f.med, n, ob1, mediation.PerformanceInput{Status: mediation.PerformPerformed})
	wantErr(t, err, cases.KindConflict, "already_performed", "")

	// Closing as resolved with the agreement in force is allowed, and sets a 回访 task.
	f.now = china(2026, 4, 12, 10, 0)
	f.do(f.med, n, cases.ActionRequest{Action: "close", Outcome: "达成调解协议并经司法确认", ClosureType: cases.ClosureResolved})

	f.now = china(2026, 4, 25, 10, 0)
	cur, err := f.m.CurrentAgreement(ctx, f.med, n)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Obligations[0].Status != mediation.ObligationPerformed || cur.Obligations[1].Status != mediation.ObligationOverdue {
		t.Fatalf("instalments on 04-25: %s, %s", cur.Obligations[0].Status, cur.Obligations[1].Status)
	}
	if _, err := f.m.Urge(ctx, f.med, n, ob2, mediation.UrgeInput{Method: "phone", Note: "电话催促李四支付第二期"}); err != nil {
		t.Fatal(err)
	}
	_, err = f.m.Urge(ctx, f.med, n, ob2, mediation.UrgeInput{Method: "pigeon", Note: "x"})
	wantErr(t, err, cases.KindInvalid, "invalid_method", "method")

	// --- 回访: tasks after each due date (+3 days) and after closing ---
	due, err := f.m.DueFollowUps(ctx, f.med, "")
	if err != nil {
		t.Fatal(err)
	}
	dueOn := map[string]string{}
	for _, d := range due {
		dueOn[d.Reason+":"+d.DueOn] = d.CaseNumber
	}
	if len(due) != 3 || dueOn["obligation_due:2026-03-23"] != n || dueOn["obligation_due:2026-04-23"] != n || dueOn["closing:2026-04-15"] != n {
		t.Fatalf("due follow-ups %+v", due)
	}
	if got, _ := f.m.DueFollowUps(ctx, f.court, ""); len(got) != 0 {
		t.Errorf("the court desk has the mediation desk's follow-ups: %+v", got)
	}
	_, err = f.m.RecordFollowUp(ctx, f.med, n, mediation.FollowUpInput{TaskID: due[0].ID, Method: "phone"})
	wantErr(t, err, cases.KindInvalid, "required", "performance")
	fu, err := f.m.RecordFollowUp(ctx, f.med, n, mediation.FollowUpInput{TaskID: due[0].ID, Method: "phone",
		Performance: "partial", Satisfaction: "basically_satisfied", RiskSigns: "张三称若月底前不付将去堵李四家门", Note: "第二期未付"})
	if err != nil {
		t.Fatal(err)
	}
	if fu.Status != "done" || fu.Satisfaction != "basically_satisfied" || fu.DoneAt == nil || !fu.DoneAt.Equal(f.now) {
		t.Fatalf("follow-up %+v", fu)
	}

	// --- non-performance: mediate again (recorded), reopen; a new agreement
	// version supersedes the old, which is kept ---
	_, err = f.m.RecordRemedy(ctx, f.med, n, ob2, mediation.RemedyInput{Remedy: "arbitration", Note: "仲裁"})
	wantErr(t, err, cases.KindInvalid, "invalid_remedy", "remedy")
	rem, err := f.m.RecordRemedy(ctx, f.med, n, ob2, mediation.RemedyInput{Remedy: mediation.RemedyRemediation, Note: "双方同意重新调解第二期的履行"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rem.Remedies) != 1 || rem.Remedies[0].Remedy != mediation.RemedyRemediation || rem.Remedies[0].RecordedBy != "wangmei" {
		t.Fatalf("remedy %+v", rem.Remedies)
	}
	f.do(f.med, n, cases.ActionRequest{Action: "reopen", Reason: "李四未按期支付第二期赔偿款"})
	f.now = china(2026, 4, 28, 10, 0)
	ain2 := mediation.AgreementInput{Form: mediation.FormWritten, SignedOn: "2026-04-28",
		Facts: ain.Facts + "第一期已履行，第二期逾期。", Terms: "李四于5月15日前支付剩余赔偿款2000.50元。",
		Obligations: []mediation.ObligationInput{{Obligor: "李四", Obligee: "张三", Content: "剩余赔偿款", Amount: "2000.50", DueOn: "2026-05-15"}}}
	ag2, err := f.m.SignAgreement(ctx, f.med, n, ain2)
	if err != nil {
		t.Fatal(err)
	}
	if ag2.Version != 2 || ag2.Number != ag.Number || ag2.Supersedes == nil || *ag2.Supersedes != ag.ID || ag2.Confirmation != nil {
		t.Fatalf("version 2 %+v", ag2)
	}
	all, err := f.m.Agreements(ctx, f.leader, n)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Effective || all[0].SupersededBy == nil || *all[0].SupersededBy != ag2.ID ||
		all[0].Terms != ain.Terms || all[0].Confirmation.Status != mediation.ConfirmConfirmed || !all[1].Effective {
		t.Fatalf("versions %+v", all)
	}
	// The old version's obligations are history: performance goes to the new one.
	_, err = f.m.RecordPerformance(ctx, f.med, n, ob2, mediation.PerformanceInput{Status: mediation.PerformPerformed})
	wantErr(t, err, cases.KindNotFound, "obligation_not_found", "")

	// Not yet due: nothing to decide. Overdue, version 2 (not confirmed by
	// the court) cannot be enforced; then it is paid, two days late.
	_, err = f.m.RecordRemedy(ctx, f.med, n, ag2.Obligations[0].ID, mediation.RemedyInput{Remedy: mediation.RemedyLawsuit, Note: "告知起诉"})
	wantErr(t, err, cases.KindConflict, "not_overdue", "")
	f.now = china(2026, 5, 17, 10, 0)
	_, err = f.m.RecordRemedy(ctx, f.med, n, ag2.Obligations[0].ID, mediation.RemedyInput{Remedy: mediation.RemedyEnforcement, Note: "申请执行"})
	wantErr(t, err, cases.KindConflict, "not_enforceable", "")
	o, err := f.m.RecordPerformance(ctx, f.med, n, ag2.Obligations[0].ID, mediation.PerformanceInput{Status: mediation.PerformPerformed})
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != mediation.ObligationPerformed || o.PerformedFen != 200050 {
		t.Fatalf("performed %+v", o)
	}
	pub, err = f.m.Public(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if pub.Agreement == nil || pub.Agreement.Number != ag.Number || pub.Agreement.Confirmation != "none" ||
		len(pub.Agreement.Obligations) != 1 || pub.Agreement.Obligations[0].DueOn != "2026-05-15" ||
		pub.Agreement.Obligations[0].Status != mediation.ObligationPerformed {
		t.Fatalf("public agreement %+v", pub.Agreement)
	}
	f.do(f.med, n, cases.ActionRequest{Action: "close", Outcome: "协议已全部履行", ClosureType: cases.ClosureResolved})

	want := []string{"mediation_session_scheduled", "mediation_session_recorded", "mediation_agreement_signed",
		"judicial_confirmation_applied", "judicial_confirmation_accepted", "judicial_confirmation_extended",
		"judicial_confirmation_ruled", "performance_recorded", "close", "performance_urged", "followup_recorded",
		"nonperformance_remedy", "reopen", "mediation_agreement_signed", "performance_recorded", "close"}
	var got []string
	for _, k := range f.events(n) {
		if !strings.HasPrefix(k, "intake") && k != "route" && k != "accept" {
			got = append(got, k)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("timeline\n got %v\nwant %v", got, want)
	}
}

// TestResolvedNeedsAnAgreementOrAReason: an honest outcome.
func TestResolvedNeedsAnAgreementOrAReason(t *testing.T) {
	f := newFixture(t, china(2026, 3, 2, 9, 0))
	n := f.dispute("噪声纠纷", "neighbour")
	v := f.version(n)
	_, err := f.svc.Do(f.ctx, f.med, n, cases.ActionRequest{Action: "close", Outcome: "已化解", ClosureType: cases.ClosureResolved})
	wantErr(t, err, cases.KindConflict, "agreement_required", "no_agreement_reason")
	c, _ := f.svc.Case(f.ctx, f.med, n)
	if c.Status != cases.StatusInProgress || c.Version != v {
		t.Fatalf("a refused close changed the case: %s v%d", c.Status, c.Version)
	}
	// Other closure types need no agreement.
	other := f.dispute("另案", "neighbour")
	f.do(f.med, other, cases.ActionRequest{Action: "close", Outcome: "告知通过诉讼解决", ClosureType: cases.ClosureLegalProcedure})
	// A reason stands in for the agreement, and is kept on the close event.
	f.do(f.med, n, cases.ActionRequest{Action: "close", Outcome: "已化解", ClosureType: cases.ClosureResolved,
		NoAgreementReason: "当场赔礼道歉并履行完毕，双方不要求制作协议"})
	evs, err := f.svc.Timeline(f.ctx, f.leader, n)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Kind != cases.EventClose || !strings.Contains(string(last.Data), "当场赔礼道歉") {
		t.Fatalf("close event %+v", last)
	}
}

// TestConfirmationWindowAcrossNationalDay: the 30th day after 2026-09-03
// is 10-03, in the 国庆 holiday, so the window ends on 10-08, the first
// working day after it (民事诉讼法 第八十五条).
func TestConfirmationWindowAcrossNationalDay(t *testing.T) {
	f := newFixture(t, china(2026, 9, 1, 9, 0))
	agree := func(category string, personal bool) string {
		n := f.dispute("宅基地纠纷", category)
		_, err := f.m.SignAgreement(f.ctx, f.med, n, mediation.AgreementInput{Form: mediation.FormWritten, SignedOn: "2026-09-03",
			Facts: "争议事实", Terms: "协议内容", PersonalStatus: personal,
			Obligations: []mediation.ObligationInput{{Obligor: "李四", Obligee: "张三", Content: "拆除围墙", DueOn: "2026-09-30"}}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	f.now = china(2026, 9, 3, 17, 0)
	onTime, late := agree("neighbour", false), agree("neighbour", false)
	cur, err := f.m.CurrentAgreement(f.ctx, f.med, onTime)
	if err != nil {
		t.Fatal(err)
	}
	if cur.ConfirmationDue != "2026-10-08" || cur.Number != "（2026）一地人调字第1号" {
		t.Fatalf("due %s, number %s", cur.ConfirmationDue, cur.Number)
	}
	if other, _ := f.m.CurrentAgreement(f.ctx, f.med, late); other.Number != "（2026）一地人调字第2号" {
		t.Errorf("second file number %s", other.Number)
	}
	f.now = china(2026, 10, 8, 9, 0)
	if _, err := f.m.ApplyConfirmation(f.ctx, f.med, onTime, mediation.ApplicationInput{Applicants: []string{"张三", "李四"}}); err != nil {
		t.Fatalf("applying on 10-08: %v", err)
	}
	f.now = china(2026, 10, 9, 9, 0)
	_, err = f.m.ApplyConfirmation(f.ctx, f.med, late, mediation.ApplicationInput{Applicants: []string{"张三", "李四"}})
	wantErr(t, err, cases.KindConflict, "confirmation_window_closed", "")

	// The court rejects: the parties are told they may amend, agree anew, or sue.
	if _, err := f.m.AcceptConfirmation(f.ctx, f.court, onTime, mediation.AcceptInput{CourtNumber: "（2026）浙0481民特88号"}); err != nil {
		t.Fatal(err)
	}
	_, err = f.m.RuleConfirmation(f.ctx, f.court, onTime, mediation.RulingInput{Ruling: mediation.ConfirmRejected})
	wantErr(t, err, cases.KindInvalid, "required", "note")
	ag, err := f.m.RuleConfirmation(f.ctx, f.court, onTime, mediation.RulingInput{Ruling: mediation.ConfirmRejected, Note: "协议内容涉及案外人利益"})
	if err != nil {
		t.Fatal(err)
	}
	if ag.Confirmation.Enforceable || ag.Confirmation.EnforcementDue != "" || !strings.Contains(ag.Confirmation.Message, "变更原调解协议") ||
		!strings.Contains(ag.Confirmation.Message, "提起诉讼") {
		t.Fatalf("rejected %+v", ag.Confirmation)
	}
	sms, _ := f.svc.Notifications(f.ctx, onTime)
	told := 0
	for _, m := range sms {
		if strings.Contains(m.Body, "驳回") {
			told++
		}
	}
	if told != 2 {
		t.Errorf("%d parties told of the rejection", told)
	}

	// 身份关系: by the flag, or by the case's category.
	f.now = china(2026, 9, 3, 17, 0)
	flagged, marriage := agree("neighbour", true), agree("marriage_family", false)
	f.now = china(2026, 9, 10, 9, 0)
	for _, n := range []string{flagged, marriage} {
		_, err := f.m.ApplyConfirmation(f.ctx, f.med, n, mediation.ApplicationInput{Applicants: []string{"张三", "李四"}})
		wantErr(t, err, cases.KindInvalid, "not_confirmable", "")
	}
}

// TestCommitteeShortNameAndAdminData: the 卷号 uses the committee's short
// name; rooms and names are admins' business.
func TestCommitteeShortNameAndAdminData(t *testing.T) {
	f := newFixture(t, china(2026, 3, 2, 9, 0))
	if err := f.m.SetCommitteeShortName(f.ctx, f.med, "mediation", "海"); cases.ErrorOf(err) == nil || cases.ErrorOf(err).Kind != cases.KindForbidden {
		t.Fatalf("a handler set the short name: %v", err)
	}
	if err := f.m.SetCommitteeShortName(f.ctx, f.admin, "mediation", "海城"); err != nil {
		t.Fatal(err)
	}
	_, err := f.m.AddRoom(f.ctx, f.admin, "第一调解室")
	wantErr(t, err, cases.KindConflict, "room_exists", "name")
	n := f.dispute("纠纷", "neighbour")
	ag, err := f.m.SignAgreement(f.ctx, f.med, n, mediation.AgreementInput{Form: mediation.FormOral, ReachedOn: "2026-03-02",
		Facts: "事实", Terms: "当场道歉"})
	if err != nil {
		t.Fatal(err)
	}
	if ag.Number != "（2026）海城人调字第1号" || ag.EffectiveOn != "2026-03-02" || ag.SignedOn != "" {
		t.Fatalf("oral agreement %+v", ag)
	}
	_, err = f.m.ApplyConfirmation(f.ctx, f.med, n, mediation.ApplicationInput{Applicants: []string{"张三", "李四"}})
	wantErr(t, err, cases.KindInvalid, "not_confirmable", "")
	// Rescheduling and cancelling tell the parties.
	s, err := f.m.Schedule(f.ctx, f.med, n, session(f.room2, "2026-03-05T14:00", "wangmei"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Reschedule(f.ctx, f.med, n, s.ID, session(f.room2, "2026-03-06T14:00", "wangmei")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Cancel(f.ctx, f.med, n, s.ID, mediation.CancelInput{}); cases.ErrorOf(err) == nil {
		t.Fatal("cancelled without a reason")
	}
	c, err := f.m.Cancel(f.ctx, f.med, n, s.ID, mediation.CancelInput{Reason: "当事人生病"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != mediation.SessionCancelled {
		t.Fatalf("cancelled %+v", c)
	}
	sms, _ := f.svc.Notifications(f.ctx, n)
	var changed, cancelled int
	for _, m := range sms {
		if strings.Contains(m.Body, "改期至2026年3月6日（星期五）14:00") {
			changed++
		}
		if strings.Contains(m.Body, "已取消") {
			cancelled++
		}
	}
	if changed != 2 || cancelled != 2 {
		t.Errorf("reschedule SMS %d, cancel SMS %d", changed, cancelled)
	}
	// The freed room can be booked again.
	other := f.dispute("另案", "neighbour")
	if _, err := f.m.Schedule(f.ctx, f.med2, other, session(f.room2, "2026-03-06T14:30", "liqiang")); err != nil {
		t.Fatalf("a cancelled session still holds the room: %v", err)
	}
}
