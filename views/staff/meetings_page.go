package staff

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 会商: the meetings list with the leader's form to convene one (the case
// page's "发起会商" link fills in its number), the meeting page (sign-in,
// the minutes with their decision rows, the tasks), and the printed
// 会商纪要. The rules are in cases/meetings.go.

// decisionRows is how many empty decision rows the minutes form offers.
const decisionRows = 4

type meetingForm struct {
	Cases, StartsAt, Duration, Place, Agenda, Users string
	Desks                                           []string
}

type meetingsData struct {
	Meetings   []cases.Meeting
	MayConvene bool
	Form       meetingForm
	Error      string
	Desks      []cases.Desk
}

// splitList reads a list typed with commas, 、 or spaces.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' || r == '\n' })
}

func (s *server) meetingsPage(c *fiber.Ctx) error {
	f := meetingForm{Cases: cases.NormalizeCaseNumber(c.Query("case")), Duration: "60"}
	return s.renderMeetings(c, fiber.StatusOK, f, "")
}

func (s *server) renderMeetings(c *fiber.Ctx, status int, f meetingForm, msg string) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	if err := cases.Authorize(a, cases.HandleCases); err != nil {
		return err
	}
	list, err := s.Svc.Meetings(ctx, a)
	if err != nil {
		return err
	}
	desks, err := s.Svc.Desks(ctx)
	if err != nil {
		return err
	}
	d := meetingsData{Meetings: list, MayConvene: cases.MayConvene(a), Form: f, Error: msg}
	for _, dk := range desks {
		if dk.Active {
			d.Desks = append(d.Desks, dk)
		}
	}
	return s.render(c, status, "meetings", page{Title: "会商", Active: "meetings", Data: d})
}

// meetingCreate convenes a meeting from the form.
func (s *server) meetingCreate(c *fiber.Ctx) error {
	f := meetingForm{Cases: c.FormValue("cases"), StartsAt: c.FormValue("starts_at"), Duration: c.FormValue("duration_minutes"),
		Place: c.FormValue("place"), Agenda: c.FormValue("agenda"), Users: c.FormValue("invited_users")}
	for _, v := range c.Request().PostArgs().PeekMulti("invited_desks") {
		f.Desks = append(f.Desks, string(v))
	}
	in := cases.MeetingInput{Cases: splitList(f.Cases), StartsAt: f.StartsAt, Place: f.Place, InvitedDesks: f.Desks,
		InvitedUsers: splitList(f.Users), Agenda: f.Agenda}
	if strings.TrimSpace(f.Duration) != "" {
		n, err := strconv.Atoi(strings.TrimSpace(f.Duration))
		if err != nil || n <= 0 {
			return s.renderMeetings(c, fiber.StatusBadRequest, f, "会商时长应为正整数（分钟）")
		}
		in.Duration = n
	}
	m, err := s.Svc.ConveneMeeting(c.UserContext(), web.ActorOf(c), in)
	if err != nil {
		e := cases.ErrorOf(err)
		if e == nil || e.Kind == cases.KindForbidden {
			return err
		}
		return s.renderMeetings(c, web.StatusOf(e.Kind), f, e.Message)
	}
	return c.Redirect(fmt.Sprintf("/meetings/%d?done=convened", m.ID), fiber.StatusSeeOther)
}

type decisionRow struct{ OwnerDesk, Content, DueOn string }

type meetingData struct {
	M          *cases.Meeting
	Desks      []cases.Desk
	MayMinutes bool // a leader, before the minutes
	MaySign    bool // the signed-in user has not signed in yet
	Text       string
	Rows       []decisionRow
	Error      string
	ErrorField string
}

func (s *server) meetingPage(c *fiber.Ctx) error {
	d, err := s.loadMeeting(c)
	if err != nil {
		return err
	}
	p := page{Title: "会商", Active: "meetings", Data: d}
	switch c.Query("done") {
	case "convened":
		p.Flash = "会商已召集，已记入各案件的办理过程。"
	case "signed":
		p.Flash = "已签到。"
	case "minutes":
		p.Flash = fmt.Sprintf("纪要已记录，交办事项%d项已开始督办。", len(d.M.Tasks))
	}
	return s.render(c, fiber.StatusOK, "meeting", p)
}

func (s *server) loadMeeting(c *fiber.Ctx) (*meetingData, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return nil, err
	}
	ctx, a := c.UserContext(), web.ActorOf(c)
	m, err := s.Svc.Meeting(ctx, a, id)
	if err != nil {
		return nil, err
	}
	desks, err := s.Svc.Desks(ctx)
	if err != nil {
		return nil, err
	}
	d := &meetingData{M: m, MayMinutes: cases.MayConvene(a) && m.Minutes == nil, MaySign: true,
		Rows: make([]decisionRow, decisionRows)}
	for _, dk := range desks {
		if dk.Active {
			d.Desks = append(d.Desks, dk)
		}
	}
	for _, at := range m.Attendance {
		if at.Username == a.Username {
			d.MaySign = false
		}
	}
	return d, nil
}

// meetingFailed shows the meeting page again with a refusal, or answers
// an error that is not one.
func (s *server) meetingFailed(c *fiber.Ctx, err error, keep func(d *meetingData)) error {
	e := cases.ErrorOf(err)
	if e == nil || e.Kind == cases.KindForbidden || e.Kind == cases.KindNotFound {
		return err
	}
	d, lerr := s.loadMeeting(c)
	if lerr != nil {
		return lerr
	}
	d.Error, d.ErrorField = e.Message, e.Field
	if keep != nil {
		keep(d)
	}
	return s.render(c, web.StatusOf(e.Kind), "meeting", page{Title: "会商", Active: "meetings", Data: d})
}

func (s *server) meetingSignIn(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.Svc.SignIn(c.UserContext(), web.ActorOf(c), id, cases.SignInInput{Usernames: splitList(c.FormValue("usernames"))}); err != nil {
		return s.meetingFailed(c, err, nil)
	}
	return c.Redirect(fmt.Sprintf("/meetings/%d?done=signed#attendance", id), fiber.StatusSeeOther)
}

func (s *server) meetingMinutes(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	args := c.Request().PostArgs()
	owners, contents, dues := args.PeekMulti("owner_desk"), args.PeekMulti("content"), args.PeekMulti("due_on")
	in := cases.MinutesInput{Text: c.FormValue("text")}
	var rows []decisionRow
	for i := range owners {
		r := decisionRow{OwnerDesk: string(owners[i])}
		if i < len(contents) {
			r.Content = string(contents[i])
		}
		if i < len(dues) {
			r.DueOn = string(dues[i])
		}
		rows = append(rows, r)
		// A row left wholly empty is a spare row, not a decision.
		if r.OwnerDesk == "" && strings.TrimSpace(r.Content) == "" && strings.TrimSpace(r.DueOn) == "" {
			continue
		}
		in.Decisions = append(in.Decisions, cases.DecisionInput{OwnerDesk: r.OwnerDesk, Content: r.Content, DueOn: r.DueOn})
	}
	if _, err := s.Svc.RecordMinutes(c.UserContext(), web.ActorOf(c), id, in); err != nil {
		return s.meetingFailed(c, err, func(d *meetingData) {
			d.Text = in.Text
			for len(rows) < decisionRows {
				rows = append(rows, decisionRow{})
			}
			d.Rows = rows
		})
	}
	return c.Redirect(fmt.Sprintf("/meetings/%d?done=minutes#tasks", id), fiber.StatusSeeOther)
}

// meetingPrint is the printable 会商纪要.
func (s *server) meetingPrint(c *fiber.Ctx) error {
	d, err := s.loadMeeting(c)
	if err != nil {
		return err
	}
	p, err := s.meetingPrintOf(c, d.M)
	if err != nil {
		return err
	}
	return sendPrint(c, func(b *bytes.Buffer) error { return p.WriteMinutes(b) })
}

func (s *server) meetingPrintOf(c *fiber.Ctx, m *cases.Meeting) (*web.MeetingPrint, error) {
	ctx := c.UserContext()
	centre, err := s.Svc.Centre(ctx)
	if err != nil {
		return nil, err
	}
	names, err := s.Svc.DeskNames(ctx)
	if err != nil {
		return nil, err
	}
	return &web.MeetingPrint{Meeting: m, Centre: centre.Name, Desk: names, Back: fmt.Sprintf("/meetings/%d", m.ID)}, nil
}

func sendPrint(c *fiber.Ctx, write func(b *bytes.Buffer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b.Bytes())
}
