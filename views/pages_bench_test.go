package views_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	"yidi/cases"
	"yidi/views"
)

// BenchmarkPages100k renders every staff page against a database of 100,000
// cases and reports the p95 per page (target < 30 ms) and the page weights:
//
//	go test ./views/ -run '^$' -bench Pages100k -benchtime 1x
//
// The database is built once by bulk SQL (a few seconds) and kept in
// /tmp/yidi-pages-bench-100k. It has no search index: search latency is
// the search package's benchmark; here the search page answers "unavailable"
// and the case page goes without similar cases.
func BenchmarkPages100k(b *testing.B) {
	cases.PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	// v2: warnings, 督办, closure types and notifications in the data.
	dir := filepath.Join(os.TempDir(), "yidi-pages-bench-100k-v2")
	if d := os.Getenv("YIDI_PAGES_BENCH_DIR"); d != "" {
		// A private copy, so a branch's new migration does not touch the shared one.
		dir = d
	}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer slog.SetDefault(prev)
	if _, err := os.Stat(filepath.Join(dir, "bench-ready")); err != nil {
		if err := buildPagesBench(ctx, dir, 100_000); err != nil {
			b.Fatal(err)
		}
	}
	store, err := cases.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	svc := cases.NewService(store)
	app := views.New(svc, views.Options{})
	pages := []struct{ user, path string }{
		{"bintake", "/intake"},
		{"bintake", "/desk?queue=registered"},
		{"bmed", "/desk?queue=routed"},
		{"bmed", "/desk?queue=in_progress&sort=deadline"},
		{"bmed", "/desk?queue=returned"},
		{"bintake", "/desk?queue=submitted"},
		{"bmed", "/desk?queue=unread"},
		{"bleader", "/cases/YD-2025-050001"},
		{"bleader", "/leader"},
		{"bleader", "/desk?queue=routed&page=3"},
		{"badmin", "/admin/users"},
		{"bintake", "/search?q=" + url.QueryEscape("工资")},
		{"bmed", "/desk?queue=in_progress&sort=deadline&warning=red"},
		{"bmed", "/notifications"},
		{"bleader", "/leader/stats?kind=year&year=2025"},
		{"bleader", "/leader/stats?kind=month&month=2025-06&desk=mediation"},
		{"bleader", "/cases"},
		{"bleader", "/cases?warning=red&desk=mediation"},
		{"bleader", "/cases?status=closed&closed_from=2025-01-01&closed_to=2025-12-31&closure_type=resolved&page=20"},
		{"bmed", "/cases?status=closed"},
		{"badmin", "/admin/deadline-rules"},
		{"badmin", "/admin/calendar?year=2026"},
	}
	browsers := map[string]*browser{}
	for _, u := range []string{"bintake", "bmed", "bleader", "badmin"} {
		br := newBrowser(b, app)
		br.login(u)
		browsers[u] = br
	}
	// YIDI_PAGES_BENCH_ONLY (a regexp on the path, e.g. '^/(leader|cases)($|\?)')
	// times a few pages while tuning.
	var only *regexp.Regexp
	if re := os.Getenv("YIDI_PAGES_BENCH_ONLY"); re != "" {
		if only, err = regexp.Compile(re); err != nil {
			b.Fatal(err)
		}
	}
	const rounds = 100
	b.ResetTimer()
	for range b.N {
		for _, p := range pages {
			if only != nil && !only.MatchString(p.path) {
				continue
			}
			br := browsers[p.user]
			var times []time.Duration
			size := 0
			for range rounds {
				start := time.Now()
				status, body, _ := br.do("GET", p.path, nil)
				times = append(times, time.Since(start))
				if status != 200 && !(strings.HasPrefix(p.path, "/search") && status == 503) {
					b.Fatalf("GET %s as %s: %d", p.path, p.user, status)
				}
				size = len(body)
			}
			slices.Sort(times)
			p95 := times[len(times)*95/100]
			// Printed as well as logged: the benchmark log is cut after ten lines.
			line := fmt.Sprintf("%-45s p50 %6.2f ms  p95 %6.2f ms  html %6d B", p.path, ms(times[len(times)/2]), ms(p95), size)
			fmt.Fprintln(os.Stderr, line)
			b.Log(line)
		}
	}
	b.StopTimer()
	css, _ := os.ReadFile("static/app.css")
	js, _ := os.ReadFile("static/app.js")
	b.Logf("static: app.css %d B, app.js %d B (cached a year by content hash)", len(css), len(js))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// buildPagesBench writes n cases straight into the tables (the service
// would take minutes): statuses and desks spread like a busy centre, one
// applicant each among 30,000 people, an intake event and a route event.
func buildPagesBench(ctx context.Context, dir string, n int) error {
	_ = os.RemoveAll(dir)
	store, err := cases.Open(ctx, dir)
	if err != nil {
		return err
	}
	svc := cases.NewService(store)
	if _, err := addTestUsers(ctx, svc,
		cases.UserInput{Username: "bintake", Role: cases.RoleIntake, Name: "王窗口"},
		cases.UserInput{Username: "bmed", Role: cases.RoleHandler, Desk: "mediation", Name: "李调解"},
		cases.UserInput{Username: "bleader", Role: cases.RoleLeader, Name: "陈主任"},
		cases.UserInput{Username: "badmin", Role: cases.RoleAdmin, Name: "管理员"},
	); err != nil {
		return err
	}
	store.Close()
	db, err := sqlx.Open("sqlite3", filepath.Join(dir, cases.DBFile)+"?_journal_mode=WAL&_foreign_keys=on")
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.Beginx()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rng := rand.New(rand.NewSource(1))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const people = 30_000
	for i := 1; i <= people; i++ {
		if _, err := tx.Exec(`INSERT INTO persons (kind, name, id_number, phone, created_at, updated_at) VALUES ('person', ?, ?, ?, ?, ?)`,
			fmt.Sprintf("当事人%d", i), fmt.Sprintf("3301%014d", i), fmt.Sprintf("138%08d", i), start, start); err != nil {
			return err
		}
	}
	desks := []string{"petition", "mediation", "litigation", "governance"}
	cats := []string{"labor", "neighbour", "marriage_family", "property_mgmt"}
	caseIns, _ := tx.Preparex(`INSERT INTO cases (number, title, category, source, summary, claims, town, amount_fen, people_count,
		status, desk, deadline_at, deadline_rule, query_code_salt, query_code_hash, repeat_visit, version, created_by, created_at, updated_at, closed_at,
		warning, supervision, closure_type, closed_on_time)
		VALUES (?, ?, ?, 'walk_in', ?, '', ?, 1200000, 1, ?, ?, ?, 'stage', 'x', 'x', ?, 3, 1, ?, ?, ?, ?, ?, ?, ?)`)
	noteIns, _ := tx.Preparex(`INSERT INTO desk_notifications (desk, case_id, kind, text, created_at) VALUES (?, ?, ?, '临近期限', ?)`)
	towns := []string{"城关镇", "东湖镇", "西山乡", "南岭镇", "北塘街道"}
	closures := []string{"resolved", "resolved", "resolved", "procedural", "legal_procedure", "withdrawn", "not_accepted"}
	partyIns, _ := tx.Preparex(`INSERT INTO case_parties (case_id, person_id, role, position) VALUES (?, ?, 'applicant', 0)`)
	eventIns, _ := tx.Preparex(`INSERT INTO events (case_id, at, kind, desk, actor_name, actor_role, body, visibility, data) VALUES (?, ?, ?, ?, '王窗口', 'intake', ?, 'internal', '{}')`)
	for i := 1; i <= n; i++ {
		at := start.Add(time.Duration(i) * 5 * time.Minute)
		status, desk := "closed", any(desks[rng.Intn(4)])
		var closed any = at.Add(72 * time.Hour)
		switch r := rng.Intn(10); {
		case r == 0:
			status, desk, closed = "registered", nil, nil
		case r == 1:
			status, closed = "routed", nil
		case r <= 3:
			status, closed = "in_progress", nil
		}
		warning, supervision, closure := "", "", ""
		var onTime any
		if closed == nil {
			switch r := rng.Intn(10); {
			case r == 0:
				warning = "red"
			case r == 1:
				warning = "yellow"
			}
			if rng.Intn(50) == 0 {
				supervision = "yellow"
			}
		} else {
			closure, onTime = closures[rng.Intn(len(closures))], rng.Intn(5) != 0
		}
		res, err := caseIns.Exec(fmt.Sprintf("YD-%d-%06d", at.Year(), i), "拖欠工资纠纷"+fmt.Sprint(i%97), cats[i%4],
			"申请人在工地从事木工，工资至今未付，多次催讨未果。", towns[i%len(towns)], status, desk, at.Add(30*24*time.Hour), rng.Intn(20) == 0, at, at, closed,
			warning, supervision, closure, onTime)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if _, err := partyIns.Exec(id, 1+rng.Intn(people)); err != nil {
			return err
		}
		if _, err := eventIns.Exec(id, at, "intake", "", "登记"); err != nil {
			return err
		}
		if desk != nil {
			if _, err := eventIns.Exec(id, at.Add(time.Hour), "route", "", "分流"); err != nil {
				return err
			}
		}
		if warning != "" {
			d, _ := desk.(string)
			if _, err := noteIns.Exec(d, id, "warning_"+warning, at.Add(25*24*time.Hour)); err != nil {
				return err
			}
		}
	}
	if _, err := tx.Exec(`INSERT OR REPLACE INTO case_counters (year, last_seq) VALUES (2025, ?), (2026, ?)`, n, n); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := db.Exec(`ANALYZE`); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "bench-ready"), []byte("ok\n"), 0o600)
}
