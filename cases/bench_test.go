package cases_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yidi/cases"
)

// The intake benchmarks answer the question: how many intakes a
// second the service manages against the same rows written by a bare
// database/sql loop, in the same run, on the same kind of file.
//
//	go test ./cases/ -run '^$' -bench Intake -benchtime 2000x
//
// Without -bench none of this runs, so `go test ./...` stays fast.

// benchDSN is the store's DSN for its writer pool (cases/store.go).
const benchDSN = "_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_synchronous=NORMAL&_txlock=immediate"

// benchIDNumber returns the n-th of a run of distinct, valid 身份证号码 in a
// region: birth dates walk forward from 1950-01-01, each day holding 1,000
// sequence numbers, and the GB 11643 check character is computed.
func benchIDNumber(region string, n int) string {
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (n/1000)%18000)
	body := fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), n%1000)
	return cases.CompleteIDNumber(body)
}

var benchSurnames = []string{"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙"}
var benchGiven = []string{"建国", "秀英", "志强", "桂兰", "海涛", "丽娟", "德明", "春梅", "永刚", "晓燕"}

func benchName(n, salt int) string {
	return benchSurnames[(n+salt)%len(benchSurnames)] + benchGiven[(n/len(benchSurnames)+salt)%len(benchGiven)]
}

// benchIntake is a realistic two-party neighbour dispute; every n gives
// both parties their own ID number and phone, so each intake records two
// new persons and no repeat-visit warning, as the bare loop does.
func benchIntake(n int) cases.IntakeInput {
	amount := 3500.0
	return cases.IntakeInput{
		Title:    "相邻通行纠纷",
		Category: "neighbour",
		Source:   "walk_in",
		Summary: "申请人与被申请人系城关镇幸福村相邻住户。2026年4月被申请人在两家之间的公共通道上堆放建筑材料并砌筑围墙，" +
			"致申请人家农用车无法通行，双方多次协商未果，村调委会调解一次未成，申请人遂来中心反映。",
		Claims:      "请求被申请人拆除占用公共通道的围墙、清理建筑材料，恢复通行，并赔偿误工损失3500元。",
		Town:        "城关镇",
		Amount:      &amount,
		PeopleCount: 2,
		Parties: []cases.PartyInput{
			{Role: "applicant", Name: benchName(n, 0), IDNumber: benchIDNumber("110105", n), Phone: fmt.Sprintf("139%08d", n)},
			{Role: "respondent", Name: benchName(n, 5), IDNumber: benchIDNumber("320102", n), Phone: fmt.Sprintf("137%08d", n)},
		},
	}
}

func TestBenchIDNumbersAreValidAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range []int{0, 1, 999, 1000, 1001, 54321, 999999, 17_999_999} {
		for _, region := range []string{"110105", "320102"} {
			id := benchIDNumber(region, n)
			if !cases.ValidIDNumber(id) {
				t.Errorf("benchIDNumber(%s, %d) = %s is not a valid ID number", region, n, id)
			}
			if seen[id] {
				t.Errorf("benchIDNumber(%s, %d) = %s repeats", region, n, id)
			}
			seen[id] = true
		}
	}
}

// benchOpen opens a store in a fresh temp dir without the migration log
// lines, which would break up the benchmark's result lines.
func benchOpen(b *testing.B) (*cases.Store, string) {
	b.Helper()
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer slog.SetDefault(prev)
	dir := b.TempDir()
	store, err := cases.Open(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	return store, dir
}

// benchService opens a fresh store and returns the service with an intake
// officer to act as.
func benchService(b *testing.B) (*cases.Service, cases.Actor) {
	b.Helper()
	cases.PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	store, _ := benchOpen(b)
	b.Cleanup(func() { store.Close() })
	svc := cases.NewService(store)
	a, err := svc.CreateUser(ctx, cases.SystemActor, cases.UserInput{Username: "intake", Password: "password-intake", Role: cases.RoleIntake, Name: "王窗口"})
	if err != nil {
		b.Fatal(err)
	}
	return svc, *a
}

// serviceIntaker opens a fresh store and answers a function that registers
// the n-th benchmark intake through svc.Intake.
func serviceIntaker(b *testing.B) func(n int) {
	svc, actor := benchService(b)
	ctx := context.Background()
	return func(n int) {
		res, err := svc.Intake(ctx, actor, benchIntake(n), "")
		if err != nil {
			b.Fatal(err)
		}
		if res.QueryCode == "" || len(res.Warnings) != 0 {
			b.Fatalf("intake %d: code %q, warnings %v", n, res.QueryCode, res.Warnings)
		}
	}
}

// bareIntaker answers a function that writes what the n-th intake writes —
// two persons, the year's counter, the case row, two case_parties and the
// intake event — with plain database/sql statements, one IMMEDIATE
// transaction per intake, on a second file whose schema the same
// migrations created, opened with the store's DSN options.
func bareIntaker(b *testing.B) func(n int) {
	b.Helper()
	ctx := context.Background()
	store, dir := benchOpen(b)
	store.Close()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, cases.DBFile)+"?"+benchDSN)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	now := time.Now().UTC()
	year := now.Year()
	var userID int64
	if err := db.QueryRowContext(ctx, `INSERT INTO users (username, display_name, password_hash, role, created_at)
		VALUES ('intake', '王窗口', 'x', 'intake', ?) RETURNING id`, now).Scan(&userID); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO case_counters (year, last_seq) VALUES (?, 0)`, year); err != nil {
		b.Fatal(err)
	}
	deadline := now.AddDate(0, 0, 1)
	written := 0
	b.Cleanup(func() {
		var rows int
		if err := db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM cases) + (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM case_parties)`).Scan(&rows); err != nil || rows != 4*written {
			b.Errorf("bare loop left %d case, event and party rows for %d intakes (%v)", rows, written, err)
		}
	})
	return func(n int) {
		in := benchIntake(n)
		if err := bareIntake(ctx, db, &in, userID, year, now, deadline, n); err != nil {
			b.Fatal(err)
		}
		written++
	}
}

// runIntakes runs one way of intake in b.Loop and reports intakes/s.
func runIntakes(b *testing.B, intake func(n int)) {
	n := 0
	for b.Loop() {
		intake(n)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "intakes/s")
}

// benchDeadlineRule is the rule text the service stores on a new case.
const benchDeadlineRule = "受理登记后1个工作日内分流（中心“最多跑一地”服务承诺）"

func bareIntake(ctx context.Context, db *sql.DB, in *cases.IntakeInput, userID int64, year int, now, deadline time.Time, n int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	personIDs := make([]int64, len(in.Parties))
	for i, p := range in.Parties {
		if err := tx.QueryRowContext(ctx, `INSERT INTO persons (kind, name, id_number, credit_code, phone, created_at, updated_at)
			VALUES ('person', ?, ?, NULL, ?, ?, ?) RETURNING id`, p.Name, p.IDNumber, p.Phone, now, now).Scan(&personIDs[i]); err != nil {
			return err
		}
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, `UPDATE case_counters SET last_seq = last_seq + 1 WHERE year = ? RETURNING last_seq`, year).Scan(&seq); err != nil {
		return err
	}
	salt := fmt.Sprintf("%032x", n)
	sum := sha256.Sum256([]byte(salt + ":" + "K7M2QX9PR4"))
	var caseID int64
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO cases (number, title, category, source, summary, claims, town, amount_fen, people_count,
			status, desk, deadline_at, deadline_rule, query_code_salt, query_code_hash, repeat_visit,
			version, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'registered', NULL, ?, ?, ?, ?, FALSE, 1, ?, ?, ?) RETURNING id`,
		cases.FormatCaseNumber(year, seq), in.Title, in.Category, in.Source, in.Summary, in.Claims, in.Town,
		int64(*in.Amount*100), in.PeopleCount, deadline, benchDeadlineRule, salt, hex.EncodeToString(sum[:]), userID, now, now).Scan(&caseID); err != nil {
		return err
	}
	for i, pid := range personIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_parties (case_id, person_id, role, position) VALUES (?, ?, ?, ?)`,
			caseID, pid, in.Parties[i].Role, i); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO events (case_id, at, kind, desk, actor_id, actor_name, actor_role, body, visibility, data)
		VALUES (?, ?, 'intake', '', ?, '王窗口', 'intake', '', 'public', '{}')`, caseID, now, userID); err != nil {
		return err
	}
	return tx.Commit()
}

func BenchmarkIntakeService(b *testing.B) { runIntakes(b, serviceIntaker(b)) }

func BenchmarkIntakeBareSQLite(b *testing.B) { runIntakes(b, bareIntaker(b)) }

// BenchmarkIntakeRatio alternates a bare intake and a service intake, each
// on its own file, timing each, so both rates come from the same moments
// of a noisy machine; it reports both and service/bare (target ≥ 0.5).
func BenchmarkIntakeRatio(b *testing.B) {
	bare, service := bareIntaker(b), serviceIntaker(b)
	var bareTime, serviceTime time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		bare(n)
		t1 := time.Now()
		service(n)
		serviceTime += time.Since(t1)
		bareTime += t1.Sub(t0)
		n++
	}
	bareRate := float64(n) / bareTime.Seconds()
	serviceRate := float64(n) / serviceTime.Seconds()
	b.ReportMetric(bareRate, "bare-intakes/s")
	b.ReportMetric(serviceRate, "service-intakes/s")
	b.ReportMetric(serviceRate/bareRate, "service/bare")
}
