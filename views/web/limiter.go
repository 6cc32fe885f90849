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
	limit  int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	seen  map[string]*failureWindow
	swept time.Time
}

type failureWindow struct {
	start    time.Time
	failures int
}

func NewFailureLimiter(limit int, window time.Duration) *FailureLimiter {
	return &FailureLimiter{limit: limit, window: window, now: time.Now, seen: map[string]*failureWindow{}}
}

// Blocked reports whether key has used up its failures in this window.
func (l *FailureLimiter) Blocked(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.current(key)
	return w != nil && w.failures >= l.limit
}

// Fail records one failure for key.
func (l *FailureLimiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.current(key)
	if w == nil {
		w = &failureWindow{start: l.now()}
		l.seen[key] = w
	}
	w.failures++
}

func (l *FailureLimiter) current(key string) *failureWindow {
	now := l.now()
	// Drop old windows now and then so the map cannot grow without bound.
	if now.Sub(l.swept) > l.window {
		for k, w := range l.seen {
			if now.Sub(w.start) > l.window {
				delete(l.seen, k)
			}
		}
		l.swept = now
	}
	w := l.seen[key]
	if w == nil || now.Sub(w.start) > l.window {
		return nil
	}
	return w
}

// RetryAfter is how long key stays refused; zero when it is not.
func (l *FailureLimiter) RetryAfter(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.current(key)
	if w == nil || w.failures < l.limit {
		return 0
	}
	return l.window - l.now().Sub(w.start)
}
