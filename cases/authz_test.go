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

// Desks and categories share their add and save paths: a code in use is a
// conflict named for the list, an unknown code is not found, and every
// change shows at once in the cached list.
func TestCategoriesAreAddedOnceAndSavedThroughTheCache(t *testing.T) {
	ctx := context.Background()
	svc := openImportService(t)
	admin := cases.SystemActor
	codes := func() map[string]cases.Category {
		cats, err := svc.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]cases.Category{}
		for _, c := range cats {
			m[c.Code] = c
		}
		return m
	}
	if _, ok := codes()["fishing"]; ok {
		t.Fatal("fishing listed before it was added")
	}
	if err := svc.AddCategory(ctx, admin, "fishing", "渔业纠纷"); err != nil {
		t.Fatal(err)
	}
	if c, ok := codes()["fishing"]; !ok || c.Name != "渔业纠纷" || !c.Active {
		t.Fatalf("after adding: %+v %v", c, ok)
	}
	if e := cases.ErrorOf(svc.AddCategory(ctx, admin, "fishing", "再来")); e == nil || e.Code != "category_exists" || e.Kind != cases.KindConflict {
		t.Fatalf("adding twice: %v", e)
	}
	if err := svc.SaveCategory(ctx, admin, "fishing", "渔业养殖纠纷", false); err != nil {
		t.Fatal(err)
	}
	if c := codes()["fishing"]; c.Name != "渔业养殖纠纷" || c.Active {
		t.Fatalf("after saving: %+v", c)
	}
	if e := cases.ErrorOf(svc.SaveCategory(ctx, admin, "hunting", "狩猎", true)); e == nil || e.Kind != cases.KindNotFound || e.Message != "没有这个类别" {
		t.Fatalf("saving an unknown category: %v", e)
	}
	if e := cases.ErrorOf(svc.SaveDesk(ctx, admin, "nowhere", "无", true)); e == nil || e.Kind != cases.KindNotFound || e.Message != "没有这个窗口" {
		t.Fatalf("saving an unknown desk: %v", e)
	}
}
