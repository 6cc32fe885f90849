package staff

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"yidi/cases"
	"yidi/cases/mediation"
)

// The mediation part of the case page: what cases/mediation's Overview
// answers, the forms of the steps Overview.Allowed offers this viewer, and
// each form's values (its defaults, or what was typed when it was refused).

// medForm is one mediation form's state: the values its fields show and,
// when it was refused, the message and the field it names. A field prints
// its own message (Err); the submit area prints one no field took (Rest).
type medForm struct {
	Values url.Values
	Error  string
	Field  string
	shown  bool
}

// V is the field's value (the first, for a repeated field).
func (f *medForm) V(name string) string { return f.Values.Get(name) }

// At is row i of a repeated field.
func (f *medForm) At(name string, i int) string {
	if vs := f.Values[name]; i < len(vs) {
		return vs[i]
	}
	return ""
}

// Bad: the refusal names this field.
func (f *medForm) Bad(field string) bool { return f.Error != "" && f.Field == field }

// Err is the message for this field, and marks it shown.
func (f *medForm) Err(field string) string {
	if f.Bad(field) {
		f.shown = true
		return f.Error
	}
	return ""
}

// Rest is the message no field has shown yet.
func (f *medForm) Rest() string {
	if f.shown {
		return ""
	}
	return f.Error
}

// Open: a refused form is shown unfolded.
func (f *medForm) Open() bool { return f.Error != "" }

// agreementRows is how many obligation rows the agreement form shows
// without JS: three blank ones, or as many as were typed.
const agreementRows = 3

// Rows are the indexes of the obligation rows.
func (f *medForm) Rows() []int {
	n := max(agreementRows, len(f.Values["ob_obligor"]))
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	return rows
}

// obligationCol is one field of an obligation row of the agreement form.
type obligationCol struct {
	Name, Label, Type string
	Party             bool // chosen among the case's parties
}

var obligationCols = []obligationCol{
	{Name: "obligor", Label: "义务人", Party: true}, {Name: "obligee", Label: "权利人", Party: true},
	{Name: "content", Label: "义务内容"}, {Name: "amount", Label: "金额（元）"},
	{Name: "due_on", Label: "履行期限", Type: "date"}, {Name: "manner", Label: "履行方式、地点（可不填）"},
}

// medSession is a session with who may be marked present at it.
type medSession struct {
	mediation.Session
	Staff      []string // presiding, mediators and clerk
	Recordable bool     // scheduled and begun: its 笔录 may be written
}

// medView is the mediation section of the case page.
type medView struct {
	*mediation.Overview
	Number     string
	Version    int64
	Today      string
	Parties    []string
	Rooms      []mediation.Room // active ones
	Desks      []cases.Desk     // desks that may be invited
	Sessions   []medSession
	Superseded []mediation.Agreement
	OpenTasks  []mediation.FollowUp
	Window     tagView // the 司法确认 application window of the current agreement: days left
	FailedKey  string  // the form refused on this answer
	CSRF       string
	forms      map[string]*medForm
}

// Form is the state of the form with key ("schedule", "record-12", …).
func (v *medView) Form(key string) *medForm {
	if f, ok := v.forms[key]; ok {
		return f
	}
	f := &medForm{Values: url.Values{}}
	v.forms[key] = f
	return f
}

// Name is a staff member as the page names them: 李调解（limed）.
func (v *medView) Name(username string) string {
	if n := v.Names[username]; n != "" && n != username {
		return n + "（" + username + "）"
	}
	return username
}

// Failed is the refused form, for the summary at the top of the section.
func (v *medView) Failed() *medForm {
	if v.FailedKey == "" {
		return nil
	}
	return v.Form(v.FailedKey)
}

// FailedAnchor is where the summary of a refusal links: the field it
// names, or its form.
func (v *medView) FailedAnchor() string {
	f := v.Failed()
	if f == nil {
		return ""
	}
	var row int
	var col string
	switch {
	case f.Field == "":
		return "mf-" + v.FailedKey
	case v.FailedKey == "agree":
		if n, _ := fmt.Sscanf(strings.Replace(f.Field, "].", "] ", 1), "obligations[%d] %s", &row, &col); n == 2 {
			return fmt.Sprintf("m-agree-%s-%d", col, row)
		}
	}
	return "m-" + v.FailedKey + "-" + f.Field
}

// Shown: the section has something to show or to offer.
func (v *medView) Shown() bool {
	a := v.Allowed
	return len(v.Sessions) > 0 || len(v.Agreements) > 0 || len(v.FollowUps) > 0 ||
		a.Schedule || a.Agree || a.Apply || a.Court || a.Perform
}

// dateTimeLocal is t as a datetime-local input's value, China time.
func dateTimeLocal(t time.Time) string { return t.In(cases.ChinaZone).Format("2006-01-02T15:04") }

// loadMediation builds the section for the viewer, with every form at its defaults.
func (s *server) loadMediation(ctx context.Context, a cases.Actor, kase *cases.Case, desks []cases.Desk) (*medView, error) {
	o, err := s.Med.Overview(ctx, a, kase.Number)
	if err != nil {
		return nil, err
	}
	now := s.Svc.Now()
	v := &medView{Overview: o, Number: kase.Number, Version: kase.Version,
		Today: now.In(cases.ChinaZone).Format(time.DateOnly), forms: map[string]*medForm{}}
	for _, p := range kase.Parties {
		v.Parties = append(v.Parties, p.Name)
	}
	for _, d := range desks {
		if d.Active && d.Code != kase.Desk {
			v.Desks = append(v.Desks, d)
		}
	}
	if o.Allowed.Schedule {
		rooms, err := s.Med.Rooms(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rooms {
			if r.Active {
				v.Rooms = append(v.Rooms, r)
			}
		}
	}
	v.Form("schedule").Values = url.Values{"kind": {mediation.KindMediation}, "minutes": {"90"},
		"presiding": {a.Username}, "summoned": v.Parties}
	for _, ses := range o.Sessions {
		ms := medSession{Session: ses, Staff: sessionStaff(ses)}
		ms.Recordable = ses.Status == mediation.SessionScheduled && !now.Before(ses.StartsAt)
		v.Sessions = append(v.Sessions, ms)
		id := strconv.FormatInt(ses.ID, 10)
		v.Form("reschedule-" + id).Values = sessionValues(ses)
		v.Form("record-" + id).Values = url.Values{"attended_staff": ms.Staff, "attended_parties": ses.Summoned,
			"result": {mediation.ResultAgreement}}
	}
	agree := url.Values{"form": {mediation.FormWritten}, "signed_on": {v.Today}}
	for _, ses := range o.Sessions {
		if ses.Status == mediation.SessionHeld && ses.Record != nil && ses.Record.Result == mediation.ResultAgreement {
			agree.Set("session_id", strconv.FormatInt(ses.ID, 10))
		}
	}
	if kase.Group != nil {
		// A group's schedule: one row per member, the claim as the amount
		// and the one respondent (when there is one) as who pays; the
		// mediator sets what and by when.
		payer := ""
		for _, p := range kase.Parties {
			if p.Role == cases.PartyRespondent {
				if payer != "" {
					payer = ""
					break
				}
				payer = p.Name
			}
		}
		for _, p := range kase.Parties {
			if p.Role != cases.PartyApplicant {
				continue
			}
			amount := ""
			if p.ClaimAmount != nil {
				amount = strconv.FormatFloat(*p.ClaimAmount, 'f', 2, 64)
			}
			agree["ob_obligor"] = append(agree["ob_obligor"], payer)
			agree["ob_obligee"] = append(agree["ob_obligee"], p.Name)
			agree["ob_content"] = append(agree["ob_content"], "")
			agree["ob_amount"] = append(agree["ob_amount"], amount)
			agree["ob_due_on"] = append(agree["ob_due_on"], "")
			agree["ob_manner"] = append(agree["ob_manner"], "")
		}
	}
	v.Form("agree").Values = agree
	v.Form("apply").Values = url.Values{"applicants": v.Parties, "applied_on": {v.Today}}
	v.Form("accept").Values = url.Values{"accepted_on": {v.Today}}
	v.Form("rule").Values = url.Values{"ruled_on": {v.Today}}
	v.Form("extend").Values = url.Values{"days": {strconv.Itoa(mediation.RulingExtensionDays)}}
	for _, ag := range o.Agreements {
		if !ag.Effective {
			v.Superseded = append(v.Superseded, ag)
		}
	}
	if c := o.Current; c != nil {
		for _, ob := range c.Obligations {
			v.Form(fmt.Sprintf("perform-%d", ob.ID)).Values = url.Values{"status": {mediation.PerformPerformed}, "date": {v.Today}}
		}
		if c.Confirmation == nil && c.ConfirmationDue != "" {
			v.Window = confirmationWindow(v.Today, c.ConfirmationDue)
		}
	}
	for _, f := range o.FollowUps {
		if f.Status == "open" {
			v.OpenTasks = append(v.OpenTasks, f)
		}
	}
	fu := url.Values{"method": {"phone"}}
	if len(v.OpenTasks) > 0 {
		fu.Set("task_id", strconv.FormatInt(v.OpenTasks[0].ID, 10))
	}
	v.Form("followup").Values = fu
	return v, nil
}

// confirmationWindow is the badge of the days left to apply for 司法确认.
func confirmationWindow(today, due string) tagView {
	left, level := mediation.WindowLeft(today, due)
	switch level {
	case cases.StateRed:
		return tagView{"bad", "申请期限已过"}
	case cases.StateYellow:
		return tagView{"warn", fmt.Sprintf("剩余%d天", left)}
	}
	return tagView{"pub", fmt.Sprintf("剩余%d天", left)}
}

// sessionStaff: the session's presiding, mediators and clerk, once each.
func sessionStaff(ses mediation.Session) []string {
	var out []string
	for _, u := range append(append([]string{ses.Presiding}, ses.Mediators...), ses.Clerk) {
		if u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

// sessionValues are a session's fields as its reschedule form shows them.
func sessionValues(ses mediation.Session) url.Values {
	v := url.Values{"kind": {ses.Kind}, "starts_at": {dateTimeLocal(ses.StartsAt)},
		"minutes": {strconv.Itoa(ses.Minutes)}, "video_url": {ses.VideoURL}, "presiding": {ses.Presiding},
		"mediators": {strings.Join(ses.Mediators, " ")}, "clerk": {ses.Clerk}, "invited_desks": ses.InvitedDesks,
		"summoned": ses.Summoned, "bring": {ses.Bring}}
	if ses.RoomID != nil {
		v.Set("room_id", strconv.FormatInt(*ses.RoomID, 10))
	}
	var lines []string
	for _, o := range ses.Outsiders {
		lines = append(lines, strings.TrimSpace(o.Name+" "+o.Role))
	}
	v.Set("outsiders", strings.Join(lines, "\n"))
	return v
}

// keyedForm is a form with its key, for a template shared by several
// forms (a session's fields: scheduling and each rescheduling).
type keyedForm struct {
	*medForm
	Key string
	Sec *medView // the section, for its lists
}

// Keyed is the form with key, for a shared template.
func (v *medView) Keyed(key string) keyedForm { return keyedForm{v.Form(key), key, v} }

// recordForm is a session's 调解笔录 form.
type recordForm struct {
	F keyedForm
	S medSession
}

// RecordForm is the 调解笔录 form of ses.
func (v *medView) RecordForm(ses medSession) recordForm {
	return recordForm{v.Keyed(fmt.Sprintf("record-%d", ses.ID)), ses}
}

// fieldView is one field of a mediation form as the shared template
// "med-field" draws it: its label, its input with the value shown, and the
// message of a refusal that names it by Key.
type fieldView struct {
	F                       *medForm
	ID, Name, Label, Widget string
	Key                     string // the field as a refusal names it
	Value                   string
	Selected                []string
	Options                 []mediation.Choice // a select's
}

// On: the option v is chosen.
func (fv fieldView) On(v string) bool { return slices.Contains(fv.Selected, v) }

func (f keyedForm) field(name, label, widget string) fieldView {
	return fieldView{F: f.medForm, ID: "m-" + f.Key + "-" + name, Name: name, Label: label, Widget: widget,
		Key: name, Value: f.V(name), Selected: f.Values[name]}
}

// In is the form's field name drawn as widget: an input type, "textarea",
// or "choice:F" / "choice?:F", a select of mediation.Choices[F] (with ?,
// "请选择" first, so that nothing is chosen for the user).
func (f keyedForm) In(name, label, widget string) fieldView {
	kind, choice, ok := strings.Cut(widget, ":")
	if !ok {
		return f.field(name, label, widget)
	}
	blank := ""
	if kind == "choice?" {
		blank = "请选择"
	}
	return f.Pick(name, label, blank, mediation.Choices[choice])
}

// Row is the field col of obligation row i of the agreement form.
func (f keyedForm) Row(col obligationCol, i int, parties []string) fieldView {
	v := f.field("ob_"+col.Name, col.Label, col.Type)
	v.ID, v.Key = fmt.Sprintf("m-agree-%s-%d", col.Name, i), fmt.Sprintf("obligations[%d].%s", i, col.Name)
	v.Value = f.At(v.Name, i)
	v.Selected = []string{v.Value}
	if v.Widget == "" {
		v.Widget = "text"
	}
	if col.Party {
		v.Widget = "select"
		v.Options = append([]mediation.Choice{{Value: "", Label: "请选择"}}, nameChoices(parties)...)
	}
	return v
}

// Pick is the form's field name as a select (or checkboxes) of opts, with
// blank first when it is not "".
func (f keyedForm) Pick(name, label, blank string, opts []mediation.Choice) fieldView {
	v := f.field(name, label, "select")
	if blank != "" {
		v.Options = append(v.Options, mediation.Choice{Value: "", Label: blank})
	}
	v.Options = append(v.Options, opts...)
	return v
}

// Checks is the form's field name as checkboxes of opts.
func (f keyedForm) Checks(name, label string, opts []mediation.Choice) fieldView {
	v := f.Pick(name, label, "", opts)
	v.Widget = "checks"
	return v
}

// simpleForm is a folded form of a few fields, drawn by "med-form".
type simpleForm struct {
	F                       keyedForm
	Summary, Action, Button string
	Fields                  []fieldView
	Session                 bool // the fields of a session first
}

// Simple is the form folded under summary, posted to action (below the
// case's mediation path), its button saying button.
func (f keyedForm) Simple(summary, action, button string, fields ...fieldView) simpleForm {
	return simpleForm{F: f, Summary: summary, Action: action, Button: button, Fields: fields}
}

// Sessions is Simple with a session's fields.
func (f keyedForm) Sessions(summary, action, button string) simpleForm {
	return simpleForm{F: f, Summary: summary, Action: action, Button: button, Session: true}
}

// submitView is a form's submit button with its words.
type submitView struct {
	F     *medForm
	Label string
}

// Submit is the form's submit button saying label.
func (f keyedForm) Submit(label string) submitView { return submitView{f.medForm, label} }

// Choose are names as options that say themselves.
func (v *medView) Choose(names []string) []mediation.Choice { return nameChoices(names) }

func nameChoices(names []string) []mediation.Choice {
	out := make([]mediation.Choice, len(names))
	for i, n := range names {
		out[i] = mediation.Choice{Value: n, Label: n}
	}
	return out
}

// StaffChoices are usernames as options that say the names.
func (v *medView) StaffChoices(usernames []string) []mediation.Choice {
	out := make([]mediation.Choice, len(usernames))
	for i, u := range usernames {
		out[i] = mediation.Choice{Value: u, Label: v.Name(u)}
	}
	return out
}

// RoomChoices are the active rooms as options.
func (v *medView) RoomChoices() []mediation.Choice {
	var out []mediation.Choice
	for _, r := range v.Rooms {
		out = append(out, mediation.Choice{Value: strconv.FormatInt(r.ID, 10), Label: r.Name})
	}
	return out
}

// DeskChoices are the desks that may be invited, as options.
func (v *medView) DeskChoices() []mediation.Choice {
	var out []mediation.Choice
	for _, d := range v.Desks {
		out = append(out, mediation.Choice{Value: d.Code, Label: d.Name})
	}
	return out
}

// HeldChoices are the held sessions, where an agreement may have been reached.
func (v *medView) HeldChoices() []mediation.Choice {
	var out []mediation.Choice
	for _, ses := range v.Sessions {
		if ses.Status == mediation.SessionHeld {
			out = append(out, mediation.Choice{Value: strconv.FormatInt(ses.ID, 10),
				Label: ses.KindLabel + " " + ses.StartsAt.In(cases.ChinaZone).Format("2006-01-02 15:04")})
		}
	}
	return out
}

// TaskChoices are the open 回访 tasks and, last, one not scheduled.
func (v *medView) TaskChoices() []mediation.Choice {
	var out []mediation.Choice
	for _, t := range v.OpenTasks {
		out = append(out, mediation.Choice{Value: strconv.FormatInt(t.ID, 10),
			Label: t.DueOn + " " + mediation.ChoiceLabel("reason", t.Reason)})
	}
	return append(out, mediation.Choice{Value: "", Label: "计划外回访"})
}
