package web

import (
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// Every public call opens a case with its number and query code. Two
// limits refuse guessing: failures per address, and failures per case
// number from any address (counted for unknown numbers too, so a 429 says
// nothing about whether a number exists). Successes never count. A third
// limits online applications per address. The JSON API and the citizen's
// pages count together.
//
// A case number over its limit refuses only the addresses that guessed
// wrong on it in the window; any other address gets one guess. Refusing
// every address let 22 wrong codes from 5 addresses lock the holder out for
// the whole window; this way a guesser with many addresses still gets one
// guess per address (the code has 31^10 values), and the holder, who has
// not guessed wrong, gets in.
type CitizenLimits struct {
	addr, number, apply *FailureLimiter
	guessed             *FailureLimiter // "number|address": failed on this case
}

// NewCitizenLimits: failures per address and per case number in window,
// applications per address in applyWindow.
func NewCitizenLimits(addrFailures, numberFailures int, window time.Duration, applications int, applyWindow time.Duration) *CitizenLimits {
	return &CitizenLimits{addr: NewFailureLimiter(addrFailures, window),
		number: NewFailureLimiter(numberFailures, window), apply: NewFailureLimiter(applications, applyWindow),
		guessed: NewFailureLimiter(1, window)}
}

// Shared makes the limits count in the database (FailureLimiter.Shared).
func (l *CitizenLimits) Shared(svc *cases.Service) *CitizenLimits {
	l.addr.Shared(svc, "public_address")
	l.number.Shared(svc, "public_case")
	l.apply.Shared(svc, "application")
	l.guessed.Shared(svc, "public_guess")
	return l
}

// tooManyAttempts is the 429 for either limit, with the wait in minutes.
func tooManyAttempts(c *fiber.Ctx, wait time.Duration) error {
	minutes := int(math.Ceil(wait.Minutes()))
	minutes = max(minutes, 1)
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	return &cases.Error{Kind: cases.KindTooMany, Code: "too_many_attempts",
		Message: fmt.Sprintf("尝试次数过多，请%d分钟后再试；如忘记查询码，请携带身份证到受理窗口补发", minutes)}
}

// caseKey is the per-case limiter's key: the number as the service reads
// it, cut short so garbage cannot grow the table by much.
func caseKey(number string) string {
	n := cases.NormalizeCaseNumber(number)
	if len(n) > 32 {
		n = n[:32]
	}
	return n
}

// Blocked answers the 429 when the address has used up its failures, or
// the case number has and this address guessed wrong on it.
func (l *CitizenLimits) Blocked(c *fiber.Ctx, number string) error {
	wait := l.addr.RetryAfter(c.IP())
	if l.guessed.Blocked(guessKey(c, number)) {
		wait = max(wait, l.number.RetryAfter(caseKey(number)))
	}
	if wait > 0 {
		return tooManyAttempts(c, wait)
	}
	return nil
}

// Failed counts err against the limits when it is a failed code.
func (l *CitizenLimits) Failed(c *fiber.Ctx, number string, err error) {
	if cases.ErrorOf(err) == cases.ErrPublicNotFound {
		l.addr.Fail(c.IP())
		l.number.Fail(caseKey(number))
		l.guessed.Fail(guessKey(c, number))
	}
}

// guessKey is the key of the address's failures on one case number.
func guessKey(c *fiber.Ctx, number string) string { return caseKey(number) + "|" + c.IP() }

// ApplicationBlocked: each address may file a few applications an hour.
func (l *CitizenLimits) ApplicationBlocked(c *fiber.Ctx) error {
	if wait := l.apply.RetryAfter(c.IP()); wait > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return &cases.Error{Kind: cases.KindTooMany, Code: "too_many_applications",
			Message: fmt.Sprintf("提交过于频繁，请%d分钟后再试", max(1, int(math.Ceil(wait.Minutes()))))}
	}
	return nil
}

// ApplicationCounted counts stored applications and honeypot hits; a
// citizen correcting a mistake in the form is not counted.
func (l *CitizenLimits) ApplicationCounted(c *fiber.Ctx, err error) {
	if err == nil || cases.ErrorOf(err) == cases.ErrApplicationRefused {
		l.apply.Fail(c.IP())
	}
}

// MessageRequest is the JSON form of a citizen's message.
type MessageRequest struct {
	Number string `json:"number"`
	Code   string `json:"code"`
	Body   string `json:"body"`
}

func isMultipart(c *fiber.Ctx) bool {
	return strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm)
}

// ReadMessage reads a citizen's message: JSON, or multipart with up to
// three files in "files" (the API's and the status page's form).
func ReadMessage(c *fiber.Ctx) (MessageRequest, []cases.AttachmentInput, error) {
	var req MessageRequest
	if !isMultipart(c) {
		return req, nil, DecodeJSON(c, &req)
	}
	v, files, err := ReadUpload(c, "number", "code", "body")
	return MessageRequest{Number: v["number"], Code: v["code"], Body: v["body"]}, files, err
}

// ReadUpload reads a multipart form: the named text fields (and _csrf)
// and up to three files in "files"; any other field is refused by name.
func ReadUpload(c *fiber.Ctx, fields ...string) (map[string]string, []cases.AttachmentInput, error) {
	values := map[string]string{}
	form, err := c.MultipartForm()
	if err != nil {
		return values, nil, errInvalidForm
	}
	for k, v := range form.Value {
		switch {
		case k == "_csrf":
		case slices.Contains(fields, k):
			if len(v) > 0 {
				values[k] = v[0]
			}
		case k == "files":
			// A browser's empty file input is a part with filename="",
			// which multipart parsing files under values; only a
			// non-empty value is a misnamed field.
			if strings.Join(v, "") != "" {
				return values, nil, &cases.Error{Kind: cases.KindInvalid, Code: "unknown_field", Message: "附件须以文件上传", Field: k}
			}
		default:
			return values, nil, &cases.Error{Kind: cases.KindInvalid, Code: "unknown_field", Message: fmt.Sprintf("不认识的字段“%s”", k), Field: k}
		}
	}
	for k := range form.File {
		if k != "files" {
			return values, nil, &cases.Error{Kind: cases.KindInvalid, Code: "unknown_field", Message: fmt.Sprintf("不认识的字段“%s”", k), Field: k}
		}
	}
	files, err := readFiles(form.File["files"])
	return values, files, err
}

// errInvalidForm answers a multipart body that cannot be parsed.
var errInvalidForm = &cases.Error{Kind: cases.KindInvalid, Code: "invalid_form", Message: "表单内容无法读取，请重新提交"}

// UploadedFiles reads the files in "files" of a form that may have none:
// an urlencoded form has none, nor has a browser's empty file input.
func UploadedFiles(c *fiber.Ctx) ([]cases.AttachmentInput, error) {
	if !isMultipart(c) {
		return nil, nil
	}
	form, err := c.MultipartForm()
	if err != nil {
		return nil, errInvalidForm
	}
	return readFiles(form.File["files"])
}

// readFiles reads each uploaded file, at most one byte past the size limit
// so the service can refuse it; an empty file input (a browser sends one
// with no name) is not a file.
func readFiles(headers []*multipart.FileHeader) ([]cases.AttachmentInput, error) {
	var out []cases.AttachmentInput
	for _, fh := range headers {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		if len(out) == cases.MaxAttachments {
			// One past the limit is enough for the service to refuse.
			out = append(out, cases.AttachmentInput{Name: fh.Filename})
			break
		}
		f, err := fh.Open()
		if err != nil {
			return nil, fmt.Errorf("views: unable to open upload: %w", err)
		}
		data, err := io.ReadAll(io.LimitReader(f, cases.MaxAttachmentSize+1))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("views: unable to read upload: %w", err)
		}
		out = append(out, cases.AttachmentInput{Name: fh.Filename, Data: data})
	}
	return out, nil
}
