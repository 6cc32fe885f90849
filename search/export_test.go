package search

import "time"

// DocCount is the number of cases in the index: the tests' view of a
// rebuild (the server asks LastSeq instead).
func (ix *Index) DocCount() uint64 {
	ix.swap.RLock()
	defer ix.swap.RUnlock()
	if ix.idx == nil {
		return 0
	}
	n, _ := ix.idx.DocCount()
	return n
}

// SetFollowHook runs hook at the start of every follower pass (nil: none)
// and shortens the backoff, so a test can make the follower panic.
func SetFollowHook(hook func()) (restore func()) {
	oldHook, oldMin := followHook, followBackoffMin
	followHook, followBackoffMin = hook, 10*time.Millisecond
	return func() { followHook, followBackoffMin = oldHook, oldMin }
}

// LoadBuiltinVocab parses the built-in vocabulary and answers how many words
// each part holds.
func LoadBuiltinVocab() (domain, general int) {
	// Parsed afresh: builtinVocab's once may have run in an earlier test.
	d, g := parseVocab(vocabText), parseVocab(thesaurusText)
	return len(d), len(g)
}

// SetGapGrace sets how long the follower waits for a gap in the event
// sequence to fill.
func SetGapGrace(d time.Duration) (restore func()) {
	old := gapGrace
	gapGrace = d
	return func() { gapGrace = old }
}
