package views_test

// Issue 15: a password reset or a role change ends the user's bearer tokens
// and browser sessions; other users stay signed in.

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestPasswordResetAndRoleChangeEndTokensAndSessions(t *testing.T) {
	for _, c := range []struct {
		name string
		form url.Values
	}{
		{"password reset", url.Values{"op": {"password"}, "password": {"a-new-password"}}},
		{"role change", url.Values{"op": {"role"}, "role": {"handler"}, "desk": {"petition"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts := newTestServer(t)
			victim := ts.signedIn(t, "mediation")
			bystander := ts.signedIn(t, "litigation")
			if status, _, _ := victim.do("GET", "/desk", nil); status != 200 {
				t.Fatalf("before: /desk %d", status)
			}
			admin := ts.signedIn(t, "admin")
			id := ts.actor("mediation").UserID
			if status, body := admin.post(fmt.Sprintf("/admin/users/%d", id), c.form); status != fiber.StatusSeeOther {
				t.Fatalf("%s: %d %s", c.name, status, body)
			}
			if status, body := ts.call("GET", "/api/v1/notifications", "mediation", nil); status != 401 {
				t.Errorf("old token after %s: %d %v, want 401", c.name, status, body)
			}
			if status, _, h := victim.do("GET", "/desk", nil); status != fiber.StatusSeeOther || h.Get("Location") == "/desk" {
				t.Errorf("old session after %s: %d → %q, want a redirect to /login", c.name, status, h.Get("Location"))
			}
			if status, _ := ts.call("GET", "/api/v1/notifications", "litigation", nil); status != 200 {
				t.Errorf("another user's token after %s: %d, want 200", c.name, status)
			}
			if status, _, _ := bystander.do("GET", "/desk", nil); status != 200 {
				t.Errorf("another user's session after %s: %d, want 200", c.name, status)
			}
			if status, _, _ := admin.do("GET", "/admin/users", nil); status != 200 {
				t.Errorf("the admin's own session after %s: %d, want 200", c.name, status)
			}
		})
	}
}
