// Package reports holds the read models over cases: the leader's
// statistics, the case lists (desk queues, /cases, GET /api/v1/cases,
// exports) and the leader dashboard. It reads the store through the reader
// pool cases.Service hands out and changes nothing; cases never imports it.
package reports

import (
	"github.com/jmoiron/sqlx"

	"yidi/cases"
)

// Service answers the read models of one cases.Service.
type Service struct {
	cases *cases.Service
	r     *sqlx.DB // the store's reader pool
}

// New wraps svc.
func New(svc *cases.Service) *Service {
	return &Service{cases: svc, r: svc.Reader()}
}
