package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"yidi/cmd/yidi/lab"
)

// benchQueries runs the judged query sets (yidi bench queries). The CAIL2019
// file is imported by the very code of `yidi import cail` into a fresh store
// in a temporary folder, indexed, and every judged query is searched as a
// leader; it prints recall@10, P@5, recall@20 and each query that missed,
// for the judged set and then the court-topic set. With --intake
// (a tuning set) and --test (a held-out set) the intake-style sets are
// registered through the intake path and their figures printed by kind,
// side by side; a test set's queries are never printed one by one.
var benchQueries = flagCommand("bench queries", func(fs cmdFlags) work {
	cail := fs.String("cail", filepath.Join("..", "shared", "data", "cail2019-rc-dev.json"), "CAIL2019 reading-comprehension file")
	queries := fs.String("queries", filepath.Join("cmd", "yidi", "lab", "testdata", "queries.json"), "judged query set")
	court := fs.String("court", filepath.Join("cmd", "yidi", "lab", "testdata", "court-topics.json"), "court-topic query set over the same texts (\"\" to skip)")
	intake := fs.String("intake", "", "intake-style tuning set folder (records.jsonl, queries.json), e.g. cmd/yidi/lab/testdata/tuning-intake")
	test := fs.String("test", "", "intake-style held-out TEST set folder: only aggregate figures are printed")
	verbose := fs.Bool("v", false, "print every query, not only those that missed (never for a test set)")
	return func(ctx context.Context, out io.Writer) error {
		// --data names where the throw-away store is made; it must not be a
		// real one, so a fresh folder is always made inside it.
		dir, err := fs.scratch("bench-queries-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if *intake != "" || *test != "" {
			var sets []*lab.IntakeSet
			for _, s := range []struct {
				dir  string
				test bool
			}{{*intake, false}, {*test, true}} {
				if s.dir == "" {
					continue
				}
				set, err := lab.LoadIntakeSet(s.dir, s.test)
				if err != nil {
					return err
				}
				sets = append(sets, set)
			}
			reps, err := lab.IntakeRun{Dir: dir, Sets: sets}.Run(ctx)
			if err != nil {
				return err
			}
			lab.PrintIntakeReports(out, reps, *verbose)
			return nil
		}
		raw, err := os.ReadFile(*cail)
		if err != nil {
			return fmt.Errorf("无法读取 %s：%w", *cail, err)
		}
		corpus, err := lab.ParseCAIL(raw)
		if err != nil {
			return fmt.Errorf("%s %w", *cail, err)
		}
		for i, path := range []string{*queries, *court} {
			if path == "" {
				continue
			}
			set, err := lab.LoadJudged(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "== %s: 导入 %d 篇文书并建立索引……\n", path, len(corpus))
			sub := filepath.Join(dir, fmt.Sprint(i))
			if err := os.Mkdir(sub, 0o750); err != nil {
				return err
			}
			rep, err := lab.JudgedRun{Dir: sub, Corpus: corpus, Queries: set}.Run(ctx)
			if err != nil {
				return err
			}
			rep.Print(out, *verbose)
			fmt.Fprintln(out)
		}
		return nil
	}
})
