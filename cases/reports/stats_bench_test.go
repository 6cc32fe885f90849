package reports_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yidi/cases"
	"yidi/cases/reports"
	"yidi/internal/testdb"
	"yidi/views/web"
)

// The statistics and export benchmarks run on a real SQLite file holding a
// year of 100k cases, written in one transaction with a realistic spread:
//
//	go test ./cases/ -run '^$' -bench 'StatsYear100k|ExportCases100k' -benchtime 10x
//
// Generating the file takes a few seconds and is not timed.

// benchDSN is the store's DSN for its writer pool (cases/store.go).
const benchDSN = "_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_synchronous=NORMAL&_txlock=immediate"

var benchSurnames = []string{"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙"}
var benchGiven = []string{"建国", "秀英", "志强", "桂兰", "海涛", "丽娟", "德明", "春梅", "永刚", "晓燕"}

func benchName(n, salt int) string {
	return benchSurnames[(n+salt)%len(benchSurnames)] + benchGiven[(n/len(benchSurnames)+salt)%len(benchGiven)]
}

var statsBenchOnce sync.Once
var statsBenchDir string
var statsBenchErr error

// statsBenchStore answers a service on the shared 100k-case file.
func statsBenchStore(b *testing.B) (*cases.Service, cases.Actor) {
	b.Helper()
	cases.PasswordCost = bcrypt.MinCost
	statsBenchOnce.Do(func() {
		statsBenchDir, statsBenchErr = generateStatsYear(100_000)
	})
	if statsBenchErr != nil {
		b.Fatal(statsBenchErr)
	}
	store, err := cases.Open(context.Background(), statsBenchDir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	svc := cases.NewService(store)
	svc.SetClock(func() time.Time { return time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC) })
	return svc, cases.Actor{UserID: 1, Role: cases.RoleLeader, Name: "陈主任"}
}

// generateStatsYear writes n cases created through 2026: 4 desks, 13
// categories, 12 towns; 80% closed after 1–90 days with all closure types
// and 10% unknown on-time flags; 3% reopened, 8% visited after closing, 40%
// of closes rated; one applicant in five has an earlier case; five events
// per closed case (intake, route, accept, close, and maybe more).
func generateStatsYear(n int) (string, error) {
	dir, err := os.MkdirTemp("", "yidi-stats-bench-")
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	store, err := cases.Open(ctx, dir)
	if err != nil {
		return "", err
	}
	svc := cases.NewService(store)
	if _, err := svc.CreateUser(ctx, cases.SystemActor, cases.UserInput{Username: "leader", Password: "password-leader", Role: cases.RoleLeader, Name: "陈主任"}); err != nil {
		return "", err
	}
	store.Close()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, cases.DBFile)+"?"+benchDSN)
	if err != nil {
		return "", err
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		s, e := tx.Prepare(q)
		if e != nil && err == nil {
			err = e
		}
		return s
	}
	insPerson := prep(`INSERT INTO persons (id, kind, name, phone, created_at, updated_at) VALUES (?, 'person', ?, '', ?, ?)`)
	insCase := prep(`INSERT INTO cases (id, number, title, category, source, summary, town, status, desk, deadline_at, query_code_salt,
		query_code_hash, created_by, created_at, updated_at, closed_at, closure_type, closed_on_time, warning, reopen_count)
		VALUES (?, ?, ?, ?, 'walk_in', ?, ?, ?, ?, ?, 'salt', 'hash', 1, ?, ?, ?, ?, ?, ?, ?)`)
	insParty := prep(`INSERT INTO case_parties (case_id, person_id, role, position) VALUES (?, ?, ?, ?)`)
	insEvent := prep(`INSERT INTO events (case_id, at, kind, desk, visibility) VALUES (?, ?, ?, ?, 'internal')`)
	insRating := prep(`INSERT INTO case_ratings (case_id, score, rated_at) VALUES (?, ?, ?)`)
	if err != nil {
		return "", err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	desks := []string{"petition", "mediation", "litigation", "governance"}
	cats := []string{"marriage_family", "neighbour", "labor", "property_mgmt", "land", "expropriation", "medical", "traffic",
		"consumer", "loan_contract", "environment", "litigation_related", "other"}
	towns := []string{"城关镇", "硖石街道", "海洲街道", "海昌街道", "马桥街道", "许村镇", "长安镇", "周王庙镇", "盐官镇", "丁桥镇", "斜桥镇", "袁花镇"}
	closures := []string{"resolved", "resolved", "resolved", "procedural", "legal_procedure", "withdrawn", "not_accepted", ""}
	start := time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC) // 2026-01-01 China time
	now := time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC)
	persons := n * 4 / 5
	exec := func(s *sql.Stmt, args ...any) {
		if err == nil {
			_, err = s.Exec(args...)
		}
	}
	for p := 1; p <= persons+n; p++ {
		exec(insPerson, p, benchName(p, 0), start, start)
	}
	// Case ids follow intake time, as numbers handed out at the window do.
	createdAt := make([]time.Time, n)
	for i := range createdAt {
		createdAt[i] = start.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
	}
	slices.SortFunc(createdAt, time.Time.Compare)
	summary := strings.Repeat("申请人与被申请人系相邻住户，因公共通道堆放建筑材料发生纠纷，多次协商未果。", 6)
	for i := 1; i <= n; i++ {
		created := createdAt[i-1]
		desk := desks[rng.IntN(len(desks))]
		status, closedAt, closure, onTime := "in_progress", any(nil), "", any(nil)
		deadline := created.Add(time.Duration(15+rng.IntN(45)) * 24 * time.Hour)
		closed := created.Add(time.Duration(rng.Int64N(int64(90 * 24 * time.Hour))))
		if rng.IntN(10) < 8 && closed.Before(now) {
			status, closedAt, closure = "closed", closed, closures[rng.IntN(len(closures))]
			if rng.IntN(10) > 0 {
				onTime = !closed.After(deadline)
			}
		} else if rng.IntN(5) == 0 {
			status, desk = "registered", ""
		}
		warning := ""
		if status != "closed" && deadline.Before(now) && rng.IntN(2) == 0 {
			warning = "red"
		}
		var deskArg any = desk
		if desk == "" {
			deskArg = nil
		}
		reopened := status == "closed" && rng.IntN(100) < 3
		exec(insCase, i, fmt.Sprintf("YD-2026-%06d", i), "纠纷", cats[rng.IntN(len(cats))], summary, towns[rng.IntN(len(towns))], status,
			deskArg, deadline, created, created, closedAt, closure, onTime, warning, map[bool]int{true: 1}[reopened])
		exec(insParty, i, 1+rng.IntN(persons), "applicant", 0)
		exec(insParty, i, persons+i, "respondent", 1)
		exec(insEvent, i, created, "intake", "")
		if desk != "" {
			exec(insEvent, i, created.Add(time.Hour), "route", "")
			exec(insEvent, i, created.Add(2*time.Hour), "accept", desk)
			exec(insEvent, i, created.Add(3*time.Hour), "note", desk)
		}
		if status == "closed" {
			exec(insEvent, i, closed, "close", desk)
			if reopened {
				exec(insEvent, i, closed.Add(time.Duration(rng.IntN(200))*24*time.Hour), "reopen", desk)
			}
			if rng.IntN(100) < 8 {
				exec(insEvent, i, closed.Add(time.Duration(rng.IntN(200))*24*time.Hour), "visit", "")
			}
			if rng.IntN(10) < 4 {
				exec(insRating, i, 1+rng.IntN(5), closed.Add(24*time.Hour))
			}
		}
	}
	if err != nil {
		return "", err
	}
	if err := tx.Commit(); err != nil {
		return "", err
	}
	_, err = db.Exec(`ANALYZE`)
	return dir, err
}

func BenchmarkStatsYear100k(b *testing.B) {
	svc, leader := statsBenchStore(b)
	ctx := context.Background()
	p, err := reports.ParsePeriod("2026", "", "", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	st, err := reports.New(svc).Stats(ctx, leader, p, reports.StatsFilter{})
	if err != nil {
		b.Fatal(err)
	}
	if st.Received != 100_000 {
		b.Fatalf("received %d", st.Received)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for b.Loop() {
		if _, err := reports.New(svc).Stats(ctx, leader, p, reports.StatsFilter{}); err != nil {
			b.Fatal(err)
		}
	}
	// The machine is shared: CPU time spent (all threads, SQLite's
	// included) says more than wall time when other work competes.
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
}

// processCPU is the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkExportCases100k streams the whole year as CSV and XLSX and
// reports the output size against the peak heap in use while writing:
// streaming keeps the heap far below the file's size.
func BenchmarkExportCases100k(b *testing.B) {
	svc, leader := statsBenchStore(b)
	ctx := context.Background()
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			var out countingWriter
			var peak atomic.Uint64
			done := make(chan struct{})
			go func() {
				var ms runtime.MemStats
				for {
					select {
					case <-done:
						return
					case <-time.After(5 * time.Millisecond):
						runtime.ReadMemStats(&ms)
						if ms.HeapInuse > peak.Load() {
							peak.Store(ms.HeapInuse)
						}
					}
				}
			}()
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				out = 0
				rows := func(yield func([]string) error) error {
					return reports.New(svc).EachCase(ctx, leader, reports.CaseFilter{Sort: reports.SortNew}, func(r reports.CaseRow) error {
						return yield([]string{r.Number, r.Title, string(r.Status), r.Desk, r.Category, r.Town,
							r.CreatedAt.Format(time.DateTime), "", r.ClosureType, "", r.Parties})
					})
				}
				cols := make([]web.Column, 11)
				var err error
				if format == "csv" {
					err = web.WriteCSV(&out, cols, rows)
				} else {
					err = web.WriteXLSX(&out, "数据", cols, rows)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			close(done)
			b.ReportMetric(float64(out)/(1<<20), "out-MiB")
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
		})
	}
}

type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

// TestMain removes the generated 100k-case file after the benchmarks that
// shared it.
func TestMain(m *testing.M) {
	code := testdb.Run(m)
	if statsBenchDir != "" {
		os.RemoveAll(statsBenchDir)
	}
	os.Exit(code)
}
