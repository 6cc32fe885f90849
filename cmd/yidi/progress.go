// Progress of long commands (import, reindex): a live bar on a terminal,
// a few plain lines in a log or a pipe.
package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress counts items done out of a total and tells the rate. Safe for
// concurrent use.
type progress struct {
	out   io.Writer
	label string
	total int
	start time.Time
	bar   *progressbar.ProgressBar // nil when out is not a terminal

	mu        sync.Mutex
	done      int
	lastLine  time.Time
	lastTenth int
	finished  time.Duration
}

// plainEvery bounds how often a plain line is printed for a task without
// a known total; with a total, one line per tenth.
const plainEvery = 5 * time.Second

// newProgress starts counting. A total of 0 or less means unknown.
func newProgress(out io.Writer, total int, label string) *progress {
	p := &progress{out: out, label: label, total: total, start: time.Now()}
	p.lastLine = p.start
	if isTerminal(out) {
		max := int64(total)
		if total <= 0 {
			max = -1 // a spinner
		}
		p.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(out),
			progressbar.OptionSetDescription(label),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("件"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(out) }),
		)
	}
	return p
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Add counts n more items done.
func (p *progress) Add(n int) {
	if p.bar != nil {
		_ = p.bar.Add(n)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if p.bar != nil || p.finished != 0 {
		return
	}
	now := time.Now()
	if p.total > 0 {
		tenth := p.done * 10 / p.total
		if tenth > p.lastTenth && p.done < p.total {
			p.lastTenth = tenth
			p.line(now)
		}
	} else if now.Sub(p.lastLine) >= plainEvery {
		p.line(now)
	}
}

// line prints the plain progress line; p.mu is held.
func (p *progress) line(now time.Time) {
	p.lastLine = now
	rate := rate(p.done, now.Sub(p.start))
	if p.total > 0 {
		fmt.Fprintf(p.out, "%s：%d/%d（%d%%），%.0f 件/秒\n", p.label, p.done, p.total, p.done*100/p.total, rate)
	} else {
		fmt.Fprintf(p.out, "%s：%d，%.0f 件/秒\n", p.label, p.done, rate)
	}
}

// Finish ends the bar (or prints the last line) with the overall rate.
// Further calls do nothing.
func (p *progress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished != 0 {
		return
	}
	p.finished = max(time.Since(p.start), time.Nanosecond)
	if p.bar != nil {
		_ = p.bar.Finish()
		return
	}
	p.line(p.start.Add(p.finished))
}

// Done is the count so far.
func (p *progress) Done() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done
}

// Elapsed is the time from start to Finish (or to now, before Finish).
func (p *progress) Elapsed() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished != 0 {
		return p.finished
	}
	return time.Since(p.start)
}

// Rate is items per second over Elapsed.
func (p *progress) Rate() float64 {
	return rate(p.Done(), p.Elapsed())
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
