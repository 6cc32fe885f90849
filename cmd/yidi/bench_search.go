package main

// `yidi bench search`: the speed figures of issue 4 in one run — building
// N generated cases (once, cached), rebuilding the index from them (cases/s),
// the latency of 100 typical queries through Index.Search, the same queries
// against an SQLite FTS5 trigram table over the same rows (answering the
// same: total, facets, first page), index size and peak memory.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"yidi/cases"
	"yidi/cmd/yidi/lab"
	"yidi/search"
)

var benchSearch = flagCommand("bench search", func(fset cmdFlags) work {
	n := fset.Int("cases", 100000, "number of generated cases")
	dir := fset.String("dir", "", "folder for the generated database (default: the temp folder's yidi-bench-N, reused when present)")
	rounds := fset.Int("rounds", 5, "timed rounds over the queries (after one warm-up round)")
	cail := fset.String("cail", envOr("YIDI_CAIL", "../shared/data"), "folder of cail2019-rc-dev.json and cail2019-scm-dev.jsonl")
	return func(ctx context.Context, out io.Writer) error {
		if *n < 1 || *rounds < 1 {
			return usageError("--cases and --rounds must be at least 1")
		}
		if *dir == "" {
			*dir = filepath.Join(os.TempDir(), fmt.Sprintf("yidi-bench-%d", *n))
		}
		// The store's migration lines would break up the report.
		prev := slog.Default()
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
		defer slog.SetDefault(prev)

		mem := startBenchMemWatch()
		defer mem.stop()

		// 1. The cases, built once through the service.
		if err := ensureBenchData(ctx, *dir, *n, *cail, out); err != nil {
			return err
		}
		store, err := cases.Open(ctx, *dir)
		if err != nil {
			return err
		}
		defer store.Close()
		svc := cases.NewService(store)
		var events, parties int
		if db, err := sql.Open("sqlite3", "file:"+filepath.Join(*dir, cases.DBFile)+"?mode=ro"); err == nil {
			db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM case_parties)`).Scan(&events, &parties)
			db.Close()
		}
		fmt.Fprintf(out, "数据：%d 件案件，%d 条时间线记录（每件平均 %.1f 条），%d 个当事人关系；目录 %s\n",
			*n, events, float64(events)/float64(*n), parties, *dir)

		// 2. Reindex rate.
		indexDir := filepath.Join(*dir, "index")
		mem.reset()
		start := time.Now()
		if err := search.Rebuild(ctx, svc, indexDir, nil); err != nil {
			return err
		}
		secs := time.Since(start).Seconds()
		rss, heap := mem.peak()
		fmt.Fprintf(out, "重建索引：%d 件，用时 %.1f 秒，%.0f 件/秒（目标 ≥ 5000）；索引 %s；峰值内存 RSS %s，Go 堆 %s\n",
			*n, secs, float64(*n)/secs, benchBytes(benchDirSize(indexDir)), benchBytes(rss), benchBytes(heap))

		// 3. Search latency.
		ix, err := search.Open(indexDir)
		if err != nil {
			return err
		}
		defer ix.Close()
		if groups, err := svc.SynonymGroups(ctx); err == nil {
			ix.SetSynonyms(groups)
		}
		actors, err := lab.SetUpBenchActors(ctx, svc)
		if err != nil {
			return err
		}
		queries := lab.BenchQueries()
		mem.reset()
		bleveTimes, totals, err := benchTimeQueries(queries, *rounds, func(q string) (int, error) {
			res, err := ix.Search(ctx, actors.Leader, search.Query{Text: q}, svc)
			if err != nil {
				return 0, err
			}
			return int(res.Total), nil
		})
		if err != nil {
			return err
		}
		rss, heap = mem.peak()
		zero := 0
		for _, t := range totals {
			if t == 0 {
				zero++
			}
		}
		fmt.Fprintf(out, "搜索（bleve，领导视角，含总数、分面、权限复核、高亮）：%d 条查询 × %d 轮；%d 条无结果；峰值内存 RSS %s，Go 堆 %s\n",
			len(queries), *rounds, zero, benchBytes(rss), benchBytes(heap))

		// 4. The same queries against SQLite FTS5 (trigram) over the same rows:
		// once answering what the search API answers (total, the five facets,
		// the first page by rank, synonyms expanded), once as bare as FTS5 can
		// be (the first 20 row ids of the typed words, nothing counted).
		ftsPath := filepath.Join(*dir, "fts5.db")
		fts, err := buildFTS(ctx, svc, ftsPath, out)
		if err != nil {
			fmt.Fprintf(out, "FTS5 对照未运行：%v\n", err)
			fmt.Fprint(out, latencyTable(queries, bleveTimes, nil, nil))
			return nil
		}
		defer fts.Close()
		groups, _ := svc.SynonymGroups(ctx)
		synonyms := search.NewSynonyms(groups)
		ftsTimes, ftsTotals, err := benchTimeQueries(queries, *rounds, func(q string) (int, error) { return ftsSearch(ctx, fts, synonyms, q) })
		if err != nil {
			return err
		}
		bareTimes, _, err := benchTimeQueries(queries, *rounds, func(q string) (int, error) { return ftsFirstPage(ctx, fts, q) })
		if err != nil {
			return err
		}
		ftsZero := 0
		for _, t := range ftsTotals {
			if t == 0 {
				ftsZero++
			}
		}
		fmt.Fprintf(out, "FTS5：%d 条查询无结果（bleve %d 条）\n", ftsZero, zero)
		fmt.Fprint(out, latencyTable(queries, bleveTimes, ftsTimes, bareTimes))
		return nil
	}
})

// ensureBenchData builds the database of n generated cases in dir unless a
// finished one is there.
func ensureBenchData(ctx context.Context, dir string, n int, cail string, out io.Writer) error {
	bar := newProgress(out, n, "生成案件")
	start, last := time.Now(), 0
	built, err := lab.EnsureBenchData(ctx, dir, n, cail, func(done int) {
		bar.Add(done - last)
		last = done
	})
	if err != nil {
		return fmt.Errorf("bench search: %w (the CAIL2019 files are looked for in --cail)", err)
	}
	if !built {
		fmt.Fprintf(out, "使用已生成的数据：%s\n", dir)
		return nil
	}
	bar.Finish()
	secs := time.Since(start).Seconds()
	fmt.Fprintf(out, "已生成 %d 件案件（经 cases.Service 逐件受理、分流、签收、记录、办结），用时 %.0f 秒（%.0f 件/秒）\n", n, secs, float64(n)/secs)
	return nil
}

// benchTimeQueries runs every query once to warm up, then rounds times, and
// answers each query's timings and its hit count.
func benchTimeQueries(queries []string, rounds int, run func(q string) (int, error)) ([][]time.Duration, []int, error) {
	times := make([][]time.Duration, len(queries))
	totals := make([]int, len(queries))
	for i, q := range queries {
		n, err := run(q)
		if err != nil {
			return nil, nil, fmt.Errorf("query %q: %w", q, err)
		}
		totals[i] = n
	}
	for r := 0; r < rounds; r++ {
		for i, q := range queries {
			t0 := time.Now()
			if _, err := run(q); err != nil {
				return nil, nil, fmt.Errorf("query %q: %w", q, err)
			}
			times[i] = append(times[i], time.Since(t0))
		}
	}
	return times, totals, nil
}

// buildFTS makes (once) an FTS5 table with the trigram tokenizer holding,
// per case, what the index holds: number, title, summary and claims,
// parties with phones and ID numbers, and every timeline text.
func buildFTS(ctx context.Context, svc *cases.Service, path string, out io.Writer) (*sql.DB, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=OFF")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	var have int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM fts WHERE month IS NOT NULL`).Scan(&have); err == nil && have > 0 {
		total, _ := svc.CaseCount(ctx)
		if have == total {
			fmt.Fprintf(out, "FTS5 表已存在：%d 行，%s\n", have, benchBytes(benchFileSize(path)))
			return db, nil
		}
	}
	if _, err := db.ExecContext(ctx, `DROP TABLE IF EXISTS fts`); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := db.ExecContext(ctx, `CREATE VIRTUAL TABLE fts USING fts5(body, category UNINDEXED, desk UNINDEXED, status UNINDEXED, town UNINDEXED, month UNINDEXED, tokenize='trigram')`); err != nil {
		db.Close()
		if strings.Contains(err.Error(), "no such module") {
			return nil, errors.New("本程序编译时未启用 FTS5，请用 go build -tags sqlite_fts5 ./cmd/yidi 或 go run -tags sqlite_fts5 ./cmd/yidi bench search")
		}
		return nil, err
	}
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		db.Close()
		return nil, err
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO fts (rowid, body, category, desk, status, town, month) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		db.Close()
		return nil, err
	}
	var after int64
	rows := 0
	for {
		docs, err := svc.AllCases(ctx, after, 1000)
		if err != nil {
			db.Close()
			return nil, err
		}
		if len(docs) == 0 {
			break
		}
		for i := range docs {
			d := &docs[i]
			if _, err := ins.ExecContext(ctx, d.ID, ftsBody(d), d.Category, d.Desk, string(d.Status), d.Town,
				d.CreatedAt.In(cases.ChinaZone).Format("2006-01")); err != nil {
				db.Close()
				return nil, err
			}
		}
		rows += len(docs)
		after = docs[len(docs)-1].ID
	}
	if err := tx.Commit(); err != nil {
		db.Close()
		return nil, err
	}
	db.ExecContext(ctx, `INSERT INTO fts(fts) VALUES ('optimize')`)
	db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	secs := time.Since(start).Seconds()
	fmt.Fprintf(out, "FTS5（trigram）表：%d 行，建表 %.1f 秒（%.0f 件/秒），%s\n", rows, secs, float64(rows)/secs, benchBytes(benchFileSize(path)))
	return db, nil
}

func ftsBody(d *cases.SearchDoc) string {
	var b strings.Builder
	b.WriteString(d.Number + "\n" + d.Title + "\n" + d.Summary + "\n" + d.Claims + "\n" + d.Town + "\n")
	for _, p := range d.Parties {
		b.WriteString(p.Name + " " + p.Phone + " " + p.IDNumber + p.CreditCode + "\n")
	}
	b.WriteString(strings.Join(d.Notes, "\n"))
	return b.String()
}

// ftsSearch asks FTS5 what the search API answers: every typed term (or
// one of its synonyms) must occur; the total and the five facets of all
// matches (one GROUP BY over the facet columns) and the first 20 row ids.
func ftsSearch(ctx context.Context, db *sql.DB, syn search.Synonyms, q string) (int, error) {
	cond, args, ranked := ftsWhere(q, syn.Expand)
	if cond == "" {
		return 0, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT category, desk, status, town, month, COUNT(*) FROM fts WHERE `+cond+
		` GROUP BY category, desk, status, town, month`, args...)
	if err != nil {
		return 0, err
	}
	// The facets are added up as the API would answer them; the benchmark
	// keeps only the total.
	total := 0
	facets := map[string]map[string]int{}
	for rows.Next() {
		var values [5]string
		var n int
		if err := rows.Scan(&values[0], &values[1], &values[2], &values[3], &values[4], &n); err != nil {
			rows.Close()
			return 0, err
		}
		total += n
		for i, name := range []string{"category", "desk", "status", "town", "month"} {
			if facets[name] == nil {
				facets[name] = map[string]int{}
			}
			facets[name][values[i]] += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if _, err := ftsFirstRows(ctx, db, cond, args, ranked); err != nil {
		return 0, err
	}
	return total, nil
}

// ftsFirstPage is FTS5 at its barest: the typed words only, no synonyms,
// nothing counted, the first 20 row ids.
func ftsFirstPage(ctx context.Context, db *sql.DB, q string) (int, error) {
	cond, args, ranked := ftsWhere(q, func(t string) []string { return []string{t} })
	if cond == "" {
		return 0, nil
	}
	return ftsFirstRows(ctx, db, cond, args, ranked)
}

// ftsWhere is the condition that every typed term, spelled one of the ways
// variants answers, occurs. A spelling of three or more characters goes to
// MATCH (the trigram tokenizer answers nothing for shorter ones), a shorter
// one to LIKE '%…%', which FTS5 answers by reading every row. ranked says
// whether the condition has a top-level MATCH, so results can be ordered by
// bm25.
func ftsWhere(q string, variants func(string) []string) (cond string, args []any, ranked bool) {
	var match []string // terms whose every spelling can be MATCHed, ANDed in one MATCH
	var where []string
	for _, t := range ftsTerms(q) {
		var long, short []string
		for _, v := range variants(t) {
			if utf8.RuneCountInString(v) >= 3 {
				long = append(long, ftsPhrase(v))
			} else {
				short = append(short, "%"+v+"%")
			}
		}
		if len(short) == 0 {
			match = append(match, "("+strings.Join(long, " OR ")+")")
			continue
		}
		var or []string
		if len(long) > 0 {
			or = append(or, "rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
			args = append(args, strings.Join(long, " OR "))
		}
		for _, l := range short {
			or = append(or, "body LIKE ?")
			args = append(args, l)
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	if len(match) > 0 {
		where = append([]string{"fts MATCH ?"}, where...)
		args = append([]any{strings.Join(match, " AND ")}, args...)
	}
	return strings.Join(where, " AND "), args, len(match) > 0
}

// ftsFirstRows reads the first 20 row ids meeting cond, by bm25 if ranked.
func ftsFirstRows(ctx context.Context, db *sql.DB, cond string, args []any, ranked bool) (int, error) {
	query := `SELECT rowid FROM fts WHERE ` + cond
	if ranked {
		query += ` ORDER BY rank`
	}
	rows, err := db.QueryContext(ctx, query+` LIMIT 20`, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

func ftsPhrase(t string) string { return `"` + strings.ReplaceAll(t, `"`, `""`) + `"` }

// ftsTerms splits a query as search.splitTerms does.
func ftsTerms(q string) []string {
	var out []string
	for _, f := range strings.Fields(q) {
		if f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// latencyTable prints p50/p95/p99 of bleve and of FTS5 answering the same
// (total, facets, page), and p95 of the bare FTS5 page, over all queries and
// over the queries whose every term FTS5 can MATCH (three characters or
// more) and the rest, and each engine's slowest queries.
func latencyTable(queries []string, bleve, fts, bare [][]time.Duration) string {
	var b strings.Builder
	groups := []struct {
		name string
		keep func(q string) bool
	}{
		{"全部查询", func(string) bool { return true }},
		{"每个词≥3字（FTS5 可用 MATCH）", func(q string) bool { return !ftsShortTerm(q) }},
		{"含2字及以下的词（FTS5 用 LIKE 全表扫描）", ftsShortTerm},
	}
	fmt.Fprintf(&b, "%s %5s | %9s %9s %9s | %9s %9s %9s | %8s | %s\n", benchPad("查询组", 40), "条数", "bleve p50", "p95", "p99",
		"FTS5 p50", "p95", "p99", "比值", "FTS5 仅前20条 p50/p95")
	for _, g := range groups {
		var bl, ft, ba []time.Duration
		count := 0
		for i, q := range queries {
			if g.keep(q) {
				count++
				bl = append(bl, bleve[i]...)
				if fts != nil {
					ft = append(ft, fts[i]...)
					ba = append(ba, bare[i]...)
				}
			}
		}
		if count == 0 {
			continue
		}
		line := fmt.Sprintf("%s %5d | %9s %9s %9s |", benchPad(g.name, 40), count, benchMs(benchPct(bl, 50)), benchMs(benchPct(bl, 95)), benchMs(benchPct(bl, 99)))
		if fts != nil {
			line += fmt.Sprintf(" %9s %9s %9s | %8.2f | %s / %s", benchMs(benchPct(ft, 50)), benchMs(benchPct(ft, 95)), benchMs(benchPct(ft, 99)),
				float64(benchPct(bl, 95))/float64(benchPct(ft, 95)), benchMs(benchPct(ba, 50)), benchMs(benchPct(ba, 95)))
		}
		b.WriteString(line + "\n")
	}
	if fts != nil {
		b.WriteString("（比值 = bleve p95 ÷ FTS5 p95，两者答同样的内容：总数、五个分面、按相关度的第一页、同义词扩展。）\n")
	}
	slowest := func(name string, times [][]time.Duration) {
		idx := make([]int, len(queries))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(x, y int) int { return int(benchPct(times[y], 50) - benchPct(times[x], 50)) })
		var parts []string
		for _, i := range idx[:min(5, len(idx))] {
			parts = append(parts, fmt.Sprintf("%q %s", queries[i], benchMs(benchPct(times[i], 50))))
		}
		fmt.Fprintf(&b, "%s 最慢：%s\n", name, strings.Join(parts, "，"))
	}
	slowest("bleve", bleve)
	if fts != nil {
		slowest("FTS5", fts)
		slowest("FTS5 仅前20条", bare)
	}
	return b.String()
}

// benchPad pads s with spaces to width terminal columns (CJK counts two).
func benchPad(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-displayWidth(s)))
}

func ftsShortTerm(q string) bool {
	for _, t := range ftsTerms(q) {
		if utf8.RuneCountInString(t) < 3 {
			return true
		}
	}
	return false
}

func benchPct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}

func benchMs(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + "ms"
}

func benchDirSize(dir string) int64 {
	var total int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}

func benchFileSize(path string) int64 {
	var total int64
	for _, p := range []string{path, path + "-wal"} {
		if info, err := os.Stat(p); err == nil {
			total += info.Size()
		}
	}
	return total
}

func benchBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
}

// benchMemWatch samples the Go heap and reads the kernel's peak resident set
// (VmHWM, Linux; reset through /proc/self/clear_refs) for each phase.
type benchMemWatch struct {
	heapPeak atomic.Uint64
	done     chan struct{}
}

func startBenchMemWatch() *benchMemWatch {
	m := &benchMemWatch{done: make(chan struct{})}
	go func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-m.done:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				for {
					old := m.heapPeak.Load()
					if ms.HeapInuse <= old || m.heapPeak.CompareAndSwap(old, ms.HeapInuse) {
						break
					}
				}
			}
		}
	}()
	return m
}

func (m *benchMemWatch) stop() { close(m.done) }

func (m *benchMemWatch) reset() {
	runtime.GC()
	m.heapPeak.Store(0)
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM; not on every kernel
}

// peak answers the peak resident set (0 where /proc is missing) and Go heap.
func (m *benchMemWatch) peak() (rss, heap int64) {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				rss = kb << 10
			}
		}
	}
	return rss, int64(m.heapPeak.Load())
}
