package staff

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/search"
	"yidi/views/web"
)

// 案件详情: header, the unified timeline across every desk, the action forms
// this user may take now, and related cases.

type caseData struct {
	Case      *cases.Case
	Desk      func(string) string
	Revealed  bool
	Timeline  []cases.Event
	Actions   []actionForm
	Same      []cases.RelatedCase
	Similar   []search.SimilarHit
	Category  string // by name
	PageError string // an action's error when its form is no longer offered
	// Files are the citizen's attachments by the seq of their message event.
	Files map[int64][]cases.Attachment
	// Unread is how many citizen messages this opening marked read.
	Unread int
	// Consent is what an online applicant agreed to on the public form.
	Consent *cases.Consent
	// Med is the mediation section: sessions, agreements, 司法确认, performance, 回访.
	Med *medView
	// Links is the 关联/并案 section (case_links.go).
	Links *linksForm
	// Correction is the 补正登记信息 form (correction.go), nil when not offered.
	Correction *correctionForm
	// Materials is the 一次性告知 checklist (case_materials.go).
	Materials *materialsView
	// Members is the 群体成员 section (case_members.go).
	Members *membersView
	// Risk is the 风险等级 and 包案 section (risk_forms.go).
	Risk *riskForm
}

// actionForm is one action's form, generated from cases.Actions() so that
// actions added to the transitions table appear here without more work.
type actionForm struct {
	cases.ActionInfo
	Fields []fieldWidget
	Error  string
	Open   bool
}

// FocusError: a refused form names no field of its own, so its message
// takes the focus (autofocus also scrolls it into view, with or without
// JavaScript); otherwise the field named does.
func (f actionForm) FocusError() bool {
	if f.Error == "" {
		return false
	}
	for _, w := range f.Fields {
		if w.Invalid {
			return false
		}
	}
	return true
}

type fieldWidget struct {
	Name    string
	Label   string
	Widget  string // select | textarea | text | number | date
	Value   string
	Options []option
	Invalid bool
}

type option struct{ Value, Label string }

var fieldLabels = map[string]string{
	"desk": "窗口", "note": "备注", "reason": "理由", "body": "内容", "summary": "办结摘要",
	"visibility": "可见范围", "outcome": "办理结果", "closure_type": "办结类型", "days": "延长天数（按该时限的计日方式）",
	"level": "督办级别", "respond_by": "回复期限",
	"consents": "同意延长的当事人（全部申请人和被申请人，以顿号分隔）", "due_on": "延长至",
	"document_no": "民事调解书文号", "document_on": "调解书日期",
	"no_agreement_reason": "无调解协议的理由（以实质化解办结而未制作调解协议时填写，如当场履行完毕）",
}

// widgetFor maps an action field to its input.
func widgetFor(name string, desks []cases.Desk, c *cases.Case) fieldWidget {
	w := fieldWidget{Name: name, Label: fieldLabels[name], Widget: "text"}
	if w.Label == "" {
		w.Label = name
	}
	switch name {
	case "desk":
		w.Widget = "select"
		w.Options = append(w.Options, option{"", "请选择窗口"})
		for _, d := range desks {
			if d.Active && d.Code != c.Desk {
				w.Options = append(w.Options, option{d.Code, d.Name})
			}
		}
	case "note", "reason", "body", "summary", "no_agreement_reason":
		w.Widget = "textarea"
	case "visibility":
		w.Widget = "select"
		w.Options = []option{{"internal", "内部（仅工作人员）"}, {"public", "公开（群众可见）"}}
	case "closure_type":
		w.Widget = "select"
		w.Options = []option{{"", "请选择"}}
		for _, t := range cases.ClosureTypes {
			w.Options = append(w.Options, option{t, cases.ClosureLabel(t)})
		}
	case "days":
		w.Widget = "number"
	case "level":
		w.Widget = "select"
		for _, l := range cases.SupervisionLevels {
			w.Options = append(w.Options, option{l, cases.SupervisionLabel(l)})
		}
	case "respond_by", "due_on", "document_on":
		w.Widget = "date"
	}
	return w
}

// loadCase gathers what the case page shows; failed is the action whose
// form gets err and the typed values back.
func (s *server) loadCase(c *fiber.Ctx, number string) (*caseData, error) {
	ctx, a := c.UserContext(), web.ActorOf(c)
	kase, same, err := s.Svc.SamePersonCases(ctx, a, number)
	if err != nil {
		return nil, err
	}
	d := &caseData{Case: kase, Same: same, Links: newLinksForm(a, kase, c.Query("link"))}
	if d.Timeline, err = s.Svc.Timeline(ctx, a, kase.Number); err != nil {
		return nil, err
	}
	if d.Desk, err = s.Svc.DeskNames(ctx); err != nil {
		return nil, err
	}
	desks, err := s.Svc.Desks(ctx)
	if err != nil {
		return nil, err
	}
	if d.Category, err = s.Svc.CategoryName(ctx, kase.Category); err != nil {
		return nil, err
	}
	files, err := s.Svc.Attachments(ctx, a, kase.Number)
	if err != nil {
		return nil, err
	}
	if d.Consent, err = s.Svc.ApplicationConsent(ctx, kase.ID); err != nil {
		return nil, err
	}
	d.Files = map[int64][]cases.Attachment{}
	for _, f := range files {
		d.Files[f.EventSeq] = append(d.Files[f.EventSeq], f)
	}
	d.Materials = newMaterialsView(a, kase, files)
	d.Members = newMembersView(a, kase)
	offered, err := s.Svc.OfferedActions(ctx, a, kase)
	if err != nil {
		return nil, err
	}
	for _, info := range offered {
		f := actionForm{ActionInfo: info}
		for _, name := range info.Fields {
			f.Fields = append(f.Fields, widgetFor(name, desks, kase))
		}
		d.Actions = append(d.Actions, f)
	}
	if d.Risk, err = s.riskFormFor(c, kase); err != nil {
		return nil, err
	}
	if d.Correction, err = s.correctionFor(ctx, a, kase); err != nil {
		return nil, err
	}
	if d.Med, err = s.loadMediation(ctx, a, kase, desks); err != nil {
		return nil, err
	}
	d.Med.CSRF = web.CSRFToken(c)
	if d.Similar, err = s.Similar(c, kase.Title+"\n"+kase.Summary+"\n"+kase.Claims, kase.Number, d.Same, 5); err != nil {
		// Related cases are a help, not the page: show it without them.
		d.Similar = nil
	}
	return d, nil
}

func (s *server) casePage(c *fiber.Ctx) error {
	d, err := s.loadCase(c, c.Params("number"))
	if err != nil {
		return err
	}
	// A merged case's number answers the case it was merged into.
	if d.Case.Number != cases.NormalizeCaseNumber(c.Params("number")) {
		return c.Redirect("/cases/"+d.Case.Number, fiber.StatusFound)
	}
	// Opened by whoever must answer: the citizen's messages are read (the
	// service decides who that is); the page says how many were new.
	if d.Case.UnreadMessages > 0 {
		if err := s.Svc.MarkMessagesRead(c.UserContext(), web.ActorOf(c), d.Case.Number); err != nil {
			return err
		}
		if after, err := s.Svc.Case(c.UserContext(), web.ActorOf(c), d.Case.Number); err == nil && after.UnreadMessages == 0 {
			d.Unread = d.Case.UnreadMessages
		}
	}
	p := page{Title: d.Case.Number + " " + d.Case.Title, Data: d}
	if done := c.Query("done"); done != "" {
		for _, info := range cases.Actions() {
			if info.Name == done {
				p.Flash = "已" + info.Label + "。"
			}
		}
	}
	if msg := linksFlash(c); msg != "" {
		p.Flash = msg
	}
	if msg := riskFlash(c); msg != "" {
		p.Flash = msg
	}
	if c.Query("done") == "correction" {
		p.Flash = "已补正登记信息。"
	}
	if n, err := strconv.Atoi(c.Query("n")); err == nil && c.Query("done") == "members" {
		p.Flash = "已导入群体成员" + strconv.Itoa(n) + "名。"
	}
	if c.Query("done") == "materials" {
		p.Flash = "已登记收到材料。"
	}
	if step, ok := medSteps[c.Query("med")]; ok {
		p.Flash = step.done
	}
	return s.render(c, fiber.StatusOK, "case", p)
}

// caseAct applies one action from its form; POST-redirect-GET on success,
// the page again with the message by the form and the typed values on error.
func (s *server) caseAct(c *fiber.Ctx) error {
	number, action := cases.NormalizeCaseNumber(c.Params("number")), c.Params("action")
	req, perr := actionRequestFromForm(c, action)
	var err error = perr
	if err == nil {
		_, err = s.Svc.Do(c.UserContext(), web.ActorOf(c), number, req)
	}
	if err == nil {
		return c.Redirect("/cases/"+number+"?done="+url.QueryEscape(action)+"#timeline", fiber.StatusSeeOther)
	}
	return s.actionFailed(c, number, action, err)
}

// actionFailed answers an action refused with err: the case page again,
// the message by the action's form with the typed values, and the status
// of the error; faults and cases out of sight go to the error page.
func (s *server) actionFailed(c *fiber.Ctx, number, action string, err error) error {
	d, e, msg, err := s.refusal(c, number, err)
	if err != nil {
		return err
	}
	found := false
	for i := range d.Actions {
		f := &d.Actions[i]
		if f.Name != action {
			continue
		}
		found = true
		f.Error, f.Open = msg, true
		for j := range f.Fields {
			f.Fields[j].Value = c.FormValue(f.Fields[j].Name)
			f.Fields[j].Invalid = f.Fields[j].Name == e.Field
		}
	}
	p := page{Title: d.Case.Number + " " + d.Case.Title, Data: d}
	if !found {
		// The action is no longer offered (someone moved the case on).
		d.PageError = msg
	}
	return s.render(c, web.StatusOf(e.Kind), "case", p)
}

// refusal is the case page again for a form refused with err: the error
// and the message to show; a fault or a case out of sight is answered as
// the error (the error page).
func (s *server) refusal(c *fiber.Ctx, number string, err error) (*caseData, *cases.Error, string, error) {
	e := cases.ErrorOf(err)
	if e == nil || e.Kind == cases.KindInternal || e.Kind == cases.KindNotFound || e.Kind == cases.KindUnauthorized {
		return nil, nil, "", err
	}
	d, err := s.loadCase(c, number)
	if err != nil {
		return nil, nil, "", err
	}
	msg := e.Message
	if e == cases.ErrStaleVersion || e.Code == "stale_version" {
		msg = "已被他人处理，请刷新页面查看最新情况后再操作。"
	}
	return d, e, msg, nil
}

// actionRequestFromForm reads the action's fields from the form into an
// ActionRequest through its JSON names, so fields that other parts add to
// ActionRequest are read without a change here.
func actionRequestFromForm(c *fiber.Ctx, action string) (cases.ActionRequest, error) {
	req := cases.ActionRequest{Action: action}
	var info *cases.ActionInfo
	for _, a := range cases.Actions() {
		if a.Name == action {
			info = &a
		}
	}
	if info == nil {
		return req, &cases.Error{Kind: cases.KindNotFound, Code: "route_not_found", Message: "没有这个操作"}
	}
	body := map[string]any{}
	for _, f := range info.Fields {
		v := c.FormValue(f)
		if f == "days" {
			if strings.TrimSpace(v) == "" {
				continue
			}
			n, err := formInt(c, f, "天数应为整数")
			if err != nil {
				return req, err
			}
			body[f] = n
			continue
		}
		body[f] = v
	}
	version, err := postedVersion(c)
	if err != nil {
		return req, err
	}
	if version != nil {
		body["version"] = *version
	}
	raw, _ := json.Marshal(body)
	if err := json.Unmarshal(raw, &req); err != nil {
		return req, &cases.Error{Kind: cases.KindInvalid, Code: "bad_request", Message: "表单内容有误"}
	}
	req.Action = action
	return req, nil
}

// caseReveal shows the full ID numbers and phones once; the service logs it.
func (s *server) caseReveal(c *fiber.Ctx) error {
	parties, err := s.Svc.RevealParties(c.UserContext(), web.ActorOf(c), c.Params("number"))
	if err != nil {
		return err
	}
	d, err := s.loadCase(c, c.Params("number"))
	if err != nil {
		return err
	}
	d.Case.Parties, d.Revealed = parties, true
	return s.render(c, fiber.StatusOK, "case", page{Title: d.Case.Number + " " + d.Case.Title, Data: d})
}

// attachment sends a citizen's file from the case page, as the API does.
func (s *server) attachment(c *fiber.Ctx) error { return web.SendAttachment(c, s.Svc) }
