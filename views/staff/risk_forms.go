package staff

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 风险等级 and 包案 on the case page: the level with its reason, what the
// rules suggest and why, and for leaders the assessment and lead forms.
// The rules are in cases/risk.go.

type riskForm struct {
	MayAssess   bool
	Levels      []option
	Level       string // the form's level: what was posted, else the current, else the suggested one
	Reason      string
	Error       string
	Field       string // "level" or "reason" when the error names one
	Leads       []cases.RiskLead
	Lead        string
	LeadError   string
	ReviewDue   *cases.DeadlineView
	GroupPeople int // cases.GroupCaseMinPeople, for the page's wording
}

func (s *server) riskFormFor(c *fiber.Ctx, kase *cases.Case) (*riskForm, error) {
	a := web.ActorOf(c)
	f := &riskForm{MayAssess: cases.Authorize(a, cases.AssessRisk) == nil, GroupPeople: cases.GroupCaseMinPeople}
	for _, l := range cases.RiskLevelNames {
		f.Levels = append(f.Levels, option{l, cases.RiskLabel(l)})
	}
	if r := kase.Risk; r != nil {
		f.Level = r.Level
		if f.Level == "" {
			f.Level = r.Suggested.Level
		}
		if r.Lead != nil {
			f.Lead = r.Lead.Username
		}
	}
	for i, d := range kase.Deadlines {
		if d.Kind == cases.DeadlineRiskReview {
			f.ReviewDue = &kase.Deadlines[i]
		}
	}
	var err error
	if f.MayAssess {
		f.Leads, err = s.Svc.LeadCandidates(c.UserContext(), a, kase)
	}
	return f, err
}

// caseRisk confirms or changes the level.
func (s *server) caseRisk(c *fiber.Ctx) error {
	in := cases.RiskInput{Level: c.FormValue("level"), Reason: c.FormValue("reason")}
	return s.riskPost(c, "risk", func(number string, version *int64) error {
		in.Version = version
		_, err := s.Svc.AssessRisk(c.UserContext(), web.ActorOf(c), number, in)
		return err
	}, func(f *riskForm, e *cases.Error, msg string) {
		f.Level, f.Reason, f.Error, f.Field = in.Level, in.Reason, msg, e.Field
	})
}

// caseLead names the 包案 leader.
func (s *server) caseLead(c *fiber.Ctx) error {
	in := cases.LeadInput{Username: c.FormValue("username")}
	return s.riskPost(c, "lead", func(number string, version *int64) error {
		in.Version = version
		_, err := s.Svc.AssignLead(c.UserContext(), web.ActorOf(c), number, in)
		return err
	}, func(f *riskForm, _ *cases.Error, msg string) {
		f.Lead, f.LeadError = in.Username, msg
	})
}

// riskPost runs one of the section's forms: done, back to the section
// (post/redirect/get); refused, the case page again with the message set
// by the form.
func (s *server) riskPost(c *fiber.Ctx, done string, do func(number string, version *int64) error,
	set func(f *riskForm, e *cases.Error, msg string)) error {
	number := cases.NormalizeCaseNumber(c.Params("number"))
	version, err := postedVersion(c)
	if err == nil {
		if err = do(number, version); err == nil {
			return c.Redirect("/cases/"+number+"?done="+done+"#risk", fiber.StatusSeeOther)
		}
	}
	return s.caseRefused(c, number, err, func(d *caseData, e *cases.Error, msg string) { set(d.Risk, e, msg) })
}

// riskFlash is the message after an assessment or a lead, or "".
func riskFlash(c *fiber.Ctx) string {
	switch c.Query("done") {
	case "risk":
		return "风险等级已评定，已重新计算复评期限。"
	case "lead":
		return "已指定包案领导。"
	}
	return ""
}

// riskTag is a level's badge: its name in words (never colour alone) and
// the class that colours it; nil for a case never assessed.
func riskTag(level string) *tagView {
	if level == "" {
		return nil
	}
	return &tagView{Class: "risk-" + level, Text: cases.RiskLabel(level) + "风险"}
}
