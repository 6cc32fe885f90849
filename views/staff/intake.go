package staff

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/search"
	"yidi/views/web"
)

// 受理登记: one page to register a dispute, with the related-case pre-check
// while typing, and the 受理回执 receipt right after.

const minPartyRows = 2

type intakeForm struct {
	In       cases.IntakeInput
	Amount   string // as typed
	People   string
	RouteTo  string
	Parties  []cases.PartyInput // at least minPartyRows rows
	Idem     string
	Error    string
	Field    string
	Cats     []cases.Category
	Desks    []cases.Desk
	Sources  []sourceOption
	Precheck *precheckData
	// The town's autocomplete, and the 一次性告知 checklist of every
	// category (the script shows the chosen category's; without it all
	// show, and only the chosen category's ticks count).
	Towns     []string
	Materials []materialGroup
}

type materialGroup struct {
	Cat     cases.Category
	Items   []materialItem
	Current bool
}

type materialItem struct {
	cases.Material
	Checked bool
}

type sourceOption struct{ Code, Label string }

var partyField = regexp.MustCompile(`^parties\[(\d+)\]\.(\w+)$`)

// FieldID is the id of the input an error names, for a "go to" link:
// parties[1].id_number → party_id_number_1.
func (f *intakeForm) FieldID() string {
	if m := partyField.FindStringSubmatch(f.Field); m != nil {
		return "party_" + m[2] + "_" + m[1]
	}
	if f.Field == "parties" {
		return "party_name_0"
	}
	return f.Field
}

var sourceOrder = []string{"walk_in", "phone", "letter", "online", "hotline", "grid", "referral", cases.SourceCourtReferral}

func sourceOptions() []sourceOption {
	var out []sourceOption
	for _, code := range sourceOrder {
		if l, ok := cases.Sources[code]; ok {
			out = append(out, sourceOption{code, l})
		}
	}
	return out
}

func newIdemKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "page-" + base64.RawURLEncoding.EncodeToString(b)
}

func (s *server) intakeForm(c *fiber.Ctx, f *intakeForm) error {
	var err error
	if f.Cats, err = s.Svc.Categories(c.UserContext()); err != nil {
		return err
	}
	if f.Desks, err = s.Svc.Desks(c.UserContext()); err != nil {
		return err
	}
	f.Sources = sourceOptions()
	if f.Towns, err = s.Svc.Towns(c.UserContext()); err != nil {
		return err
	}
	materials, err := s.Svc.Materials(c.UserContext())
	if err != nil {
		return err
	}
	for _, cat := range f.Cats {
		if !cat.Active || len(materials[cat.Code]) == 0 {
			continue
		}
		g := materialGroup{Cat: cat, Current: cat.Code == f.In.Category}
		for _, m := range materials[cat.Code] {
			g.Items = append(g.Items, materialItem{Material: m, Checked: g.Current && slices.Contains(f.In.MaterialsReceived, m.Code)})
		}
		f.Materials = append(f.Materials, g)
	}
	for len(f.Parties) < minPartyRows {
		role := cases.PartyApplicant
		if len(f.Parties) > 0 {
			role = cases.PartyRespondent
		}
		f.Parties = append(f.Parties, cases.PartyInput{Role: role})
	}
	if f.Idem == "" {
		f.Idem = newIdemKey()
	}
	return nil
}

func (s *server) intakePage(c *fiber.Ctx) error {
	f := &intakeForm{}
	f.In.Source = "walk_in"
	if err := s.intakeForm(c, f); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "intake", page{Title: "受理登记", Active: "intake", Data: f})
}

// parseIntakeForm reads the posted form; a bad number is reported like any
// other bad field.
func parseIntakeForm(c *fiber.Ctx) (*intakeForm, error) {
	f := &intakeForm{
		In: cases.IntakeInput{
			Title: c.FormValue("title"), Category: c.FormValue("category"), Source: c.FormValue("source"),
			Summary: c.FormValue("summary"), Claims: c.FormValue("claims"), Town: c.FormValue("town"),
			ReferralNo: c.FormValue("referral_no"), ReferralDate: c.FormValue("referral_date"),
		},
		Amount: strings.TrimSpace(c.FormValue("amount")), People: strings.TrimSpace(c.FormValue("people_count")),
		RouteTo: c.FormValue("route_to"), Idem: c.FormValue("_idem"),
	}
	// Each category's checkboxes have their own name: only the chosen
	// category's ticks count (without the script all categories show).
	if f.In.Category != "" {
		f.In.MaterialsReceived = formList(c, "material_"+f.In.Category)
	}
	n, _ := strconv.Atoi(c.FormValue("party_count"))
	if n < minPartyRows {
		n = minPartyRows
	}
	if n > cases.MaxParties {
		n = cases.MaxParties
	}
	for i := 0; i < n; i++ {
		k := strconv.Itoa(i)
		p := cases.PartyInput{Role: c.FormValue("party_role_" + k), Name: c.FormValue("party_name_" + k),
			IDNumber: c.FormValue("party_id_number_" + k), Phone: c.FormValue("party_phone_" + k)}
		f.Parties = append(f.Parties, p)
		if strings.TrimSpace(p.Name+p.IDNumber+p.Phone) != "" {
			f.In.Parties = append(f.In.Parties, p)
		}
	}
	if f.Amount != "" {
		v, err := strconv.ParseFloat(strings.ReplaceAll(f.Amount, ",", ""), 64)
		if err != nil {
			return f, &cases.Error{Kind: cases.KindInvalid, Code: "invalid_amount", Message: "涉及金额应为数字（单位：元）", Field: "amount"}
		}
		f.In.Amount = &v
	}
	if f.People != "" {
		v, err := strconv.Atoi(f.People)
		if err != nil {
			return f, &cases.Error{Kind: cases.KindInvalid, Code: "invalid_people_count", Message: "涉及人数应为整数", Field: "people_count"}
		}
		f.In.PeopleCount = v
	}
	return f, nil
}

func (s *server) intakeSubmit(c *fiber.Ctx) error {
	a := web.ActorOf(c)
	f, err := parseIntakeForm(c)
	if c.FormValue("add_party") != "" && len(f.Parties) < cases.MaxParties {
		// Without JavaScript, "add a party" posts the form back with one more row.
		f.Parties = append(f.Parties, cases.PartyInput{Role: cases.PartyThird})
		if err := s.intakeForm(c, f); err != nil {
			return err
		}
		return s.render(c, fiber.StatusOK, "intake", page{Title: "受理登记", Active: "intake", Data: f})
	}
	var res *cases.IntakeResult
	if err == nil {
		res, err = s.Svc.Intake(c.UserContext(), a, f.In, f.Idem)
	}
	if err != nil {
		e := cases.ErrorOf(err)
		if e == nil || e.Kind == cases.KindInternal {
			return err
		}
		f.Error, f.Field = e.Message, e.Field
		if ierr := s.intakeForm(c, f); ierr != nil {
			return ierr
		}
		return s.render(c, web.StatusOf(e.Kind), "intake", page{Title: "受理登记", Active: "intake", Data: f})
	}
	kase := res.Case
	routeErr := ""
	if f.RouteTo != "" && !res.Replayed {
		routed, err := s.Svc.Do(c.UserContext(), a, kase.Number, cases.ActionRequest{Action: "route", Desk: f.RouteTo})
		if err != nil {
			e := cases.ErrorOf(err)
			if e == nil {
				return err
			}
			// The case is registered; routing can be done from the case page.
			routeErr = "案件已登记，但分流未成功：" + e.Message
		} else {
			kase = routed
		}
	}
	return s.renderReceipt(c, kase, res.QueryCode, res.Warnings, routeErr)
}

type precheckData struct {
	SamePerson []cases.RelatedCase
	Similar    []search.SimilarHit
	Repeat     bool
}

// intakeCheck answers the pre-check fragment for the typed draft: the same
// service calls as POST /api/v1/cases/check.
func (s *server) intakeCheck(c *fiber.Ctx) error {
	f, _ := parseIntakeForm(c)
	a := web.ActorOf(c)
	same, err := s.Svc.SamePersonDraft(c.UserContext(), a, f.In)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(f.In.Title + "\n" + f.In.Summary + "\n" + f.In.Claims)
	similar, err := s.Similar(c, text, "", same, 5)
	if err != nil {
		return err
	}
	d := &precheckData{SamePerson: same, Similar: similar}
	for _, r := range same {
		if r.Status != cases.StatusClosed {
			d.Repeat = true
		}
	}
	var buf bytes.Buffer
	if err := s.views.pages["intake"].ExecuteTemplate(&buf, "precheck", d); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}

// intakePerson answers what is known about an ID number: the name to fill
// in and the phone masked — the person is at the counter and confirms it.
func (s *server) intakePerson(c *fiber.Ctx) error {
	p, err := s.Svc.PersonByIDNumber(c.UserContext(), web.ActorOf(c), c.Query("id_number"))
	if err != nil {
		return err
	}
	if p == nil {
		return c.JSON(fiber.Map{})
	}
	return c.JSON(p)
}
