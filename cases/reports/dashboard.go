package reports

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"yidi/cases"
)

// DeskStatusCount is one cell of the leader's open-cases table.
type DeskStatusCount struct {
	Desk   string       `db:"desk"`
	Status cases.Status `db:"status"`
	Count  int          `db:"n"`
}

// OpenCasesByDesk counts open cases per holding desk and status, for the
// leader view (领导视图). Registered cases have no desk ("").
func (s *Service) OpenCasesByDesk(ctx context.Context, a cases.Actor) ([]DeskStatusCount, error) {
	if a.Role != cases.RoleLeader {
		return nil, cases.Forbidden("只有领导可以查看全局统计")
	}
	var rows []DeskStatusCount
	// Grouped by the plain columns so the (status, desk) index yields the
	// groups in order without a sort; NULL and '' desks merge below.
	var raw []DeskStatusCount
	err := s.r.SelectContext(ctx, &raw, s.r.Rebind(`
		SELECT COALESCE(desk, '') AS desk, status, COUNT(*) AS n FROM cases
		WHERE status IN (`+openStatusesSQL()+`)
		GROUP BY status, desk`))
	if err != nil {
		return nil, fmt.Errorf("store: unable to count open cases: %w", err)
	}
	slices.SortFunc(raw, func(x, y DeskStatusCount) int {
		return cmp.Or(cmp.Compare(x.Desk, y.Desk), cmp.Compare(x.Status, y.Status))
	})
	for _, r := range raw {
		if n := len(rows); n > 0 && rows[n-1].Desk == r.Desk && rows[n-1].Status == r.Status {
			rows[n-1].Count += r.Count
			continue
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// DeskWarningCount is one row of the leader's warnings table: open cases of
// a desk that are yellow or red.
type DeskWarningCount struct {
	Desk   string `db:"desk"`
	Yellow int    `db:"yellow"`
	Red    int    `db:"red"`
}

// OpenWarningsByDesk counts open cases in yellow and red per holding desk
// (registered cases have desk ""), for the leader view.
func (s *Service) OpenWarningsByDesk(ctx context.Context, a cases.Actor) ([]DeskWarningCount, error) {
	if a.Role != cases.RoleLeader {
		return nil, cases.Forbidden("只有领导可以查看全局统计")
	}
	rows := []DeskWarningCount{}
	// warning <> '' is served by the partial index cases_warning_desk, which
	// holds desk and status too; the unary + keeps SQLite from preferring a
	// status index (all open cases).
	err := s.r.SelectContext(ctx, &rows, s.r.Rebind(`
		SELECT COALESCE(desk, '') AS desk,
			SUM(CASE WHEN warning = 'yellow' THEN 1 ELSE 0 END) AS yellow,
			SUM(CASE WHEN warning = 'red' THEN 1 ELSE 0 END) AS red
		FROM cases WHERE warning <> '' AND `+cases.SQLOf(s.r).NoIndex("status")+` IN (`+openStatusesSQL()+`)
		GROUP BY COALESCE(desk, '') ORDER BY COALESCE(desk, '')`))
	if err != nil {
		return nil, fmt.Errorf("store: unable to count warnings: %w", err)
	}
	return rows, nil
}
