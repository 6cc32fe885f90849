package cases

import (
	"context"
	"sync"
	"testing"
	"time"
)

// The counts behind the sign-in throttle and the public lockouts, as
// several nodes share them: two services on one database count into the
// same window, concurrent failures are all counted, and a window that ended
// starts again from one.
func TestFailureWindowsAreSharedAndEnd(t *testing.T) {
	ctx := context.Background()
	store := openTestStore(t)
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	a := NewService(store).FailureWindows("login", time.Minute)
	b := NewService(store).FailureWindows("login", time.Minute)
	other := NewService(store).FailureWindows("public_address", time.Minute)
	for _, f := range []*FailureWindows{a, b, other} {
		f.now = func() time.Time { return now }
	}
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		f := a
		if i%2 == 1 {
			f = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.Fail(ctx, "10.0.0.1|admin"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	n, left, err := b.Failures(ctx, "10.0.0.1|admin")
	if err != nil || n != 6 || left != time.Minute {
		t.Fatalf("after six failures on two nodes: %d, %v left, %v", n, left, err)
	}
	if n, _, _ := other.Failures(ctx, "10.0.0.1|admin"); n != 0 {
		t.Errorf("another limit sees %d failures of this one", n)
	}
	now = now.Add(40 * time.Second)
	if _, left, _ := a.Failures(ctx, "10.0.0.1|admin"); left != 20*time.Second {
		t.Errorf("the window's wait: %v, want 20s", left)
	}
	now = now.Add(30 * time.Second)
	if n, _, _ := a.Failures(ctx, "10.0.0.1|admin"); n != 0 {
		t.Errorf("an ended window still counts %d", n)
	}
	if err := b.Fail(ctx, "10.0.0.1|admin"); err != nil {
		t.Fatal(err)
	}
	if n, left, _ := a.Failures(ctx, "10.0.0.1|admin"); n != 1 || left != time.Minute {
		t.Errorf("a failure after the window: %d, %v left; want a fresh window of 1", n, left)
	}
}
