package cases

// Files of a case: what a citizen sends with a message (citizen.go) and
// what staff file at the desk with a kind (a party's identity proof, the
// signed 协议书 …), so the 卷宗's index can tell which required document a
// file is. Both store the bytes the same way: content-addressed under the
// data folder, written before the transaction and removed again if it fails.

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Kinds of a file staff upload at the desk.
const (
	AttachmentIdentity        = "identity"         // 身份证明
	AttachmentApplication     = "application"      // 申请书
	AttachmentSignedAgreement = "signed_agreement" // 签字的协议书扫描件
	AttachmentEvidence        = "evidence"         // 证据材料
	AttachmentPerformance     = "performance"      // 履行凭证
	AttachmentOther           = "other"            // 其他材料
)

// AttachmentKinds lists the kinds staff choose from, in the form's order.
var AttachmentKinds = []string{AttachmentIdentity, AttachmentApplication, AttachmentSignedAgreement,
	AttachmentEvidence, AttachmentPerformance, AttachmentOther}

var attachmentKindLabels = map[string]string{
	"":                        "群众补充材料",
	AttachmentIdentity:        "身份证明",
	AttachmentApplication:     "申请书",
	AttachmentSignedAgreement: "签字的调解协议书",
	AttachmentEvidence:        "证据材料",
	AttachmentPerformance:     "履行凭证",
	AttachmentOther:           "其他材料",
}

// AttachmentKindLabel names a file's kind in words.
func AttachmentKindLabel(kind string) string {
	if l, ok := attachmentKindLabels[kind]; ok {
		return l
	}
	return kind
}

// EventFiled: staff filed files with the case (data: kind, files).
const EventFiled = "files_filed"

func init() {
	RegisterEventKinds(EventKind{Kind: EventFiled, Label: "归入材料", Icon: "材"})
}

// blobBatch is the files of one write: stored before its transaction
// (storeBlobs), checked again inside it (recheck), recorded (insert), and
// removed again when the write fails (discard).
type blobBatch struct {
	s       *Service
	files   []AttachmentInput
	mimes   []string
	sums    []string
	created []string // files this batch wrote; only these may be removed again
}

func (s *Service) storeBlobs(files []AttachmentInput, mimes []string) (*blobBatch, error) {
	b := &blobBatch{s: s, files: files, mimes: mimes, sums: make([]string, len(files))}
	for i, f := range files {
		sum, isNew, err := s.storeBlob(f.Data)
		if err != nil {
			b.discard(context.Background())
			return nil, err
		}
		b.sums[i] = sum
		if isNew {
			b.created = append(b.created, sum)
		}
	}
	return b, nil
}

// recheck runs under the write lock: an equal file found on disk before
// may have been removed since by a failed write's cleanup; write it again.
func (b *blobBatch) recheck() error {
	for i, f := range b.files {
		if _, err := os.Stat(b.s.attachmentPath(b.sums[i])); os.IsNotExist(err) {
			_, isNew, err := b.s.storeBlob(f.Data)
			if err != nil {
				return err
			}
			if isNew {
				b.created = append(b.created, b.sums[i])
			}
		}
	}
	return nil
}

// insert records the batch's files as attachments of the event seq.
func (b *blobBatch) insert(ctx context.Context, tx *sqlx.Tx, caseID, seq int64, kind string, now time.Time) ([]Attachment, error) {
	out := make([]Attachment, 0, len(b.files))
	for i, f := range b.files {
		a := Attachment{CaseID: caseID, EventSeq: seq, SHA256: b.sums[i], MIME: b.mimes[i],
			Size: int64(len(f.Data)), OriginalName: DisplayFileName(f.Name), CreatedAt: now, Kind: kind}
		if err := tx.GetContext(ctx, &a.ID, tx.Rebind(`
			INSERT INTO attachments (case_id, event_seq, sha256, mime, size, original_name, created_at, kind)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			a.CaseID, a.EventSeq, a.SHA256, a.MIME, a.Size, a.OriginalName, a.CreatedAt, a.Kind); err != nil {
			return nil, fmt.Errorf("store: unable to record attachment: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}

func (b *blobBatch) discard(ctx context.Context) { b.s.removeOrphanBlobs(ctx, b.created) }

// writeWithFiles stores files before the write transaction, then runs fn
// in it with the files rechecked under the write lock; the files this
// write stored are removed again when it fails.
func (s *Service) writeWithFiles(ctx context.Context, files []AttachmentInput, mimes []string, fn func(tx *sqlx.Tx, batch *blobBatch) error) error {
	batch, err := s.storeBlobs(files, mimes)
	if err != nil {
		return err
	}
	err = s.store.write(ctx, func(tx *sqlx.Tx) error {
		if err := batch.recheck(); err != nil {
			return err
		}
		return fn(tx, batch)
	})
	if err != nil {
		batch.discard(ctx)
	}
	return err
}

// FileInput is what staff file with a case at the desk.
type FileInput struct {
	Version *int64
	Kind    string // one of AttachmentKinds
	Note    string
	Files   []AttachmentInput
}

// File records files staff filed with a case (the window, or a handler of
// a desk handling it), with one files_filed event, in one transaction.
func (s *Service) File(ctx context.Context, a Actor, number string, in FileInput) (atts []Attachment, err error) {
	if _, ok := attachmentKindLabels[in.Kind]; !ok || in.Kind == "" {
		if strings.TrimSpace(in.Kind) == "" {
			return nil, invalid("kind", "required", "请选择材料类别")
		}
		return nil, invalid("kind", "invalid_kind", "材料类别只能是 "+strings.Join(AttachmentKinds, "、"))
	}
	if len(in.Files) == 0 {
		return nil, invalid("files", "required", "请选择要上传的文件")
	}
	note := strings.TrimSpace(in.Note)
	if err := CheckText("note", note, MaxReason); err != nil {
		return nil, err
	}
	mimes, err := validateAttachments(in.Files)
	if err != nil {
		return nil, err
	}
	number = NormalizeCaseNumber(number)
	c, err := findCase(ctx, s.store.r, number)
	if err != nil {
		return nil, err
	}
	if !canSee(a, c) {
		return nil, ErrCaseNotFound
	}
	if !MayFile(a, c) {
		return nil, forbidden("只有受理窗口和办理本案的窗口可以归入材料")
	}
	if err := s.checkFreeSpace(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = s.writeWithFiles(ctx, in.Files, mimes, func(tx *sqlx.Tx, batch *blobBatch) error {
		before, err := findCase(ctx, tx, number)
		if err != nil {
			return err
		}
		if err := s.runGuards(ctx, GuardArgs{Tx: tx, Actor: a, Case: before, Action: ActionFile}); err != nil {
			return err
		}
		if in.Version != nil && *in.Version != before.Version {
			return ErrStaleVersion
		}
		body := AttachmentKindLabel(in.Kind) + " " + strconv.Itoa(len(in.Files)) + " 个文件"
		if note != "" {
			body += "：" + note
		}
		e := newEvent(EventFiled, body, map[string]string{"kind": in.Kind, "files": strconv.Itoa(len(in.Files))})
		if err := s.appendActorEvent(ctx, tx, a, before.ID, e, now); err != nil {
			return err
		}
		if atts, err = batch.insert(ctx, tx, before.ID, e.Seq, in.Kind, now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(
			`UPDATE cases SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?`), now, before.ID, before.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrStaleVersion
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.public.drop(number)
	s.committed()
	return atts, nil
}

// MayFile says whether a may file files with c: the window (it received
// the paper) and the desks handling the case (the holding desk and
// co-desks, who meet the parties).
func MayFile(a Actor, c *Case) bool {
	switch a.Role {
	case RoleIntake:
		return true
	case RoleHandler:
		return a.Desk != "" && (a.Desk == c.Desk || slices.Contains(c.CoDesks, a.Desk))
	}
	return false
}
