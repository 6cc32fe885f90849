package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"yidi/cases"
)

// sweepEveryMinute writes deadline warnings in the background of serve.
// Several servers over one database may all run it: each crossing is
// claimed once (cases/sweep.go).
func sweepEveryMinute(ctx context.Context, svc *cases.Service) {
	every(ctx, time.Minute, "deadline sweep", true, func() {
		if res, err := svc.SweepWarnings(ctx, time.Now()); err != nil && ctx.Err() == nil {
			slog.Error("deadline warning sweep", "err", err)
		} else if res.Yellow+res.Red > 0 {
			slog.Info("deadline warnings", "yellow", res.Yellow, "red", res.Red)
		}
	})
}

var sweep = flagCommand("sweep", func(fs cmdFlags) work {
	share := fs.Float64("warn-share", cases.DefaultWarnShare, "share of a time limit used at which a case turns yellow")
	return func(ctx context.Context, out io.Writer) error {
		if *share <= 0 || *share >= 1 {
			return usageError("--warn-share must be between 0 and 1")
		}
		return fs.withStore(ctx, func(store *cases.Store) error {
			svc := cases.NewService(store)
			svc.SetWarnShare(*share)
			res, err := svc.SweepWarnings(ctx, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "时限预警：新增黄色预警 %d 件，超期红色预警 %d 件\n", res.Yellow, res.Red)
			return nil
		})
	}
})

// calendarImport loads a year's holidays and make-up working days.
func calendarImport(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("calendar import")
	var file string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	if err := fs.parse(args); err != nil {
		return err
	}
	if file == "" {
		return usageError("calendar import needs a FILE")
	}
	days, err := parseFile(file, cases.ParseCalendarFile)
	if err != nil {
		return err
	}
	return fs.withStore(ctx, func(store *cases.Store) error {
		if err := cases.NewService(store).SetCalendarDays(ctx, cases.SystemActor, days); err != nil {
			return err
		}
		holidays := 0
		for _, d := range days {
			if !d.Working {
				holidays++
			}
		}
		fmt.Fprintf(out, "已导入 %d 天：放假 %d 天，调休上班 %d 天\n", len(days), holidays, len(days)-holidays)
		return nil
	})
}
