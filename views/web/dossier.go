package web

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/mediation"
)

// The 卷宗's printable documents (server-rendered HTML, A4 print CSS) and
// the ZIP handed to the court: both the staff pages and the API answer
// them, from a mediation.Dossier.

//go:embed print
var printFS embed.FS

var printTemplates = template.Must(template.New("print").Funcs(printFuncs()).ParseFS(printFS, "print/*.html"))

func printFuncs() template.FuncMap {
	f := Funcs()
	extra := template.FuncMap{
		"partyRole": cases.PartyRoleLabel,
		"source":    func(code string) string { return cases.Sources[code] },
		"closure":   cases.ClosureLabel,
		"result":    mediation.ResultLabel,
		"recusal":   mediation.RecusalLabel,
		"fileType":  FileType,
		"fileSize":  FileSize,
		"add":       func(a, b int) int { return a + b },
		"deref":     func(t *time.Time) time.Time { return *t },
		"minutesOf": func(from, to time.Time) int { return int(to.Sub(from).Minutes()) },
		// copies is how many copies an agreement is made in, in words: one
		// per party and the committee's.
		"copies": func(parties int) string {
			if n := parties + 1; n <= 10 {
				return []string{"", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十"}[n]
			}
			return strconv.Itoa(parties + 1)
		},
		"short": func(s string) string { return s[:min(12, len(s))] },
		"day": func(t time.Time) string {
			return t.In(cases.ChinaZone).Format(time.DateOnly)
		},
		"money": func(a *float64) string {
			if a == nil {
				return "—"
			}
			return fmt.Sprintf("%.2f 元", *a)
		},
		"followUp": func(fu mediation.FollowUp) []string {
			m, p, s := mediation.FollowUpLabels(fu)
			return []string{m, p, s}
		},
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// FileType names an attachment's stored type.
func FileType(mime string) string {
	switch mime {
	case "image/jpeg":
		return "JPG图片"
	case "image/png":
		return "PNG图片"
	case "application/pdf":
		return "PDF文件"
	}
	return mime
}

// FileSize spells a size in B, KB or MB.
func FileSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1024/1024)
}

// ErrDocumentNotFound: the 卷宗 has no document of that code.
var ErrDocumentNotFound = &cases.Error{Kind: cases.KindNotFound, Code: "document_not_found", Message: "卷宗中没有这份文书"}

// PrintOptions say how a printed page links out: Toolbar is the address
// of the 卷宗 page (the staff's print bar; "" none), AttachmentSrc the
// address of an attachment's bytes for an image shown in the bundle (""
// shows none).
type PrintOptions struct {
	Toolbar       string
	AttachmentSrc func(a *cases.Attachment) string
	// Link is where the index links a document to ("" no link).
	Link func(d *mediation.Document) string
}

// sheet renders one document of d (by its index code) as an HTML fragment;
// copy, when not "", says whose copy of a signed document it is.
func sheet(d *mediation.Dossier, doc *mediation.Document, o PrintOptions, copy string) (template.HTML, error) {
	name, data := "", map[string]any{"D": d, "Case": d.Case, "Copy": copy}
	kind, idText, _ := strings.Cut(doc.Code, "-")
	id, _ := strconv.ParseInt(idText, 10, 64)
	switch kind {
	case "intake", "notice", "followups", "closing":
		name = kind
	case "record":
		for i := range d.Sessions {
			if d.Sessions[i].ID == id {
				name, data["S"] = "record", &d.Sessions[i]
			}
		}
	case "agreement":
		if a := agreementOf(d, doc); a != nil {
			name, data["A"] = "agreement", a
			if a.Form == mediation.FormOral {
				name = "oral"
			}
		}
	case "attachment":
		name, data["Att"], data["Title"] = "attachment", doc.Attachment, doc.Title
		if o.AttachmentSrc != nil && strings.HasPrefix(doc.Attachment.MIME, "image/") {
			data["Src"] = template.URL(o.AttachmentSrc(doc.Attachment))
		}
	}
	if name == "" {
		return "", ErrDocumentNotFound
	}
	var b bytes.Buffer
	if err := printTemplates.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("views: print %s: %w", doc.Code, err)
	}
	return template.HTML(b.String()), nil
}

func writePage(w io.Writer, title string, sheets []template.HTML, o PrintOptions) error {
	return printTemplates.ExecuteTemplate(w, "page", map[string]any{"Title": title, "Sheets": sheets, "Toolbar": o.Toolbar})
}

// coverSheets are the 卷宗's cover and index.
func coverSheets(d *mediation.Dossier, o PrintOptions) ([]template.HTML, error) {
	out := []template.HTML{}
	links := map[string]string{}
	for i := range d.Documents {
		if o.Link != nil {
			links[d.Documents[i].Code] = o.Link(&d.Documents[i])
		}
	}
	for _, name := range []string{"cover", "index"} {
		var b bytes.Buffer
		if err := printTemplates.ExecuteTemplate(&b, name, map[string]any{"D": d, "Links": links}); err != nil {
			return nil, fmt.Errorf("views: print %s: %w", name, err)
		}
		out = append(out, template.HTML(b.String()))
	}
	return out, nil
}

// WriteDossierDocument writes one printable document of the index, or
// "cover" (the cover and the index), as a page of its own.
func WriteDossierDocument(w io.Writer, d *mediation.Dossier, code string, o PrintOptions) error {
	if code == "cover" {
		sheets, err := coverSheets(d, o)
		if err != nil {
			return err
		}
		return writePage(w, "卷宗封面 "+d.FileNumber, sheets, o)
	}
	doc, ok := d.Doc(code)
	if !ok || (doc.Attachment != nil && o.AttachmentSrc == nil) {
		return ErrDocumentNotFound
	}
	var sheets []template.HTML
	for _, copy := range copiesOf(d, doc) {
		s, err := sheet(d, doc, o, copy)
		if err != nil {
			return err
		}
		sheets = append(sheets, s)
	}
	return writePage(w, doc.Title+" "+d.Case.Number, sheets, o)
}

// fileCopyLabel marks the committee's copy of a written agreement.
const fileCopyLabel = "人民调解委员会存档"

// copiesOf: a written agreement prints one copy per party and one for the
// file (人民调解法 第二十九条: 各执一份, 调委会留存一份); any other
// document prints once.
func copiesOf(d *mediation.Dossier, doc *mediation.Document) []string {
	if fileCopy(d, doc) == "" {
		return []string{""}
	}
	var out []string
	for _, p := range d.Case.Parties {
		out = append(out, p.Name+"执")
	}
	return append(out, fileCopyLabel)
}

// fileCopy is the file's copy label of a written agreement, "" otherwise:
// the 卷宗 keeps the committee's copy.
func fileCopy(d *mediation.Dossier, doc *mediation.Document) string {
	if a := agreementOf(d, doc); a != nil && a.Form == mediation.FormWritten {
		return fileCopyLabel
	}
	return ""
}

// agreementOf is the agreement version a document "agreement-<id>" prints,
// or nil for any other document.
func agreementOf(d *mediation.Dossier, doc *mediation.Document) *mediation.Agreement {
	kind, idText, _ := strings.Cut(doc.Code, "-")
	if kind != "agreement" {
		return nil
	}
	for i := range d.Agreements {
		if a := &d.Agreements[i]; strconv.FormatInt(a.ID, 10) == idText {
			return a
		}
	}
	return nil
}

// WriteDossierBundle writes the whole 卷宗 as one printable page: the
// cover, the index and every document, one per sheet.
func WriteDossierBundle(w io.Writer, d *mediation.Dossier, o PrintOptions) error {
	sheets, err := coverSheets(d, o)
	if err != nil {
		return err
	}
	for i := range d.Documents {
		s, err := sheet(d, &d.Documents[i], o, fileCopy(d, &d.Documents[i]))
		if err != nil {
			return err
		}
		sheets = append(sheets, s)
	}
	return writePage(w, "人民调解卷宗 "+d.FileNumber, sheets, o)
}

// ManifestFile is one file of the ZIP, as its manifest.json lists it.
type ManifestFile struct {
	Name     string `json:"name"`
	Title    string `json:"title"`
	Date     string `json:"date"`
	Required string `json:"required"` // the requirement it meets, "" none
	MIME     string `json:"mime"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
}

// Manifest is the ZIP's manifest.json.
type Manifest struct {
	Case         string                  `json:"case"`
	FileNumber   string                  `json:"file_number"`
	Retention    string                  `json:"retention"`
	Archived     bool                    `json:"archived"`
	GeneratedAt  time.Time               `json:"generated_at"`
	Requirements []mediation.Requirement `json:"requirements"`
	Files        []ManifestFile          `json:"files"`
}

var attachmentExt = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}

// WriteDossierZIP streams the 卷宗 as one ZIP for hand-off to the court:
// index.html (cover, index and every printed document, linking the
// files), each printed document under documents/, each filed file under
// attachments/ (read through path, which answers where its bytes are),
// and manifest.json with every file's SHA-256. Names inside are chosen
// here, never taken from an upload.
func WriteDossierZIP(w io.Writer, d *mediation.Dossier, path func(id int64) (string, error), now time.Time) error {
	z := zip.NewWriter(w)
	m := Manifest{Case: d.Case.Number, FileNumber: d.FileNumber, Retention: d.Retention.Period, Archived: d.Archive != nil,
		GeneratedAt: now.UTC(), Requirements: d.Requirements, Files: []ManifestFile{}}
	put := func(name string, modified time.Time, write func(io.Writer) error) (int64, string, error) {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return 0, "", err
		}
		h := sha256.New()
		cw := &countWriter{w: io.MultiWriter(f, h)}
		if err := write(cw); err != nil {
			return 0, "", err
		}
		return cw.n, hex.EncodeToString(h.Sum(nil)), nil
	}
	for i := range d.Documents {
		doc := &d.Documents[i]
		mf := ManifestFile{Title: doc.Title, Date: doc.Date, Required: doc.Meets}
		var write func(io.Writer) error
		if at := doc.Attachment; at != nil {
			mf.Name, mf.MIME = fmt.Sprintf("attachments/%02d-%s%s", i+1, doc.Code, attachmentExt[at.MIME]), at.MIME
			write = func(w io.Writer) error {
				p, err := path(at.ID)
				if err != nil {
					return err
				}
				f, err := os.Open(p)
				if err != nil {
					return fmt.Errorf("views: attachment %d: %w", at.ID, err)
				}
				defer f.Close()
				_, err = io.Copy(w, f)
				return err
			}
		} else {
			mf.Name, mf.MIME = fmt.Sprintf("documents/%02d-%s.html", i+1, doc.Code), "text/html"
			write = func(w io.Writer) error { return WriteDossierDocument(w, d, doc.Code, PrintOptions{}) }
		}
		var err error
		if mf.Size, mf.SHA256, err = put(mf.Name, now, write); err != nil {
			return err
		}
		m.Files = append(m.Files, mf)
	}
	names := map[string]string{} // document code → its file in the ZIP
	for i, f := range m.Files {
		names[d.Documents[i].Code] = f.Name
	}
	if _, _, err := put("index.html", now, func(w io.Writer) error {
		return WriteDossierBundle(w, d, PrintOptions{
			AttachmentSrc: func(a *cases.Attachment) string { return names[fmt.Sprintf("attachment-%d", a.ID)] },
			Link:          func(doc *mediation.Document) string { return names[doc.Code] },
		})
	}); err != nil {
		return err
	}
	if _, _, err := put("manifest.json", now, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	}); err != nil {
		return err
	}
	return z.Close()
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// SendDossierDocument answers one printable document of d (text/html).
func SendDossierDocument(c *fiber.Ctx, d *mediation.Dossier, code string, o PrintOptions) error {
	var b bytes.Buffer
	if err := WriteDossierDocument(&b, d, code, o); err != nil {
		return err
	}
	return sendPrinted(c, &b)
}

// SendDossierBundle answers the whole 卷宗 as one printable page.
func SendDossierBundle(c *fiber.Ctx, d *mediation.Dossier, o PrintOptions) error {
	var b bytes.Buffer
	if err := WriteDossierBundle(&b, d, o); err != nil {
		return err
	}
	return sendPrinted(c, &b)
}

func sendPrinted(c *fiber.Ctx, b *bytes.Buffer) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(b.Bytes())
}

// SendDossierZIP streams the 卷宗's ZIP as a download named after the case.
func SendDossierZIP(c *fiber.Ctx, svc *cases.Service, d *mediation.Dossier) error {
	a, ctx := ActorOf(c), c.UserContext()
	path := func(id int64) (string, error) {
		_, p, err := svc.Attachment(ctx, a, d.Case.Number, id)
		return p, err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape("卷宗-"+d.Case.Number+".zip"))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	now := svc.Now()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := WriteDossierZIP(w, d, path, now); err != nil {
			// The status is sent: a broken ZIP is all the client can get.
			slog.Error("dossier zip", "case", d.Case.Number, "err", err)
		}
		_ = w.Flush()
	})
	return nil
}
