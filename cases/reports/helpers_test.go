package reports_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"yidi/cases"
	"yidi/internal/testdb"
)

// openService opens a fresh store in dir with cheap password hashing; the
// store closes when the test ends.
func openService(t *testing.T, dir string) *cases.Service {
	t.Helper()
	cases.PasswordCost = bcrypt.MinCost
	engine, dsn := testdb.Config(t)
	store, err := cases.OpenDatabase(context.Background(), cases.Database{Dir: dir, Engine: engine, DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return cases.NewService(store)
}

// addUser creates the user with the test password "password-"+username.
func addUser(t *testing.T, svc *cases.Service, in cases.UserInput) cases.Actor {
	t.Helper()
	in.Password = "password-" + in.Username
	a, err := svc.CreateUser(context.Background(), cases.SystemActor, in)
	if err != nil {
		t.Fatal(err)
	}
	return *a
}

// staffUser creates a user whose display name is the username.
func staffUser(t *testing.T, svc *cases.Service, name string, role cases.Role, desk string) cases.Actor {
	t.Helper()
	return addUser(t, svc, cases.UserInput{Username: name, Role: role, Desk: desk, Name: name})
}
