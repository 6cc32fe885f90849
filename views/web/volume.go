package web

import (
	"math"
	"strconv"
	"sync"
	"time"

	"yidi/cases"
)

// VolumeLimiter counts what each address had accepted in a fixed window:
// messages and bytes of files. In memory, like FailureLimiter: a restart
// forgets it, and the per-case quotas, counted from the database, remain.
type VolumeLimiter struct {
	messages int
	bytes    int64

	mu      sync.Mutex
	windows fixedWindows[volume]
}

type volume struct {
	messages int
	bytes    int64
}

// NewVolumeLimiter: messages and bytes per key per window (0: no limit).
func NewVolumeLimiter(messages int, bytes int64, window time.Duration) *VolumeLimiter {
	return &VolumeLimiter{messages: messages, bytes: bytes, windows: newFixedWindows[volume](window)}
}

// Check refuses one more message of size bytes from key past either limit.
func (l *VolumeLimiter) Check(key string, size int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows.current(key)
	if w == nil {
		if l.bytes > 0 && size > l.bytes {
			return addressQuotaError(l.windows.window)
		}
		return nil
	}
	if (l.messages > 0 && w.count.messages >= l.messages) || (l.bytes > 0 && w.count.bytes+size > l.bytes) {
		return addressQuotaError(l.windows.left(w))
	}
	return nil
}

// Accepted counts one accepted message of size bytes against key.
func (l *VolumeLimiter) Accepted(key string, size int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows.open(key)
	w.count.messages++
	w.count.bytes += size
}

func addressQuotaError(wait time.Duration) error {
	wait = max(wait, time.Second)
	return &cases.Error{Kind: cases.KindTooMany, Code: "too_many_messages", RetryAfter: wait,
		Message: "提交过于频繁，请" + strconv.Itoa(max(1, int(math.Ceil(wait.Minutes())))) + "分钟后再试；如有急事请致电或到受理窗口"}
}

// FilesSize is the bytes of a message's files.
func FilesSize(files []cases.AttachmentInput) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f.Data))
	}
	return n
}
