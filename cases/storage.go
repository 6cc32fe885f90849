package cases

// A full disk and an anonymous flood must not take the centre down. This
// file holds the rules about storage: what counts as "the disk is full"
// (so the web layer answers 507 with a Chinese message instead of a 500),
// the free-space guard that refuses new files and online applications
// before the disk actually fills, and the health figures.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3"
	"golang.org/x/sys/unix"
)

// ErrStorageFull answers every write refused for want of space: the disk is
// full (SQLite's SQLITE_FULL, ENOSPC writing a file) or below the
// free-space guard's threshold.
var ErrStorageFull = &Error{Kind: KindStorageFull, Code: "storage_full", Message: "存储空间不足，请联系管理员"}

// DefaultMinFreeBytes is the free-space guard's default threshold: below
// 1 GiB free on the data folder's filesystem, uploads and online
// applications are refused, so what remains is kept for staff work (an
// intake is a few KB) and for SQLite's WAL and checkpoints.
const DefaultMinFreeBytes = 1 << 30

// IsStorageFull reports whether err says the disk (or the user's quota) is
// full, whichever layer it came from.
func IsStorageFull(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrStorageFull) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrFull || se.SystemErrno == syscall.ENOSPC || se.SystemErrno == syscall.EDQUOT
	}
	if isPostgresFull(err) {
		return true
	}
	// Some layers (bleve's segment writers) flatten the cause into text.
	msg := err.Error()
	return strings.Contains(msg, "no space left on device") || strings.Contains(msg, "database or disk is full")
}

// storageError turns a full disk into ErrStorageFull (logging the cause
// once, here, and noting the time for the health check) and leaves every
// other error as it is.
func (s *Store) storageError(err error) error {
	if err == nil || errors.Is(err, ErrStorageFull) || !IsStorageFull(err) {
		return err
	}
	slog.Error("storage full: a write was refused", "err", err)
	s.fullAt.Store(time.Now().UnixNano())
	return ErrStorageFull
}

// StorageFullRecently reports whether a write failed for a full disk in
// the last few minutes: a failure that follows from a write that was not
// stored (a CSRF token never saved) can then say so.
func (s *Service) StorageFullRecently() bool {
	at := s.store.fullAt.Load()
	return at != 0 && time.Since(time.Unix(0, at)) < recentFullWindow
}

// recentFullWindow: how long a write refused for a full disk keeps the
// health check degraded (the guard may be off, or the disk filled by
// something else than yidi).
const recentFullWindow = 5 * time.Minute

// FreeBytes is the space left for an unprivileged writer on the
// filesystem that holds dir.
func FreeBytes(dir string) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// SetMinFreeBytes sets the free-space guard's threshold (0: the default,
// negative: off).
func (s *Service) SetMinFreeBytes(n int64) {
	s.minFree.set(n)
}

// MinFreeBytes is the guard's threshold in bytes (0 when it is off).
func (s *Service) MinFreeBytes() uint64 {
	return uint64(orDefault(s.minFree.get(), DefaultMinFreeBytes))
}

// checkFreeSpace refuses a write that adds files or a case from the public
// when the data folder's filesystem is below the threshold. A failed
// statfs does not refuse: the write itself will say whether it fits.
func (s *Service) checkFreeSpace() error {
	min := s.MinFreeBytes()
	if min == 0 {
		return nil
	}
	free, err := s.store.freeBytes()
	if err != nil {
		slog.Warn("free-space guard: statfs failed", "dir", s.store.dir, "err", err)
		return nil
	}
	if free < min {
		slog.Warn("free-space guard: refusing a write", "free_bytes", free, "min_free_bytes", min)
		return ErrStorageFull
	}
	return nil
}

// freeBytes is the free space where the server writes files: the data
// folder's filesystem, or the attachments folder's when that is elsewhere
// and fuller.
func (s *Store) freeBytes() (uint64, error) {
	free, err := FreeBytes(s.dir)
	if err != nil || s.attach == filepath.Join(s.dir, "attachments") {
		return free, err
	}
	shared, err := FreeBytes(s.attach)
	if err != nil {
		return free, err
	}
	return min(free, shared), nil
}

// Health is what GET /healthz shows about storage.
type Health struct {
	FreeBytes    uint64     `json:"free_bytes"`
	MinFreeBytes uint64     `json:"min_free_bytes"`
	LastBackup   *time.Time `json:"last_backup"`
	LastEventSeq int64      `json:"last_event_seq"`
	// The last walk of the event chains (yidi verify, serve --verify-every).
	LastVerification *ChainCheck `json:"last_verification"`
	// Degraded: below the threshold, or the database does not answer.
	Degraded bool     `json:"-"`
	Problems []string `json:"problems"`
}

// Health reads the free space, the last backup and the newest event.
func (s *Service) Health() Health {
	h := Health{MinFreeBytes: s.MinFreeBytes(), Problems: []string{}}
	free, err := s.store.freeBytes()
	if err != nil {
		h.Degraded = true
		h.Problems = append(h.Problems, "无法读取数据目录的剩余空间")
	}
	h.FreeBytes = free
	if err == nil && h.MinFreeBytes > 0 && free < h.MinFreeBytes {
		h.Degraded = true
		h.Problems = append(h.Problems, "数据目录剩余空间低于下限，上传和网上申请已暂停")
	}
	if s.StorageFullRecently() {
		h.Degraded = true
		h.Problems = append(h.Problems, "最近有写入因存储空间不足被拒绝")
	}
	if fi, err := os.Stat(s.store.lastBackupPath()); err == nil {
		t := fi.ModTime().UTC()
		h.LastBackup = &t
	}
	if err := s.store.r.Get(&h.LastEventSeq, `SELECT COALESCE(MAX(seq), 0) FROM events`); err != nil {
		h.Degraded = true
		h.Problems = append(h.Problems, "数据库无法读取")
	}
	if v, err := s.LastChainCheck(context.Background()); err == nil && v != nil {
		h.LastVerification = v
		if !v.OK {
			h.Degraded = true
			h.Problems = append(h.Problems, "最近一次历史记录校验发现篡改："+v.Message)
		}
	}
	return h
}

// lastBackupPath is touched by each successful backup: the health check
// reads its time.
func (s *Store) lastBackupPath() string { return filepath.Join(s.dir, "last-backup") }

// Recover, deferred at the top of background work, logs a panic with its
// stack instead of letting it end the process.
func Recover(name string) {
	if r := recover(); r != nil {
		slog.Error("panic in background work recovered", "in", name, "panic", r, "stack", string(debug.Stack()))
	}
}

// RecoverTo, deferred directly in a goroutine that reports an error, turns
// a panic into that error (logged with its stack), so the caller waiting
// on the goroutine gets an answer and the process stays up.
func RecoverTo(name string, err *error) {
	if r := recover(); r != nil {
		slog.Error("panic recovered", "in", name, "panic", r, "stack", string(debug.Stack()))
		*err = fmt.Errorf("%s: panic: %v", name, r)
	}
}
