package views_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"yidi/cases"
	"yidi/views"
)

// HTTP benchmarks over a real loopback listener and a real http.Client:
//
//	go test ./views/ -run '^$' -bench . -benchtime 1x
//
// They run only with -bench, so `go test ./...` stays fast.

// benchServer is the app listening on 127.0.0.1 with an intake officer.
type benchServer struct {
	base   string
	svc    *cases.Service
	actor  cases.Actor
	token  string
	client *http.Client
}

func newBenchServer(b *testing.B) *benchServer {
	b.Helper()
	cases.PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	// The migration log lines would break up the benchmark's result lines.
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	store, err := cases.Open(ctx, b.TempDir())
	slog.SetDefault(prev)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	svc := cases.NewService(store)
	a, err := svc.CreateUser(ctx, cases.SystemActor, cases.UserInput{Username: "intake", Password: "password-intake", Role: cases.RoleIntake, Name: "王窗口"})
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := svc.IssueToken(ctx, *a)
	if err != nil {
		b.Fatal(err)
	}
	app := views.New(svc, views.Options{PublicFailures: 1 << 30})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	transport := &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128, IdleConnTimeout: time.Minute, DisableCompression: true}
	b.Cleanup(func() {
		transport.CloseIdleConnections()
		if err := app.ShutdownWithTimeout(5 * time.Second); err != nil {
			b.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			b.Errorf("listener: %v", err)
		}
	})
	return &benchServer{base: "http://" + ln.Addr().String(), svc: svc, actor: *a, token: token,
		client: &http.Client{Transport: transport, Timeout: 10 * time.Second}}
}

// benchIDNumber returns the n-th of a run of distinct, valid 身份证号码 in a
// region (birth dates from 1950-01-01, 1,000 sequence numbers a day, GB
// 11643 check character computed).
func benchIDNumber(region string, n int) string {
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (n/1000)%18000)
	body := fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), n%1000)
	return cases.CompleteIDNumber(body)
}

// benchIntakeBody is a realistic two-party neighbour dispute whose parties
// are new people for every n (distinct ID numbers and phones).
func benchIntakeBody(n int) []byte {
	body, _ := json.Marshal(map[string]any{
		"title":    "相邻通行纠纷",
		"category": "neighbour",
		"source":   "walk_in",
		"summary": "申请人与被申请人系城关镇幸福村相邻住户。2026年4月被申请人在两家之间的公共通道上堆放建筑材料并砌筑围墙，" +
			"致申请人家农用车无法通行，双方多次协商未果，村调委会调解一次未成，申请人遂来中心反映。",
		"claims":       "请求被申请人拆除占用公共通道的围墙、清理建筑材料，恢复通行，并赔偿误工损失3500元。",
		"town":         "城关镇",
		"amount":       3500,
		"people_count": 2,
		"parties": []map[string]any{
			{"role": "applicant", "name": "张建国", "id_number": benchIDNumber("110105", n), "phone": fmt.Sprintf("139%08d", n)},
			{"role": "respondent", "name": "李德明", "id_number": benchIDNumber("320102", n), "phone": fmt.Sprintf("137%08d", n)},
		},
	})
	return body
}

// postIntake registers the n-th benchmark intake over HTTP.
func (s *benchServer) postIntake(n int) error {
	req, err := http.NewRequest("POST", s.base+"/api/v1/cases", bytes.NewReader(benchIntakeBody(n)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != fiber.StatusCreated {
		return fmt.Errorf("intake %d: %d %s", n, resp.StatusCode, raw)
	}
	return nil
}

// BenchmarkIntakeHTTP posts intakes through the loopback listener: one
// client in turn, 500 intakes an iteration (the latency a window clerk
// sees), and 8 clients at once, 800 an iteration (several windows; the
// single writer serialises them).
func BenchmarkIntakeHTTP(b *testing.B) {
	b.Run("1client", func(b *testing.B) {
		s := newBenchServer(b)
		const batch = 500
		n := 0
		for b.Loop() {
			for range batch {
				if err := s.postIntake(n); err != nil {
					b.Fatal(err)
				}
				n++
			}
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "intakes/s")
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(n), "ms/intake")
	})
	b.Run("8clients", func(b *testing.B) {
		s := newBenchServer(b)
		const clients, perClient = 8, 100
		n := 0
		for b.Loop() {
			var wg sync.WaitGroup
			errs := make(chan error, clients)
			for c := range clients {
				wg.Go(func() {
					for i := range perClient {
						if err := s.postIntake(n + c*perClient + i); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			n += clients * perClient
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "intakes/s")
	})
}

// receipt is what a citizen takes home: the case number and query code.
type receipt struct{ number, code string }

// seedReceipts registers count cases through the service and keeps their receipts.
func (s *benchServer) seedReceipts(b *testing.B, count int) []receipt {
	b.Helper()
	receipts := make([]receipt, count)
	for i := range receipts {
		var in cases.IntakeInput
		if err := json.Unmarshal(benchIntakeBody(i), &in); err != nil {
			b.Fatal(err)
		}
		res, err := s.svc.Intake(context.Background(), s.actor, in, "")
		if err != nil {
			b.Fatal(err)
		}
		receipts[i] = receipt{res.Case.Number, res.QueryCode}
	}
	return receipts
}

// lookup asks for one case's public status with the right code and
// answers how long the round trip took.
func (s *benchServer) lookup(client *http.Client, r receipt) (time.Duration, error) {
	t0 := time.Now()
	resp, err := client.Get(s.base + "/api/v1/public/status?number=" + url.QueryEscape(r.number) + "&code=" + url.QueryEscape(r.code))
	if err != nil {
		return 0, err
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	elapsed := time.Since(t0)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != fiber.StatusOK || !bytes.Contains(raw, []byte(`"number":"`+r.number+`"`)) {
		return 0, fmt.Errorf("lookup %s: %d %s", r.number, resp.StatusCode, raw)
	}
	return elapsed, nil
}

// benchLookups has `clients` goroutines, each with its own keep-alive
// connection (warmed up before timing), make perClient lookups an
// iteration. With interval 0 each client sends its next request as soon
// as the last is answered (a closed loop: the server is saturated and
// latency is 50 ÷ throughput); with an interval each client sends on a
// fixed schedule and latency counts from the scheduled moment, so a slow
// answer cannot hide the queue behind it. It reports lookups/s and the
// latency percentiles in milliseconds.
func benchLookups(b *testing.B, s *benchServer, receipts []receipt, clients, perClient int, interval time.Duration) {
	b.Helper()
	clientsOf := make([]*http.Client, clients)
	for c := range clientsOf {
		transport := &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}
		b.Cleanup(transport.CloseIdleConnections)
		clientsOf[c] = &http.Client{Transport: transport, Timeout: 10 * time.Second}
		if _, err := s.lookup(clientsOf[c], receipts[c%len(receipts)]); err != nil {
			b.Fatal(err)
		}
	}
	var latencies []time.Duration
	requests := 0
	for b.Loop() {
		perGoroutine := make([][]time.Duration, clients)
		errs := make(chan error, clients)
		start := time.Now()
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() {
				own := make([]time.Duration, 0, perClient)
				for i := range perClient {
					r := receipts[(c*perClient+i*7)%len(receipts)]
					var late time.Duration
					if interval > 0 {
						due := start.Add(interval*time.Duration(i) + interval*time.Duration(c)/time.Duration(clients))
						if wait := time.Until(due); wait > 0 {
							time.Sleep(wait)
						} else {
							late = -wait
						}
					}
					d, err := s.lookup(clientsOf[c], r)
					if err != nil {
						errs <- err
						return
					}
					own = append(own, late+d)
				}
				perGoroutine[c] = own
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		for _, own := range perGoroutine {
			latencies = append(latencies, own...)
		}
		requests += clients * perClient
	}
	slices.Sort(latencies)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	pct := func(p float64) float64 { return ms(latencies[int(p*float64(len(latencies)-1))]) }
	b.ReportMetric(float64(requests)/b.Elapsed().Seconds(), "lookups/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(ms(latencies[len(latencies)-1]), "max-ms")
}

// BenchmarkPublicStatus50Clients seeds 1,000 cases, then has 50 clients,
// each on its own keep-alive loopback connection, look cases up with the
// right code (issue target: p99 < 10 ms). "closed" sends flat out, 200
// lookups per client an iteration; "paced" sends one lookup per client
// every 20 ms (2,500 lookups/s in all), 100 per client an iteration.
func BenchmarkPublicStatus50Clients(b *testing.B) {
	s := newBenchServer(b)
	receipts := s.seedReceipts(b, 1000)
	b.Run("closed", func(b *testing.B) { benchLookups(b, s, receipts, 50, 200, 0) })
	b.Run("paced", func(b *testing.B) { benchLookups(b, s, receipts, 50, 100, 20*time.Millisecond) })
}
