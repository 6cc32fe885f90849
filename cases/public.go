package cases

import (
	"context"
	"encoding/json"
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

// dummySalt keeps the unknown-number path doing the same hashing work.
var dummySalt = newSalt()

// publicEntry is a cached public view with what checks the code for it.
type publicEntry struct {
	salt, hash string
	view       *PublicView
	at         time.Time
}

// A citizen reloads the status page; the centre's reform is judged on how
// fast it answers. Views are cached per case, dropped by every action on
// the case and after publicCacheTTL (another process may have acted).
const (
	publicCacheTTL  = 10 * time.Second
	publicCacheSize = 20000
)

type publicCache struct {
	mu      sync.Mutex
	entries map[string]publicEntry
}

func (c *publicCache) get(number string, now time.Time) (publicEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[number]
	return e, ok && now.Sub(e.at) < publicCacheTTL
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

// PublicStatus answers the citizen's view of a case after checking the code.
func (s *Service) PublicStatus(ctx context.Context, number, code string) (*PublicView, error) {
	number = NormalizeCaseNumber(number)
	now := time.Now()
	if e, ok := s.public.get(number, now); ok {
		if !queryCodeMatches(e.salt, e.hash, code) {
			return nil, ErrPublicNotFound
		}
		v := *e.view
		return &v, nil
	}
	row, err := findCaseRow(ctx, s.store.r, number)
	if err != nil && ErrorOf(err) != ErrCaseNotFound {
		return nil, err
	}
	if row == nil {
		queryCodeMatches(dummySalt, "", code)
		return nil, ErrPublicNotFound
	}
	if !queryCodeMatches(row.QueryCodeSalt, row.QueryCodeHash, code) {
		return nil, ErrPublicNotFound
	}
	name, err := s.DeskNames(ctx)
	if err != nil {
		return nil, err
	}
	c := row.toCase()
	events, err := findEvents(ctx, s.store.r, c.ID)
	if err != nil {
		return nil, err
	}
	v := &PublicView{Number: c.Number, Title: c.Title, Status: c.Status, Desk: c.Desk,
		DeskName: name(c.Desk), Deadline: c.Deadline, Events: []PublicEvent{}}
	v.StatusText = publicStatusText(c, name)
	for _, e := range events {
		if text, ok := publicEventText(e, name); ok {
			v.Events = append(v.Events, PublicEvent{At: e.At, Kind: e.Kind, Desk: e.Desk, DeskName: name(e.Desk), Text: text})
		}
	}
	s.public.put(number, publicEntry{salt: row.QueryCodeSalt, hash: row.QueryCodeHash, view: v, at: now})
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
	}
	return StatusLabel(c.Status)
}

func publicEventText(e Event, deskName func(string) string) (string, bool) {
	var data map[string]string
	_ = json.Unmarshal(e.Data, &data)
	switch e.Kind {
	case EventIntake:
		return "您反映的纠纷已登记受理", true
	case EventRoute:
		return "已分流至" + deskName(data["to_desk"]) + "窗口办理", true
	case EventAccept:
		return deskName(e.Desk) + "窗口已签收，正在办理", true
	case EventReturn:
		return "退回受理窗口重新安排办理窗口", true
	case EventTransfer:
		return "已移交至" + deskName(data["to_desk"]) + "窗口办理", true
	case EventInvite:
		return deskName(data["co_desk"]) + "窗口参与联合调处", true
	case EventVisit:
		return "您来访反映情况，已登记", true
	case EventNote:
		return e.Body, e.Visibility == VisibilityPublic
	case EventClose:
		return "已办结：" + data["outcome"], true
	case EventExtend:
		return "经批准，办理期限延长" + data["days"] + "日", true
	case EventSuspend:
		return "案件中止办理，中止期间不计入办理期限", true
	case EventResume:
		return "案件恢复办理", true
	case EventReopen:
		return "案件重新办理", true
	}
	// Supervision (督办), its answer and deadline warnings are internal.
	return "", false
}

// DeskNames maps desk codes to names for timelines; "" is the intake window.
func (s *Service) DeskNames(ctx context.Context) (func(string) string, error) {
	desks, err := s.Desks(ctx)
	if err != nil {
		return nil, err
	}
	return deskNamer(desks), nil
}
