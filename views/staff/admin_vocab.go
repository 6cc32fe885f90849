package staff

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 相关词审核 (admin): the word pairs `yidi vocab mine` found together in the
// case texts; search uses a pair only once accepted here (or through
// PUT /api/v1/admin/term-proposals/{id}).

type vocabData struct {
	Status    string
	Proposals []cases.TermProposal
}

var vocabStatusLabels = map[string]string{cases.TermProposed: "待审", cases.TermAccepted: "已采纳", cases.TermRejected: "已驳回"}

func (s *server) adminVocab(c *fiber.Ctx) error {
	a := web.ActorOf(c)
	status := c.Query("status", cases.TermProposed)
	if status == "all" {
		status = ""
	}
	list, err := s.Svc.TermProposals(c.UserContext(), a, status)
	if err != nil {
		return err
	}
	p := page{Title: "相关词审核", Active: "vocab", Data: &vocabData{Status: c.Query("status", cases.TermProposed), Proposals: list}}
	if label, ok := vocabStatusLabels[c.Query("done")]; ok {
		p.Flash = "已将“" + c.Query("pair") + "”标为" + label + "。"
	}
	return s.render(c, fiber.StatusOK, "admin_vocab", p)
}

func (s *server) adminVocabDecide(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.FormValue("id"), 10, 64)
	p, err := s.Svc.DecideTermProposal(c.UserContext(), web.ActorOf(c), id, c.FormValue("status"))
	if err != nil {
		return err
	}
	if s.Index != nil {
		if err := s.Index.LoadRelatedTerms(c.UserContext(), s.Svc); err != nil {
			return err
		}
	}
	q := url.Values{"status": {c.FormValue("view")}, "done": {p.Status}, "pair": {p.Term + " — " + p.Related}}
	if _, ok := vocabStatusLabels[c.FormValue("view")]; !ok && c.FormValue("view") != "all" {
		q.Set("status", cases.TermProposed)
	}
	return c.Redirect("/admin/vocab?"+q.Encode(), fiber.StatusSeeOther)
}
