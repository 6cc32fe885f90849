package views

// A full disk and an anonymous flood must not take the centre down: the
// health endpoint, the 507 answer for a full disk, and the per-address
// limits on what the public sends (the per-case ones are cases' rules).

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// Per-address defaults for what the public sends (see Options). An
// address may be a village's shared connection, so it gets more than
// one case: 30 messages and 100 MiB of files an hour.
const (
	defaultAddressMessages = 30
	defaultAddressBytes    = 100 << 20
	addressWindow          = time.Hour
)

// health answers GET /healthz. It stays 200 while the process serves:
// a degraded centre still answers reads, and a proxy that took a 503 as
// "down" would cut those off too; status says "degraded" (free space below
// the threshold, the index failing, the database not answering).
func (s *server) health(c *fiber.Ctx) error {
	h := s.svc.Health()
	status := "ok"
	var lag int64
	var indexFailing bool
	if s.index != nil {
		if l, err := s.index.Lag(c.UserContext(), s.svc); err == nil {
			lag = l
		}
		indexFailing = s.index.Failing()
		if indexFailing {
			h.Problems = append(h.Problems, "搜索索引更新失败，正在重试")
		}
	}
	if h.Degraded || indexFailing {
		status = "degraded"
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{
		"status":            status,
		"index_lag":         lag,
		"index_failing":     indexFailing,
		"free_bytes":        h.FreeBytes,
		"min_free_bytes":    h.MinFreeBytes,
		"last_backup":       h.LastBackup,
		"last_event_seq":    h.LastEventSeq,
		"last_verification": h.LastVerification,
		"problems":          h.Problems,
	})
}

// storageFull reports whether err is a full disk that reached the web
// layer without passing the service's write path (a safety net).
func storageFull(err error) bool {
	return cases.ErrorOf(err) == nil && cases.IsStorageFull(err)
}

// setRetryAfter copies a domain error's wait into the Retry-After header.
func setRetryAfter(c *fiber.Ctx, err error) {
	if e := cases.ErrorOf(err); e != nil && e.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
	}
}

// volumeLimiter counts what each address had accepted in a fixed window:
// messages and bytes of files. In memory, like failureLimiter: a restart
// forgets it, and the per-case quotas, counted from the database, remain.
type volumeLimiter struct {
	messages int
	bytes    int64
	window   time.Duration
	now      func() time.Time

	mu    sync.Mutex
	seen  map[string]*volumeWindow
	swept time.Time
}

type volumeWindow struct {
	start    time.Time
	messages int
	bytes    int64
}

func newVolumeLimiter(messages int, bytes int64, window time.Duration) *volumeLimiter {
	return &volumeLimiter{messages: messages, bytes: bytes, window: window, now: time.Now, seen: map[string]*volumeWindow{}}
}

func (l *volumeLimiter) current(key string) *volumeWindow {
	now := l.now()
	if now.Sub(l.swept) > l.window {
		for k, w := range l.seen {
			if now.Sub(w.start) > l.window {
				delete(l.seen, k)
			}
		}
		l.swept = now
	}
	w := l.seen[key]
	if w == nil || now.Sub(w.start) > l.window {
		return nil
	}
	return w
}

// check refuses one more message of size bytes from key past either limit.
func (l *volumeLimiter) check(key string, size int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.current(key)
	if w == nil {
		if l.bytes > 0 && size > l.bytes {
			return addressQuotaError(l.window)
		}
		return nil
	}
	if (l.messages > 0 && w.messages >= l.messages) || (l.bytes > 0 && w.bytes+size > l.bytes) {
		return addressQuotaError(l.window - l.now().Sub(w.start))
	}
	return nil
}

// accepted counts one accepted message of size bytes against key.
func (l *volumeLimiter) accepted(key string, size int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.current(key)
	if w == nil {
		w = &volumeWindow{start: l.now()}
		l.seen[key] = w
	}
	w.messages++
	w.bytes += size
}

func addressQuotaError(wait time.Duration) error {
	wait = max(wait, time.Second)
	return &cases.Error{Kind: cases.KindTooMany, Code: "too_many_messages", RetryAfter: wait,
		Message: "提交过于频繁，请" + strconv.Itoa(max(1, int(math.Ceil(wait.Minutes())))) + "分钟后再试；如有急事请致电或到受理窗口"}
}

func filesSize(files []cases.AttachmentInput) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f.Data))
	}
	return n
}

// csrfFailed answers a staff form whose CSRF token does not match. The
// token lives in the session table: on a full disk it was never saved, and
// "refresh and retry" would not help, so the page says why instead.
func (s *server) csrfFailed(c *fiber.Ctx, _ error) error {
	if s.svc.StorageFullRecently() {
		return s.errorPage(c, fiber.StatusInsufficientStorage, "存储空间不足，请联系管理员。暂时无法登录或提交表单；已登录的用户仍可查看案件。")
	}
	return s.errorPage(c, fiber.StatusForbidden, "页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")
}

// csvSafeRow neutralises cells a spreadsheet would run as a formula
// (CSV injection: a party named "=HYPERLINK(...)" or "@SUM(...)"): a text
// cell that begins with =, +, -, @, a tab or a carriage return gets a
// leading apostrophe, which Excel and WPS show as plain text. A numeric
// column's numbers (-3, +5) are left alone.
func csvSafeRow(cols []Column, row []string) []string {
	var out []string
	for i, v := range row {
		if v == "" || !strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			continue
		}
		if i < len(cols) && cols[i].Numeric {
			if _, err := strconv.ParseFloat(v, 64); err == nil {
				continue
			}
		}
		if out == nil {
			out = append([]string(nil), row...)
		}
		out[i] = "'" + v
	}
	if out == nil {
		return row
	}
	return out
}
