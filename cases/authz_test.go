package cases_test

import (
	"context"
	"strings"
	"testing"

	"yidi/cases"
)

// Accounts are created on an admin's behalf or the command line's, and the
// refusal happens in cases whatever the caller.
func TestCreateUserIsForAdminsAndTheCommandLine(t *testing.T) {
	ctx := context.Background()
	svc := openImportService(t)
	in := func(name string) cases.UserInput {
		return cases.UserInput{Username: name, Password: "password-" + name, Role: cases.RoleIntake}
	}
	admin, err := svc.CreateUser(ctx, cases.SystemActor, cases.UserInput{Username: "root", Password: "password-root", Role: cases.RoleAdmin})
	if err != nil {
		t.Fatalf("system actor: %v", err)
	}
	if _, err := svc.CreateUser(ctx, *admin, in("clerk")); err != nil {
		t.Fatalf("admin: %v", err)
	}
	for _, a := range []cases.Actor{{}, {Role: cases.RoleLeader}, {Role: cases.RoleIntake}, {Role: cases.RoleHandler, Desk: "mediation"}} {
		_, err := svc.CreateUser(ctx, a, in("x"+string(a.Role)))
		if e := cases.ErrorOf(err); e == nil || e.Kind != cases.KindForbidden {
			t.Fatalf("%q created an account: %v", a.Role, err)
		}
	}
	// A look-alike of the system actor built outside cases is no admin.
	fake := cases.Actor{Username: cases.SystemActor.Username, Name: cases.SystemActor.Name, Role: cases.SystemActor.Role}
	if _, err := svc.CreateUser(ctx, fake, in("fake")); cases.ErrorOf(err) == nil || cases.ErrorOf(err).Kind != cases.KindForbidden {
		t.Fatalf("look-alike created an account: %v", err)
	}
	if n, _ := svc.UserCount(ctx); n != 2 {
		t.Fatalf("%d accounts, want 2", n)
	}
}

func TestAuthorizeDecidesThePagesGates(t *testing.T) {
	admin, leader, handler := cases.Actor{Role: cases.RoleAdmin}, cases.Actor{Role: cases.RoleLeader}, cases.Actor{Role: cases.RoleHandler, Desk: "mediation"}
	for _, c := range []struct {
		a    cases.Actor
		p    cases.Permission
		want bool
	}{
		{admin, cases.Administer, true}, {leader, cases.Administer, false}, {cases.SystemActor, cases.EditCalendar, true},
		{leader, cases.ViewStats, true}, {admin, cases.ViewStats, false}, {handler, cases.UseLeaderView, false},
		{handler, cases.HandleCases, true}, {admin, cases.HandleCases, false}, {admin, cases.ReceiveReminders, false},
	} {
		err := cases.Authorize(c.a, c.p)
		if (err == nil) != c.want {
			t.Errorf("%q permission %d: %v, want allowed=%v", c.a.Role, c.p, err, c.want)
		}
		if e := cases.ErrorOf(err); err != nil && (e == nil || e.Kind != cases.KindForbidden || !strings.Contains(e.Message, "。")) {
			t.Errorf("%q permission %d: %v is no forbidden error with a sentence", c.a.Role, c.p, err)
		}
	}
}
