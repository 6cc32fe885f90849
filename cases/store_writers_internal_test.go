package cases

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// Write transactions are served in the order they asked, so a burst of
// intakes cannot leave one waiting while later ones go through.
func TestWritesAreServedFirstComeFirstServed(t *testing.T) {
	ctx := context.Background()
	store, err := OpenDatabase(ctx, testDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	release := make(chan struct{})
	holding := make(chan struct{})
	go store.write(ctx, func(*sqlx.Tx) error { close(holding); <-release; return nil })
	<-holding

	const n = 15
	var mu sync.Mutex
	var served []int
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		asking := make(chan struct{})
		go func() {
			defer wg.Done()
			close(asking)
			if err := store.write(ctx, func(*sqlx.Tx) error {
				mu.Lock()
				served = append(served, i)
				mu.Unlock()
				return nil
			}); err != nil {
				t.Error(err)
			}
		}()
		// Each waiter is queued before the next one asks: it is a few
		// instructions from the queue once it runs.
		<-asking
		time.Sleep(20 * time.Millisecond)
	}
	close(release)
	wg.Wait()
	if !slices.IsSorted(served) || len(served) != n {
		t.Fatalf("served in the order %v, want 0…%d", served, n-1)
	}
}

// A writer that gives up waiting (its request was cancelled) leaves the queue.
func TestAWaitingWriteEndsWithItsContext(t *testing.T) {
	ctx := context.Background()
	store, err := OpenDatabase(ctx, testDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	release := make(chan struct{})
	holding := make(chan struct{})
	done := make(chan struct{})
	go func() {
		store.write(ctx, func(*sqlx.Tx) error { close(holding); <-release; return nil })
		close(done)
	}()
	<-holding
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := store.write(short, func(*sqlx.Tx) error { return nil }); err != context.DeadlineExceeded {
		t.Fatalf("a cancelled wait answered %v", err)
	}
	close(release)
	<-done
	if err := store.write(ctx, func(*sqlx.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
}
