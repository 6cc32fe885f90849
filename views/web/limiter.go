package web

import (
	"sync"
	"time"
)

// FailureLimiter counts failures per key (an address, or an address and a
// username) in a fixed window; past the limit the key is refused until the
// window ends. Only failures count, so a citizen who types the right code
// is never slowed down by checking often.
type FailureLimiter struct {
	limit int

	mu      sync.Mutex
	windows fixedWindows[int] // failures per key
}

func NewFailureLimiter(limit int, window time.Duration) *FailureLimiter {
	return &FailureLimiter{limit: limit, windows: newFixedWindows[int](window)}
}

// Blocked reports whether key has used up its failures in this window.
func (l *FailureLimiter) Blocked(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows.current(key)
	return w != nil && w.count >= l.limit
}

// Fail records one failure for key.
func (l *FailureLimiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.windows.open(key).count++
}

// RetryAfter is how long key stays refused; zero when it is not.
func (l *FailureLimiter) RetryAfter(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows.current(key)
	if w == nil || w.count < l.limit {
		return 0
	}
	return l.windows.left(w)
}
