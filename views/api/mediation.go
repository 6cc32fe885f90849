package api

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/views/web"
)

// Mediation: sessions, agreements and their printable 协议书, 司法确认,
// performance and 回访 (docs/api.md, "Mediation"). The handlers map the
// API's JSON names onto cases/mediation's inputs; the rules are there.

func invalidField(field, code, msg string) error {
	return &cases.Error{Kind: cases.KindInvalid, Code: code, Message: msg, Field: field}
}

type sessionBody struct {
	Version      *int64               `json:"version"`
	Kind         string               `json:"kind"`
	StartsAt     string               `json:"starts_at"`
	Minutes      int                  `json:"minutes"`
	Place        string               `json:"place"` // a room's name
	VideoURL     string               `json:"video_url"`
	Presiding    string               `json:"presiding"`
	Mediators    []string             `json:"mediators"`
	Clerk        string               `json:"clerk"`
	InvitedDesks []string             `json:"invited_desks"`
	Outsiders    []mediation.Outsider `json:"outsiders"`
	Summoned     *[]string            `json:"summoned"` // absent: every party of the case
	Bring        string               `json:"bring"`
	Note         string               `json:"note"`
}

func (s *server) scheduleSession(c *fiber.Ctx) error {
	var b sessionBody
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	ctx, a, number := c.UserContext(), web.ActorOf(c), c.Params("number")
	kase, err := s.Svc.Case(ctx, a, number)
	if err != nil {
		return err
	}
	in := mediation.SessionInput{Version: b.Version, Kind: b.Kind, StartsAt: b.StartsAt, Minutes: b.Minutes,
		VideoURL: b.VideoURL, Presiding: b.Presiding, Mediators: b.Mediators, Clerk: b.Clerk,
		InvitedDesks: b.InvitedDesks, Outsiders: b.Outsiders, Bring: b.Bring}
	if strings.TrimSpace(b.Bring) == "" {
		in.Bring = b.Note
	}
	if b.Summoned != nil {
		in.Summoned = *b.Summoned
	} else {
		for _, p := range kase.Parties {
			in.Summoned = append(in.Summoned, p.Name)
		}
	}
	if place := strings.TrimSpace(b.Place); place != "" {
		if in.RoomID, err = s.roomNamed(c, "place", place); err != nil {
			return err
		}
	}
	ses, err := s.Med.Schedule(ctx, a, kase.Number, in)
	if e := cases.ErrorOf(err); e != nil && e.Field == "room_id" {
		e.Field = "place" // the API names the room by its name
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ses)
}

// roomNamed answers the id of the active room called name.
func (s *server) roomNamed(c *fiber.Ctx, field, name string) (int64, error) {
	rooms, err := s.Med.Rooms(c.UserContext())
	if err != nil {
		return 0, err
	}
	for _, r := range rooms {
		if r.Name == name && r.Active {
			return r.ID, nil
		}
	}
	return 0, invalidField(field, "unknown_room", fmt.Sprintf("没有名为“%s”的调解室", name))
}

// weekSessions is a desk's or a room's week calendar: desk (code) or room
// (id or name), week (any day of it; default this week).
func (s *server) weekSessions(c *fiber.Ctx) error {
	q := mediation.WeekQuery{Desk: c.Query("desk"), Day: c.Query("week")}
	if room := strings.TrimSpace(c.Query("room")); room != "" {
		id, err := strconv.ParseInt(room, 10, 64)
		if err != nil {
			if id, err = s.roomNamed(c, "room", room); err != nil {
				return err
			}
		}
		q.RoomID = id
	}
	w, err := s.Med.Week(c.UserContext(), web.ActorOf(c), q)
	if err != nil {
		return err
	}
	return c.JSON(w)
}

type recordBody struct {
	Version     *int64             `json:"version"`
	Attended    []string           `json:"attended"` // staff usernames and parties' names
	MinutesText string             `json:"minutes_text"`
	Result      string             `json:"result"`
	AdjournedTo string             `json:"adjourned_to"`
	Recusal     *mediation.Recusal `json:"recusal"`
}

func (s *server) recordSession(c *fiber.Ctx) error {
	var b recordBody
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx, a := c.UserContext(), web.ActorOf(c)
	kase, err := s.Svc.Case(ctx, a, c.Params("number"))
	if err != nil {
		return err
	}
	in := mediation.RecordInput{Version: b.Version, Statements: b.MinutesText, Result: b.Result,
		AdjournedTo: b.AdjournedTo, Recusal: b.Recusal, AttendedStaff: []string{}, AttendedParties: []string{}}
	for _, who := range b.Attended {
		if isParty(kase, who) {
			in.AttendedParties = append(in.AttendedParties, who)
		} else {
			in.AttendedStaff = append(in.AttendedStaff, who)
		}
	}
	ses, err := s.Med.RecordSession(ctx, a, kase.Number, id, in)
	if err != nil {
		return err
	}
	return c.JSON(ses)
}

func isParty(k *cases.Case, name string) bool {
	for _, p := range k.Parties {
		if p.Name == strings.TrimSpace(name) {
			return true
		}
	}
	return false
}

func (s *server) cancelSession(c *fiber.Ctx) error { return onItem(c, fiber.StatusOK, s.Med.Cancel) }

type agreementAnswer struct {
	*mediation.Agreement
	DocumentURL string `json:"document_url"`
}

func agreementURL(number string, id int64) string {
	return fmt.Sprintf("/api/v1/cases/%s/agreements/%d/document", number, id)
}

func (s *server) signAgreement(c *fiber.Ctx) error {
	in := mediation.AgreementInput{Obligations: []mediation.ObligationInput{}}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	ag, err := s.Med.SignAgreement(c.UserContext(), web.ActorOf(c), c.Params("number"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(agreementAnswer{Agreement: ag, DocumentURL: agreementURL(c.Params("number"), ag.ID)})
}

type confirmationBody struct {
	Version    *int64   `json:"version"`
	Court      string   `json:"court"` // the court desk's code; default the one in the mediation settings
	AppliedOn  string   `json:"applied_on"`
	Applicants []string `json:"applicants"` // default every party of the case
}

func (s *server) applyConfirmation(c *fiber.Ctx) error {
	var b confirmationBody
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	ctx, a := c.UserContext(), web.ActorOf(c)
	if _, err := web.AgreementByID(c, s.Med, true); err != nil {
		return err
	}
	if court := strings.TrimSpace(b.Court); court != "" {
		st, err := s.Med.Settings(ctx)
		if err != nil {
			return err
		}
		if court != st.CourtDesk {
			return invalidField("court", "unknown_court", fmt.Sprintf("司法确认由“%s”窗口办理", st.CourtDesk))
		}
	}
	in := mediation.ApplicationInput{Version: b.Version, AppliedOn: b.AppliedOn, Applicants: b.Applicants}
	if in.Applicants == nil {
		kase, err := s.Svc.Case(ctx, a, c.Params("number"))
		if err != nil {
			return err
		}
		for _, p := range kase.Parties {
			in.Applicants = append(in.Applicants, p.Name)
		}
	}
	ag, err := s.Med.ApplyConfirmation(ctx, a, c.Params("number"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(agreementAnswer{Agreement: ag, DocumentURL: agreementURL(c.Params("number"), ag.ID)})
}

type acceptanceBody struct {
	Version    *int64 `json:"version"`
	CourtNo    string `json:"court_no"`
	AcceptedOn string `json:"accepted_on"`
}

func (s *server) acceptConfirmation(c *fiber.Ctx) error {
	var b acceptanceBody
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	if _, err := web.AgreementByID(c, s.Med, true); err != nil {
		return err
	}
	ag, err := s.Med.AcceptConfirmation(c.UserContext(), web.ActorOf(c), c.Params("number"),
		mediation.AcceptInput{Version: b.Version, CourtNumber: b.CourtNo, AcceptedOn: b.AcceptedOn})
	if err != nil {
		return err
	}
	return c.JSON(agreementAnswer{Agreement: ag, DocumentURL: agreementURL(c.Params("number"), ag.ID)})
}

type rulingBody struct {
	Version  *int64 `json:"version"`
	Result   string `json:"result"`
	RulingNo string `json:"ruling_no"`
	RuledOn  string `json:"ruled_on"`
	Note     string `json:"note"`
}

// ruleConfirmation records the court's ruling; an application the court
// has not yet accepted is accepted first, under the ruling's number and on
// its day (two steps, two events: the court's file shows both).
func (s *server) ruleConfirmation(c *fiber.Ctx) error {
	var b rulingBody
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	ag, err := web.AgreementByID(c, s.Med, true)
	if err != nil {
		return err
	}
	if b.Result != mediation.ConfirmConfirmed && b.Result != mediation.ConfirmRejected {
		return invalidField("result", "invalid_result", "裁定结果只能是 confirmed（确认有效）或 rejected（驳回申请）")
	}
	ctx, a, number := c.UserContext(), web.ActorOf(c), c.Params("number")
	if ag.Confirmation != nil && ag.Confirmation.Status == mediation.ConfirmApplied {
		if strings.TrimSpace(b.RulingNo) == "" {
			return invalidField("ruling_no", "required", "请填写裁定书文号")
		}
		if _, err := s.Med.AcceptConfirmation(ctx, a, number,
			mediation.AcceptInput{Version: b.Version, CourtNumber: b.RulingNo, AcceptedOn: b.RuledOn}); err != nil {
			return err
		}
		b.Version = nil // the acceptance moved it on
	}
	note := b.Note
	if strings.TrimSpace(b.RulingNo) != "" {
		note = strings.TrimSpace("裁定书文号：" + b.RulingNo + "。" + note)
	}
	out, err := s.Med.RuleConfirmation(ctx, a, number,
		mediation.RulingInput{Version: b.Version, Ruling: b.Result, RuledOn: b.RuledOn, Note: note})
	if err != nil {
		return err
	}
	return c.JSON(agreementAnswer{Agreement: out, DocumentURL: agreementURL(number, out.ID)})
}

type performanceBody struct {
	Version *int64             `json:"version"`
	Status  string             `json:"status"`
	Amount  mediation.YuanText `json:"amount"`
	On      string             `json:"on"`
	Note    string             `json:"note"`
}

func (s *server) recordPerformance(c *fiber.Ctx) error {
	var b performanceBody
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	o, err := s.Med.RecordPerformance(c.UserContext(), web.ActorOf(c), c.Params("number"), id,
		mediation.PerformanceInput{Version: b.Version, Status: b.Status, Amount: b.Amount, Date: b.On, Note: b.Note})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}

func (s *server) recordFollowUp(c *fiber.Ctx) error { return created(c, s.Med.RecordFollowUp) }

func (s *server) recordRemedy(c *fiber.Ctx) error { return createdOn(c, s.Med.RecordRemedy) }

func (s *server) addRoom(c *fiber.Ctx) error {
	var b struct {
		Name string `json:"name"`
	}
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	r, err := s.Med.AddRoom(c.UserContext(), web.ActorOf(c), b.Name)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

// agreementDocument renders the printable 人民调解协议书 (or, for an oral
// agreement, the 口头协议登记表): the 卷宗's document of that agreement.
func (s *server) agreementDocument(c *fiber.Ctx) error {
	ag, err := web.AgreementByID(c, s.Med, false)
	if err != nil {
		return err
	}
	d, err := s.Med.Dossier(c.UserContext(), web.ActorOf(c), c.Params("number"))
	if err != nil {
		return err
	}
	return web.SendDossierDocument(c, d, fmt.Sprintf("agreement-%d", ag.ID), web.PrintOptions{})
}
