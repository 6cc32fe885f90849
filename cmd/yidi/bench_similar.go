package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
	"yidi/cmd/yidi/lab"
)

// benchSimilar runs the CAIL2019-SCM triplets through the related-case
// similarity: for each line B should read more like A than C does.
func benchSimilar(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench similar", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	file := fs.String("file", "../shared/data/cail2019-scm-dev.jsonl", "CAIL2019-SCM triplets, one JSON object {A,B,C} a line")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	start := time.Now()
	acc, n, err := lab.EvaluateSCM(*file)
	if err != nil {
		return fmt.Errorf("bench similar: %w", err)
	}
	fmt.Fprintf(out, "SCM accuracy: %.3f (%d triplets, %s)\n", acc, n, time.Since(start).Round(time.Millisecond))
	return nil
}
