package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
	"yidi/cmd/yidi/lab"
)

// benchSimilar runs the CAIL2019-SCM triplets through the related-case
// similarity: for each line B should read more like A than C does.
var benchSimilar = flagCommand("bench similar", func(fs cmdFlags) work {
	file := fs.String("file", "../shared/data/cail2019-scm-dev.jsonl", "CAIL2019-SCM triplets, one JSON object {A,B,C} a line")
	return func(ctx context.Context, out io.Writer) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		start := time.Now()
		acc, n, err := lab.EvaluateSCM(*file)
		if err != nil {
			return fmt.Errorf("bench similar: %w", err)
		}
		fmt.Fprintf(out, "SCM accuracy, pairwise cosine: %.3f (%d triplets, %s)\n", acc, n, time.Since(start).Round(time.Millisecond))
		dir, err := fs.scratch("bench-similar-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		rep, err := lab.EvaluateSCMServed(ctx, dir, *file)
		if err != nil {
			return fmt.Errorf("bench similar: %w", err)
		}
		fmt.Fprintf(out, "SCM through /related (%d cases registered in %s, top %d, ties ½; asked in %s):\n",
			rep.Cases, rep.Imported.Round(time.Millisecond), rep.Limit, rep.Asked.Round(time.Millisecond))
		for _, p := range rep.Parts {
			fmt.Fprintf(out, "  %-7s %3d triplets  accuracy %.3f  (neither listed %d, one listed %d; pairwise cosine %.3f)\n",
				p.Name, p.N, p.Accuracy, p.Ties, p.OneOnly, p.Pairwise)
		}
		return nil
	}
})
