package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/search"
	"yidi/views/web"
)

var errSearchUnavailable = &cases.Error{Kind: cases.KindInternal, Code: "search_unavailable", Message: "搜索暂不可用"}

func (s *server) search(c *fiber.Ctx) error {
	if s.Index == nil {
		return errSearchUnavailable
	}
	q := search.Query{
		Text:     c.Query("q"),
		Category: c.Query("category"),
		Desk:     c.Query("desk"),
		Status:   c.Query("status"),
		Town:     c.Query("town"),
		Month:    c.Query("month"),
	}
	var err error
	if q.Page, err = intParam(c, "page"); err != nil {
		return err
	}
	if q.PerPage, err = intParam(c, "per_page"); err != nil {
		return err
	}
	if q.From, err = dateParam(c, "from", false); err != nil {
		return err
	}
	if q.To, err = dateParam(c, "to", true); err != nil {
		return err
	}
	res, err := s.Index.Search(c.UserContext(), web.ActorOf(c), q, s.Svc)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func intParam(c *fiber.Ctx, name string) (int, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, &cases.Error{Kind: cases.KindInvalid, Code: "invalid_" + name, Message: "“" + name + "”应为正整数", Field: name}
	}
	return n, nil
}

// dateParam reads YYYY-MM-DD as a day in China time; endOfDay makes "to"
// include the whole day.
func dateParam(c *fiber.Ctx, name string, endOfDay bool) (time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", v, time.FixedZone("CST", 8*3600))
	if err != nil {
		return time.Time{}, &cases.Error{Kind: cases.KindInvalid, Code: "invalid_date", Message: "日期格式应为 YYYY-MM-DD", Field: name}
	}
	if endOfDay {
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return t, nil
}

type relatedAnswer struct {
	SamePerson []cases.RelatedCase `json:"same_person"`
	Similar    []search.SimilarHit `json:"similar"`
}

func (s *server) related(c *fiber.Ctx) error {
	a := web.ActorOf(c)
	limit, err := intParam(c, "limit")
	if err != nil {
		return err
	}
	kase, same, err := s.Svc.SamePersonCases(c.UserContext(), a, c.Params("number"))
	if err != nil {
		return err
	}
	similar, err := s.Similar(c, kase.Title+"\n"+kase.Summary+"\n"+kase.Claims, kase.Number, limit)
	if err != nil {
		return err
	}
	return c.JSON(relatedAnswer{SamePerson: same, Similar: similar})
}

// checkIntake is the pre-check at the window: the draft is not stored.
func (s *server) checkIntake(c *fiber.Ctx) error {
	var in cases.IntakeInput
	if err := web.DecodeIntake(c, &in); err != nil {
		return err
	}
	a := web.ActorOf(c)
	same, err := s.Svc.SamePersonDraft(c.UserContext(), a, in)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(in.Title + "\n" + in.Summary + "\n" + in.Claims)
	similar, err := s.Similar(c, text, "", 0)
	if err != nil {
		return err
	}
	return c.JSON(relatedAnswer{SamePerson: same, Similar: similar})
}

func (s *server) synonyms(c *fiber.Ctx) error {
	groups, err := s.Svc.SynonymGroups(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"groups": groups})
}

func (s *server) setSynonyms(c *fiber.Ctx) error {
	var in struct {
		Groups [][]string `json:"groups"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	groups, err := s.Svc.SetSynonymGroups(c.UserContext(), web.ActorOf(c), in.Groups)
	if err != nil {
		return err
	}
	if s.Index != nil {
		s.Index.SetSynonyms(groups)
	}
	return c.JSON(fiber.Map{"groups": groups})
}
