package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yidi/cases"
	"yidi/cases/mediation"
)

// seededDemo opens a fresh store, runs seedDemo once and answers the
// service, what seedDemo printed and every case it created, as a leader sees them.
func seededDemo(t *testing.T) (*cases.Service, string, []*cases.Case) {
	t.Helper()
	cases.PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	svc := openForTest(t, t.TempDir())
	var out bytes.Buffer
	if err := seedDemo(ctx, svc, mediation.New(svc), &out); err != nil {
		t.Fatalf("seedDemo: %v\n%s", err, out.String())
	}
	return svc, out.String(), allCases(t, svc, time.Now())
}

// allCases walks the case numbers of the year before now and now's year as a leader.
func allCases(t *testing.T, svc *cases.Service, now time.Time) []*cases.Case {
	t.Helper()
	ctx := context.Background()
	leader := demoActor(t, svc, "leader")
	var all []*cases.Case
	for year := now.Year() - 1; year <= now.Year(); year++ {
		for seq := int64(1); ; seq++ {
			number := cases.FormatCaseNumber(year, seq)
			c, err := svc.Case(ctx, leader, number)
			if errors.Is(err, cases.ErrCaseNotFound) {
				break
			}
			if err == nil && c.Number != number {
				// A merged case's number answers the survivor: read the
				// merged case itself.
				c, err = svc.CaseByNumberUnchecked(ctx, number)
			}
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, c)
		}
	}
	return all
}

func demoActor(t *testing.T, svc *cases.Service, username string) cases.Actor {
	t.Helper()
	for _, u := range demoUsers {
		if u.Username == username {
			a, err := svc.Authenticate(context.Background(), u.Username, u.Password)
			if err != nil {
				t.Fatalf("demo login %s/%s: %v", u.Username, u.Password, err)
			}
			return a
		}
	}
	t.Fatalf("no demo user %s", username)
	return cases.Actor{}
}

func TestDemoFillsEveryDeskStatusAndCategoryThroughTheRealRules(t *testing.T) {
	svc, out, all := seededDemo(t)
	ctx := context.Background()
	leader := demoActor(t, svc, "leader")

	if len(all) < 55 {
		t.Fatalf("demo has %d cases, want at least 55", len(all))
	}
	if n, err := svc.CaseCount(ctx); err != nil || n != len(all) {
		t.Fatalf("CaseCount = %d, %v; walked %d case numbers", n, err, len(all))
	}
	// The mediation desk's work: a session held with its agreement, the
	// first instalment paid and 司法确认 applied for; a session to come.
	mediated := map[string]int{}
	for _, c := range all {
		events, err := svc.Timeline(ctx, leader, c.Number)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			mediated[e.Kind]++
		}
	}
	for _, k := range []string{"mediation_session_scheduled", "mediation_session_recorded", "mediation_agreement_signed",
		"performance_recorded", "judicial_confirmation_applied"} {
		if mediated[k] == 0 {
			t.Errorf("the demo has no %s event", k)
		}
	}
	if mediated["mediation_session_scheduled"] < 2 {
		t.Errorf("the demo should have a session held and one to come; %d scheduled", mediated["mediation_session_scheduled"])
	}

	statuses := map[cases.Status]int{}
	categories := map[string]int{}
	holds := map[string]int{}  // desk → cases it holds now
	closed := map[string]int{} // desk → cases it closed
	kinds := map[string]int{}
	actorDesks := map[string]bool{}
	repeat, coHandled, publicNotes, internalNotes := 0, 0, 0, 0
	oldest, newest := time.Now(), time.Time{}
	for _, c := range all {
		statuses[c.Status]++
		categories[c.Category]++
		if c.Desk != "" {
			holds[c.Desk]++
		}
		if c.RepeatVisit {
			repeat++
		}
		if len(c.CoDesks) > 0 {
			coHandled++
		}
		noDesk := c.Status == cases.StatusRegistered || c.Status == cases.StatusSubmitted || c.Status == cases.StatusDeclined
		if noDesk != (c.Desk == "") {
			t.Errorf("%s: status %s with desk %q", c.Number, c.Status, c.Desk)
		}
		if len(c.Parties) < 1 || len(c.Parties) > 4 {
			t.Errorf("%s has %d parties, want 1–4", c.Number, len(c.Parties))
		}
		events, err := svc.Timeline(ctx, leader, c.Number)
		if err != nil {
			t.Fatal(err)
		}
		if events[0].Kind != cases.EventIntake && (c.Source != "online" || events[0].Kind != cases.EventSubmitted) {
			t.Errorf("%s: timeline starts with %s", c.Number, events[0].Kind)
		}
		for i, e := range events {
			kinds[e.Kind]++
			if e.Desk != "" {
				actorDesks[e.Desk] = true
			}
			if e.Kind == cases.EventClose {
				closed[e.Desk]++
			}
			if e.Kind == cases.EventNote && e.Visibility == cases.VisibilityPublic {
				publicNotes++
			}
			if e.Kind == cases.EventNote && e.Visibility == cases.VisibilityInternal {
				internalNotes++
			}
			at := e.At.In(demoZone)
			if at.After(time.Now()) {
				t.Errorf("%s: event %d dated in the future: %s", c.Number, e.Seq, at)
			}
			if wd := at.Weekday(); wd == time.Saturday || wd == time.Sunday || at.Hour() < 8 || at.Hour() >= 18 {
				t.Errorf("%s: event %d at %s is outside office hours", c.Number, e.Seq, at.Format("Mon 2006-01-02 15:04"))
			}
			if i > 0 && e.At.Before(events[i-1].At) {
				t.Errorf("%s: event %d is dated before the one it follows", c.Number, e.Seq)
			}
			oldest, newest = minTime(oldest, e.At), maxTime(newest, e.At)
		}
	}

	for _, s := range cases.Statuses {
		if statuses[s] == 0 {
			t.Errorf("no demo case is %s", s)
		}
	}
	cats, err := svc.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, cat := range cats {
		if categories[cat.Code] == 0 {
			t.Errorf("no demo case in category %s (%s)", cat.Code, cat.Name)
		}
	}
	for _, desk := range []string{"petition", "mediation", "litigation", "governance"} {
		if holds[desk] == 0 || closed[desk] == 0 || !actorDesks[desk] {
			t.Errorf("desk %s holds %d demo cases and closed %d, acted: %v; want some of each",
				desk, holds[desk], closed[desk], actorDesks[desk])
		}
	}
	for _, kind := range []string{cases.EventRoute, cases.EventAccept, cases.EventReturn, cases.EventTransfer,
		cases.EventInvite, cases.EventNote, cases.EventVisit, cases.EventClose} {
		if kinds[kind] == 0 {
			t.Errorf("no %s event in the demo", kind)
		}
	}
	if repeat == 0 || coHandled == 0 || publicNotes == 0 || internalNotes == 0 {
		t.Errorf("repeat visits %d, co-handled %d, public notes %d, internal notes %d: want some of each",
			repeat, coHandled, publicNotes, internalNotes)
	}
	if span := newest.Sub(oldest); span < 60*24*time.Hour || time.Since(oldest) > 120*24*time.Hour {
		t.Errorf("demo runs from %s to %s; want about three months up to now", oldest, newest)
	}

	for _, u := range demoUsers {
		a := demoActor(t, svc, u.Username)
		if a.Role != u.Role || a.Desk != u.Desk || a.Name != u.Name {
			t.Errorf("demo login %s is %+v, want role %s desk %q name %s", u.Username, a, u.Role, u.Desk, u.Name)
		}
		if !strings.Contains(out, u.Username) || !strings.Contains(out, u.Password) {
			t.Errorf("printed logins lack %s / %s:\n%s", u.Username, u.Password, out)
		}
	}
}

func TestDemoRepeatVisitorIsWarnedAboutOpenCases(t *testing.T) {
	svc, _, all := seededDemo(t)
	leader := demoActor(t, svc, "leader")
	// 沈阿根 petitions four times about one judgment; every visit after the
	// first finds the first petition still open.
	var his []*cases.Case
	for _, c := range all {
		for _, p := range c.Parties {
			if p.Role == cases.PartyApplicant && p.Name == "沈阿根" {
				his = append(his, c)
			}
		}
	}
	if len(his) < 3 {
		t.Fatalf("沈阿根 applies in %d cases, want 3–4", len(his))
	}
	first, err := svc.Timeline(context.Background(), leader, his[0].Number)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(first[0].Data), "repeat_of") {
		t.Errorf("his first case %s was registered with a repeat-visit warning: %s", his[0].Number, first[0].Data)
	}
	for _, c := range his[1:] {
		if !c.RepeatVisit {
			t.Errorf("%s is not marked as a repeat visit", c.Number)
		}
		events, err := svc.Timeline(context.Background(), leader, c.Number)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(events[0].Data), his[0].Number) {
			t.Errorf("%s intake data %s does not name his first case %s", c.Number, events[0].Data, his[0].Number)
		}
		if c.Parties[0].IDNumber != his[0].Parties[0].IDNumber || !strings.Contains(c.Parties[0].IDNumber, "*") {
			t.Errorf("%s: ID number %q, want the same masked number as %q", c.Number, c.Parties[0].IDNumber, his[0].Parties[0].IDNumber)
		}
	}
}

func TestDemoSeedsOnlyOnceAndNeverIntoADatabaseWithCases(t *testing.T) {
	svc, _, all := seededDemo(t)
	ctx := context.Background()
	users, err := svc.UserCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	leader := demoActor(t, svc, "leader")
	last := all[len(all)-1]
	before, err := svc.Timeline(ctx, leader, last.Number)
	if err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := seedDemo(ctx, svc, mediation.New(svc), &out); err != nil {
		t.Fatalf("second seedDemo: %v", err)
	}
	if n, _ := svc.CaseCount(ctx); n != len(all) {
		t.Errorf("second seedDemo left %d cases, want %d", n, len(all))
	}
	if n, _ := svc.UserCount(ctx); n != users {
		t.Errorf("second seedDemo left %d users, want %d", n, users)
	}
	after, err := svc.Timeline(ctx, leader, last.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("second seedDemo changed the timeline of %s: %d → %d events", last.Number, len(before), len(after))
	}
	if !strings.Contains(out.String(), "不再重复写入") || !strings.Contains(out.String(), "demo-intake") {
		t.Errorf("second seedDemo should say it did nothing and remind of the logins:\n%s", out.String())
	}
	if _, err := svc.Case(ctx, leader, cases.FormatCaseNumber(time.Now().Year(), int64(len(all)+1))); !errors.Is(err, cases.ErrCaseNotFound) {
		t.Errorf("a case beyond the demo exists after the second call: %v", err)
	}
}

func TestDemoLeavesARealDatabaseWithoutDemoLogins(t *testing.T) {
	cases.PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	svc := openForTest(t, t.TempDir())
	if _, err := svc.CreateUser(ctx, cases.SystemActor, cases.UserInput{Username: "window1", Password: "real-password", Role: cases.RoleIntake, Name: "韩静"}); err != nil {
		t.Fatal(err)
	}
	clerk, err := svc.Authenticate(ctx, "window1", "real-password")
	if err != nil {
		t.Fatal(err)
	}
	in := demoCases()[1].in
	if _, err := svc.Intake(ctx, clerk, in, ""); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := seedDemo(ctx, svc, mediation.New(svc), &out); err != nil {
		t.Fatal(err)
	}
	if n, _ := svc.UserCount(ctx); n != 1 {
		t.Errorf("seedDemo added demo logins to a database with cases: %d users", n)
	}
	if strings.Contains(out.String(), "demo-intake") {
		t.Errorf("seedDemo printed demo logins that do not exist:\n%s", out.String())
	}
}

func TestDemoIdentityNumbersCarryValidCheckCharacters(t *testing.T) {
	// The standards' own examples.
	if got := demoIDNumber("110105", "19491231", 2); got != "11010519491231002X" {
		t.Errorf("demoIDNumber = %s, want 11010519491231002X", got)
	}
	if got := demoCreditCode("91", "350100", "M000100Y"); got != "91350100M000100Y43" {
		t.Errorf("demoCreditCode = %s, want 91350100M000100Y43", got)
	}
	seen := map[string]string{}
	for i, dc := range demoCases() {
		for _, p := range dc.in.Parties {
			if p.IDNumber != "" && !cases.ValidIDNumber(p.IDNumber) {
				t.Errorf("case %d: %s has an invalid ID number %s", i+1, p.Name, p.IDNumber)
			}
			if p.CreditCode != "" && !cases.ValidCreditCode(p.CreditCode) {
				t.Errorf("case %d: %s has an invalid credit code %s", i+1, p.Name, p.CreditCode)
			}
			for _, key := range []string{p.IDNumber, p.CreditCode, p.Phone} {
				if key == "" {
					continue
				}
				if other, ok := seen[key]; ok && other != p.Name {
					t.Errorf("%s is used by both %s and %s", key, other, p.Name)
				}
				seen[key] = p.Name
			}
		}
	}
	roles := []cases.Role{}
	for _, u := range demoUsers {
		if len(u.Password) < cases.MinPasswordLen {
			t.Errorf("demo password of %s is shorter than %d", u.Username, cases.MinPasswordLen)
		}
		roles = append(roles, u.Role)
	}
	for _, r := range cases.Roles {
		if !slices.Contains(roles, r) {
			t.Errorf("no demo login with role %s", r)
		}
	}
}

func TestDemoSeedsWhateverDayTheCentreStartsIt(t *testing.T) {
	cases.PasswordCost = bcrypt.MinCost
	for _, now := range []time.Time{
		time.Date(2027, 1, 4, 7, 50, 0, 0, demoZone),   // a Monday before opening, days after New Year
		time.Date(2026, 11, 22, 20, 0, 0, 0, demoZone), // a Sunday evening
		time.Date(2026, 12, 31, 12, 0, 0, 0, demoZone), // New Year's Eve at lunch
	} {
		t.Run(now.Format("Mon_2006-01-02_15:04"), func(t *testing.T) {
			ctx := context.Background()
			svc := openForTest(t, t.TempDir())
			if err := seedDemoAt(ctx, svc, mediation.New(svc), io.Discard, now); err != nil {
				t.Fatal(err)
			}
			all := allCases(t, svc, now)
			if len(all) != len(demoCases()) {
				t.Fatalf("seeded %d cases, want %d", len(all), len(demoCases()))
			}
			statuses := map[cases.Status]bool{}
			for _, c := range all {
				statuses[c.Status] = true
				if !c.UpdatedAt.Before(now) || now.Sub(c.CreatedAt) > 110*24*time.Hour {
					t.Errorf("%s created %s, updated %s: outside the three months before %s", c.Number, c.CreatedAt, c.UpdatedAt, now)
				}
			}
			if len(statuses) != len(cases.Statuses) {
				t.Errorf("statuses %v, want all of %v", statuses, cases.Statuses)
			}
		})
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
