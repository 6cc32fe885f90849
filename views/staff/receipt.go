package staff

import (
	"encoding/base64"
	"html/template"
	"net/url"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"yidi/cases"
	"yidi/views/web"
)

// 受理回执: the receipt after intake (with the query code and its QR code,
// shown this once), after a reissued code, and reprinted later without it.

type receiptData struct {
	Case      *cases.Case
	Receipt   *cases.Receipt
	DeskName  string
	QueryCode string
	StatusURL string
	QR        template.URL // data: URI of a PNG we made; html/template would refuse a plain string
	Warnings  []cases.Warning
	RouteErr  string
	Again     bool // opened later: the code cannot be shown again
}

func (s *server) statusURL(c *fiber.Ctx, number, code string) string {
	base := s.PublicURL
	if base == "" {
		base = c.BaseURL()
	}
	return base + "/status?number=" + url.QueryEscape(number) + "&code=" + url.QueryEscape(code)
}

func (s *server) renderReceipt(c *fiber.Ctx, kase *cases.Case, code string, warnings []cases.Warning, routeErr string) error {
	names, err := s.Svc.DeskNames(c.UserContext())
	if err != nil {
		return err
	}
	d := receiptData{Case: kase, QueryCode: code, Warnings: warnings, RouteErr: routeErr, Again: code == ""}
	if d.Receipt, err = s.Svc.ReceiptOf(c.UserContext(), kase); err != nil {
		return err
	}
	if kase.Desk != "" {
		d.DeskName = names(kase.Desk)
	}
	if code != "" {
		d.StatusURL = s.statusURL(c, kase.Number, code)
		qr, err := qrcode.New(d.StatusURL, qrcode.Medium)
		if err != nil {
			return err
		}
		// A negative size is pixels per module: whole pixels keep every
		// module the same width, which phone cameras and printers like.
		png, err := qr.PNG(-6)
		if err != nil {
			return err
		}
		d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	return s.render(c, fiber.StatusOK, "receipt", page{Title: "受理回执 " + kase.Number, Active: "intake", Data: d})
}

// receiptAgain reprints a receipt later: everything but the query code,
// which exists only in the answer to the intake.
func (s *server) receiptAgain(c *fiber.Ctx) error {
	kase, err := s.Svc.Case(c.UserContext(), web.ActorOf(c), c.Params("number"))
	if err != nil {
		return err
	}
	return s.renderReceipt(c, kase, "", nil, "")
}
