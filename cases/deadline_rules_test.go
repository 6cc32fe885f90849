package cases_test

import (
	"testing"
	"time"

	"yidi/cases"
)

// A rule edit is checked field by field at each bound, and only admins
// make one; leaders read the rules, handlers do not.
func TestDeadlineRuleEditsAreCheckedAtTheirBounds(t *testing.T) {
	fx := newLifeFixture(t)
	good := func() cases.DeadlineRuleInput {
		return cases.DeadlineRuleInput{Stage: cases.StatusRouted, Length: 3, Unit: cases.UnitDay,
			DaysKind: cases.DaysCalendar, Label: "3日内签收", Basis: "本中心规则"}
	}
	for _, c := range []struct {
		code  string
		edit  func(*cases.DeadlineRuleInput)
		field string // "" when accepted
	}{
		{"r_len_min", func(r *cases.DeadlineRuleInput) { r.Length = 1 }, ""},
		{"r_len_zero", func(r *cases.DeadlineRuleInput) { r.Length = 0 }, "length"},
		{"r_len_max", func(r *cases.DeadlineRuleInput) { r.Length = 3650 }, ""},
		{"r_len_over", func(r *cases.DeadlineRuleInput) { r.Length = 3651 }, "length"},
		{"r_months_max", func(r *cases.DeadlineRuleInput) { r.Unit, r.Length = cases.UnitMonth, 120 }, ""},
		{"r_months_over", func(r *cases.DeadlineRuleInput) { r.Unit, r.Length = cases.UnitMonth, 121 }, "length"},
		{"r_months_working", func(r *cases.DeadlineRuleInput) { r.Unit, r.DaysKind = cases.UnitMonth, cases.DaysWorking }, "days_kind"},
		{"r_working", func(r *cases.DeadlineRuleInput) { r.DaysKind = cases.DaysWorking }, ""},
		{"r_kind", func(r *cases.DeadlineRuleInput) { r.DaysKind = "lunar" }, "days_kind"},
		{"r_unit", func(r *cases.DeadlineRuleInput) { r.Unit = "week" }, "unit"},
		{"r_ext_zero", func(r *cases.DeadlineRuleInput) { r.MaxExtensionDays = 0 }, ""},
		{"r_ext_negative", func(r *cases.DeadlineRuleInput) { r.MaxExtensionDays = -1 }, "max_extension_days"},
		{"r_ext_max", func(r *cases.DeadlineRuleInput) { r.MaxExtensionDays = 365 }, ""},
		{"r_ext_over", func(r *cases.DeadlineRuleInput) { r.MaxExtensionDays = 366 }, "max_extension_days"},
		{"r_stage", func(r *cases.DeadlineRuleInput) { r.Stage = cases.StatusClosed }, "stage"},
		{"r_desk", func(r *cases.DeadlineRuleInput) { r.Desk = "Bad Desk" }, "desk"},
		{"r_label", func(r *cases.DeadlineRuleInput) { r.Label = " " }, "label"},
		{"r_basis", func(r *cases.DeadlineRuleInput) { r.Basis = "" }, "basis"},
		{"r_note", func(r *cases.DeadlineRuleInput) { r.ExtensionNote = "a\x00b" }, "extension_note"},
		{"Bad-Code", func(r *cases.DeadlineRuleInput) {}, "code"},
	} {
		in := good()
		c.edit(&in)
		_, err := fx.svc.SaveDeadlineRule(fx.ctx, fx.admin, c.code, in)
		if c.field == "" && err != nil {
			t.Errorf("%s: %v", c.code, err)
		}
		if e := cases.ErrorOf(err); c.field != "" && (e == nil || e.Kind != cases.KindInvalid || e.Field != c.field) {
			t.Errorf("%s: %v, want invalid %s", c.code, err, c.field)
		}
	}
	if _, err := fx.svc.SaveDeadlineRule(fx.ctx, fx.leader, "r_leader", good()); cases.ErrorOf(err) == nil || cases.ErrorOf(err).Kind != cases.KindForbidden {
		t.Fatalf("a leader edited a rule: %v", err)
	}
	if _, err := fx.svc.DeadlineRules(fx.ctx, fx.mediation); cases.ErrorOf(err) == nil || cases.ErrorOf(err).Kind != cases.KindForbidden {
		t.Fatalf("a handler read the rules: %v", err)
	}
	if rules, err := fx.svc.DeadlineRules(fx.ctx, fx.leader); err != nil || len(rules) == 0 {
		t.Fatalf("a leader reads %d rules: %v", len(rules), err)
	}
}

// A desk's own active rule governs its stage over the rule for any desk;
// two active rules for one desk and stage conflict; a rule applies to
// stages started after it was saved, in calendar days.
func TestADesksOwnRuleGovernsItsStage(t *testing.T) {
	fx := newLifeFixture(t)
	in := cases.DeadlineRuleInput{Desk: "governance", Stage: cases.StatusRouted, Length: 10, Unit: cases.UnitDay,
		DaysKind: cases.DaysCalendar, Label: "10日内签收", Basis: "本中心规则", Active: true}
	if _, err := fx.svc.SaveDeadlineRule(fx.ctx, fx.admin, "governance_sign_for", in); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.SaveDeadlineRule(fx.ctx, fx.admin, "governance_sign_for_2", in); cases.ErrorOf(err) == nil || cases.ErrorOf(err).Code != "rule_conflict" {
		t.Fatalf("a second active rule for the stage: %v", err)
	}
	// Monday 2 March 2026, 09:00: ten calendar days end on Thursday 12 March.
	stageOf := func(c *cases.Case) cases.DeadlineView {
		for _, d := range c.Deadlines {
			if d.Kind == "stage" {
				return d
			}
		}
		t.Fatalf("no stage limit on %s", c.Number)
		return cases.DeadlineView{}
	}
	stage := func(desk string) (string, cases.DeadlineView) {
		n := fx.newCase(fx.intake)
		return n, stageOf(fx.do(fx.intake, n, cases.ActionRequest{Action: "route", Desk: desk}))
	}
	n, own := stage("governance")
	if own.Code != "governance_sign_for" || own.DaysKind != cases.DaysCalendar || own.Due.In(cases.ChinaZone).Format("2006-01-02") != "2026-03-12" {
		t.Fatalf("governance's own rule: %+v", own)
	}
	if _, other := stage("mediation"); other.Code != "centre_sign_for" || !other.Due.Before(own.Due) || other.State != "ok" {
		t.Fatalf("another desk's stage: %+v", other)
	}
	// The state follows the clock: yellow once 80% of the time is used,
	// red the moment after the last day.
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{own.Due.Add(-3 * 24 * time.Hour), "ok"}, {own.Due.Add(-24 * time.Hour), "yellow"},
		{own.Due, "yellow"}, {own.Due.Add(time.Second), "red"},
	} {
		fx.clock = c.at
		got, err := fx.svc.Case(fx.ctx, fx.leader, n)
		if err != nil || stageOf(got).State != c.want {
			t.Fatalf("at %v: %+v %v, want %s", c.at, got.Deadlines, err, c.want)
		}
	}
}
