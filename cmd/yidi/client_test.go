package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"yidi/cases"
)

// yidi client add prints the token alone on its last line; it works until
// yidi client revoke, and yidi client list shows the client without it.
func TestClientCommands(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append(args, "--data", data), &out)
		return out.String(), err
	}
	out, err := cli("client", "add", "--name", "12345热线", "--scopes", "intake,read:own")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]
	if !strings.HasPrefix(token, cases.ClientTokenPrefix) || strings.ContainsAny(token, " \t") {
		t.Fatalf("the last line is not the token alone: %q", out)
	}
	actor := func() error {
		store, err := cases.Open(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		a, err := cases.NewService(store).ActorForToken(ctx, token)
		if err == nil && (a.Name != "12345热线" || strings.Join(a.Scopes, ",") != "intake,read:own") {
			t.Fatalf("the token acts as %+v", a)
		}
		return err
	}
	if err := actor(); err != nil {
		t.Fatalf("the new token does not work: %v", err)
	}
	if out, err := cli("client", "list"); err != nil || !strings.Contains(out, "12345热线\tintake,read:own") || strings.Contains(out, token) {
		t.Fatalf("list: %v %q", err, out)
	}
	if _, err := cli("client", "add", "--name", "12345热线", "--scopes", "intake"); err == nil {
		t.Fatal("a second client of the same name was made")
	}
	if _, err := cli("client", "add", "--name", "x", "--scopes", "everything"); err == nil || !strings.Contains(err.Error(), "--scopes") {
		t.Fatalf("an unknown scope: %v", err)
	}
	if _, err := cli("client", "revoke", "12345热线"); err != nil {
		t.Fatal(err)
	}
	if err := actor(); err == nil {
		t.Fatal("a revoked token still works")
	}
	if out, _ := cli("client", "list"); !strings.Contains(out, "已吊销") {
		t.Fatalf("list after revoking: %q", out)
	}
	if _, err := cli("client", "revoke", "12345热线"); err == nil {
		t.Fatal("revoking twice succeeded")
	}
}
