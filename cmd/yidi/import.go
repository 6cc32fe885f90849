// yidi import cail FILE: the CAIL2019 reading-comprehension court texts
// (cail2019-rc, https://github.com/china-ai-law-challenge/CAIL2019) brought
// in as closed historical cases, so that search and related-case detection
// have a past to find. Importing the same file again adds nothing.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"yidi/cases"
	"yidi/cmd/yidi/lab"
)

// importCommand is yidi import cail; args are what follows "cail".
func importCommand(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("import cail")
	// The file may come before or after the flags.
	var file string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		if fs.NArg() == 0 {
			break
		}
		if file != "" {
			return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
		}
		file, rest = fs.Arg(0), fs.Args()[1:]
	}
	if file == "" {
		return usageError("import cail needs the FILE to read")
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("无法读取 %s：%w", file, err)
	}
	hs, err := lab.ParseCAIL(raw)
	if err != nil {
		return fmt.Errorf("%s %w", file, err)
	}
	if len(hs) == 0 {
		return fmt.Errorf("%s 中没有可导入的文书（data[].paragraphs[] 为空）", file)
	}

	return fs.withStore(ctx, func(store *cases.Store) error {
		svc := cases.NewService(store)
		sum, err := importHistorical(ctx, svc, hs, out)
		if err != nil {
			return err
		}
		return sum.print(ctx, svc, out)
	})
}

// importSummary counts what an import did.
type importSummary struct {
	Imported, Skipped, Failed int
	Categories                map[string]int // of every case in the file, new or not
	Failures                  []string       // the first few, for the operator
	Elapsed                   time.Duration
	Rate                      float64 // cases handled per second
}

const maxFailuresShown = 5

// importHistorical imports each case in its own transaction, so that an
// interrupted import keeps what it did and a rerun continues.
func importHistorical(ctx context.Context, svc *cases.Service, hs []cases.HistoricalCase, out io.Writer) (*importSummary, error) {
	sum := &importSummary{Categories: map[string]int{}}
	bar := newProgress(out, len(hs), "导入历史案件")
	for _, h := range hs {
		if err := ctx.Err(); err != nil {
			bar.Finish()
			return nil, err
		}
		_, created, err := svc.ImportHistorical(ctx, cases.SystemActor, h)
		switch e := cases.ErrorOf(err); {
		case err == nil && created:
			sum.Imported++
		case err == nil:
			sum.Skipped++
		case e != nil && e.Kind == cases.KindInvalid:
			// One bad document does not stop the others.
			sum.Failed++
			if len(sum.Failures) < maxFailuresShown {
				sum.Failures = append(sum.Failures, fmt.Sprintf("%s：%s（%s）", h.Ref, e.Message, e.Field))
			}
		default:
			bar.Finish()
			return nil, fmt.Errorf("%s：%w", h.Ref, err)
		}
		if err == nil {
			sum.Categories[h.Category]++
		}
		bar.Add(1)
	}
	bar.Finish()
	sum.Elapsed, sum.Rate = bar.Elapsed(), bar.Rate()
	return sum, nil
}

func (s *importSummary) print(ctx context.Context, svc *cases.Service, out io.Writer) error {
	fmt.Fprintf(out, "导入完成：新增 %d 件，已存在跳过 %d 件", s.Imported, s.Skipped)
	if s.Failed > 0 {
		fmt.Fprintf(out, "，无法导入 %d 件", s.Failed)
	}
	fmt.Fprintf(out, "；用时 %.1f 秒，%.0f 件/秒\n", s.Elapsed.Seconds(), s.Rate)
	for _, f := range s.Failures {
		fmt.Fprintf(out, "  无法导入 %s\n", f)
	}
	cats, err := svc.Categories(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "按纠纷类别：")
	for _, c := range cats {
		if n := s.Categories[c.Code]; n > 0 {
			fmt.Fprintf(out, "  %-18s %s %5d\n", c.Code, padWidth(c.Name, 16), n)
		}
	}
	return nil
}

// padWidth pads s with spaces to width terminal columns.
func padWidth(s string, width int) string {
	return s + strings.Repeat(" ", max(width-displayWidth(s), 0))
}
