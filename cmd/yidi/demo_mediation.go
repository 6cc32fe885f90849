package main

import (
	"context"
	"fmt"
	"time"

	"yidi/cases"
	"yidi/cases/mediation"
)

// demoMediation gives the demo's 人民调解 desk its mediation work, on two of
// its open cases untouched for a week: on one a session was held three
// working days ago, a written agreement in two instalments signed there,
// the first instalment paid and 司法确认 applied for; on the other a
// session is set for the next working morning. setClock moves the demo
// clock, so each step is stamped when it happened.
func demoMediation(ctx context.Context, svc *cases.Service, med *mediation.Service, actors map[string]cases.Actor,
	numbers []string, now time.Time, setClock func(time.Time)) error {
	room, err := med.AddRoom(ctx, actors["admin"], "第一调解室")
	if err != nil {
		return err
	}
	var open []*cases.Case
	for _, n := range numbers {
		c, err := svc.Case(ctx, actors["leader"], n)
		if err != nil {
			return err
		}
		if c.Status == cases.StatusInProgress && c.Desk == "mediation" && c.UpdatedAt.Before(now.AddDate(0, 0, -7)) &&
			len(sides(c, cases.PartyApplicant)) > 0 && len(sides(c, cases.PartyRespondent)) > 0 {
			open = append(open, c)
		}
	}
	if len(open) < 2 {
		return fmt.Errorf("demo mediation: %d open mediation cases untouched for a week, want 2", len(open))
	}
	held, next := open[0], open[1]
	a := actors["mediation"]
	heldAt := workday(now, -3, 9, 30)
	setClock(workday(now, -5, 16, 0))
	s, err := med.Schedule(ctx, a, held.Number, mediation.SessionInput{Kind: mediation.KindMediation,
		StartsAt: heldAt.Format("2006-01-02 15:04"), Minutes: 90, RoomID: room.ID, Presiding: "mediation",
		Mediators: []string{"mediation2"}, Summoned: names(held), Bring: "身份证、与纠纷有关的证据材料"})
	if err != nil {
		return fmt.Errorf("demo mediation: schedule: %w", err)
	}
	setClock(heldAt.Add(100 * time.Minute))
	if _, err := med.RecordSession(ctx, a, held.Number, s.ID, mediation.RecordInput{
		AttendedStaff: []string{"mediation", "mediation2"}, AttendedParties: names(held),
		Statements: "申请人陈述了纠纷经过和请求；被申请人对事实无异议，请求分期履行。经调解员释法说理，双方同意分两期履行。",
		Result:     mediation.ResultAgreement}); err != nil {
		return fmt.Errorf("demo mediation: record: %w", err)
	}
	obligor, obligee := sides(held, cases.PartyRespondent)[0], sides(held, cases.PartyApplicant)[0]
	day := func(t time.Time) string { return t.In(demoZone).Format(time.DateOnly) }
	ag, err := med.SignAgreement(ctx, a, held.Number, mediation.AgreementInput{Form: mediation.FormWritten,
		Facts: held.Summary, Terms: fmt.Sprintf("%s分两期向%s支付款项共计5000元，双方就本纠纷再无其他争议。", obligor, obligee),
		SignedOn: day(heldAt), Obligations: []mediation.ObligationInput{
			{Obligor: obligor, Obligee: obligee, Content: "第一期款项", Amount: "3000", DueOn: day(workday(now, -1, 17, 0)), Manner: "银行转账"},
			{Obligor: obligor, Obligee: obligee, Content: "第二期款项", Amount: "2000", DueOn: day(now.AddDate(0, 0, 20)), Manner: "银行转账"},
		}})
	if err != nil {
		return fmt.Errorf("demo mediation: agreement: %w", err)
	}
	setClock(workday(now, -1, 15, 0))
	if _, err := med.RecordPerformance(ctx, a, held.Number, ag.Obligations[0].ID,
		mediation.PerformanceInput{Status: mediation.PerformPerformed, Note: "申请人确认已收到转账"}); err != nil {
		return fmt.Errorf("demo mediation: performance: %w", err)
	}
	if _, err := med.ApplyConfirmation(ctx, a, held.Number, mediation.ApplicationInput{
		Applicants: append(sides(held, cases.PartyApplicant), sides(held, cases.PartyRespondent)...)}); err != nil {
		return fmt.Errorf("demo mediation: 司法确认: %w", err)
	}
	setClock(workday(now, -1, 16, 30))
	if _, err := med.Schedule(ctx, actors["mediation2"], next.Number, mediation.SessionInput{Kind: mediation.KindMediation,
		StartsAt: workday(now, 1, 9, 0).Format("2006-01-02 15:04"), Minutes: 60, RoomID: room.ID, Presiding: "mediation2",
		Summoned: names(next), Bring: "身份证、与纠纷有关的证据材料"}); err != nil {
		return fmt.Errorf("demo mediation: next session: %w", err)
	}
	return nil
}

// workday is hh:mm China time n working days (Monday to Friday) from now:
// back for n < 0, on for n > 0.
func workday(now time.Time, n, hh, mm int) time.Time {
	d, step := now.In(demoZone), 1
	if n < 0 {
		n, step = -n, -1
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			n--
		}
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, demoZone)
}

func names(c *cases.Case) []string {
	var out []string
	for _, p := range c.Parties {
		out = append(out, p.Name)
	}
	return out
}

func sides(c *cases.Case, role string) []string {
	var out []string
	for _, p := range c.Parties {
		if p.Role == role {
			out = append(out, p.Name)
		}
	}
	return out
}
