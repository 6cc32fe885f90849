package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"yidi/cases"
)

// yidi client add|list|revoke: machine clients (cases/clients.go) from the
// command line, as an admin would make them on the admin page.

// clientAdd prints the token alone on its last line, so a script can take
// it with tail -n 1; it is shown this once.
var clientAdd = flagCommand("client add", func(fs cmdFlags) work {
	name := fs.String("name", "", "the client's name, e.g. 12345热线")
	scopes := fs.String("scopes", "", "comma-separated: "+strings.Join(cases.AllScopes, ","))
	expires := fs.String("expires", "", "last day the token works (YYYY-MM-DD); none: until revoked")
	return func(ctx context.Context, out io.Writer) error {
		in := cases.ClientInput{Name: *name}
		for _, s := range strings.Split(*scopes, ",") {
			if s = strings.TrimSpace(s); s != "" {
				in.Scopes = append(in.Scopes, s)
			}
		}
		if *expires != "" {
			day, err := cases.ParseDay("expires", *expires)
			if err != nil {
				return flagError(err)
			}
			end := cases.EndOfDay(day)
			in.ExpiresAt = &end
		}
		return fs.withStore(ctx, func(store *cases.Store) error {
			c, err := cases.NewService(store).CreateClient(ctx, cases.SystemActor, in)
			if err != nil {
				return flagError(err)
			}
			fmt.Fprintf(out, "已创建接入系统 %s（权限 %s）。令牌只显示这一次，请妥善保存：\n%s\n", c.Name, strings.Join(c.Scopes, ","), c.Token)
			return nil
		})
	}
})

var clientList = flagCommand("client list", func(fs cmdFlags) work {
	return func(ctx context.Context, out io.Writer) error {
		return fs.withStore(ctx, func(store *cases.Store) error {
			list, err := cases.NewService(store).Clients(ctx, cases.SystemActor)
			if err != nil {
				return err
			}
			day := func(t *time.Time, none string) string {
				if t == nil {
					return none
				}
				return cases.ChinaTime(*t).Format("2006-01-02 15:04")
			}
			fmt.Fprintln(out, "名称\t权限\t创建\t到期\t最近使用\t状态")
			for _, c := range list {
				state := "有效"
				if c.RevokedAt != nil {
					state = "已吊销 " + day(c.RevokedAt, "")
				}
				fmt.Fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, strings.Join(c.Scopes, ","),
					day(&c.CreatedAt, ""), day(c.ExpiresAt, "长期"), day(c.LastUsedAt, "从未"), state)
			}
			return nil
		})
	}
})

func clientRevoke(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usageError("client revoke takes the client's name")
	}
	name := args[0]
	fs := newFlags("client revoke")
	if err := fs.parse(args[1:]); err != nil {
		return err
	}
	return fs.withStore(ctx, func(store *cases.Store) error {
		if err := cases.NewService(store).RevokeClient(ctx, cases.SystemActor, 0, name); err != nil {
			return err
		}
		fmt.Fprintf(out, "已吊销接入系统 %s 的令牌\n", name)
		return nil
	})
}
