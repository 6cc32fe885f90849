package search

// DocCount is the number of cases in the index: the tests' view of a
// rebuild (the server asks LastSeq instead).
func (ix *Index) DocCount() uint64 {
	n, _ := ix.idx.DocCount()
	return n
}
