package views_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"yidi/cases/reports"
)

// The read side of the relation matrix: the same scenes (relationCase) seen
// by the same columns (relationUsers). docs/api.md's read rule: intake and
// leaders see every case; a handler sees cases their desk holds,
// co-handles, held before (a desk that wrote in it), or that they
// registered; admins see none. Each case must show in the case itself, the
// case list and search to exactly these, and nowhere else.
const relationReads = `
scene         holder  co   past  creator  other  intake  leader  admin
submitted     -       -    -     -        -      y       y       -
declined      -       -    -     -        -      y       y       -
registered    -       -    -     y        -      y       y       -
routed        y       y    y     y        -      y       y       -
in_progress   y       y    y     y        -      y       y       -
returned      y       -    y     y        -      y       y       -
closed        y       y    y     y        -      y       y       -
`

// relationQueues is where each scene waits on each column's workbench
// (工作台, reports.QueuesFor's keys): a holding desk's 待签收/办理中, a
// co-desk's 联合调处, the returning desk's 已退回, the window's inbox.
var relationQueues = map[string]map[string][]string{
	"submitted":   {"intake": {"submitted"}, "leader": {"submitted"}},
	"declined":    {},
	"registered":  {"intake": {"registered"}, "leader": {"registered"}},
	"routed":      {"holder": {"routed"}, "co": {"co"}, "intake": {"routed"}, "leader": {"routed"}},
	"in_progress": {"holder": {"in_progress"}, "co": {"co"}},
	"returned":    {"holder": {"returned"}, "intake": {"registered", "returned"}, "leader": {"registered", "returned"}},
	"closed":      {},
}

func TestEachCaseShowsExactlyToThoseWhoMaySeeIt(t *testing.T) {
	ts := newRelationServer(t)
	lines := strings.Split(strings.TrimSpace(relationReads), "\n")
	header := strings.Fields(lines[0])
	numbers := map[string]string{} // scene → case number
	tags := map[string]string{}    // scene → the word only its case has
	for _, line := range lines[1:] {
		scene := strings.Fields(line)[0]
		tags[scene] = "xq" + strings.ReplaceAll(scene, "_", "")
		numbers[scene] = ts.relationCase(scene, tags[scene])
	}
	ts.catchUp()

	for _, line := range lines[1:] {
		f := strings.Fields(line)
		scene, n := f[0], numbers[f[0]]
		for i := 1; i < len(f); i++ {
			column := header[i]
			user := relationUsers[column]
			want := f[i] == "y"
			where := fmt.Sprintf("%s case %s for %s (%s)", scene, n, column, user)

			status, _ := ts.call("GET", "/api/v1/cases/"+n, user, nil)
			if want != (status == 200) || (!want && status != 404) {
				t.Errorf("GET the %s: %d, want visible=%v", where, status, want)
			}
			status, list := ts.call("GET", "/api/v1/cases?per_page=200", user, nil)
			if got := status == 200 && listHas(list["cases"], n); got != want {
				t.Errorf("case list: the %s listed=%v (status %d), want %v", where, got, status, want)
			}
			status, hits := ts.call("GET", "/api/v1/search?q="+url.QueryEscape(tags[scene]), user, nil)
			if got := status == 200 && listHas(hits["hits"], n); got != want {
				t.Errorf("search %q: the %s found=%v (status %d), want %v", tags[scene], where, got, status, want)
			}
			if want && status == 200 && hits["total"] != float64(1) {
				t.Errorf("search %q for %s: total %v, want 1 (%v)", tags[scene], user, hits["total"], hits["hits"])
			}
		}
	}

	// The workbench: each queue of each column lists the scene's case
	// exactly where relationQueues says.
	for _, column := range header[1:] {
		user := relationUsers[column]
		b := ts.signedIn(t, user)
		queues := reports.QueuesFor(ts.actor(user))
		if column == "admin" {
			if status, _, _ := b.do("GET", "/desk", nil); status != 403 {
				t.Errorf("admin's workbench: %d, want 403", status)
			}
			continue
		}
		for _, q := range queues {
			status, body, _ := b.do("GET", "/desk?queue="+q.Key, nil)
			if status != 200 {
				t.Fatalf("%s's queue %s: %d", user, q.Key, status)
			}
			for scene, n := range numbers {
				want := slices.Contains(relationQueues[scene][column], q.Key)
				if got := strings.Contains(body, n); got != want {
					t.Errorf("%s's queue %s lists the %s case %s: %v, want %v", column, q.Key, scene, n, got, want)
				}
			}
		}
	}
}

// listHas is true when a list of cases or hits holds number n.
func listHas(list any, n string) bool {
	items, _ := list.([]any)
	for _, x := range items {
		if m, ok := x.(map[string]any); ok && m["number"] == n {
			return true
		}
	}
	return false
}
