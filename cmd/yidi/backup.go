package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"yidi/cases"
	"yidi/search"
)

// backup writes a backup folder (database, attachments, manifest; see
// cases/backup.go), or with --to FILE.db the database alone as before.
var backup = flagCommand("backup", func(fs cmdFlags) work {
	to := fs.String("to", "", "backup folder (FILE.db: the database alone)")
	keep := fs.Int("keep", 0, "keep only the newest N backups in the folder (0: all)")
	return func(ctx context.Context, out io.Writer) error {
		if *to == "" {
			return usageError("backup needs --to DIR")
		}
		if *keep < 0 {
			return usageError("--keep may not be negative")
		}
		return fs.withStore(ctx, func(store *cases.Store) error {
			if strings.HasSuffix(*to, ".db") {
				if err := store.Backup(ctx, *to); err != nil {
					return err
				}
				fmt.Fprintf(out, "已备份数据库到 %s（仅数据库，不含附件；备份附件请用 --to 目录）\n", *to)
				return nil
			}
			res, err := store.BackupTo(ctx, *to, *keep)
			if err != nil {
				return err
			}
			m := res.Manifest
			fmt.Fprintf(out, "已备份到 %s：%d 件案件，%d 条事件，%d 个附件（新复制 %d 个文件）\n",
				res.Dir, m.Counts.Cases, m.Counts.Events, m.Counts.Attachments, res.Copied)
			if res.Pruned > 0 {
				fmt.Fprintf(out, "已删除 %d 份较早的备份\n", res.Pruned)
			}
			return nil
		})
	}
})

// restore copies a backup into an empty data folder, checks it against the
// manifest, applies newer migrations, rebuilds the search index and walks
// the event chains.
var restore = flagCommand("restore", func(fs cmdFlags) work {
	from := fs.String("from", "", "backup folder, or one backup's subfolder")
	return func(ctx context.Context, out io.Writer) error {
		if *from == "" {
			return usageError("restore needs --from DIR")
		}
		m, err := cases.Restore(*from, *fs.data)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "已恢复 %s 的备份：数据库与 %d 个附件文件均与清单一致\n", m.CreatedAt.Local().Format(time.DateTime), m.Counts.Files)
		return fs.withStore(ctx, func(store *cases.Store) error {
			svc := cases.NewService(store)
			if err := search.Rebuild(ctx, svc, filepath.Join(*fs.data, "index"), nil); err != nil {
				return fmt.Errorf("restore: unable to rebuild the search index: %w", err)
			}
			fmt.Fprintf(out, "已重建索引：%d 件案件\n", m.Counts.Cases)
			return reportVerification(ctx, svc, out)
		})
	}
})

// verify walks the events' hash chains and records the result for /healthz.
var verify = flagCommand("verify", func(fs cmdFlags) work {
	return func(ctx context.Context, out io.Writer) error {
		// Opening would create an empty database, which verifies trivially.
		if _, err := os.Stat(filepath.Join(*fs.data, cases.DBFile)); err != nil && fs.database().Engine != cases.EnginePostgres {
			return fmt.Errorf("%s 中没有数据库：%w", *fs.data, err)
		}
		return fs.withStore(ctx, func(store *cases.Store) error {
			return reportVerification(ctx, cases.NewService(store), out)
		})
	}
})

func reportVerification(ctx context.Context, svc *cases.Service, out io.Writer) error {
	res, err := svc.VerifyChains(ctx)
	if err != nil {
		return err
	}
	if !res.OK {
		return fmt.Errorf("历史记录校验失败：案件 %s，事件 seq %d（%s链）：%s", res.CaseNumber, res.Seq, chainName(res.Chain), res.Message)
	}
	fmt.Fprintf(out, "历史记录校验通过：%d 条事件，%d 件案件，全局链与各案件链均完整\n", res.Events, res.Cases)
	return nil
}

func chainName(c string) string {
	if c == "case" {
		return "案件"
	}
	return "全局"
}

// backupEveryInterval makes a backup each interval (the first one interval
// after start, so restarts do not pile backups up).
func backupEveryInterval(ctx context.Context, store *cases.Store, dir string, keep int, interval time.Duration) {
	every(ctx, interval, "scheduled backup", false, func() {
		res, err := store.BackupTo(ctx, dir, keep)
		if err != nil {
			if ctx.Err() == nil {
				slog.Error("scheduled backup failed", "dir", dir, "err", err)
			}
			return
		}
		slog.Info("backup written", "dir", res.Dir, "cases", res.Manifest.Counts.Cases,
			"events", res.Manifest.Counts.Events, "files_copied", res.Copied, "pruned", res.Pruned)
	})
}

// verifyEveryInterval walks the event chains each interval; the result is
// recorded for /healthz, and a break is logged as an error.
func verifyEveryInterval(ctx context.Context, svc *cases.Service, interval time.Duration) {
	every(ctx, interval, "scheduled verification", false, func() {
		res, err := svc.VerifyChains(ctx)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				slog.Error("verification failed to run", "err", err)
			}
		case !res.OK:
			slog.Error("event history tampered with", "case", res.CaseNumber, "seq", res.Seq, "chain", res.Chain)
		}
	})
}

// every runs job once per interval until ctx ends, and at once as well when
// atStart. A panic in one run is logged under what and the next run comes as
// usual: background work must not take the server down.
func every(ctx context.Context, interval time.Duration, what string, atStart bool, job func()) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	run := func() {
		defer cases.Recover(what)
		job()
	}
	if atStart {
		run()
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		run()
	}
}
