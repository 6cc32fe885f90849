package staff

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/views/web"
)

// The mediation forms of the case page: each reads its fields into
// cases/mediation's input and calls one method, which checks everything;
// POST-redirect-GET on success, the case page again with the message by
// the field and the typed values on a refusal.

// medCall is what every step gets: the request, the case, the path's id
// (a session's or an obligation's) and the case version the form was shown at.
type medCall struct {
	c       *fiber.Ctx
	number  string
	id      int64
	version *int64
}

func (m medCall) actor() cases.Actor { return web.ActorOf(m.c) }

// medStep is one form: its flash on success, whether the path carries an
// id, and the call.
type medStep struct {
	done  string
	hasID bool
	run   func(s *server, m medCall) error
}

var medSteps = map[string]medStep{
	"schedule":   {"已安排调解会议，已短信通知被通知的当事人。", false, (*server).medSchedule},
	"reschedule": {"已改期。", true, (*server).medReschedule},
	"cancel":     {"已取消调解会议。", true, (*server).medCancel},
	"record":     {"已记录调解笔录。", true, (*server).medRecord},
	"agree":      {"已登记调解协议。", false, (*server).medAgree},
	"apply":      {"已登记司法确认申请。", false, (*server).medApply},
	"accept":     {"已受理司法确认申请。", false, (*server).medAccept},
	"extend":     {"已延长司法确认审查期限。", false, (*server).medExtend},
	"rule":       {"已登记司法确认裁定。", false, (*server).medRule},
	"perform":    {"已记录履行情况。", true, (*server).medPerform},
	"urge":       {"已记录催履。", true, (*server).medUrge},
	"remedy":     {"已记录未履行的处置。", true, (*server).medRemedy},
	"followup":   {"已记录回访。", false, (*server).medFollowUp},
}

// mediationAct applies one mediation form.
func (s *server) mediationAct(c *fiber.Ctx) error {
	number, name := cases.NormalizeCaseNumber(c.Params("number")), c.Params("step")
	step, ok := medSteps[name]
	if !ok || step.hasID != (c.Params("id") != "") {
		return &cases.Error{Kind: cases.KindNotFound, Code: "route_not_found", Message: "没有这个操作"}
	}
	m, key := medCall{c: c, number: number}, name
	if step.hasID {
		id, err := web.IDParam(c, "id")
		if err != nil {
			return err
		}
		m.id, key = id, fmt.Sprintf("%s-%d", name, id)
	}
	var err error
	if m.version, err = postedVersion(c); err == nil {
		err = step.run(s, m)
	}
	if err == nil {
		return c.Redirect("/cases/"+number+"?med="+name+"#mediation", fiber.StatusSeeOther)
	}
	return s.mediationFailed(c, number, key, err)
}

// mediationFailed answers a refused mediation form: the case page with the
// form unfolded, its message by the field, the typed values kept, and the
// error's status; faults and cases out of sight go to the error page.
func (s *server) mediationFailed(c *fiber.Ctx, number, key string, err error) error {
	d, e, msg, err := s.refusal(c, number, err)
	if err != nil {
		return err
	}
	f := d.Med.Form(key)
	f.Values, f.Error, f.Field = postedValues(c), msg, e.Field
	d.Med.FailedKey = key
	return s.render(c, web.StatusOf(e.Kind), "case", page{Title: d.Case.Number + " " + d.Case.Title, Data: d})
}

// postedValues is the form as posted, repeated fields in order.
func postedValues(c *fiber.Ctx) url.Values {
	v := url.Values{}
	c.Request().PostArgs().VisitAll(func(k, val []byte) {
		if name := string(k); name != "_csrf" {
			v.Add(name, string(val))
		}
	})
	return v
}

// formList is a repeated field's values.
func formList(c *fiber.Ctx, name string) []string {
	out := []string{}
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// postedVersion is the case version the form was shown at; absent: none.
func postedVersion(c *fiber.Ctx) (*int64, error) {
	v := c.FormValue("version")
	if v == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, &cases.Error{Kind: cases.KindInvalid, Code: "invalid_version", Message: "版本号有误，请刷新页面", Field: "version"}
	}
	return &n, nil
}

// names splits a list of usernames typed with spaces, commas or 、.
func names(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == ',' || r == '，' || r == '、' || r == '\n' || r == '\r' || r == '\t' || r == '　'
	})
}

// ---- sessions ----

func sessionFromForm(c *fiber.Ctx, version *int64) (mediation.SessionInput, error) {
	in := mediation.SessionInput{Version: version, Kind: c.FormValue("kind"), StartsAt: c.FormValue("starts_at"),
		VideoURL: c.FormValue("video_url"), Presiding: strings.TrimSpace(c.FormValue("presiding")),
		Mediators: names(c.FormValue("mediators")), Clerk: strings.TrimSpace(c.FormValue("clerk")),
		InvitedDesks: formList(c, "invited_desks"), Summoned: formList(c, "summoned"), Bring: c.FormValue("bring"),
		Outsiders: []mediation.Outsider{}}
	var err error
	if in.Minutes, err = formInt(c, "minutes", "时长（分钟）应为整数"); err != nil {
		return in, err
	}
	if room := strings.TrimSpace(c.FormValue("room_id")); room != "" {
		if in.RoomID, err = strconv.ParseInt(room, 10, 64); err != nil {
			return in, &cases.Error{Kind: cases.KindInvalid, Code: "unknown_room", Message: "没有这个调解室，或已停用", Field: "room_id"}
		}
	}
	// One outside participant a line: the name, then the role.
	for _, line := range strings.Split(c.FormValue("outsiders"), "\n") {
		if f := names(line); len(f) > 0 {
			in.Outsiders = append(in.Outsiders, mediation.Outsider{Name: f[0], Role: strings.Join(f[1:], " ")})
		}
	}
	return in, nil
}

func (s *server) medSchedule(m medCall) error {
	in, err := sessionFromForm(m.c, m.version)
	if err == nil {
		_, err = s.Med.Schedule(m.c.UserContext(), m.actor(), m.number, in)
	}
	return err
}

func (s *server) medReschedule(m medCall) error {
	in, err := sessionFromForm(m.c, m.version)
	if err == nil {
		_, err = s.Med.Reschedule(m.c.UserContext(), m.actor(), m.number, m.id, in)
	}
	return err
}

func (s *server) medCancel(m medCall) error {
	_, err := s.Med.Cancel(m.c.UserContext(), m.actor(), m.number, m.id,
		mediation.CancelInput{Version: m.version, Reason: m.c.FormValue("reason")})
	return err
}

func (s *server) medRecord(m medCall) error {
	c := m.c
	in := mediation.RecordInput{Version: m.version, AttendedStaff: formList(c, "attended_staff"),
		AttendedParties: formList(c, "attended_parties"), Statements: c.FormValue("statements"),
		Result: c.FormValue("result"), AdjournedTo: c.FormValue("adjourned_to")}
	// The 回避 part counts when any of it was filled in.
	r := mediation.Recusal{RequestedBy: c.FormValue("recusal.requested_by"), Against: c.FormValue("recusal.against"),
		Reason: c.FormValue("recusal.reason"), Decision: c.FormValue("recusal.decision"),
		Replacement: strings.TrimSpace(c.FormValue("recusal.replacement"))}
	if strings.TrimSpace(r.RequestedBy+r.Against+r.Reason+r.Decision+r.Replacement) != "" {
		in.Recusal = &r
	}
	_, err := s.Med.RecordSession(c.UserContext(), m.actor(), m.number, m.id, in)
	return err
}

// ---- agreements and 司法确认 ----

func (s *server) medAgree(m medCall) error {
	c := m.c
	in := mediation.AgreementInput{Version: m.version, Form: c.FormValue("form"), Facts: c.FormValue("facts"),
		Terms: c.FormValue("terms"), Responsibility: c.FormValue("responsibility"),
		PersonalStatus: c.FormValue("personal_status") != "", SignedOn: c.FormValue("signed_on"),
		ReachedOn: c.FormValue("reached_on"), Obligations: []mediation.ObligationInput{}}
	var err error
	if id := strings.TrimSpace(c.FormValue("session_id")); id != "" {
		if in.SessionID, err = strconv.ParseInt(id, 10, 64); err != nil {
			return &cases.Error{Kind: cases.KindInvalid, Code: "unknown_session", Message: "没有这次会议", Field: "session_id"}
		}
	}
	// Rows left blank are not obligations; rows[i] is the form row of
	// the i-th obligation, so a refusal lands by the row it names.
	cols := map[string][]string{}
	for _, col := range obligationCols {
		cols[col.Name] = formList(c, "ob_"+col.Name)
	}
	var rows []int
	for i := range cols["obligor"] {
		cell := func(f string) string {
			if i < len(cols[f]) {
				return cols[f][i]
			}
			return ""
		}
		o := mediation.ObligationInput{Obligor: cell("obligor"), Obligee: cell("obligee"), Content: cell("content"),
			Amount: mediation.YuanText(cell("amount")), DueOn: cell("due_on"), Manner: cell("manner")}
		if strings.TrimSpace(o.Obligor+o.Obligee+o.Content+string(o.Amount)+o.DueOn+o.Manner) == "" {
			continue
		}
		in.Obligations = append(in.Obligations, o)
		rows = append(rows, i)
	}
	_, err = s.Med.SignAgreement(c.UserContext(), m.actor(), m.number, in)
	if e := cases.ErrorOf(err); e != nil {
		var i int
		var rest string
		if n, _ := fmt.Sscanf(e.Field, "obligations[%d]%s", &i, &rest); n == 2 && i >= 0 && i < len(rows) {
			e.Field = fmt.Sprintf("obligations[%d]%s", rows[i], rest)
		}
	}
	return err
}

func (s *server) medApply(m medCall) error {
	_, err := s.Med.ApplyConfirmation(m.c.UserContext(), m.actor(), m.number, mediation.ApplicationInput{
		Version: m.version, Applicants: formList(m.c, "applicants"), AppliedOn: m.c.FormValue("applied_on")})
	return err
}

func (s *server) medAccept(m medCall) error {
	_, err := s.Med.AcceptConfirmation(m.c.UserContext(), m.actor(), m.number, mediation.AcceptInput{
		Version: m.version, CourtNumber: m.c.FormValue("court_number"), AcceptedOn: m.c.FormValue("accepted_on")})
	return err
}

func (s *server) medExtend(m medCall) error {
	days, err := formInt(m.c, "days", "延长天数应为整数")
	if err == nil {
		_, err = s.Med.ExtendRuling(m.c.UserContext(), m.actor(), m.number, mediation.ExtendInput{
			Version: m.version, Days: days, ApprovedBy: m.c.FormValue("approved_by"), Reason: m.c.FormValue("reason")})
	}
	return err
}

func (s *server) medRule(m medCall) error {
	_, err := s.Med.RuleConfirmation(m.c.UserContext(), m.actor(), m.number, mediation.RulingInput{
		Version: m.version, Ruling: m.c.FormValue("ruling"), RuledOn: m.c.FormValue("ruled_on"), Note: m.c.FormValue("note")})
	return err
}

// ---- performance and 回访 ----

func (s *server) medPerform(m medCall) error {
	c := m.c
	_, err := s.Med.RecordPerformance(c.UserContext(), m.actor(), m.number, m.id, mediation.PerformanceInput{
		Version: m.version, Status: c.FormValue("status"), Amount: mediation.YuanText(c.FormValue("amount")),
		Date: c.FormValue("date"), Note: c.FormValue("note")})
	return err
}

func (s *server) medUrge(m medCall) error {
	_, err := s.Med.Urge(m.c.UserContext(), m.actor(), m.number, m.id,
		mediation.UrgeInput{Version: m.version, Method: m.c.FormValue("method"), Note: m.c.FormValue("note")})
	return err
}

func (s *server) medRemedy(m medCall) error {
	_, err := s.Med.RecordRemedy(m.c.UserContext(), m.actor(), m.number, m.id,
		mediation.RemedyInput{Version: m.version, Remedy: m.c.FormValue("remedy"), Note: m.c.FormValue("note")})
	return err
}

func (s *server) medFollowUp(m medCall) error {
	c := m.c
	in := mediation.FollowUpInput{Version: m.version, Method: c.FormValue("method"), Performance: c.FormValue("performance"),
		Satisfaction: c.FormValue("satisfaction"), RiskSigns: c.FormValue("risk_signs"), Note: c.FormValue("note")}
	task, err := formInt(c, "task_id", "回访任务有误，请刷新页面")
	if err == nil {
		in.TaskID = int64(task)
		_, err = s.Med.RecordFollowUp(c.UserContext(), m.actor(), m.number, in)
	}
	return err
}
