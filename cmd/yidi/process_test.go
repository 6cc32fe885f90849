package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"yidi/cases"
)

// These tests run the real binary as a separate process, the way a centre
// runs it, and kill it.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "yidi-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "yidi")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build failed: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type server struct {
	cmd  *exec.Cmd
	base string
	out  *bytes.Buffer
}

var listening = regexp.MustCompile(`http://([0-9.:]+)/`)

// startServer runs `yidi serve` on a free loopback port and waits until it listens.
func startServer(t *testing.T, data string, extra ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, extra...)...)
	stdout, _ := cmd.StdoutPipe()
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, out: &bytes.Buffer{}}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.out.WriteString(sc.Text() + "\n")
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case addr := <-found:
		s.base = "http://" + addr
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("server did not start: %s", errBuf.String())
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return s
}

func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(binary, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("yidi %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func token(t *testing.T, base, user, pw string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": pw})
	resp, err := http.Post(base+"/api/v1/auth/token", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&out)
	if out.Token == "" {
		t.Fatalf("login failed: %d", resp.StatusCode)
	}
	return out.Token
}

func intakeBody(i int) []byte {
	b, _ := json.Marshal(map[string]any{
		"title": fmt.Sprintf("邻里漏水纠纷%d", i), "category": "neighbour",
		"summary": "楼上住户卫生间漏水，导致申请人家中天花板发霉，多次协商未果。", "town": "硖石街道",
		"parties": []map[string]any{
			{"role": "applicant", "name": fmt.Sprintf("申请人%d", i), "phone": fmt.Sprintf("139%08d", i)},
			{"role": "respondent", "name": fmt.Sprintf("楼上住户%d", i)},
		},
	})
	return b
}

func TestKillMidIntakeLosesNoCommittedCaseAndLeavesNoPartialOne(t *testing.T) {
	data := t.TempDir()
	runCLI(t, "user", "add", "--data", data, "--username", "window", "--password", "window-pass", "--role", "intake")
	s := startServer(t, data)
	tok := token(t, s.base, "window", "window-pass")

	var mu sync.Mutex
	var committed []string
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ctx.Err() == nil && i < 10000; i++ {
				req, _ := http.NewRequestWithContext(ctx, "POST", s.base+"/api/v1/cases", bytes.NewReader(intakeBody(w*10000+i)))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return // the server is gone
				}
				var out struct{ Number string }
				json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if resp.StatusCode == 201 {
					mu.Lock()
					committed = append(committed, out.Number)
					mu.Unlock()
				}
			}
		}(w)
	}
	// Let intakes pile up, then kill -9 in the middle of them.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(committed)
		mu.Unlock()
		if n >= 150 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	s.cmd.Wait()
	cancel()
	wg.Wait()
	if len(committed) == 0 {
		t.Fatal("no intake was answered before the kill")
	}

	store, err := cases.Open(context.Background(), data)
	if err != nil {
		t.Fatalf("database does not open after the kill: %v", err)
	}
	defer store.Close()
	svc := cases.NewService(store)
	leader, _ := svc.CreateUser(context.Background(), cases.SystemActor, cases.UserInput{Username: "boss", Password: "boss-pass", Role: cases.RoleLeader})
	for _, n := range committed {
		c, err := svc.Case(context.Background(), *leader, n)
		if err != nil {
			t.Fatalf("case %s was answered 201 but is gone after the kill: %v", n, err)
		}
		if len(c.Parties) != 2 {
			t.Errorf("case %s has %d parties, want 2", n, len(c.Parties))
		}
	}
	total, err := svc.CaseCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if total < len(committed) {
		t.Fatalf("%d cases stored, %d were answered", total, len(committed))
	}
	// Cases committed but not yet answered when the kill came are complete too.
	for i := 1; i <= total; i++ {
		n := cases.FormatCaseNumber(time.Now().In(time.FixedZone("CST", 8*3600)).Year(), int64(i))
		c, err := svc.Case(context.Background(), *leader, n)
		if err != nil {
			t.Fatalf("numbering has a gap at %s: %v", n, err)
		}
		events, err := svc.Timeline(context.Background(), *leader, n)
		if err != nil || len(events) != 1 || events[0].Kind != cases.EventIntake || len(c.Parties) != 2 {
			t.Fatalf("case %s is partial: %d parties, events %v, err %v", n, len(c.Parties), events, err)
		}
	}
	t.Logf("killed after %d answered intakes; %d cases stored, all complete", len(committed), total)
}

func TestSIGTERMLetsTheServerFinishAndCloseCleanly(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	resp, err := http.Get(s.base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v", err)
	}
	resp.Body.Close()
	if !strings.Contains(s.out.String(), "yidi user add") {
		t.Errorf("first start on an empty folder should say how to create the admin; printed:\n%s", s.out)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("server exited with %v after SIGTERM", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop after SIGTERM")
	}
	// A clean close checkpoints the WAL into the database file.
	if fi, err := os.Stat(filepath.Join(data, cases.DBFile+"-wal")); err == nil && fi.Size() > 0 {
		t.Errorf("WAL left with %d bytes after a clean shutdown", fi.Size())
	}
}

func TestCommandLineUserAddAndMigrate(t *testing.T) {
	data := t.TempDir()
	out := runCLI(t, "migrate", "--data", data)
	if !strings.Contains(out, "00001_case_core.sql") {
		t.Errorf("first migrate should list what it applied: %s", out)
	}
	if out := runCLI(t, "migrate", "--data", data); strings.Contains(out, ".sql") {
		t.Errorf("second migrate applied something again: %s", out)
	}
	runCLI(t, "user", "add", "--data", data, "--username", "li", "--password", "mediator-pw",
		"--role", "handler", "--desk", "mediation", "--name", "李调解")
	bad := exec.Command(binary, "user", "add", "--data", data, "--username", "wu", "--password", "handler-pw", "--role", "handler")
	msg, err := bad.CombinedOutput()
	if err == nil || !strings.Contains(string(msg), "窗口") || !strings.Contains(string(msg), "--desk") {
		t.Errorf("a handler without --desk must fail with a clear message, got %v: %s", err, msg)
	}
	backupFile := filepath.Join(t.TempDir(), "copy.db")
	runCLI(t, "backup", "--data", data, "--to", backupFile)
	if fi, err := os.Stat(backupFile); err != nil || fi.Size() == 0 {
		t.Fatalf("backup not written: %v", err)
	}
}

func TestServedIntakeIsSearchableAndReindexRebuildsTheIndex(t *testing.T) {
	data := t.TempDir()
	runCLI(t, "user", "add", "--data", data, "--username", "window", "--password", "window-pass", "--role", "intake")
	s := startServer(t, data)
	tok := token(t, s.base, "window", "window-pass")
	req, _ := http.NewRequest("POST", s.base+"/api/v1/cases", bytes.NewReader(intakeBody(7)))
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("intake: %v %v", err, resp)
	}
	resp.Body.Close()
	searchOnce := func(base string) int {
		req, _ := http.NewRequest("GET", base+"/api/v1/search?q="+url.QueryEscape("天花板 发霉"), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Total int }
		json.NewDecoder(resp.Body).Decode(&out)
		return out.Total
	}
	deadline := time.Now().Add(time.Second)
	for searchOnce(s.base) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("an intake was not searchable within 1 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()

	out := runCLI(t, "reindex", "--data", data)
	if !strings.Contains(out, "1 件案件") {
		t.Fatalf("reindex said: %s", out)
	}
	s = startServer(t, data)
	tok = token(t, s.base, "window", "window-pass")
	if n := searchOnce(s.base); n != 1 {
		t.Fatalf("after reindex the case is found %d times", n)
	}
}
