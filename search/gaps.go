package search

import (
	"log/slog"
	"time"

	"yidi/cases"
)

// Sequence numbers are handed out before commit. On SQLite one writer
// commits them in order; on PostgreSQL, with several nodes, a transaction
// may commit seq N after another committed N+1, and a follower that had
// read up to N+1 would never look at N again. So the follower remembers
// the seqs it skipped below its high-water mark (gaps), asks for them again
// with every read, and forgets a gap only when it fills or gapGrace has
// passed (a rolled-back transaction leaves a gap that never fills). The
// mark recorded in the index is the one below the oldest open gap: after a
// restart the follower reads again from there (indexing a case twice is
// harmless), so a gap is never forgotten by a crash.

// gapGrace is how long a gap is waited for: far longer than any write
// transaction, whose writes all take one lock on PostgreSQL.
var gapGrace = time.Minute

// maxGaps bounds the ranges remembered (each is two bound values in every
// read); past it the oldest is given up, with a warning.
const maxGaps = 200

type gap struct {
	cases.SeqRange
	seen time.Time // when the follower first found it
}

// followState is the follower's position: the highest seq read and the
// gaps below it. Guarded by Index.follow.
type followState struct {
	loaded bool
	high   int64
	gaps   []gap
}

func (st *followState) ranges() []cases.SeqRange {
	out := make([]cases.SeqRange, len(st.gaps))
	for i, g := range st.gaps {
		out[i] = g.SeqRange
	}
	return out
}

// advance takes in the seqs of one read (in order): those above high open
// the gaps they skip and move high on; those inside a gap fill it.
func (st *followState) advance(seqs []int64, now time.Time) {
	var filled []int64
	for _, s := range seqs {
		switch {
		case s > st.high+1:
			st.gaps = append(st.gaps, gap{cases.SeqRange{Lo: st.high + 1, Hi: s - 1}, now})
			st.high = s
		case s == st.high+1:
			st.high = s
		case s <= st.high:
			filled = append(filled, s)
		}
	}
	if len(filled) > 0 {
		st.gaps = fillGaps(st.gaps, filled)
	}
	kept := st.gaps[:0]
	for _, g := range st.gaps {
		if now.Sub(g.seen) > gapGrace {
			slog.Debug("search: a gap in the event sequence never filled (a rolled-back write)", "from", g.Lo, "to", g.Hi)
			continue
		}
		kept = append(kept, g)
	}
	st.gaps = kept
	if over := len(st.gaps) - maxGaps; over > 0 {
		slog.Warn("search: too many gaps in the event sequence; giving up the oldest", "dropped", over)
		st.gaps = st.gaps[over:]
	}
}

// fillGaps removes the filled seqs (in order) from the gaps, splitting a
// range that filled in its middle.
func fillGaps(gaps []gap, filled []int64) []gap {
	var out []gap
	for _, g := range gaps {
		lo := g.Lo
		for _, s := range filled {
			if s < lo || s > g.Hi {
				continue
			}
			if s > lo {
				out = append(out, gap{cases.SeqRange{Lo: lo, Hi: s - 1}, g.seen})
			}
			lo = s + 1
		}
		if lo <= g.Hi {
			out = append(out, gap{cases.SeqRange{Lo: lo, Hi: g.Hi}, g.seen})
		}
	}
	return out
}

// mark is the seq to record: every event up to it is indexed.
func (st *followState) mark() int64 {
	m := st.high
	for _, g := range st.gaps {
		m = min(m, g.Lo-1)
	}
	return m
}
