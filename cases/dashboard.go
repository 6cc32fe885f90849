package cases

import (
	"context"
	"fmt"
	"strings"
)

// DeskStatusCount is one cell of the leader's open-cases table.
type DeskStatusCount struct {
	Desk   string `db:"desk"`
	Status Status `db:"status"`
	Count  int    `db:"n"`
}

// OpenCasesByDesk counts open cases per holding desk and status, for the
// leader view (领导视图). Registered cases have no desk ("").
func (s *Service) OpenCasesByDesk(ctx context.Context, a Actor) ([]DeskStatusCount, error) {
	if a.Role != RoleLeader {
		return nil, forbidden("只有领导可以查看全局统计")
	}
	var rows []DeskStatusCount
	open := openStatuses
	args := make([]any, len(open))
	for i, st := range open {
		args[i] = string(st)
	}
	err := s.store.r.SelectContext(ctx, &rows, s.store.r.Rebind(`
		SELECT COALESCE(desk, '') AS desk, status, COUNT(*) AS n FROM cases
		WHERE status IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(open)), ", ")+`)
		GROUP BY COALESCE(desk, ''), status`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to count open cases: %w", err)
	}
	return rows, nil
}
