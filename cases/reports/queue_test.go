package reports_test

import (
	"context"
	"testing"
	"time"

	"yidi/cases"
	"yidi/cases/reports"
)

func TestDeskQueuesFollowTheCaseAndTheReadRule(t *testing.T) {
	ctx := context.Background()
	svc := openService(t, t.TempDir())
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	svc.SetClock(func() time.Time { return now })
	actor := func(in cases.UserInput) cases.Actor { return addUser(t, svc, in) }
	window := actor(cases.UserInput{Username: "window", Role: cases.RoleIntake})
	med := actor(cases.UserInput{Username: "med", Role: cases.RoleHandler, Desk: "mediation"})
	pet := actor(cases.UserInput{Username: "pet", Role: cases.RoleHandler, Desk: "petition"})
	intake := func(title string) string {
		now = now.Add(time.Hour)
		res, err := svc.Intake(ctx, window, cases.IntakeInput{Title: title, Category: "labor", Summary: "工资未付。",
			Parties: []cases.PartyInput{{Role: "applicant", Name: "张三"}}}, "")
		if err != nil {
			t.Fatal(err)
		}
		return res.Case.Number
	}
	do := func(a cases.Actor, number string, r cases.ActionRequest) {
		t.Helper()
		if _, err := svc.Do(ctx, a, number, r); err != nil {
			t.Fatalf("%s %s: %v", r.Action, number, err)
		}
	}
	older, newer, returned := intake("较早"), intake("较晚"), intake("退回")
	for _, n := range []string{older, newer, returned} {
		do(window, n, cases.ActionRequest{Action: "route", Desk: "mediation"})
	}
	do(med, returned, cases.ActionRequest{Action: "return", Reason: "不属本窗口"})
	do(med, newer, cases.ActionRequest{Action: "accept"})
	do(med, newer, cases.ActionRequest{Action: "invite", Desk: "petition"})

	counts := func(a cases.Actor) map[string]int {
		qs, err := reports.New(svc).QueueCounts(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, q := range qs {
			out[q.Key] = q.Count
		}
		return out
	}
	if got := counts(med); got["routed"] != 1 || got["in_progress"] != 1 || got["co"] != 0 || got["returned"] != 1 {
		t.Errorf("mediation queues %v", got)
	}
	if got := counts(pet); got["routed"] != 0 || got["co"] != 1 {
		t.Errorf("petition queues %v", got)
	}
	if got := counts(window); got["registered"] != 1 || got["returned"] != 1 || got["routed"] != 1 {
		t.Errorf("window queues %v", got)
	}
	// A handler's list without a desk filter keeps to the read rule: the
	// petition desk sees only the case it co-handles.
	list, err := reports.New(svc).ListCases(ctx, pet, reports.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 1 || list.Cases[0].Number != newer {
		t.Errorf("petition sees %+v", list)
	}
	// Sorted by age, oldest first; paged.
	list, err = reports.New(svc).ListCases(ctx, window, reports.CaseFilter{Sort: "age", PerPage: 2, Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 3 || len(list.Cases) != 2 || list.Cases[0].Number != older {
		t.Errorf("page 1 by age: %+v", list)
	}
	if _, err := reports.New(svc).ListCases(ctx, cases.Actor{Role: cases.RoleAdmin}, reports.CaseFilter{}); cases.ErrorOf(err) == nil {
		t.Error("an admin listed cases")
	}
}
