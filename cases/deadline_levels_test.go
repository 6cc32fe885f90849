package cases_test

import (
	"testing"
	"time"

	"yidi/cases"
)

// A warn share outside (0, 1) would turn every case yellow at once (0) or
// never (1): it falls back to the default; one inside is kept.
func TestWarnShareOutsideZeroToOneIsTheDefault(t *testing.T) {
	svc := openImportService(t)
	for _, share := range []float64{0, 1, -0.5, 1.5} {
		svc.SetWarnShare(share)
		if got := svc.WarnShare(); got != cases.DefaultWarnShare {
			t.Errorf("SetWarnShare(%v): WarnShare() = %v, want the default %v", share, got, cases.DefaultWarnShare)
		}
	}
	svc.SetWarnShare(0.5)
	if got := svc.WarnShare(); got != 0.5 {
		t.Errorf("SetWarnShare(0.5): WarnShare() = %v", got)
	}
}

// An extension that gives back time takes back the warning the sweep
// gave: a red limit extended past its yellow instant is green again, and
// one extended less is yellow, not red.
func TestExtensionTakesBackTheWarningItsTimeUndoes(t *testing.T) {
	for _, tc := range []struct {
		name string
		days int
		want string
	}{{"well past yellow", 15, ""}, {"still in yellow", 1, cases.StateYellow}} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newLifeFixture(t)
			n := fx.newCase(fx.intake)
			fx.do(fx.intake, n, cases.ActionRequest{Action: "route", Desk: "mediation"})
			c := fx.do(fx.mediation, n, cases.ActionRequest{Action: "accept"})
			if len(c.Deadlines) == 0 {
				t.Fatal("the accepted case has no stage limit")
			}
			fx.clock = c.Deadlines[0].Due.Add(time.Hour)
			if _, err := fx.svc.SweepWarnings(fx.ctx, fx.clock); err != nil {
				t.Fatal(err)
			}
			if c, _ = fx.svc.Case(fx.ctx, fx.leader, n); c.Warning != cases.StateRed {
				t.Fatalf("after its due instant the case is %q, want red", c.Warning)
			}
			c = fx.do(fx.leader, n, cases.ActionRequest{Action: "extend", Days: tc.days, Reason: "当事人外出务工，需延期调解"})
			if c.Warning != tc.want || c.Deadlines[0].State == cases.StateRed {
				t.Errorf("extended by %d days: warning %q, state %q; want %q", tc.days, c.Warning, c.Deadlines[0].State, tc.want)
			}
		})
	}
}
