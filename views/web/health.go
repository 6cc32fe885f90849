package web

import (
	"math"
	"time"

	"github.com/gofiber/fiber/v2"
)

// A full disk and an anonymous flood must not take the centre down: the
// health endpoint here, the 507 answer for a full disk (errors.go), and
// the per-address limits on what the public sends (volume.go; the per-case
// ones are cases' rules).

// Health answers GET /healthz. It stays 200 while the process serves:
// a degraded centre still answers reads, and a proxy that took a 503 as
// "down" would cut those off too; status says "degraded" (free space below
// the threshold, the index failing, the database not answering).
func (d Deps) Health(c *fiber.Ctx) error {
	h := d.Svc.Health()
	status := "ok"
	var lag int64
	var indexFailing bool
	var caughtUp *float64
	if d.Index != nil {
		if at := d.Index.CaughtUpAt(); !at.IsZero() {
			ago := math.Round(time.Since(at).Seconds()*10) / 10
			caughtUp = &ago
		}
		if l, err := d.Index.Lag(c.UserContext(), d.Svc); err == nil {
			lag = l
		}
		indexFailing = d.Index.Failing()
		if indexFailing {
			h.Problems = append(h.Problems, "搜索索引更新失败，正在重试")
		}
	}
	if h.Degraded || indexFailing {
		status = "degraded"
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{
		"status":        status,
		"index_lag":     lag,
		"index_failing": indexFailing,
		// With several nodes each follows the shared log on its own: how
		// long ago this one last reached its end.
		"index_caught_up_seconds": caughtUp,
		"free_bytes":              h.FreeBytes,
		"min_free_bytes":          h.MinFreeBytes,
		"last_backup":             h.LastBackup,
		"last_verification":       h.LastVerification,
		"last_event_seq":          h.LastEventSeq,
		"problems":                h.Problems,
	})
}
