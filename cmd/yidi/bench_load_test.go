package main

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// `yidi bench load` against the real server with its demo data: every kind
// of the mix is sent, none fails, and the figures come per kind.
func TestBenchLoadDrivesTheMixAgainstAServedDemo(t *testing.T) {
	srv := startServer(t, t.TempDir(), "--demo")
	lead := &loadRun{urls: []string{srv.base}, client: http.DefaultClient}
	lead.token = token(t, srv.base, "leader", "demo-leader")
	before := caseTotal(t, lead)
	var out bytes.Buffer
	err := run(context.Background(), []string{"bench", "load", "--url", srv.base, "--conns", "4", "--duration", "2s"}, &out)
	if err != nil {
		t.Fatalf("bench load: %v\n%s", err, out.String())
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) == 9 {
			rows[f[0]] = f
		}
	}
	for _, kind := range append([]string{"all"}, loadKinds...) {
		r, ok := rows[kind]
		if !ok {
			t.Fatalf("no %s row in\n%s", kind, out.String())
		}
		if n, _ := strconv.Atoi(r[1]); n == 0 {
			t.Errorf("%s: no requests", kind)
		}
		if r[3] != "0" {
			t.Errorf("%s: %s errors\n%s", kind, r[3], srv.out.String())
		}
	}
	// The intakes were real: the server registered each of them.
	intakes, _ := strconv.Atoi(rows["intake"][1])
	if after := caseTotal(t, lead); after != before+intakes {
		t.Errorf("cases %d → %d after %d intakes", before, after, intakes)
	}
}

func caseTotal(t *testing.T, r *loadRun) int {
	t.Helper()
	var list struct{ Total int }
	if err := r.call(context.Background(), r.urls[0], "GET", "/api/v1/cases?per_page=1", nil, &list); err != nil {
		t.Fatal(err)
	}
	return list.Total
}

func TestBenchLoadRefusesABadMix(t *testing.T) {
	for _, mix := range []string{"20,40,40", "a,1,1,1", "0,0,0,0", "-1,50,25,25"} {
		err := run(context.Background(), []string{"bench", "load", "--mix", mix}, &bytes.Buffer{})
		if _, ok := err.(usageError); !ok {
			t.Errorf("--mix %s: %v, want a usage error", mix, err)
		}
	}
}
