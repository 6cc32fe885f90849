package web

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"yidi/cases"
)

// FailureLimiter counts failures per key (an address, or an address and a
// username) in a fixed window; past the limit the key is refused until the
// window ends. Only failures count, so a citizen who types the right code
// is never slowed down by checking often. It counts in memory, or, once
// Shared, in the database, which several nodes share.
type FailureLimiter struct {
	limit int

	mu      sync.Mutex
	windows fixedWindows[int] // failures per key

	shared *cases.FailureWindows
}

func NewFailureLimiter(limit int, window time.Duration) *FailureLimiter {
	return &FailureLimiter{limit: limit, windows: newFixedWindows[int](window)}
}

// Shared makes l count in the database under scope (a name of its own):
// with several app servers behind one address a guesser's attempts reach
// all of them, and every one must refuse him.
func (l *FailureLimiter) Shared(svc *cases.Service, scope string) *FailureLimiter {
	l.shared = svc.FailureWindows(scope, l.windows.window)
	return l
}

// sharedTimeout bounds a count read or written in the database: a limiter
// must not hold a request up for long.
const sharedTimeout = 2 * time.Second

// sharedCount is key's failures and the wait left in the database. A read
// that fails counts nothing: the database not answering fails the sign-in
// or the public call anyway.
func (l *FailureLimiter) sharedCount(key string) (int, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	n, left, err := l.shared.Failures(ctx, key)
	if err != nil {
		slog.Error("limiter: unable to read failures", "err", err)
	}
	return n, left
}

// Blocked reports whether key has used up its failures in this window.
func (l *FailureLimiter) Blocked(key string) bool {
	return l.RetryAfter(key) > 0
}

// Fail records one failure for key.
func (l *FailureLimiter) Fail(key string) {
	if l.shared != nil {
		ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
		defer cancel()
		if err := l.shared.Fail(ctx, key); err != nil {
			slog.Error("limiter: unable to count a failure", "err", err)
		}
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.windows.open(key).count++
}

// RetryAfter is how long key stays refused; zero when it is not.
func (l *FailureLimiter) RetryAfter(key string) time.Duration {
	if l.shared != nil {
		n, left := l.sharedCount(key)
		if n < l.limit {
			return 0
		}
		return max(left, time.Millisecond)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows.current(key)
	if w == nil || w.count < l.limit {
		return 0
	}
	return l.windows.left(w)
}
