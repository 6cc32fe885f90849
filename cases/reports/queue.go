package reports

import (
	"context"
	"fmt"

	"yidi/cases"
)

// Queue is a named case list of a desk's workbench (工作台).
type Queue struct {
	Key    string
	Label  string
	Filter CaseFilter
	// Info: the queue is there to be known, not acted on (what the desk
	// returned waits at the intake window), so its count is no alarm.
	Info bool
}

// QueueCount is a queue with how many cases wait in it.
type QueueCount struct {
	Queue
	Count int
}

// QueuesFor lists the workbench queues of a user, in the order shown.
// Other parts append theirs here (e.g. online applications for intake).
func QueuesFor(a cases.Actor) []Queue {
	statuses := func(st cases.Status) []cases.Status { return []cases.Status{st} }
	switch a.Role {
	case cases.RoleHandler:
		return []Queue{
			{Key: "routed", Label: "待签收", Filter: CaseFilter{Desk: a.Desk, Statuses: statuses(cases.StatusRouted)}},
			{Key: "in_progress", Label: "办理中", Filter: CaseFilter{Desk: a.Desk, Statuses: statuses(cases.StatusInProgress)}},
			{Key: "co", Label: "联合调处", Filter: CaseFilter{CoDesk: a.Desk, Open: true}},
			{Key: "returned", Label: "已退回", Filter: CaseFilter{ReturnedBy: a.Desk, Statuses: statuses(cases.StatusRegistered)}, Info: true},
			{Key: "unread", Label: "新留言", Filter: CaseFilter{Desk: a.Desk, Unread: true}},
		}
	case cases.RoleIntake, cases.RoleLeader:
		return []Queue{
			{Key: "registered", Label: "待分流", Filter: CaseFilter{Statuses: statuses(cases.StatusRegistered)}},
			{Key: "returned", Label: "退回窗口", Filter: CaseFilter{Statuses: statuses(cases.StatusRegistered), Returned: true}},
			{Key: "routed", Label: "待签收", Filter: CaseFilter{Statuses: statuses(cases.StatusRouted)}},
			// 网上申请 waiting to be registered or declined.
			{Key: "submitted", Label: "待受理", Filter: CaseFilter{Statuses: statuses(cases.StatusSubmitted), Sort: SortAge}},
			// Messages on cases no desk holds are the window's to answer.
			{Key: "unread", Label: "新留言", Filter: CaseFilter{Unheld: true, Unread: true}},
		}
	}
	return nil
}

// QueueCounts answers every queue of a's workbench with its count, for the
// navigation and the workbench tabs.
func (s *Service) QueueCounts(ctx context.Context, a cases.Actor) ([]QueueCount, error) {
	var out []QueueCount
	for _, q := range QueuesFor(a) {
		n, err := s.count(ctx, a, q.Filter)
		if err != nil {
			return nil, fmt.Errorf("queue %s: %w", q.Key, err)
		}
		out = append(out, QueueCount{Queue: q, Count: n})
	}
	return out, nil
}
