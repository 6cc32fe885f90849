package cases

// What a citizen does with the case number and query code, without an
// account: send a message with up to three photos or PDFs (补充材料/留言),
// and rate the handling once after closing (满意度评价). Staff read the
// messages through the timeline and the attachments through Attachment.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Limits on what a citizen may send.
const (
	MaxMessage        = 2000
	MaxAttachments    = 3
	MaxAttachmentSize = 10 << 20 // 10 MiB per file
	MaxFileName       = 200
	MaxRatingComment  = 500
)

// AttachmentInput is one file as the citizen uploaded it.
type AttachmentInput struct {
	Name string
	Data []byte
}

// Attachment is a stored file of a citizen message.
type Attachment struct {
	ID           int64     `db:"id" json:"id"`
	CaseID       int64     `db:"case_id" json:"-"`
	EventSeq     int64     `db:"event_seq" json:"event_seq"`
	SHA256       string    `db:"sha256" json:"sha256"`
	MIME         string    `db:"mime" json:"mime"`
	Size         int64     `db:"size" json:"size"`
	OriginalName string    `db:"original_name" json:"name"` // display text only (DisplayFileName)
	CreatedAt    time.Time `db:"created_at" json:"created_at"`
	// Kind is what staff filed it as (AttachmentKinds); "" a citizen's 补充材料.
	Kind string `db:"kind" json:"kind"`
	// FileName is the name a download gets (downloadName), set by Attachment.
	FileName string `db:"-" json:"-"`
}

// MessageReceipt answers a citizen's message.
type MessageReceipt struct {
	Seq         int64        `json:"seq"`
	Attachments []Attachment `json:"attachments"`
}

// Rating is the citizen's one satisfaction rating of a closed case.
type Rating struct {
	Score   int       `db:"score" json:"score"`
	Comment string    `db:"comment" json:"comment"`
	RatedAt time.Time `db:"rated_at" json:"rated_at"`
}

// fileTypes are the files a citizen may send, told by their first bytes,
// with the extension a download of each gets.
var fileTypes = []struct{ magic, mime, ext string }{
	{"\xFF\xD8\xFF", "image/jpeg", ".jpg"},
	{"\x89PNG\r\n\x1a\n", "image/png", ".png"},
	{"%PDF-", "application/pdf", ".pdf"},
}

// sniffMIME tells a file's type by its first bytes, whatever its name
// says: only JPEG, PNG and PDF are accepted.
func sniffMIME(b []byte) (string, bool) {
	for _, t := range fileTypes {
		if bytes.HasPrefix(b, []byte(t.magic)) {
			return t.mime, true
		}
	}
	return "", false
}

// downloadName is the name a download of attachment id of case number
// gets: chosen by the server, with the extension of the type its content
// was told to be, so "poly.html" stored as a PDF is saved as a .pdf.
func downloadName(number string, id int64, mime string) string {
	ext := ".bin"
	for _, t := range fileTypes {
		if t.mime == mime {
			ext = t.ext
		}
	}
	return fmt.Sprintf("附件-%s-%d%s", number, id, ext)
}

// DisplayFileName is a citizen's file name as text to show: without path,
// control characters or invisible formatting characters — a right-to-left
// override (U+202E) makes "发票\u202Egnp.exe" look like "发票exe.png".
func DisplayFileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	if name == "." || name == "/" {
		return ""
	}
	return name
}

// validateAttachments checks every file before anything is stored.
func validateAttachments(files []AttachmentInput) ([]string, error) {
	if len(files) > MaxAttachments {
		return nil, invalid("files", "too_many_files", fmt.Sprintf("最多上传%d个附件", MaxAttachments))
	}
	mimes := make([]string, len(files))
	for i, f := range files {
		field := fmt.Sprintf("files[%d]", i)
		if len(f.Data) == 0 {
			return nil, invalid(field, "empty_file", fmt.Sprintf("第%d个附件是空文件", i+1))
		}
		if len(f.Data) > MaxAttachmentSize {
			return nil, invalid(field, "file_too_large", fmt.Sprintf("第%d个附件超过10MB，请压缩或分开提交", i+1))
		}
		mime, ok := sniffMIME(f.Data)
		if !ok {
			return nil, invalid(field, "unsupported_file_type", fmt.Sprintf("第%d个附件不是JPG、PNG图片或PDF文件", i+1))
		}
		if utf8.RuneCountInString(f.Name) > MaxFileName || !utf8.ValidString(f.Name) {
			return nil, invalid(field, "invalid_file_name", fmt.Sprintf("第%d个附件的文件名过长或含无效字符", i+1))
		}
		mimes[i] = mime
	}
	return mimes, nil
}

func (s *Service) attachmentPath(sum string) string {
	return filepath.Join(s.store.attach, sum[:2], sum[2:])
}

// storeBlob writes data under its SHA-256 unless an equal file is there:
// to a temporary file, synced, then renamed, so a reader never sees half
// a file and a crash (or a full disk) leaves at most a stray temporary
// file, which is removed on the way out. created says the file is new:
// only a new file may be removed again if the message is not recorded.
func (s *Service) storeBlob(data []byte) (sum string, created bool, err error) {
	raw := sha256.Sum256(data)
	sum = hex.EncodeToString(raw[:])
	path := s.attachmentPath(sum)
	if _, err := os.Stat(path); err == nil {
		return sum, false, nil
	}
	defer func() { err = s.store.storageError(err) }()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", false, fmt.Errorf("attachments: unable to create folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".upload-*")
	if err != nil {
		return "", false, fmt.Errorf("attachments: unable to create file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", false, fmt.Errorf("attachments: unable to write file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", false, fmt.Errorf("attachments: unable to sync file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", false, fmt.Errorf("attachments: unable to close file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", false, fmt.Errorf("attachments: unable to store file: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync() // the rename itself survives a power cut
		d.Close()
	}
	return sum, true, nil
}

// removeOrphanBlobs removes the files a failed message created, unless a
// committed attachment refers to one (an equal file sent meanwhile). It
// runs under the write lock, and a message checks its files under the same
// lock before recording them, so a file is never removed under a row.
func (s *Service) removeOrphanBlobs(ctx context.Context, sums []string) {
	if len(sums) == 0 {
		return
	}
	err := s.store.write(context.WithoutCancel(ctx), func(tx *sqlx.Tx) error {
		for _, sum := range sums {
			var refs int
			if err := tx.GetContext(ctx, &refs, tx.Rebind(`SELECT COUNT(*) FROM attachments WHERE sha256 = ?`), sum); err != nil {
				return err
			}
			if refs == 0 {
				if err := os.Remove(s.attachmentPath(sum)); err != nil && !errors.Is(err, os.ErrNotExist) {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		slog.Error("attachments: unable to remove the files of a message not recorded", "files", sums, "err", err)
	}
}

// PublicMessage records a citizen's message (and files) as one
// citizen_message event and marks the case unread for its desk. The code
// is checked first; then every file, the free space and the case's
// quotas; files are stored before the transaction, and removed again if
// it fails, so neither a row without its file nor a file without its row
// is left.
func (s *Service) PublicMessage(ctx context.Context, number, code, body string, files []AttachmentInput) (receipt *MessageReceipt, err error) {
	row, err := checkQueryCode(ctx, s.store.r, number, code)
	if err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	if body == "" && len(files) == 0 {
		return nil, invalid("body", "required", "请填写留言内容或上传材料")
	}
	if err := CheckText("body", body, MaxMessage); err != nil {
		return nil, err
	}
	mimes, err := validateAttachments(files)
	if err != nil {
		return nil, err
	}
	var size int64
	for _, f := range files {
		size += int64(len(f.Data))
	}
	now := s.now().UTC()
	// Checked before the files are written, so a refused message costs no
	// disk, and again under the write lock, where it is exact.
	if err := s.checkCaseQuota(ctx, s.store.r, row.ID, size, now); err != nil {
		return nil, err
	}
	if len(files) > 0 {
		if err := s.checkFreeSpace(); err != nil {
			return nil, err
		}
	}
	receipt = &MessageReceipt{Attachments: []Attachment{}}
	err = s.writeWithFiles(ctx, files, mimes, func(tx *sqlx.Tx, batch *blobBatch) error {
		if err := s.checkCaseQuota(ctx, tx, row.ID, size, now); err != nil {
			return err
		}
		e := newEvent(EventCitizenMessage, body, map[string]string{"attachments": strconv.Itoa(len(files))})
		e.CaseID, e.At, e.Visibility = row.ID, now, VisibilityPublic
		e.ActorName, e.ActorRole = "群众", actorCitizen
		if err := appendEvent(ctx, tx, e); err != nil {
			return err
		}
		receipt.Seq = e.Seq
		atts, err := batch.insert(ctx, tx, row.ID, e.Seq, "", now)
		if err != nil {
			return err
		}
		receipt.Attachments = atts
		// Not a change of state, so no version bump (staff acting on the
		// case are not refused for it); updated_at refreshes public views.
		// A merged case's message is read on the case it was merged into.
		ids := []int64{row.ID}
		if row.MergedInto.Valid {
			survivor, err := findCase(ctx, tx, row.MergedInto.String)
			if err == nil {
				survivor, err = survivorOf(ctx, tx, survivor)
			}
			if err != nil {
				return err
			}
			ids = append(ids, survivor.ID)
			s.public.drop(survivor.Number)
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, tx.Rebind(
				`UPDATE cases SET unread_messages = unread_messages + 1, updated_at = ? WHERE id = ?`), now, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.public.drop(NormalizeCaseNumber(number))
	s.committed()
	return receipt, nil
}

// MarkMessagesRead resets the case's unread-message count when whoever must
// answer has opened the case: a handler of the holding desk, or the window
// while no desk holds it. Anyone else reading (leaders, co-desks) leaves the
// flag for them. It is a read marker, not a change of the case: no event,
// no version bump.
func (s *Service) MarkMessagesRead(ctx context.Context, a Actor, number string) error {
	c, err := findVisibleCase(ctx, s.store.r, a, NormalizeCaseNumber(number))
	if err != nil {
		return err
	}
	if c.UnreadMessages == 0 {
		return nil
	}
	if !holdingDeskHandler(a, c) && !(c.Desk == "" && a.Role == RoleIntake) {
		return nil
	}
	return s.store.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE cases SET unread_messages = 0 WHERE id = ?`), c.ID)
		return err
	})
}

// Attachments lists the files sent with a case's messages (read rule applies).
func (s *Service) Attachments(ctx context.Context, a Actor, number string) ([]Attachment, error) {
	c, err := s.Case(ctx, a, number)
	if err != nil {
		return nil, err
	}
	id, err := s.caseID(ctx, c.Number)
	if err != nil {
		return nil, err
	}
	out := []Attachment{}
	// With the files of the cases merged into it (links.go).
	err = s.store.r.SelectContext(ctx, &out, s.store.r.Rebind(mergedFamily+`
		SELECT id, case_id, event_seq, sha256, mime, size, original_name, created_at, kind
		FROM attachments WHERE case_id IN (SELECT id FROM m) ORDER BY id`), id)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list attachments: %w", err)
	}
	for i := range out {
		// Rows stored before names were cleaned on the way in.
		out[i].OriginalName = DisplayFileName(out[i].OriginalName)
	}
	return out, nil
}

// Attachment answers one stored file of a case the actor may see, and the
// path of its bytes.
func (s *Service) Attachment(ctx context.Context, a Actor, number string, id int64) (*Attachment, string, error) {
	c, err := findVisibleCase(ctx, s.store.r, a, NormalizeCaseNumber(number))
	if err != nil {
		return nil, "", err
	}
	var at Attachment
	err = s.store.r.GetContext(ctx, &at, s.store.r.Rebind(mergedFamily+`
		SELECT id, case_id, event_seq, sha256, mime, size, original_name, created_at, kind
		FROM attachments WHERE case_id IN (SELECT id FROM m) AND id = ?`), c.ID, id)
	if isNoRows(err) {
		return nil, "", ErrAttachmentNotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("store: unable to fetch attachment: %w", err)
	}
	at.OriginalName = DisplayFileName(at.OriginalName)
	at.FileName = downloadName(c.Number, at.ID, at.MIME)
	return &at, s.attachmentPath(at.SHA256), nil
}

// ErrAttachmentNotFound: no such file in this case.
var ErrAttachmentNotFound = &Error{Kind: KindNotFound, Code: "attachment_not_found", Message: "附件不存在"}

func (s *Service) caseID(ctx context.Context, number string) (int64, error) {
	var id int64
	err := s.store.r.GetContext(ctx, &id, s.store.r.Rebind(`SELECT id FROM cases WHERE number = ?`), number)
	if isNoRows(err) {
		return 0, ErrCaseNotFound
	}
	return id, err
}

// Rate records the citizen's satisfaction rating, once, after closing, with
// a public rating event, in one transaction. Staff have no way to rate:
// only the number and query code open this door.
func (s *Service) Rate(ctx context.Context, number, code string, score int, comment string) (*Rating, error) {
	row, err := checkQueryCode(ctx, s.store.r, number, code)
	if err != nil {
		return nil, err
	}
	if score < 1 || score > 5 {
		return nil, invalid("score", "invalid_score", "评分应为1至5分")
	}
	comment = strings.TrimSpace(comment)
	if err := CheckText("comment", comment, MaxRatingComment); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	r := &Rating{Score: score, Comment: comment, RatedAt: now}
	err = s.store.write(ctx, func(tx *sqlx.Tx) error {
		var status string
		if err := tx.GetContext(ctx, &status, tx.Rebind(`SELECT status FROM cases WHERE id = ?`), row.ID); err != nil {
			return fmt.Errorf("store: unable to read case status: %w", err)
		}
		if Status(status) != StatusClosed {
			return conflict("not_closed", "案件办结后才能评价")
		}
		existing, err := findRating(ctx, tx, row.ID)
		if err != nil {
			return err
		}
		if existing != nil {
			return conflict("already_rated", "您已评价过本案，每件案件只能评价一次")
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(
			`INSERT INTO case_ratings (case_id, score, comment, rated_at) VALUES (?, ?, ?, ?)`),
			row.ID, score, comment, now); err != nil {
			return fmt.Errorf("store: unable to record rating: %w", err)
		}
		e := newEvent(EventRating, comment, map[string]string{"score": strconv.Itoa(score)})
		e.CaseID, e.At, e.Visibility = row.ID, now, VisibilityPublic
		e.ActorName, e.ActorRole = "群众", actorCitizen
		if err := appendEvent(ctx, tx, e); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE cases SET updated_at = ? WHERE id = ?`), now, row.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.public.drop(NormalizeCaseNumber(number))
	s.committed()
	return r, nil
}

func findRating(ctx context.Context, q querier, caseID int64) (*Rating, error) {
	var r Rating
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT score, comment, rated_at FROM case_ratings WHERE case_id = ?`), caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read rating: %w", err)
	}
	r.RatedAt = r.RatedAt.UTC()
	return &r, nil
}
