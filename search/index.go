package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"

	"yidi/cases"
)

// Index is the bleve index of cases in a folder of its own.
type Index struct {
	dir string
	// swap guards idx: every use holds it for reading, and reopen (after
	// a failed write left bleve's in-memory state unusable) for writing.
	// idx is nil while the index cannot be opened (a full disk).
	swap sync.RWMutex
	idx  bleve.Index

	mu       sync.RWMutex
	synonyms Synonyms
	related  map[string][]string // accepted related terms (related_terms.go)

	failing  atomic.Bool   // the follower's last pass failed
	caughtUp atomic.Int64  // when a catch-up last reached the log's end (unix ns)
	poll     time.Duration // the follower's pass without a wake-up (0: 5 s)

	follow    sync.Mutex // one catch-up at a time; guards state
	state     followState
	closeOnce sync.Once
	closed    bool // guarded by swap
}

const (
	lastSeqKey        = "last_seq"
	mappingVersionKey = "mapping_version"
	batchSize         = 1000
)

// kvConfig: the bolt timeout stops a second process from waiting forever
// on the lock. unsafe_batch would be faster, but measured here it lost
// documents whose batch was acknowledged just before Close while the
// recorded sequence number survived: they would never be indexed again.
func kvConfig() map[string]any {
	return map[string]any{"bolt_timeout": "2s"}
}

// Open opens the index in dir, creating it if missing. An index that does
// not open (torn by a crash) or was built with another mapping is moved
// aside and created empty; the caller's catch-up then fills it.
func Open(dir string) (*Index, error) {
	idx, err := bleve.OpenUsing(dir, kvConfig())
	if err == nil {
		v, verr := idx.GetInternal([]byte(mappingVersionKey))
		if verr == nil && string(v) == mappingVersion {
			return &Index{dir: dir, idx: idx}, nil
		}
		idx.Close()
		err = fmt.Errorf("mapping version %q, want %q", v, mappingVersion)
	}
	if errors.Is(err, bleve.ErrorIndexMetaMissing) || errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		if _, statErr := os.Stat(dir); errors.Is(statErr, os.ErrNotExist) {
			return create(dir)
		}
	}
	if strings.Contains(err.Error(), "timeout") {
		return nil, fmt.Errorf("search: the index %s is in use by another yidi process", dir)
	}
	aside := fmt.Sprintf("%s.broken-%s", dir, time.Now().Format("20060102-150405"))
	slog.Warn("search index unusable; rebuilding it from the event log", "dir", dir, "err", err, "moved_to", aside)
	if err := os.Rename(dir, aside); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("search: unable to move the broken index aside: %w", err)
	}
	return create(dir)
}

func create(dir string) (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("search: bad mapping: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o750); err != nil {
		return nil, err
	}
	idx, err := bleve.NewUsing(dir, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, kvConfig())
	if err != nil {
		return nil, fmt.Errorf("search: unable to create index: %w", err)
	}
	if err := idx.SetInternal([]byte(mappingVersionKey), []byte(mappingVersion)); err != nil {
		idx.Close()
		return nil, err
	}
	return &Index{dir: dir, idx: idx}, nil
}

// Close closes the index; closing it again does nothing (bleve panics on
// a second close, and a restart path may close before the deferred close).
func (ix *Index) Close() (err error) {
	ix.closeOnce.Do(func() {
		ix.swap.Lock()
		defer ix.swap.Unlock()
		if ix.idx != nil {
			err = ix.idx.Close()
		}
		ix.closed = true
	})
	return err
}

// ErrIndexUnavailable: the index could not be reopened after a failed
// write (the disk is full); the follower keeps trying.
var ErrIndexUnavailable = &cases.Error{Kind: cases.KindInternal, Code: "search_unavailable", Message: "搜索暂不可用：索引正在恢复，请稍后再试"}

// reopen drops bleve's in-memory state and opens the index again from
// what it persisted. A batch whose segment failed to persist (a full
// disk) is already part of the in-memory snapshot, with its sequence
// number, and searching that snapshot panicked inside zapx ("assignment
// to entry in nil map"); the persisted state is consistent, and the
// follower replays the events after its sequence number.
func (ix *Index) reopen() error {
	// The position is read again from what the index persisted.
	ix.follow.Lock()
	ix.state = followState{}
	ix.follow.Unlock()
	ix.swap.Lock()
	defer ix.swap.Unlock()
	if ix.closed || ix.dir == "" {
		return nil
	}
	if ix.idx != nil {
		func() {
			// Closing a scorch index whose persister failed may itself panic.
			defer func() {
				if r := recover(); r != nil {
					slog.Error("search: panic closing the index recovered", "panic", r)
				}
			}()
			if err := ix.idx.Close(); err != nil {
				slog.Warn("search: closing the index before reopening it", "err", err)
			}
		}()
		ix.idx = nil
	}
	fresh, err := Open(ix.dir)
	if err != nil {
		return fmt.Errorf("search: unable to reopen the index: %w", err)
	}
	ix.idx = fresh.idx
	slog.Info("search: index reopened from what it persisted", "last_seq", ix.lastSeq())
	return nil
}

// LastSeq is the last event sequence number whose changes the index holds.
func (ix *Index) LastSeq() int64 {
	ix.swap.RLock()
	defer ix.swap.RUnlock()
	return ix.lastSeq()
}

func (ix *Index) lastSeq() int64 {
	if ix.idx == nil {
		return 0
	}
	v, err := ix.idx.GetInternal([]byte(lastSeqKey))
	if err != nil || len(v) == 0 {
		return 0
	}
	n, _ := strconv.ParseInt(string(v), 10, 64)
	return n
}

// put indexes docs and records seq in the same batch, so the high-water mark
// never runs ahead of what is indexed.
func (ix *Index) put(docs []cases.SearchDoc, seq int64) error {
	ix.swap.RLock()
	defer ix.swap.RUnlock()
	if ix.idx == nil {
		return ErrIndexUnavailable
	}
	b := ix.idx.NewBatch()
	for i := range docs {
		doc, err := ix.document(&docs[i])
		if err == nil {
			err = b.IndexAdvanced(doc)
		}
		if err != nil {
			return fmt.Errorf("search: unable to index %s: %w", docs[i].Number, err)
		}
	}
	if seq > 0 {
		b.SetInternal([]byte(lastSeqKey), []byte(strconv.FormatInt(seq, 10)))
	}
	if err := ix.idx.Batch(b); err != nil {
		return fmt.Errorf("search: unable to write batch: %w", err)
	}
	return nil
}

// document maps a case onto the fields of mapping.go, and adds two kinds
// of field of our own: the long text, counted in one pass (bigramField),
// and the facet values, whose doc values are stored uncompressed, a chunk
// a document, as bleve stores those of geo fields (its mapping cannot ask
// for that of a text field). Every search reads the facet values of all
// its hits, and decompressing their chunks took a quarter of a broad
// search's time.
func (ix *Index) document(d *cases.SearchDoc) (*document.Document, error) {
	doc := document.NewDocument(d.Number)
	m := ix.idx.Mapping()
	if err := m.MapDocument(doc, toDocument(d)); err != nil {
		return nil, err
	}
	// The category's and desk's names, closure type and outcome go with
	// the text: a 消费纠纷 case whose facts never say 消费 is found by it.
	doc.AddField(newBigramField(fText, d.Summary+"\n"+d.Claims+"\n"+strings.Join(d.Notes, "\n")+"\n"+strings.Join(d.Labels(), "\n")))
	an := m.AnalyzerNamed(keyword.Name)
	for i, v := range facetValues(d) {
		doc.AddField(document.NewTextFieldCustom(fFacets, []uint64{uint64(i)}, []byte(v), facetOptions, an))
	}
	return doc, nil
}

// facetOptions: SkipDVCompression alone (not used by bleve itself) gave
// wrong facet counts on an index of several segments; with SkipDVChunking,
// as for geo fields, they are right (TestFacetsCountExactlyThePageSearchesDocuments).
const facetOptions = index.IndexField | index.DocValues | index.SkipDVCompression | index.SkipDVChunking

// toDocument flattens a case into the fields of mapping.go but the text and
// the facets.
func toDocument(d *cases.SearchDoc) map[string]any {
	var names, phones, tails, ids []string
	var partyText strings.Builder
	for _, p := range d.Parties {
		names = append(names, p.Name)
		partyText.WriteString(p.Name)
		partyText.WriteString(" ")
		if p.Phone != "" {
			phones = append(phones, p.Phone)
			if len(p.Phone) >= 4 {
				tails = append(tails, p.Phone[len(p.Phone)-4:])
			}
		}
		if p.IDNumber != "" {
			ids = append(ids, p.IDNumber)
		}
		if p.CreditCode != "" {
			ids = append(ids, p.CreditCode)
		}
	}
	viewers := []string{"user:" + strconv.FormatInt(d.CreatedBy, 10)}
	for _, desk := range append(append([]string{d.Desk}, d.CoDesks...), d.PastDesks...) {
		if desk != "" {
			viewers = append(viewers, "desk:"+desk)
		}
	}
	var extRefs, extIDs []string
	for _, r := range d.ExternalRefs {
		extRefs = append(extRefs, r.String())
		extIDs = append(extIDs, r.ID)
	}
	numberTail := d.Number
	if i := strings.LastIndexByte(d.Number, '-'); i >= 0 {
		numberTail = d.Number[i+1:]
	}
	return map[string]any{
		fTitle:   d.Title,
		fParties: partyText.String(),
		fExact: exactValues(map[string][]string{fNumber: {d.Number}, fNumberTail: {numberTail}, fNames: names,
			fPhone: phones, fPhoneTail: tails, fIDNumber: ids, fTown: {d.Town}, fViewers: viewers,
			fExtRef: extRefs, fExtID: extIDs}),
		fCreated: createdKey(d.CreatedAt),
	}
}

// createdKey spells a time so that string order is time order: a keyword
// costs one term where a bleve date costs sixteen.
func createdKey(t time.Time) string { return t.UTC().Format("20060102150405") }

func exactValues(fields map[string][]string) []string {
	var out []string
	for name, values := range fields {
		for _, v := range values {
			if v != "" {
				out = append(out, name+"="+v)
			}
		}
	}
	return out
}

func facetValues(d *cases.SearchDoc) []string {
	return []string{
		fCategory + "=" + d.Category,
		fDesk + "=" + d.Desk,
		fStatus + "=" + string(d.Status),
		fTown + "=" + d.Town,
		fMonth + "=" + d.CreatedAt.In(cases.ChinaZone).Format("2006-01"),
	}
}

// Feed is what the index follows: the case service.
type Feed interface {
	ChangesAfter(ctx context.Context, seq int64, gaps []cases.SeqRange, limit int) ([]cases.SearchDoc, []int64, error)
	AllCases(ctx context.Context, afterID int64, limit int) ([]cases.SearchDoc, error)
	LastEventSeq(ctx context.Context) (int64, error)
}

// CatchUp indexes every change after the index's position and in the gaps
// below it (gaps.go), and answers how many cases it (re)indexed.
func (ix *Index) CatchUp(ctx context.Context, feed Feed) (int, error) {
	ix.follow.Lock()
	defer ix.follow.Unlock()
	if !ix.state.loaded {
		ix.state = followState{loaded: true, high: ix.LastSeq()}
	}
	total := 0
	for {
		st := ix.state
		st.gaps = slices.Clone(st.gaps)
		docs, seqs, err := feed.ChangesAfter(ctx, st.high, st.ranges(), batchSize)
		if err != nil {
			return total, err
		}
		before := st.mark()
		st.advance(seqs, time.Now())
		if len(docs) > 0 || st.mark() != before {
			if err := ix.put(docs, st.mark()); err != nil {
				return total, err
			}
		}
		ix.state = st
		total += len(docs)
		if len(seqs) < batchSize {
			ix.caughtUp.Store(time.Now().UnixNano())
			return total, nil
		}
	}
}

// CaughtUpAt is when a catch-up last reached the end of the event log
// (zero before the first).
func (ix *Index) CaughtUpAt() time.Time {
	if n := ix.caughtUp.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// PollEvery sets how often the follower reads the event log without being
// woken (5 s by default, for commits by other processes). Several nodes on
// one database wake only their own follower: theirs must poll often.
// Call it before Follow.
func (ix *Index) PollEvery(d time.Duration) { ix.poll = d }

// Follower keeps an index in step with the event log in the background.
// Wake is called after each commit and never blocks the committer.
type Follower struct {
	ix   *Index
	feed Feed
	wake chan struct{}
	done chan struct{}
}

// Follow starts catching up and then follows until ctx ends; Stop waits for
// the last batch.
func (ix *Index) Follow(ctx context.Context, feed Feed) *Follower {
	f := &Follower{ix: ix, feed: feed, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go f.run(ctx)
	return f
}

// Wake tells the follower that something was committed.
func (f *Follower) Wake() {
	select {
	case f.wake <- struct{}{}:
	default: // a wake-up is already pending: it will see this commit too
	}
}

// Done is closed when the follower has stopped.
func (f *Follower) Done() <-chan struct{} { return f.done }

// Backoff after a failed or panicking pass: doubling from the first to the
// last, so a full disk is not hammered and a passing fault heals quickly.
var (
	followBackoffMin = time.Second
	followBackoffMax = time.Minute
)

func (f *Follower) run(ctx context.Context) {
	defer close(f.done)
	// A periodic pass covers commits made by other processes (yidi import).
	poll := f.ix.poll
	if poll <= 0 {
		poll = 5 * time.Second
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	backoff := time.Duration(0)
	for {
		if err := f.pass(ctx); err != nil && ctx.Err() == nil {
			backoff = min(max(2*backoff, followBackoffMin), followBackoffMax)
			f.ix.failing.Store(true)
			slog.Error("search: indexing failed; retrying", "err", err, "retry_in", backoff)
			if err := f.ix.reopen(); err != nil {
				slog.Error("search: the index stays unavailable until the next try", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		f.ix.failing.Store(false)
		select {
		case <-ctx.Done():
			return
		case <-f.wake:
		case <-tick.C:
		}
	}
}

// pass is one catch-up. A panic in it (bleve's segment writer panicked on
// a full disk) is an error like any other: the server must stay up, and
// search answers from what the index holds meanwhile.
func (f *Follower) pass(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			slog.Error("search: panic while indexing recovered", "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("search: panic while indexing: %v", r)
		}
	}()
	if followHook != nil {
		followHook()
	}
	n, err := f.ix.CatchUp(ctx, f.feed)
	if err == nil && n > 1000 {
		slog.Info("search: caught up", "cases", n, "last_seq", f.ix.LastSeq())
	}
	return err
}

// followHook, when set (tests), runs at the start of each pass.
var followHook func()

// Failing reports whether the follower's last pass failed: the index is
// behind and not catching up by itself.
func (ix *Index) Failing() bool { return ix.failing.Load() }

// Lag is how many events the index has not yet seen.
func (ix *Index) Lag(ctx context.Context, feed interface {
	LastEventSeq(ctx context.Context) (int64, error)
}) (int64, error) {
	last, err := feed.LastEventSeq(ctx)
	if err != nil {
		return 0, err
	}
	return max(0, last-ix.LastSeq()), nil
}

// fill pages through every case while rebuildWorkers batches are indexed
// at once: bleve builds a batch's segment in the calling goroutine, so
// concurrent batches use every core.
func fill(ctx context.Context, ix *Index, feed Feed, progress func(done int)) error {
	batches := make(chan []cases.SearchDoc, rebuildWorkers)
	errs := make(chan error, rebuildWorkers+1)
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for w := 0; w < rebuildWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for docs := range batches {
				if err := ix.put(docs, 0); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				done += len(docs)
				if progress != nil {
					progress(done)
				}
				mu.Unlock()
			}
		}()
	}
	var after int64
	var loadErr error
	for loadErr == nil {
		docs, err := feed.AllCases(ctx, after, rebuildBatchSize)
		if err != nil {
			loadErr = err
			break
		}
		if len(docs) == 0 {
			break
		}
		select {
		case batches <- docs:
		case err := <-errs:
			loadErr = err
		}
		after = docs[len(docs)-1].ID
	}
	close(batches)
	wg.Wait()
	close(errs)
	if loadErr != nil {
		return loadErr
	}
	return <-errs // nil when no worker failed
}

var rebuildWorkers = max(2, runtime.NumCPU())

// rebuildBatchSize: each batch becomes a segment with dictionaries of its
// own, merged later. Measured on 100k cases, 2 cores: 1,000 a batch
// 5,970–5,990 cases/s, 2,500 5,950–6,760, 5,000 5,270–5,450 (the heap
// reaches the rebuild's budget and collection starts).
const rebuildBatchSize = 2500

// rebuildHeapBudget bounds the heap while garbage collection waits.
const rebuildHeapBudget = 1 << 30

// Rebuild fills a fresh index in dir from every case, reporting progress,
// and then replaces the old one. Events committed meanwhile are replayed by
// the next catch-up, since the new index starts from the sequence number
// read before the first case.
func Rebuild(ctx context.Context, feed Feed, dir string, progress func(done int)) error {
	// A rebuild makes garbage fast and briefly: collect only when the heap
	// nears a fixed budget instead of at every doubling of the live heap.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(rebuildHeapBudget))
	fresh := dir + ".rebuild"
	if err := os.RemoveAll(fresh); err != nil {
		return err
	}
	ix, err := create(fresh)
	if err != nil {
		return err
	}
	seq, err := feed.LastEventSeq(ctx)
	if err != nil {
		ix.Close()
		return err
	}
	if err := fill(ctx, ix, feed, progress); err != nil {
		ix.Close()
		return err
	}
	if err := ix.put(nil, seq); err != nil {
		ix.Close()
		return err
	}
	if err := ix.Close(); err != nil {
		return err
	}
	old := dir + ".old"
	os.RemoveAll(old)
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("search: unable to replace the index (is yidi serve running?): %w", err)
	}
	if err := os.Rename(fresh, dir); err != nil {
		return err
	}
	return os.RemoveAll(old)
}
