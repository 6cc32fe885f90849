// Package web is what the three audiences of the web layer share: the
// error shape of the API and the mapping from a cases error to an HTTP
// status, the signed-in actor, sessions, the failure limiters, strict JSON
// decoding, static files and the template functions every page uses, and
// the few answers both the API and the pages give (attachment downloads,
// the printable 协议书,
// case and statistics exports, related cases). The audiences themselves
// live in views/api, views/staff and views/portal.
package web

import (
	"context"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/cases/reports"
	"yidi/search"
)

// Deps are what every audience's handlers are built from. The limiters
// are shared: a wrong password counts the same at the API's token and at
// the sign-in page, a wrong query code the same in JSON and on the page.
type Deps struct {
	Svc *cases.Service
	// Med is the mediation work over Svc: sessions, agreements, 司法确认,
	// performance and 回访.
	Med *mediation.Service
	// Rep answers the read models over Svc: statistics, case lists, the
	// leader's dashboard.
	Rep *reports.Service
	// Index serves search and related cases; nil answers search_unavailable.
	Index *search.Index
	// Logins counts failed sign-ins per username and address.
	Logins *FailureLimiter
	// Citizens are the limits on the citizen's failed calls; Volume on the
	// messages and bytes each address had accepted.
	Citizens *CitizenLimits
	Volume   *VolumeLimiter
	// PublicURL is where citizens reach this server (the QR code on the
	// receipt), without a trailing slash; empty: taken from the request.
	PublicURL string
	// SecureCookies marks the session cookies Secure (serve behind TLS).
	SecureCookies bool
}

// Contact answers how citizens reach the centre — its name, address,
// phone and hours, as the admin set them — for the citizen's pages; the
// one place those pages read them. A centre not yet set up is named by
// its kind.
func (d Deps) Contact(ctx context.Context) (cases.CentreSettings, error) {
	c, err := d.Svc.Centre(ctx)
	if c.Name == "" {
		c.Name = "矛盾纠纷调处化解中心"
	}
	return c, err
}
