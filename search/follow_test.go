package search_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"yidi/cases"
	"yidi/search"
)

// A panic while indexing (bleve's segment writer panicked on a full disk,
// "assignment to entry in nil map" in zapx) used to end the process from
// the follower's goroutine. Now the pass is an error: the follower backs
// off, retries, and catches up once the fault is gone; meanwhile search
// answers from what the index holds and says it is behind.
func TestFollowerSurvivesAPanicAndCatchesUp(t *testing.T) {
	w := newWorld(t)
	party := cases.PartyInput{Role: cases.PartyApplicant, Name: "张三"}
	first := w.intake("拖欠工资纠纷", "labor", "城关镇", "工地木工工资未付", party)
	w.catchUp()

	var panics atomic.Int32
	var healthy atomic.Bool
	defer search.SetFollowHook(func() {
		if !healthy.Load() {
			panics.Add(1)
			var m map[string]int
			//lint:ignore SA5000 the runtime panic zapx raised on the full disk, on purpose
			m["segment"] = 1
		}
	})()
	ctx, stop := context.WithCancel(context.Background())
	f := w.ix.Follow(ctx, w.svc)
	defer func() { stop(); <-f.Done() }()
	w.svc.OnCommit(f.Wake)

	second := w.intake("邻里漏水纠纷", "neighbour", "城关镇", "楼上卫生间漏水", party)
	waitFor(t, "the follower to panic twice", func() bool { return panics.Load() >= 2 })
	if !w.ix.Failing() {
		t.Error("the index does not say it is failing after panics")
	}
	res := w.search("leader", search.Query{Text: "纠纷"})
	if res.Total != 1 || res.Hits[0].Number != first {
		t.Errorf("while failing, search should answer from what the index holds (%s only): %+v", first, res)
	}
	if !res.IndexBehind || res.IndexLag < 1 {
		t.Errorf("while failing, search should say the index is behind: lag %d, behind %v", res.IndexLag, res.IndexBehind)
	}

	healthy.Store(true)
	waitFor(t, "the follower to catch up after the fault", func() bool {
		return !w.ix.Failing() && w.search("leader", search.Query{Text: "纠纷"}).Total == 2
	})
	res = w.search("leader", search.Query{Text: "漏水"})
	if res.Total != 1 || res.Hits[0].Number != second || res.IndexBehind || res.IndexLag != 0 {
		t.Errorf("after recovery: %+v", res)
	}
	t.Logf("follower panicked %d times, recovered each time, and caught up", panics.Load())
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
