package cases

import (
	"sync"
	"time"
)

// guarded is one value of a Service that every request reads while
// configuration, registered hooks or the tests change it.
type guarded[T any] struct {
	mu sync.Mutex
	v  T
}

func (g *guarded[T]) get() T {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.v
}

func (g *guarded[T]) set(v T) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.v = v
}

// update replaces the value by what change makes of it, in one step.
func (g *guarded[T]) update(change func(T) T) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.v = change(g.v)
}

// cached is a value read from the database, kept until this process's
// edits drop it or, with a maxAge, until it is older than that (another
// process may have changed it).
type cached[T any] struct {
	mu sync.Mutex
	v  T
	ok bool
	at time.Time
}

// get answers the kept value, or loads and keeps it; maxAge 0 keeps it
// until it is dropped.
func (c *cached[T]) get(maxAge time.Duration, load func() (T, error)) (T, error) {
	c.mu.Lock()
	v, ok, at := c.v, c.ok, c.at
	c.mu.Unlock()
	if ok && (maxAge == 0 || time.Since(at) < maxAge) {
		return v, nil
	}
	v, err := load()
	if err != nil {
		var zero T
		return zero, err
	}
	c.mu.Lock()
	c.v, c.ok, c.at = v, true, time.Now()
	c.mu.Unlock()
	return v, nil
}

func (c *cached[T]) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero T
	c.v, c.ok = zero, false
}

// orDefault reads a configured limit: negative turns it off (0), zero
// stands for the default.
func orDefault(v, def int64) int64 {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}
