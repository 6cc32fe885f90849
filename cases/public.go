package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// PublicView is what a citizen sees with the case number and query code:
// no staff names, no other party's details, no internal notes.
type PublicView struct {
	Number     string        `json:"number"`
	Title      string        `json:"title"`
	Status     Status        `json:"status"`
	StatusText string        `json:"status_text"`
	Desk       string        `json:"desk"`
	DeskName   string        `json:"desk_name"`
	Deadline   *Deadline     `json:"deadline"`
	Events     []PublicEvent `json:"events"`
	// NextStep says what happens next, in the citizen's words.
	NextStep string `json:"next_step"`
	// CanRate: the case is closed and not yet rated (满意度评价, once).
	CanRate bool    `json:"can_rate"`
	Rating  *Rating `json:"rating"`
}

// PublicEvent is one step of the case told in words for the citizen; the
// staff's own wording is shown only for notes marked public.
type PublicEvent struct {
	At       time.Time `json:"at"`
	Kind     string    `json:"kind"`
	Desk     string    `json:"desk"`
	DeskName string    `json:"desk_name"`
	Text     string    `json:"text"`
}

// ErrPublicNotFound is the one answer for an unknown number and a wrong code.
var ErrPublicNotFound = &Error{Kind: KindNotFound, Code: "not_found", Message: "案件编号或查询码不正确，请核对回执后重试"}

// The unknown-number path compares against this fixed pair, so that it does
// the same work as a wrong code for a real case.
var (
	dummySalt     = newSalt()
	dummyCodeHash = hashQueryCode(dummySalt, newQueryCode())
	dummyTime     = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

// publicEntry is a cached public view, valid while the case row's
// updated_at is the one it was built from.
type publicEntry struct {
	updatedAt time.Time
	view      *PublicView
}

// A citizen reloads the status page; building the view reads the whole
// timeline. Views are cached per case and used only after the code was
// checked against the database, so a cached case answers a wrong code
// exactly as slowly as an unknown number does.
const publicCacheSize = 20000

type publicCache struct {
	mu      sync.Mutex
	entries map[string]publicEntry
}

func (c *publicCache) get(number string, updatedAt time.Time) (*PublicView, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[number]
	if !ok || !e.updatedAt.Equal(updatedAt) {
		return nil, false
	}
	return e.view, true
}

func (c *publicCache) put(number string, e publicEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= publicCacheSize {
		c.entries = map[string]publicEntry{}
	}
	c.entries[strings.Clone(number)] = e
}

func (c *publicCache) drop(number string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, number)
}

// codeRow is what checking a query code needs from the case row.
type codeRow struct {
	ID        int64     `db:"id"`
	Salt      string    `db:"query_code_salt"`
	Hash      string    `db:"query_code_hash"`
	UpdatedAt time.Time `db:"updated_at"`
}

// checkQueryCode answers the case id for a right number and code, and
// ErrPublicNotFound otherwise, after the same work in every case: one
// indexed read and one salted hash compared in constant time.
func checkQueryCode(ctx context.Context, q querier, number, code string) (*codeRow, error) {
	number = NormalizeCaseNumber(number)
	// An unknown number still yields one row (id 0, the dummy pair), so
	// both paths read, scan and hash alike.
	var row codeRow
	err := q.GetContext(ctx, &row, q.Rebind(`
		SELECT id, query_code_salt, query_code_hash, updated_at FROM cases WHERE number = ?
		UNION ALL
		SELECT 0, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM cases WHERE number = ?)`),
		number, dummySalt, dummyCodeHash, dummyTime, number)
	if err != nil {
		return nil, fmt.Errorf("store: unable to check a query code: %w", err)
	}
	if !queryCodeMatches(row.Salt, row.Hash, code) || row.ID == 0 {
		return nil, ErrPublicNotFound
	}
	return &row, nil
}

// PublicStatus answers the citizen's view of a case after checking the code.
func (s *Service) PublicStatus(ctx context.Context, number, code string) (*PublicView, error) {
	number = NormalizeCaseNumber(number)
	row, err := checkQueryCode(ctx, s.store.r, number, code)
	if err != nil {
		return nil, err
	}
	if v, ok := s.public.get(number, row.UpdatedAt); ok {
		cp := *v
		return &cp, nil
	}
	name, err := s.DeskNames(ctx)
	if err != nil {
		return nil, err
	}
	c, err := findCase(ctx, s.store.r, number)
	if err != nil {
		return nil, err
	}
	events, err := findEvents(ctx, s.store.r, c.ID)
	if err != nil {
		return nil, err
	}
	v := &PublicView{Number: c.Number, Title: c.Title, Status: c.Status, Desk: c.Desk,
		DeskName: name(c.Desk), Deadline: c.Deadline, Events: []PublicEvent{}}
	v.StatusText = publicStatusText(c, name)
	v.NextStep = publicNextStep(c, name)
	for _, e := range events {
		if text, ok := publicEventText(e, name); ok {
			v.Events = append(v.Events, PublicEvent{At: e.At, Kind: e.Kind, Desk: e.Desk, DeskName: name(e.Desk), Text: text})
		}
	}
	if v.Rating, err = findRating(ctx, s.store.r, c.ID); err != nil {
		return nil, err
	}
	v.CanRate = c.Status == StatusClosed && v.Rating == nil
	if c.Status == StatusClosed && !v.CanRate {
		// Rated: nothing is asked of the citizen any more.
		v.NextStep = ""
	}
	s.public.put(number, publicEntry{updatedAt: row.UpdatedAt, view: v})
	cp := *v
	return &cp, nil
}

func deskNamer(desks []Desk) func(string) string {
	lookup := deskLookup(desks)
	return func(code string) string {
		if code == "" {
			return "受理窗口"
		}
		if d, ok := lookup(code); ok {
			return d.Name
		}
		return code
	}
}

func publicStatusText(c *Case, deskName func(string) string) string {
	switch c.Status {
	case StatusRegistered:
		return "已受理，正在安排办理窗口"
	case StatusRouted:
		return "已受理，已转交" + deskName(c.Desk) + "窗口，等待签收"
	case StatusInProgress:
		return "已受理，正在由" + deskName(c.Desk) + "窗口办理"
	case StatusSuspended:
		return "已中止，" + deskName(c.Desk) + "窗口等待鉴定等结果，期间不计入办理期限"
	case StatusClosed:
		return "已办结"
	case StatusSubmitted:
		return "网上申请已提交，等待受理窗口审核"
	case StatusDeclined:
		return "不予受理：" + c.Outcome
	}
	return StatusLabel(c.Status)
}

func publicNextStep(c *Case, deskName func(string) string) string {
	switch c.Status {
	case StatusSubmitted:
		return "受理窗口审核您的申请，受理或告知不予受理的理由"
	case StatusRegistered:
		return "受理窗口安排办理窗口"
	case StatusRouted:
		return deskName(c.Desk) + "窗口签收您的案件"
	case StatusInProgress:
		return deskName(c.Desk) + "窗口办理，办结后告知结果"
	case StatusClosed:
		return "请对办理结果作出满意度评价"
	case StatusDeclined:
		return "如有疑问，可携带材料到中心受理窗口咨询"
	}
	return ""
}

// publicEventText words an event for the citizen's timeline (EventKinds);
// false: the citizen does not see it.
func publicEventText(e Event, deskName func(string) string) (string, bool) {
	k, ok := eventKindIndex[e.Kind]
	if !ok || k.Citizen == nil {
		return "", false
	}
	return k.Citizen(e, eventData(e.Data), deskName)
}

// eventData reads an event's data for a wording: strings as they are,
// numbers and booleans as their JSON text (a subpackage's data carries
// positions and days as numbers), lists and objects left out.
func eventData(raw []byte) map[string]string {
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields)
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		var s string
		switch {
		case json.Unmarshal(v, &s) == nil:
			out[k] = s
		case len(v) > 0 && v[0] != '[' && v[0] != '{' && string(v) != "null":
			out[k] = string(v)
		}
	}
	return out
}

// DeskNames maps desk codes to names for timelines; "" is the intake window.
func (s *Service) DeskNames(ctx context.Context) (func(string) string, error) {
	desks, err := s.Desks(ctx)
	if err != nil {
		return nil, err
	}
	return deskNamer(desks), nil
}
