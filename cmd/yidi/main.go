// Command yidi runs a county dispute-resolution centre: the web server, its
// database migrations and the administrative commands of docs/api.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/search"
	"yidi/views"
)

const usage = `yidi — 矛盾纠纷调处化解中心案件管理（“最多跑一地”）

Usage:
  yidi serve   [--addr 127.0.0.1:8080] [--data ./data] [--db sqlite|postgres --dsn postgres://…] [--demo] [--warn-share 0.8]
               [--min-free-mb 1024] [--case-messages-per-hour 10] [--case-mb-per-hour 30]
               [--case-total-mb 200] [--address-messages-per-hour 30] [--address-mb-per-hour 100]
               [--backup-every 24h --backup-dir DIR [--keep 14]] [--verify-every 24h]
  yidi migrate [--data DIR]
  yidi user add --username NAME --password PW --role ROLE [--desk DESK_CODE] [--name 显示名] [--data DIR]
  yidi client add --name NAME --scopes intake,read:own[,read:all,act,events] [--expires YYYY-MM-DD] [--data DIR]
                                     a machine client; prints its token alone on the last line (shown once)
  yidi client list [--data DIR]      clients, their scopes and last use
  yidi client revoke NAME [--data DIR]
  yidi backup  --to DIR [--data DIR] [--keep N]   database + attachments + manifest (--to FILE.db: the database alone)
  yidi restore --from DIR --data DIR             into an empty folder; checks the manifest, rebuilds the index
  yidi verify  [--data DIR]                      walk the events' hash chains; exit 1 at the first break
  yidi reindex [--data DIR]          rebuild the search index from the database (server stopped)
  yidi sweep   [--data DIR] [--warn-share 0.8]   write deadline warnings once (serve does it every minute)
  yidi calendar import FILE [--data DIR]        load a year's holidays: lines "YYYY-MM-DD,休|班,名称"
  yidi import cail FILE.json [--data DIR]   CAIL2019 court texts as closed historical cases
  yidi bench similar [--file SCM.jsonl]     CAIL2019-SCM triplet accuracy of the similarity
  yidi bench queries [--cail FILE] [-v]     the judged and court-topic query sets: recall@10, P@5, recall@20
  yidi bench queries --intake DIR [--test DIR]  intake-style sets by kind (a test set: aggregates only)
  yidi vocab mine [--data DIR] [--min-support 5] [--min-score 0.35]  propose related terms from the case texts (an admin accepts them)
  yidi lab vocab [--segment-dict DIR]       regenerate search/thesaurus.txt from segment-dict
  yidi bench search [--cases 100000]        search latency against SQLite FTS5 (build with -tags sqlite_fts5)
  yidi bench load [--url http://127.0.0.1:8080[,http://node2…]] [--conns 100] [--duration 60s] [--mix 20,40,20,20]
                                            a mixed load (intake, search, case, timeline) on a running server: req/s, errors, p50–p99, max

Every command that opens the database also takes [--db sqlite|postgres --dsn postgres://…].
--data also comes from YIDI_DATA, --addr from YIDI_ADDR, --db from YIDI_DB, --dsn from YIDI_DSN.
Roles: admin, intake, handler (with --desk), leader.
Desks: petition 信访, mediation 人民调解, litigation 诉讼服务, governance 综治 (more are added by an admin).
`

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, "yidi:", err)
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "yidi:", describe(err))
		os.Exit(1)
	}
}

type usageError string

func (e usageError) Error() string { return string(e) }

// describe prefers the domain's own message, which names the bad field.
func describe(err error) string {
	if e := cases.ErrorOf(err); e != nil {
		if e.Field != "" {
			return fmt.Sprintf("%s（%s）", e.Message, e.Field)
		}
		return e.Message
	}
	return err.Error()
}

type command func(ctx context.Context, args []string, out io.Writer) error

// commands are those that take their flags straight after the name, and
// the groups of subcommands.
var commands = map[string]command{
	"serve": serve, "migrate": migrate, "backup": backup, "restore": restore,
	"verify": verify, "reindex": reindex, "sweep": sweep,
	// One subcommand each, named so that more may come.
	"user":     group("user", sub{"add", userAdd}),
	"calendar": group("calendar", sub{"import", calendarImport}),
	"import":   group("import", sub{"cail", importCommand}),
	"lab":      group("lab", sub{"vocab", labVocab}),
	"vocab":    group("vocab", sub{"mine", vocabMine}),
	"bench":    group("bench", sub{"similar", benchSimilar}, sub{"queries", benchQueries}, sub{"search", benchSearch}, sub{"load", benchLoad}),
	"client":   group("client", sub{"add", clientAdd}, sub{"list", clientList}, sub{"revoke", clientRevoke}),
}

// sub is one subcommand of a group.
type sub struct {
	name string
	run  command
}

// group is a command that passes its arguments on to the subcommand
// named first.
func group(name string, subs ...sub) command {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.name
	}
	missing := fmt.Sprintf("%s takes a subcommand: %s or %s", name, strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
	if len(subs) == 1 {
		missing = fmt.Sprintf("%s takes the subcommand %s", name, subs[0].name)
	}
	return func(ctx context.Context, args []string, out io.Writer) error {
		if len(args) == 0 {
			return usageError(missing)
		}
		for _, s := range subs {
			if s.name == args[0] {
				return s.run(ctx, args[1:], out)
			}
		}
		if len(subs) == 1 {
			return usageError(missing)
		}
		return usageError(fmt.Sprintf("unknown %s subcommand %q", name, args[0]))
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError("no command given")
	}
	if cmd, ok := commands[args[0]]; ok {
		return cmd(ctx, args[1:], out)
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(out, usage)
		return nil
	}
	return usageError(fmt.Sprintf("unknown command %q", args[0]))
}

// parseFile reads the file at path through parse.
func parseFile[T any](path string, parse func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return parse(f)
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

// cmdFlags is a command's flag set with the data folder and the --db and
// --dsn flags every command shares.
type cmdFlags struct {
	*flag.FlagSet
	data *string
}

func newFlags(name string) cmdFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	data := fs.String("data", envOr("YIDI_DATA", "./data"), "data folder")
	fs.String("db", envOr("YIDI_DB", cases.EngineSQLite), "database: sqlite (embedded, in the data folder) or postgres (needs --dsn)")
	fs.String("dsn", envOr("YIDI_DSN", ""), "PostgreSQL connection string (postgres://user@host/db), with --db postgres")
	return cmdFlags{fs, data}
}

// database is where the command's store lives: the data folder and the
// --db and --dsn that newFlags registered.
func (fs cmdFlags) database() cases.Database {
	return cases.Database{Dir: *fs.data, Engine: fs.Lookup("db").Value.String(), DSN: fs.Lookup("dsn").Value.String()}
}

// parse reads args as flags; an argument left over is a usage error.
func (fs cmdFlags) parse(args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	return nil
}

// withStore opens the store the flags name for job and closes it after.
func (fs cmdFlags) withStore(ctx context.Context, job func(store *cases.Store) error) error {
	store, err := cases.OpenDatabase(ctx, fs.database())
	if err != nil {
		return err
	}
	defer store.Close()
	return job(store)
}

// scratch makes a fresh folder inside the data folder for a throw-away
// store (the benchmarks'): --data must never name a real store to them.
// The caller removes it.
func (fs cmdFlags) scratch(prefix string) (string, error) {
	if err := os.MkdirAll(*fs.data, 0o750); err != nil {
		return "", err
	}
	return os.MkdirTemp(*fs.data, prefix)
}

// work is what a command does once its arguments are read.
type work func(ctx context.Context, out io.Writer) error

// flagCommand is a command that takes only flags: declare registers the
// command's own on fs and returns its work, which runs once every
// argument has been parsed (a stray one is refused, the same for all).
func flagCommand(name string, declare func(fs cmdFlags) work) command {
	return func(ctx context.Context, args []string, out io.Writer) error {
		fs := newFlags(name)
		w := declare(fs)
		if err := fs.parse(args); err != nil {
			return err
		}
		return w(ctx, out)
	}
}

var serve = flagCommand("serve", func(fs cmdFlags) work {
	addr := fs.String("addr", envOr("YIDI_ADDR", "127.0.0.1:8080"), "listen address")
	publicURL := fs.String("public-url", envOr("YIDI_PUBLIC_URL", ""), "base URL citizens use (QR code on receipts); default: the request's host")
	secure := fs.Bool("secure-cookies", false, "mark session cookies Secure (serving behind TLS)")
	demo := fs.Bool("demo", false, "seed demo users and ~60 demo cases into an empty database")
	share := fs.Float64("warn-share", cases.DefaultWarnShare, "share of a time limit used at which a case turns yellow")
	minFree := fs.Int64("min-free-mb", cases.DefaultMinFreeBytes>>20, "refuse uploads and online applications below this many MiB free on the data folder's filesystem (0: never)")
	caseMessages := fs.Int("case-messages-per-hour", cases.DefaultMessagesPerHour, "citizen messages accepted per case per hour")
	caseMB := fs.Int64("case-mb-per-hour", cases.DefaultBytesPerHour>>20, "MiB of citizens' files accepted per case per hour")
	caseTotalMB := fs.Int64("case-total-mb", cases.DefaultTotalBytes>>20, "MiB of citizens' files accepted per case in all")
	addrMessages := fs.Int("address-messages-per-hour", 30, "citizen messages accepted per address per hour")
	addrMB := fs.Int64("address-mb-per-hour", 100, "MiB of citizens' files accepted per address per hour")
	backupEvery := fs.Duration("backup-every", 0, "make a backup this often (0: never); needs --backup-dir")
	backupDir := fs.String("backup-dir", "", "folder of the scheduled backups")
	keep := fs.Int("keep", 14, "scheduled backups kept (the oldest are removed)")
	verifyEvery := fs.Duration("verify-every", 0, "walk the events' hash chains this often (0: never)")
	trustedProxies := fs.String("trusted-proxies", envOr("YIDI_TRUSTED_PROXIES", ""), "comma-separated addresses/CIDRs of reverse proxies whose X-Forwarded-For names the client")
	corsOrigins := fs.String("cors-origins", envOr("YIDI_CORS_ORIGINS", ""), "comma-separated origins (https://host[:port]) allowed to call /api from a browser")
	return func(ctx context.Context, out io.Writer) error {
		proxies, err := views.ParseCIDRs(*trustedProxies)
		if err != nil {
			return usageError("--trusted-proxies: " + err.Error())
		}
		origins, err := views.ParseOrigins(*corsOrigins)
		if err != nil {
			return usageError("--cors-origins: " + err.Error())
		}
		if *backupEvery < 0 || *verifyEvery < 0 || *keep < 1 {
			return usageError("--backup-every and --verify-every may not be negative, --keep must be at least 1")
		}
		if *backupEvery > 0 && *backupDir == "" {
			return usageError("--backup-every needs --backup-dir")
		}
		if *share <= 0 || *share >= 1 {
			return usageError("--warn-share must be between 0 and 1")
		}
		if *minFree < 0 || *caseMessages <= 0 || *caseMB <= 0 || *caseTotalMB <= 0 || *addrMessages <= 0 || *addrMB <= 0 {
			return usageError("the quota flags must be positive (--min-free-mb may be 0)")
		}
		where := fs.database()
		if where.Engine != cases.EngineSQLite && where.Engine != cases.EnginePostgres {
			return usageError("--db must be sqlite or postgres")
		}
		if where.Engine == cases.EnginePostgres && where.DSN == "" {
			return usageError("--db postgres needs --dsn (or YIDI_DSN)")
		}
		ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
		defer stop()

		store, err := cases.OpenDatabase(ctx, where)
		if err != nil {
			return err
		}
		defer store.Close()
		svc := cases.NewService(store)
		// Before the demo data: its rules (closing as resolved needs an
		// agreement) hold for every write.
		med := mediation.New(svc)
		svc.SetWarnShare(*share)
		if *minFree == 0 {
			svc.SetMinFreeBytes(-1)
		} else {
			svc.SetMinFreeBytes(*minFree << 20)
		}
		if *demo {
			if err := seedDemo(ctx, svc, med, out); err != nil {
				return fmt.Errorf("demo data: %w", err)
			}
		}
		if n, err := svc.UserCount(ctx); err == nil && n == 0 {
			fmt.Fprintf(out, "数据库中还没有用户。创建第一个管理员：\n  yidi user add --data %s --username admin --password '至少8位密码' --role admin --name 管理员\n", *fs.data)
		}

		index, err := openIndex(ctx, svc, *fs.data)
		if err != nil {
			return err
		}
		defer index.Close()
		// The follower indexes in the background; intakes only wake it.
		followCtx, stopFollowing := context.WithCancel(context.Background())
		follower := index.Follow(followCtx, svc)
		svc.OnCommit(follower.Wake)

		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			stopFollowing()
			return fmt.Errorf("unable to listen on %s: %w", *addr, err)
		}
		app := views.New(svc, views.Options{Index: index, PublicURL: *publicURL, SecureCookies: *secure, Med: med,
			AddressMessages: *addrMessages, AddressBytes: *addrMB << 20,
			TrustedProxies: proxies, CORSOrigins: origins, AccessLog: os.Stdout,
			CaseQuota: cases.Quota{MessagesPerHour: *caseMessages, BytesPerHour: *caseMB << 20, TotalBytes: *caseTotalMB << 20}})
		// The background loops end with ctx; the database closes only after
		// they have: a connection still held keeps SQLite from checkpointing.
		var loops sync.WaitGroup
		defer loops.Wait()
		background := func(run func()) {
			loops.Add(1)
			go func() { defer loops.Done(); run() }()
		}
		background(func() { forgetSealedCodes(ctx, svc) })
		background(func() { sweepEveryMinute(ctx, svc) })
		if *backupEvery > 0 {
			background(func() { backupEveryInterval(ctx, store, *backupDir, *keep, *backupEvery) })
		}
		if *verifyEvery > 0 {
			background(func() { verifyEveryInterval(ctx, svc, *verifyEvery) })
		}
		// Text messages to citizens; LogSender until an SMS gateway is plugged in.
		background(func() { svc.RunOutbox(ctx, cases.LogSender{}, 5*time.Second) })
		// Webhook subscriptions (issue 17), from the same kind of outbox.
		background(func() { svc.RunWebhooks(ctx, cases.WebhookClient(), 5*time.Second) })
		served := make(chan error, 1)
		go func() { served <- app.Listener(ln) }()
		fmt.Fprintf(out, "yidi 已启动：http://%s/ （数据目录 %s）\n", ln.Addr(), *fs.data)

		select {
		case err := <-served:
			stop() // ends the background loops
			stopFollowing()
			<-follower.Done()
			return err
		case <-ctx.Done():
		}
		// Order matters: in-flight requests finish, the indexer drains, then the
		// deferred closes run: the index, and the database (checkpointing the WAL).
		slog.Info("shutting down")
		shutdownErr := app.ShutdownWithTimeout(15 * time.Second)
		stopFollowing()
		<-follower.Done()
		if shutdownErr != nil {
			return fmt.Errorf("shutdown: %w", shutdownErr)
		}
		return <-served
	}
})

// openIndex opens (or rebuilds) the search index beside the database and
// loads the synonym list; the follower then catches up in the background.
func openIndex(ctx context.Context, svc *cases.Service, data string) (*search.Index, error) {
	index, err := search.Open(filepath.Join(data, "index"))
	if err != nil {
		return nil, err
	}
	if err := index.LoadSynonyms(ctx, svc); err != nil {
		index.Close()
		return nil, err
	}
	if err := index.LoadRelatedTerms(ctx, svc); err != nil {
		index.Close()
		return nil, err
	}
	return index, nil
}

var reindex = flagCommand("reindex", func(fs cmdFlags) work {
	return func(ctx context.Context, out io.Writer) error {
		return fs.withStore(ctx, func(store *cases.Store) error {
			svc := cases.NewService(store)
			total, err := svc.CaseCount(ctx)
			if err != nil {
				return err
			}
			bar := newProgress(out, total, "重建索引")
			last := 0
			err = search.Rebuild(ctx, svc, filepath.Join(*fs.data, "index"), func(done int) {
				bar.Add(done - last)
				last = done
			})
			bar.Finish()
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "已重建索引：%d 件案件，用时 %.1f 秒（%.0f 件/秒）\n", total, bar.Elapsed().Seconds(), bar.Rate())
			return nil
		})
	}
})

// forgetSealedCodes keeps idempotency replays from holding query codes past their window.
func forgetSealedCodes(ctx context.Context, svc *cases.Service) {
	every(ctx, time.Hour, "forgetting sealed query codes", true, func() {
		if err := svc.ForgetSealedCodes(ctx); err != nil && ctx.Err() == nil {
			slog.Error("forgetting sealed query codes", "err", err)
		}
	})
}

// withStore opens the store for the length of job.
var migrate = flagCommand("migrate", func(fs cmdFlags) work {
	return func(ctx context.Context, out io.Writer) error {
		// Open applies what is pending; a second run finds nothing to do.
		return fs.withStore(ctx, func(store *cases.Store) error {
			if applied := store.Applied(); len(applied) > 0 {
				fmt.Fprintf(out, "已执行迁移：%s\n", strings.Join(applied, ", "))
			}
			fmt.Fprintf(out, "数据库已是最新结构（%s）\n", *fs.data)
			return nil
		})
	}
})

// flagError words a rule's error about a field as one about its flag.
func flagError(err error) error {
	if e := cases.ErrorOf(err); e != nil && e.Field != "" {
		// The rule speaks of the field; on the command line it is a flag.
		return fmt.Errorf("%s（--%s）", e.Message, e.Field)
	}
	return err
}

var userAdd = flagCommand("user add", func(fs cmdFlags) work {
	var in cases.UserInput
	var role string
	fs.StringVar(&in.Username, "username", "", "login name")
	fs.StringVar(&in.Password, "password", "", "password (at least 8 characters)")
	fs.StringVar(&role, "role", "", "admin, intake, handler or leader")
	fs.StringVar(&in.Desk, "desk", "", "desk code (handlers only)")
	fs.StringVar(&in.Name, "name", "", "display name")
	return func(ctx context.Context, out io.Writer) error {
		in.Role = cases.Role(role)
		return fs.withStore(ctx, func(store *cases.Store) error {
			u, err := cases.NewService(store).CreateUser(ctx, cases.SystemActor, in)
			if err != nil {
				return flagError(err)
			}
			desk := ""
			if u.Desk != "" {
				desk = "，窗口 " + u.Desk
			}
			fmt.Fprintf(out, "已创建用户 %s（%s，角色 %s%s）\n", u.Username, u.Name, u.Role, desk)
			return nil
		})
	}
})
