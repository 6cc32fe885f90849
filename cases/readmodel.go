package cases

// What the read models of cases/reports need of this package, and no more:
// the reader pool, the error constructors, and the open statuses.

import (
	"slices"

	"github.com/jmoiron/sqlx"
)

// ReadDB is the store's pool of read-only connections, for read models
// (cases/reports) that query the tables directly; writes go through the
// Service's methods.
func (s *Service) ReadDB() *sqlx.DB { return s.store.r }

// Invalid is the error for bad input in field.
func Invalid(field, code, msg string) *Error { return invalid(field, code, msg) }

// Forbidden is the error for an actor not allowed to do or see this.
func Forbidden(msg string) *Error { return forbidden(msg) }

// OpenStatuses are the statuses of a case still being handled.
func OpenStatuses() []Status { return slices.Clone(openStatuses) }
