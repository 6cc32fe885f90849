package views

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
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
// — only when the connection comes from a trusted proxy — the address
// forwardedClient leaves in X-Forwarded-For. Without trusted proxies the
// header is never read, so a client cannot pick the address its limits
// count.
func proxyConfig(cfg *fiber.Config, trusted []string) {
	cfg.EnableTrustedProxyCheck = true
	cfg.TrustedProxies = trusted
	if len(trusted) > 0 {
		cfg.ProxyHeader = fiber.HeaderXForwardedFor
		cfg.EnableIPValidation = true
	}
}

// forwardedClient rewrites X-Forwarded-For, on a connection from a trusted
// proxy, to the one address that names the client: the right-most that is
// not itself a trusted proxy. A proxy that appends ($proxy_add_x_forwarded_for,
// or a load balancer in front of nginx) leaves what the client sent on the
// left, where fiber's c.IP() would read it; only the hops the centre runs
// are walked past. nil without trusted proxies (the header is never read).
func forwardedClient(trusted []string) fiber.Handler {
	if len(trusted) == 0 {
		return nil
	}
	var nets []netip.Prefix
	for _, t := range trusted {
		if p, err := netip.ParsePrefix(t); err == nil {
			nets = append(nets, p.Masked())
		} else if a, err := netip.ParseAddr(t); err == nil {
			nets = append(nets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	isProxy := func(a netip.Addr) bool {
		return slices.ContainsFunc(nets, func(p netip.Prefix) bool { return p.Contains(a.Unmap()) })
	}
	return func(c *fiber.Ctx) error {
		hops := c.Request().Header.PeekAll(fiber.HeaderXForwardedFor)
		if len(hops) == 0 || !c.IsProxyTrusted() {
			return c.Next()
		}
		var chain []netip.Addr
		for _, h := range hops {
			for _, part := range strings.Split(string(h), ",") {
				if a, err := netip.ParseAddr(strings.TrimSpace(part)); err == nil {
					chain = append(chain, a.Unmap())
				}
			}
		}
		client := ""
		for i := len(chain) - 1; i >= 0; i-- {
			client = chain[i].String()
			if !isProxy(chain[i]) {
				break
			}
		}
		c.Request().Header.Del(fiber.HeaderXForwardedFor)
		if client != "" {
			c.Request().Header.Set(fiber.HeaderXForwardedFor, client)
		}
		return c.Next()
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
