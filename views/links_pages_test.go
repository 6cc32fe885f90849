package views_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// The 关联/并案 section of the staff case page: link and unlink by
// post/redirect/get, a refused link with its message by the field and the
// typed number kept, and a merge in two steps (nothing happens before the
// confirmation), after which the merged number redirects.
func TestCasePageLinksAndMergesWithAConfirmationStep(t *testing.T) {
	ts := newTestServer(t)
	a, _ := ts.mediationCase()
	br := ts.signedIn(t, "intake")
	// The same applicant at the counter again: the receipt warns and offers
	// to link or merge the new case with the open one.
	_, page := br.post("/intake", validIntakeForm())
	m := regexp.MustCompile(`id="case-number"[^>]*>([^<]+)<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no receipt: %.300s", page)
	}
	b := m[1]
	offer := "/cases/" + b + "?link=" + a + "#links"
	if !strings.Contains(page, `href="`+offer+`"`) {
		t.Fatalf("the receipt of the repeat visit does not offer %s", offer)
	}
	_, page, _ = br.do("GET", offer, nil)
	if !strings.Contains(page, `id="link-number" name="number" value="`+a+`"`) {
		t.Fatalf("the link form is not prefilled with %s from the receipt's link", a)
	}

	status, page := br.post("/cases/"+b+"/links", url.Values{"number": {"YD-2026-09999"}, "relation": {"same_dispute"}})
	if status != fiber.StatusBadRequest || !strings.Contains(page, `没有编号为“YD-2026-09999”的案件`) ||
		!strings.Contains(page, `value="YD-2026-09999" list="link-same" autocomplete="off" placeholder="如 YD-2026-00042" aria-invalid="true"`) {
		t.Fatalf("a link to an unknown case: %d\n%s", status, errorsOf(page))
	}
	status, _, h := br.do("POST", "/cases/"+b+"/links", url.Values{"number": {a}, "relation": {"same_dispute"}, "_csrf": {br.csrf}})
	if status != fiber.StatusSeeOther {
		t.Fatalf("link: %d", status)
	}
	_, page, _ = br.do("GET", h.Get("Location"), nil)
	if !strings.Contains(page, "已关联。") || !strings.Contains(page, `<a href="/cases/`+a+`">`+a+`</a> <span class="tag">同一纠纷</span>`) {
		t.Errorf("after linking, the page lacks the flash or the link\n%s", page)
	}
	status, _, h = br.do("POST", "/cases/"+b+"/links/"+a+"/delete", url.Values{"_csrf": {br.csrf}})
	if _, page, _ = br.do("GET", h.Get("Location"), nil); status != fiber.StatusSeeOther || !strings.Contains(page, "已取消关联。") {
		t.Errorf("unlink: %d", status)
	}

	// Merge, step one: the case it would merge into, to confirm; nothing stored.
	before := len(ts.timelineKinds(b))
	status, page = br.post("/cases/"+b+"/merge", url.Values{"into": {a}, "reason": {"重复登记"}, "version": {br.caseVersion(b)}})
	if status != 200 || !strings.Contains(page, "请确认：将本案 "+b+" 并入 "+a) || !strings.Contains(page, "确认并案") {
		t.Fatalf("merge step one: %d\n%s", status, errorsOf(page))
	}
	if n := len(ts.timelineKinds(b)); n != before {
		t.Fatalf("the first step stored %d events", n-before)
	}
	// A merge into itself is refused by the field.
	status, page = br.post("/cases/"+b+"/merge", url.Values{"into": {b}, "version": {br.caseVersion(b)}})
	if status != fiber.StatusBadRequest || !strings.Contains(page, "不能与本案自身关联或并案") || !strings.Contains(page, `id="merge-error"`) {
		t.Errorf("merge into itself: %d\n%s", status, errorsOf(page))
	}
	// Step two: confirmed, it lands on the survivor with both events.
	status, _, h = br.do("POST", "/cases/"+b+"/merge", url.Values{"into": {a}, "reason": {"重复登记"}, "confirm": {"yes"},
		"version": {br.caseVersion(b)}, "_csrf": {br.csrf}})
	if status != fiber.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/cases/"+a+"?") {
		t.Fatalf("merge confirmed: %d → %q", status, h.Get("Location"))
	}
	_, page, _ = br.do("GET", h.Get("Location"), nil)
	for _, want := range []string{"已并案：" + b + " 已并入本案", "已并入本案：<strong>" + b + "</strong>", "并案（他案并入）", "并案（并入他案）", "原案件 " + b} {
		if !strings.Contains(page, want) {
			t.Errorf("the survivor's page lacks %q", want)
		}
	}
	status, _, h = br.do("GET", "/cases/"+b, nil)
	if status != fiber.StatusFound || h.Get("Location") != "/cases/"+a {
		t.Errorf("GET /cases/%s: %d → %q, want a redirect to %s", b, status, h.Get("Location"), a)
	}
}
