package cases

import (
	"errors"
	"fmt"
	"time"
)

// Kind groups errors by what the caller can do about them; the web layer maps
// each kind to one HTTP status in one place.
type Kind int

const (
	KindInternal     Kind = iota // a fault of ours; the user sees only "internal error"
	KindInvalid                  // bad input: fix the named field and try again
	KindNotFound                 // no such thing, or not one the caller may see
	KindConflict                 // stale version, wrong status, reused idempotency key
	KindForbidden                // signed in, but not allowed to do this
	KindUnauthorized             // not signed in, or the credentials are wrong
	KindTooMany                  // slow down
	KindStorageFull              // the disk is (nearly) full: nothing was stored
)

// Error is the domain error: a kind, a stable snake_case code that API
// clients can branch on, a message a person can read (in Chinese, because it
// is shown at the counter) and the input field it concerns, if any.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Field   string
	// Case, when set, is the case a conflict is about (external_ref_taken).
	Case string
	// RetryAfter, when set, is how long the caller should wait (429).
	RetryAfter time.Duration
	// Lasting marks a 429 that waiting does not lift (a case's total
	// upload quota): it names no wait at all.
	Lasting bool
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.Field, e.Message)
	}
	return e.Code + ": " + e.Message
}

func invalid(field, code, msg string) *Error {
	return &Error{Kind: KindInvalid, Code: code, Message: msg, Field: field}
}

func conflict(code, msg string) *Error {
	return &Error{Kind: KindConflict, Code: code, Message: msg}
}

func forbidden(msg string) *Error {
	return &Error{Kind: KindForbidden, Code: "forbidden", Message: msg}
}

// ErrCaseNotFound is also what a caller gets for a case it may not see, so
// that case numbers cannot be probed.
var ErrCaseNotFound = &Error{Kind: KindNotFound, Code: "case_not_found", Message: "案件不存在或无权查看"}

// ErrStaleVersion: someone else acted on the case first.
var ErrStaleVersion = &Error{Kind: KindConflict, Code: "stale_version", Message: "案件已被他人处理，请刷新后重试"}

// ErrBadCredentials is deliberately silent about which half was wrong.
var ErrBadCredentials = &Error{Kind: KindUnauthorized, Code: "bad_credentials", Message: "用户名或密码错误"}

// ErrorOf returns the domain error inside err, or nil when err is not one
// (then it is an internal fault).
func ErrorOf(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
