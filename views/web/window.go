package web

import "time"

// fixedWindows keeps one counter per key for a fixed window from the key's
// first count; both limiters (failures, accepted volume) count this way.
// The caller holds its own lock.
type fixedWindows[C any] struct {
	window time.Duration
	now    func() time.Time
	seen   map[string]*counted[C]
	swept  time.Time
}

type counted[C any] struct {
	start time.Time
	count C
}

func newFixedWindows[C any](window time.Duration) fixedWindows[C] {
	return fixedWindows[C]{window: window, now: time.Now, seen: map[string]*counted[C]{}}
}

// current is key's running window, or nil when none is open.
func (f *fixedWindows[C]) current(key string) *counted[C] {
	now := f.now()
	// Drop old windows now and then so the map cannot grow without bound.
	if now.Sub(f.swept) > f.window {
		for k, w := range f.seen {
			if now.Sub(w.start) > f.window {
				delete(f.seen, k)
			}
		}
		f.swept = now
	}
	w := f.seen[key]
	if w == nil || now.Sub(w.start) > f.window {
		return nil
	}
	return w
}

// open is key's running window, started now when none is open.
func (f *fixedWindows[C]) open(key string) *counted[C] {
	w := f.current(key)
	if w == nil {
		w = &counted[C]{start: f.now()}
		f.seen[key] = w
	}
	return w
}

// left is how long w still runs.
func (f *fixedWindows[C]) left(w *counted[C]) time.Duration {
	return f.window - f.now().Sub(w.start)
}
