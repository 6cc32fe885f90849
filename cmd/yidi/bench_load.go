package main

// `yidi bench load`: the mixed load of issue 18 item 6, measured from
// outside as a centre's clients meet it. N connections for a duration, each
// request drawn from a mix of intakes, searches and case reads, against one
// server or several nodes behind no proxy (round robin over --url). It
// prints throughput, errors and the latency tail (p50/p95/p99/max, requests
// over --slow), in all and per kind, so the tail can be traced to its kind.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"yidi/cases"
	"yidi/cmd/yidi/lab"
)

// loadKinds are the request kinds of the mix, in the order --mix names them.
var loadKinds = []string{"intake", "search", "case", "timeline"}

type loadSample struct {
	kind    int
	elapsed time.Duration
	failed  bool
}

type loadRun struct {
	urls    []string
	token   string
	client  *http.Client
	numbers []string
	queries []string
	weights []int // cumulative, per loadKinds
	seed    uint64
}

var benchLoad = flagCommand("bench load", func(fs cmdFlags) work {
	urls := fs.String("url", envOr("YIDI_URL", "http://127.0.0.1:8080"), "the server's address; several nodes comma-separated, taken in turn")
	conns := fs.Int("conns", 100, "concurrent connections")
	duration := fs.Duration("duration", 60*time.Second, "how long to load")
	mix := fs.String("mix", "20,40,20,20", "percent intakes, searches, case reads, timeline reads")
	user := fs.String("username", "leader", "a user who may take intakes and read every case (the demo's leader)")
	password := fs.String("password", "demo-leader", "that user's password")
	slow := fs.Duration("slow", 2*time.Second, "count requests slower than this")
	return func(ctx context.Context, out io.Writer) error {
		if *conns < 1 || *duration <= 0 {
			return usageError("--conns and --duration must be positive")
		}
		weights, err := parseMix(*mix)
		if err != nil {
			return err
		}
		transport := &http.Transport{MaxIdleConns: *conns, MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns,
			IdleConnTimeout: time.Minute, DisableCompression: true}
		defer transport.CloseIdleConnections()
		run := &loadRun{urls: strings.Split(*urls, ","), client: &http.Client{Transport: transport, Timeout: 30 * time.Second},
			queries: lab.BenchQueries(), weights: weights, seed: uint64(time.Now().UnixNano())}
		if run.token, err = run.signIn(ctx, *user, *password); err != nil {
			return err
		}
		if run.numbers, err = run.caseNumbers(ctx); err != nil {
			return err
		}
		fmt.Fprintf(out, "load: %d connections for %s against %s, mix intake/search/case/timeline %s, %d cases to read\n",
			*conns, *duration, *urls, *mix, len(run.numbers))
		samples, wall := run.load(ctx, *conns, *duration)
		return printLoad(out, samples, wall, *slow)
	}
})

// parseMix reads "20,40,20,20" into cumulative weights over loadKinds.
func parseMix(s string) ([]int, error) {
	parts := strings.Split(s, ",")
	if len(parts) != len(loadKinds) {
		return nil, usageError(fmt.Sprintf("--mix takes %d percentages (%s)", len(loadKinds), strings.Join(loadKinds, ",")))
	}
	out := make([]int, len(parts))
	total := 0
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 {
			return nil, usageError(fmt.Sprintf("--mix: %q is not a percentage", p))
		}
		total += n
		out[i] = total
	}
	if total == 0 {
		return nil, usageError("--mix adds up to 0")
	}
	return out, nil
}

func (r *loadRun) signIn(ctx context.Context, user, password string) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	var answer struct {
		Token string `json:"token"`
	}
	if err := r.call(ctx, r.urls[0], "POST", "/api/v1/auth/token", body, &answer); err != nil {
		return "", fmt.Errorf("sign in as %s: %w", user, err)
	}
	return answer.Token, nil
}

// caseNumbers are the cases the reads pick from: the newest 200 the user sees.
func (r *loadRun) caseNumbers(ctx context.Context) ([]string, error) {
	var list struct {
		Cases []struct {
			Number string `json:"number"`
		} `json:"cases"`
	}
	if err := r.call(ctx, r.urls[0], "GET", "/api/v1/cases?per_page=200", nil, &list); err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	if len(list.Cases) == 0 {
		return nil, errors.New("the server holds no cases to read: start it with --demo or load cases first")
	}
	numbers := make([]string, len(list.Cases))
	for i, c := range list.Cases {
		numbers[i] = c.Number
	}
	return numbers, nil
}

// call sends one request; a status other than 2xx is an error. into may be nil.
func (r *loadRun) call(ctx context.Context, base, method, path string, body []byte, into any) error {
	req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(raw))
	}
	if into != nil {
		return json.Unmarshal(raw, into)
	}
	return nil
}

// load runs conns workers, each starting requests until the duration
// ends and finishing the one it has started (so every request the server
// answered is counted), and answers every request's kind and latency and
// the wall time the run took.
func (r *loadRun) load(ctx context.Context, conns int, d time.Duration) ([]loadSample, time.Duration) {
	per := make([][]loadSample, conns)
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(d)
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(r.seed, uint64(w)))
			for n := 0; ctx.Err() == nil && time.Now().Before(end); n++ {
				kind := r.pick(rng)
				base := r.urls[(w+n)%len(r.urls)]
				method, path, body := r.request(kind, rng, w, n)
				t0 := time.Now()
				err := r.call(ctx, base, method, path, body, nil)
				per[w] = append(per[w], loadSample{kind: kind, elapsed: time.Since(t0), failed: err != nil})
			}
		}()
	}
	wg.Wait()
	return slices.Concat(per...), time.Since(start)
}

func (r *loadRun) pick(rng *rand.Rand) int {
	x := rng.IntN(r.weights[len(r.weights)-1])
	for i, w := range r.weights {
		if x < w {
			return i
		}
	}
	return len(r.weights) - 1
}

func (r *loadRun) request(kind int, rng *rand.Rand, worker, n int) (method, path string, body []byte) {
	switch loadKinds[kind] {
	case "intake":
		return "POST", "/api/v1/cases", loadIntakeBody(r.seed, worker, n)
	case "search":
		return "GET", "/api/v1/search?q=" + url.QueryEscape(r.queries[rng.IntN(len(r.queries))]), nil
	case "case":
		return "GET", "/api/v1/cases/" + r.numbers[rng.IntN(len(r.numbers))], nil
	}
	return "GET", "/api/v1/cases/" + r.numbers[rng.IntN(len(r.numbers))] + "/timeline", nil
}

// loadIntakeBody is a two-party neighbour dispute with people new to the
// centre (distinct, valid ID numbers per run, worker and request), so the
// intake does the work a first visit does.
func loadIntakeBody(seed uint64, worker, n int) []byte {
	serial := int(seed%1000)*1_000_000 + worker*10_000 + n%10_000
	id := func(region string) string {
		birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (serial/1000)%18000)
		return cases.CompleteIDNumber(fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), serial%1000))
	}
	body, _ := json.Marshal(map[string]any{
		"title": "相邻通行纠纷", "category": "neighbour", "source": "walk_in",
		"summary": "申请人与被申请人系相邻住户。被申请人在两家之间的公共通道上堆放建筑材料并砌筑围墙，致申请人家农用车无法通行，" +
			"双方多次协商未果，村调委会调解一次未成，申请人遂来中心反映。",
		"claims":       "请求被申请人拆除占用公共通道的围墙、清理建筑材料，恢复通行，并赔偿误工损失3500元。",
		"amount":       3500,
		"people_count": 2,
		"parties": []map[string]any{
			{"role": "applicant", "name": "张建国", "id_number": id("110105"), "phone": fmt.Sprintf("139%08d", serial%100_000_000)},
			{"role": "respondent", "name": "李德明", "id_number": id("320102"), "phone": fmt.Sprintf("137%08d", serial%100_000_000)},
		},
	})
	return body
}

// printLoad writes the figures: all requests, then each kind.
func printLoad(out io.Writer, samples []loadSample, wall time.Duration, slow time.Duration) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\trequests\treq/s\terrors\tp50 ms\tp95 ms\tp99 ms\tmax ms\tover "+slow.String()+"\t")
	row := func(name string, keep func(loadSample) bool) {
		var lat []time.Duration
		errs, over := 0, 0
		for _, s := range samples {
			if !keep(s) {
				continue
			}
			lat = append(lat, s.elapsed)
			if s.failed {
				errs++
			}
			if s.elapsed > slow {
				over++
			}
		}
		if len(lat) == 0 {
			return
		}
		slices.Sort(lat)
		q := func(p float64) string {
			return fmt.Sprintf("%.1f", float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds())/1000)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%d\t%s\t%s\t%s\t%s\t%d\t\n", name, len(lat), float64(len(lat))/wall.Seconds(),
			errs, q(0.50), q(0.95), q(0.99), q(1), over)
	}
	row("all", func(loadSample) bool { return true })
	for k, name := range loadKinds {
		row(name, func(s loadSample) bool { return s.kind == k })
	}
	return tw.Flush()
}
