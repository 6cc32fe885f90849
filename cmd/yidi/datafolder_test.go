package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A data folder yidi cannot write stops `serve` at once with one line that
// names the folder and the fix, exit code 1, no stack trace. Root writes
// into a read-only folder anyway, so under root the server runs as nobody:
// the permission check is the kernel's either way.
func TestServeOnAnUnwritableDataFolderSaysWhichAndHow(t *testing.T) {
	base, err := os.MkdirTemp("", "yidi-ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = filepath.WalkDir(base, chmodWritable); os.RemoveAll(base) })
	// nobody must reach the binary and the folders.
	for _, d := range []string{filepath.Dir(binary), base} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	aFile := filepath.Join(base, "not-a-folder")
	if err := os.WriteFile(aFile, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(base, "empty")
	used := filepath.Join(base, "used")
	runCLI(t, "migrate", "--data", used)
	for _, dir := range []string{empty, used} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := filepath.WalkDir(used, chmodReadOnly); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(empty, 0o555); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, data, says string }{
		{"a file where the folder should be", aFile, "不是目录"},
		{"a folder inside a file", filepath.Join(aFile, "data"), "不是目录"},
		{"a read-only empty folder", empty, "无法写入"},
		{"a read-only folder with a database", used, "无法写入"},
	} {
		cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--data", c.data)
		if os.Geteuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err = <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Errorf("%s: serve started instead of refusing", c.name)
			continue
		}
		var exit *exec.ExitError
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
			if !strings.Contains(l, "level=") {
				lines = append(lines, l)
			}
		}
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || len(lines) != 1 || !strings.HasPrefix(lines[0], "yidi: ") ||
			!strings.Contains(lines[0], c.data) || !strings.Contains(lines[0], c.says) || !strings.Contains(lines[0], "--data") ||
			strings.Contains(stderr.String(), "goroutine") {
			t.Errorf("%s: exit %v, stderr:\n%s\nwant exit 1 and one line naming %s, saying %q and the fix", c.name, err, stderr.String(), c.data, c.says)
		}
	}
}

func chmodReadOnly(path string, d os.DirEntry, err error) error {
	if err != nil {
		return err
	}
	if d.IsDir() {
		return os.Chmod(path, 0o555)
	}
	return os.Chmod(path, 0o444)
}

func chmodWritable(path string, d os.DirEntry, err error) error {
	if err == nil && d.IsDir() {
		_ = os.Chmod(path, 0o755)
	}
	return nil
}
