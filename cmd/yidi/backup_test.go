package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"yidi/cases"
)

// pdf is a small, distinct PDF for upload i.
func pdf(i int) []byte {
	return []byte(fmt.Sprintf("%%PDF-1.4\n%% yidi test file %d\n%s\n%%%%EOF\n", i, strings.Repeat("x", 100+i%50)))
}

// intakeWithFile registers a case through the API and sends a citizen
// message with files under it; it returns the case number.
func intakeWithFile(t *testing.T, base, tok string, i int, files ...[]byte) (string, error) {
	req, _ := http.NewRequest("POST", base+"/api/v1/cases", bytes.NewReader(intakeBody(i)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	var c struct {
		Number    string `json:"number"`
		QueryCode string `json:"query_code"`
	}
	json.NewDecoder(resp.Body).Decode(&c)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		return "", fmt.Errorf("intake %d: status %d", i, resp.StatusCode)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("number", c.Number)
	mw.WriteField("code", c.QueryCode)
	mw.WriteField("body", "补充证据材料")
	for k, f := range files {
		w, _ := mw.CreateFormFile("files", fmt.Sprintf("证据%d.pdf", k))
		w.Write(f)
	}
	mw.Close()
	resp, err = http.Post(base+"/api/v1/public/messages", mw.FormDataContentType(), &body)
	if err != nil {
		return "", err
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		return "", fmt.Errorf("message %d: status %d %s", i, resp.StatusCode, msg)
	}
	return c.Number, nil
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

var quotaFlags = []string{"--address-messages-per-hour", "100000", "--address-mb-per-hour", "100000",
	"--case-messages-per-hour", "1000", "--min-free-mb", "0"}

// A backup taken while intakes and uploads go on restores into a fresh
// folder with everything: the counts of its manifest, every file, intact
// hash chains, a search index, and downloads that answer 200.
// healthAnswer is the part of /healthz the backup tests read.
type healthAnswer struct {
	LastBackup       *time.Time `json:"last_backup"`
	LastVerification *struct {
		OK     bool  `json:"ok"`
		Events int64 `json:"events"`
	} `json:"last_verification"`
}

func TestBackupDuringWritesRestoresEverything(t *testing.T) {
	data := t.TempDir()
	runCLI(t, "user", "add", "--data", data, "--username", "window", "--password", "window-pass", "--role", "intake")
	runCLI(t, "user", "add", "--data", data, "--username", "boss", "--password", "boss-pass", "--role", "leader")
	s := startServer(t, data, quotaFlags...)
	tok := token(t, s.base, "window", "window-pass")
	// Some files before, one shared by two cases (stored once).
	for i := 0; i < 10; i++ {
		if _, err := intakeWithFile(t, s.base, tok, i, pdf(i), pdf(1000)); err != nil {
			t.Fatal(err)
		}
	}

	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr atomic.Value
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				n := 100 + w*100000 + i
				if _, err := intakeWithFile(t, s.base, tok, n, pdf(n)); err != nil {
					writeErr.Store(err)
					return
				}
				written.Add(1)
			}
		}(w)
	}
	for written.Load() < 10 {
		time.Sleep(10 * time.Millisecond)
	}
	backups := t.TempDir()
	first := runCLI(t, "backup", "--data", data, "--to", backups)
	for n := written.Load(); written.Load() < n+10; {
		time.Sleep(10 * time.Millisecond)
	}
	second := runCLI(t, "backup", "--data", data, "--to", backups)
	close(stop)
	wg.Wait()
	if err := writeErr.Load(); err != nil {
		t.Fatalf("a write failed during the backup: %v", err)
	}
	t.Logf("%s%s", first, second)
	if !strings.Contains(second, "新复制") {
		t.Fatalf("backup said: %s", second)
	}
	list, err := cases.ListBackups(backups)
	if err != nil || len(list) != 2 {
		t.Fatalf("backups: %v %v", list, err)
	}
	m, err := cases.ReadManifest(list[1])
	if err != nil {
		t.Fatal(err)
	}
	// (Two writers: up to two cases may be between intake and message.)
	if m.Counts.Cases < 30 || m.Counts.Attachments+2 < m.Counts.Cases+10 || m.Counts.Files != m.Counts.Attachments-10+1 {
		t.Fatalf("manifest counts: %+v", m.Counts)
	}
	// The second backup copied only the files the first did not have.
	m1, _ := cases.ReadManifest(list[0])
	if !strings.Contains(second, fmt.Sprintf("新复制 %d 个文件", m.Counts.Files-m1.Counts.Files)) {
		t.Errorf("the second backup was not incremental: %s (files %d then %d)", second, m1.Counts.Files, m.Counts.Files)
	}

	// Restore refuses a folder in use.
	if out, err := exec.Command(binary, "restore", "--from", backups, "--data", data).CombinedOutput(); err == nil || !strings.Contains(string(out), "not empty") {
		t.Fatalf("restore into the live folder: %v %s", err, out)
	}
	fresh := filepath.Join(t.TempDir(), "restored")
	out := runCLI(t, "restore", "--from", backups, "--data", fresh)
	if !strings.Contains(out, "历史记录校验通过") {
		t.Fatalf("restore said: %s", out)
	}

	db, err := sql.Open("sqlite3", "file:"+filepath.Join(fresh, cases.DBFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	count := func(q string) int64 {
		var n int64
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if c, e, a := count(`SELECT COUNT(*) FROM cases`), count(`SELECT COUNT(*) FROM events`), count(`SELECT COUNT(*) FROM attachments`); c != m.Counts.Cases || e != m.Counts.Events || a != m.Counts.Attachments {
		t.Fatalf("restored %d cases, %d events, %d attachments; manifest %+v", c, e, a, m.Counts)
	}
	type att struct {
		id          int64
		number, sum string
	}
	var atts []att
	rows, err := db.Query(`SELECT a.id, c.number, a.sha256 FROM attachments a JOIN cases c ON c.id = a.case_id ORDER BY a.id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a att
		rows.Scan(&a.id, &a.number, &a.sum)
		atts = append(atts, a)
	}
	rows.Close()
	db.Close()
	for _, f := range m.Files {
		b, err := os.ReadFile(filepath.Join(fresh, "attachments", f.SHA256[:2], f.SHA256[2:]))
		if err != nil || sha(b) != f.SHA256 || int64(len(b)) != f.Size {
			t.Fatalf("restored file %s: %v", f.SHA256, err)
		}
	}
	if out := runCLI(t, "verify", "--data", fresh); !strings.Contains(out, fmt.Sprintf("%d 条事件", m.Counts.Events)) {
		t.Fatalf("verify said: %s", out)
	}

	// The restored server: search finds the cases, every download answers.
	r := startServer(t, fresh)
	boss := token(t, r.base, "boss", "boss-pass")
	get := func(path string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", r.base+path, nil)
		req.Header.Set("Authorization", "Bearer "+boss)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, b
	}
	resp, b := get("/api/v1/search?q=" + url.QueryEscape("天花板 发霉"))
	var found struct{ Total int64 }
	json.Unmarshal(b, &found)
	if resp.StatusCode != 200 || found.Total != m.Counts.Cases {
		t.Fatalf("search on the restored server: %d, %d of %d cases: %s", resp.StatusCode, found.Total, m.Counts.Cases, b)
	}
	for _, a := range atts {
		resp, b := get(fmt.Sprintf("/api/v1/cases/%s/attachments/%d", a.number, a.id))
		if resp.StatusCode != 200 || sha(b) != a.sum {
			t.Fatalf("download %s/%d on the restored server: %d", a.number, a.id, resp.StatusCode)
		}
	}
	_, b = get("/healthz")
	var health healthAnswer
	json.Unmarshal(b, &health)
	if health.LastVerification == nil || !health.LastVerification.OK || health.LastVerification.Events != m.Counts.Events {
		t.Errorf("healthz after restore: %s", b)
	}
	t.Logf("restored %d cases, %d events, %d attachments (%d files); %d downloads answered 200", m.Counts.Cases, m.Counts.Events, m.Counts.Attachments, m.Counts.Files, len(atts))
	r.cmd.Process.Signal(syscall.SIGTERM)
	r.cmd.Wait()

	// A damaged file in the backup stops a restore, which leaves nothing behind.
	victim := m.Files[0].SHA256
	if err := os.WriteFile(filepath.Join(backups, "attachments", victim[:2], victim[2:]), []byte("%PDF-damaged"), 0o640); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "again")
	if out, err := exec.Command(binary, "restore", "--from", backups, "--data", other).CombinedOutput(); err == nil || !strings.Contains(string(out), victim) {
		t.Fatalf("restore from a damaged backup: %v %s", err, out)
	}
	if entries, _ := os.ReadDir(other); len(entries) != 0 {
		t.Errorf("a failed restore left %d entries", len(entries))
	}
}

// History cannot be rewritten through SQL; an attacker who drops the
// triggers is found by yidi verify, which names the case and the event.
func TestVerifyFindsRewrittenHistory(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	store, err := cases.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	svc := cases.NewService(store)
	actor, err := svc.CreateUser(ctx, cases.SystemActor, cases.UserInput{Username: "window", Password: "window-pass", Role: cases.RoleIntake, Name: "窗口"})
	if err != nil {
		t.Fatal(err)
	}
	var numbers, codes []string
	for i := 0; i < 3; i++ {
		res, err := svc.Intake(ctx, *actor, cases.IntakeInput{Title: fmt.Sprintf("纠纷%d", i), Category: "neighbour", Source: "walk_in",
			Summary: "楼上漏水。", Parties: []cases.PartyInput{{Role: "applicant", Name: "张三"}, {Role: "respondent", Name: "李四"}}}, "")
		if err != nil {
			t.Fatal(err)
		}
		numbers, codes = append(numbers, res.Case.Number), append(codes, res.QueryCode)
	}
	// Two more events of the second case, after the third case's intake.
	for k := 0; k < 2; k++ {
		if _, err := svc.PublicMessage(ctx, numbers[1], codes[1], fmt.Sprintf("补充说明%d", k), nil); err != nil {
			t.Fatal(err)
		}
	}
	store.Close()
	if out := runCLI(t, "verify", "--data", data); !strings.Contains(out, "5 条事件，3 件案件") {
		t.Fatalf("verify said: %s", out)
	}

	db, err := sql.Open("sqlite3", "file:"+filepath.Join(data, cases.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec1 := func(q string, args ...any) error { _, err := db.Exec(q, args...); return err }
	var seq int64 // the second case's first message
	if err := db.QueryRow(`SELECT MIN(seq) FROM events WHERE kind = 'citizen_message'`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE events SET body = '改过的内容' WHERE seq = ?`,
		`UPDATE events SET hash = '' WHERE seq = ?`,
		`DELETE FROM events WHERE seq = ?`,
	} {
		if err := exec1(q, seq); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused by the trigger", q, err)
		}
	}
	verifyFails := func(wantSeq int64) string {
		t.Helper()
		out, err := exec.Command(binary, "verify", "--data", data).CombinedOutput()
		want := fmt.Sprintf("案件 %s，事件 seq %d", numbers[1], wantSeq)
		if err == nil || !strings.Contains(string(out), want) {
			t.Fatalf("verify after tampering: %v %s; want %q", err, out, want)
		}
		return string(out)
	}

	// An attacker with the file drops the triggers and edits an event.
	if err := exec1(`DROP TRIGGER events_append_only_update`); err != nil {
		t.Fatal(err)
	}
	var body string
	db.QueryRow(`SELECT body FROM events WHERE seq = ?`, seq).Scan(&body)
	if err := exec1(`UPDATE events SET body = '改过的内容' WHERE seq = ?`, seq); err != nil {
		t.Fatal(err)
	}
	t.Log(verifyFails(seq))
	// The health check shows the failed verification.
	s := startServer(t, data)
	resp, err := http.Get(s.base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	hb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(hb), `"ok":false`) || !strings.Contains(string(hb), `"degraded"`) || !strings.Contains(string(hb), numbers[1]) {
		t.Errorf("healthz after a failed verification: %s", hb)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()

	// Put back, the chains hold again; then delete the event instead:
	// the break is at the case's next event.
	if err := exec1(`UPDATE events SET body = ? WHERE seq = ?`, body, seq); err != nil {
		t.Fatal(err)
	}
	runCLI(t, "verify", "--data", data)
	if err := exec1(`DROP TRIGGER events_append_only_delete`); err != nil {
		t.Fatal(err)
	}
	if err := exec1(`DELETE FROM events WHERE seq = ?`, seq); err != nil {
		t.Fatal(err)
	}
	verifyFails(seq + 1)
}

// serve --backup-every writes backups on its own and keeps the newest
// --keep; --verify-every records its walk for /healthz.
func TestServeBacksUpAndVerifiesOnSchedule(t *testing.T) {
	data, backups := t.TempDir(), t.TempDir()
	runCLI(t, "user", "add", "--data", data, "--username", "window", "--password", "window-pass", "--role", "intake")
	s := startServer(t, data, append(quotaFlags, "--backup-every", "300ms", "--backup-dir", backups, "--keep", "2", "--verify-every", "200ms")...)
	tok := token(t, s.base, "window", "window-pass")
	for i := 0; i < 3; i++ {
		if _, err := intakeWithFile(t, s.base, tok, i, pdf(i)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(400 * time.Millisecond)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(s.base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		var h healthAnswer
		json.NewDecoder(resp.Body).Decode(&h)
		resp.Body.Close()
		list, _ := cases.ListBackups(backups)
		var m *cases.Manifest
		if len(list) > 0 {
			m, _ = cases.ReadManifest(list[len(list)-1])
		}
		if h.LastBackup != nil && h.LastVerification != nil && h.LastVerification.OK && h.LastVerification.Events == 6 &&
			len(list) == 2 && m != nil && m.Counts.Events == 6 && m.Counts.Files == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %d backups (want 2 kept), manifest %+v, health %+v", len(list), m, h)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The pruned backups' files are gone only where no kept backup uses them.
	n := 0
	filepath.WalkDir(filepath.Join(backups, "attachments"), func(_ string, d os.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			n++
		}
		return nil
	})
	if n != 3 {
		t.Errorf("%d files in the backup store, want 3", n)
	}
}
