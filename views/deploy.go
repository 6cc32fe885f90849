package views

import (
	"fmt"
	"net"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"

	"yidi/cases"
)

// Deployment behind a reverse proxy and beside other sites
// (docs/operations.md, "Behind a reverse proxy").

// ParseCIDRs checks a comma-separated list of addresses and CIDR ranges
// (--trusted-proxies) and answers it as a list; an empty string is none.
func ParseCIDRs(list string) ([]string, error) {
	return parseList(list, func(s string) error {
		if net.ParseIP(s) == nil {
			if _, _, err := net.ParseCIDR(s); err != nil {
				return fmt.Errorf("%q is neither an address nor a CIDR range", s)
			}
		}
		return nil
	})
}

// ParseOrigins checks a comma-separated list of origins (--cors-origins):
// each a scheme and host, with an optional port and nothing after.
func ParseOrigins(list string) ([]string, error) {
	return parseList(list, func(s string) error {
		scheme, host, ok := strings.Cut(s, "://")
		if !ok || (scheme != "http" && scheme != "https") || host == "" || strings.ContainsAny(host, "/?#*") {
			return fmt.Errorf("%q is not an origin like https://example.gov.cn", s)
		}
		return nil
	})
}

// parseList splits a flag's comma-separated list, trimmed, empty items
// dropped, each item checked.
func parseList(list string, check func(string) error) ([]string, error) {
	var out []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if err := check(s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// proxyConfig sets what c.IP() answers: the connection's address, or
// — only when the connection comes from a trusted proxy — the first
// valid address of X-Forwarded-For. Without trusted proxies the header is
// never read, so a client cannot pick the address its limits count.
func proxyConfig(cfg *fiber.Config, trusted []string) {
	cfg.EnableTrustedProxyCheck = true
	cfg.TrustedProxies = trusted
	if len(trusted) > 0 {
		cfg.ProxyHeader = fiber.HeaderXForwardedFor
		cfg.EnableIPValidation = true
	}
}

// corsMiddleware admits cross-origin calls to the API from the listed
// origins only; nil when none are listed (browsers then refuse them all).
func corsMiddleware(origins []string) fiber.Handler {
	if len(origins) == 0 {
		return nil
	}
	return cors.New(cors.Config{
		AllowOrigins:  strings.Join(origins, ","),
		AllowMethods:  "GET,POST,PUT,DELETE",
		AllowHeaders:  "Authorization,Content-Type,Idempotency-Key,X-Request-ID",
		ExposeHeaders: "Retry-After,X-Request-ID,Idempotent-Replayed,Allow",
		MaxAge:        600,
	})
}

// accessLogFormat is one line per request: no query string (it carries
// citizens' query codes) and no bodies, but the request id that an
// internal error's log line also names.
const accessLogFormat = "${time} ${ip} ${method} ${path} ${status} ${latency} ${locals:requestid}\n"

// defaultRetryAfter is the wait a 429 names when its limiter named none.
const defaultRetryAfter = "60"

// retryAfterOnEvery429 makes sure every 429 says when to come back, but
// one that waiting does not lift (cases.Error.Lasting): it answers the
// chain's error itself (as the access log does) so that it sees the
// status the client gets.
func retryAfterOnEvery429(c *fiber.Ctx) error {
	err := c.Next()
	if err != nil {
		if err := c.App().ErrorHandler(c, err); err != nil {
			return err
		}
	}
	if e := cases.ErrorOf(err); e != nil && e.Lasting {
		return nil
	}
	if c.Response().StatusCode() == fiber.StatusTooManyRequests && len(c.Response().Header.Peek(fiber.HeaderRetryAfter)) == 0 {
		c.Set(fiber.HeaderRetryAfter, defaultRetryAfter)
	}
	return nil
}
