package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/jmoiron/sqlx/types"
)

// 会商 meetings (issue 19, item 3): a leader convenes the desks and
// people a dispute concerns, on one case or several (a group dispute and
// its related cases); who came signs in; the minutes record what was
// decided, and each decision becomes a 交办 task (meeting_tasks.go) that
// runs as a supervised limit until its owner desk reports it done.
//
// A meeting is not a case, but every change to it is a change to each of
// its cases: like a merge (links.go), one transaction appends one event on
// each case it concerns and bumps each case's version, so every case's
// timeline tells the meeting's story and no case's history is copied.

// Event kinds of meetings and their tasks: internal, staff only.
const (
	EventMeetingConvened = "meeting_convened"
	EventMeetingSignIn   = "meeting_sign_in"
	EventMeetingMinutes  = "meeting_minutes"
	EventTaskDone        = "task_done"
)

// Meeting statuses: scheduled until its minutes are recorded.
const (
	MeetingScheduled = "scheduled"
	MeetingHeld      = "held"
)

// Limits on what a meeting holds.
const (
	maxMeetingCases     = 20
	maxMeetingInvitees  = 30
	maxMeetingDecisions = 20
	defaultMeetingMins  = 60
	maxMeetingMins      = 8 * 60
)

// MeetingInput convenes a meeting. StartsAt is China time as a
// datetime-local input sends it ("2006-01-02T15:04") or RFC 3339.
type MeetingInput struct {
	Cases        []string `json:"cases"`
	StartsAt     string   `json:"starts_at"`
	Duration     int      `json:"duration_minutes"` // 0 is an hour
	Place        string   `json:"place"`
	InvitedDesks []string `json:"invited_desks"`
	InvitedUsers []string `json:"invited_users"`
	Agenda       string   `json:"agenda"`
}

// Meeting is a 会商 as staff read it.
type Meeting struct {
	ID           int64           `json:"id"`
	Cases        []string        `json:"cases"`
	StartsAt     time.Time       `json:"starts_at"`
	EndsAt       time.Time       `json:"ends_at"`
	Place        string          `json:"place"`
	Agenda       string          `json:"agenda"`
	InvitedDesks []string        `json:"invited_desks"`
	InvitedUsers []string        `json:"invited_users"`
	ConvenedBy   string          `json:"convened_by"`
	ConvenerName string          `json:"convener_name"`
	Status       string          `json:"status"`
	Attendance   []Attendee      `json:"attendance"`
	Minutes      *MeetingMinutes `json:"minutes"`
	Tasks        []Task          `json:"tasks"`
}

// Attendee is one person signed in at a meeting.
type Attendee struct {
	Username string    `db:"username" json:"username"`
	Name     string    `db:"name" json:"name"`
	Desk     string    `db:"desk" json:"desk"`
	SignedAt time.Time `db:"signed_at" json:"signed_at"`
	SignedBy string    `db:"signed_by" json:"signed_by"`
}

// MeetingMinutes is a meeting's 纪要 text.
type MeetingMinutes struct {
	Text       string    `json:"text"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

type meetingRow struct {
	ID           int64        `db:"id"`
	StartsAt     time.Time    `db:"starts_at"`
	EndsAt       time.Time    `db:"ends_at"`
	Place        string       `db:"place"`
	RoomID       *int64       `db:"room_id"`
	Agenda       string       `db:"agenda"`
	InvitedDesks string       `db:"invited_desks"`
	InvitedUsers string       `db:"invited_users"`
	ConvenedBy   string       `db:"convened_by"`
	ConvenerName string       `db:"convener_name"`
	Status       string       `db:"status"`
	MinutesText  string       `db:"minutes_text"`
	MinutesBy    string       `db:"minutes_by"`
	MinutesAt    sql.NullTime `db:"minutes_at"`
	CreatedAt    time.Time    `db:"created_at"`
}

func jsonList(raw string) []string {
	out := []string{}
	_ = json.Unmarshal([]byte(raw), &out)
	return out
}

func listJSON(l []string) string {
	if l == nil {
		l = []string{}
	}
	raw, _ := json.Marshal(l)
	return string(raw)
}

// MayConvene: leaders convene 会商 (and record their minutes).
func MayConvene(a Actor) bool { return !a.IsClient() && a.Role == RoleLeader }

// mayReadMeeting: leaders read every meeting; other staff those their
// desk or they themselves were invited to, or whose tasks their desk owns.
func mayReadMeeting(a Actor, m *meetingRow, ownerDesks []string) bool {
	switch {
	case a.IsClient():
		return false
	case a.Role == RoleLeader:
		return true
	case slices.Contains(jsonList(m.InvitedUsers), a.Username):
		return true
	}
	return a.Desk != "" && (slices.Contains(jsonList(m.InvitedDesks), a.Desk) || slices.Contains(ownerDesks, a.Desk))
}

// CleanList trims a list's entries, drops empty ones and repeats, and
// refuses more than max.
func CleanList(field string, in []string, max int) ([]string, error) {
	out := []string{}
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if len(out) > max {
		return nil, invalid(field, "too_many", fmt.Sprintf("最多%d项", max))
	}
	return out, nil
}

// ParseChinaMinute reads a time to the minute as a datetime-local input
// sends it ("2006-01-02T15:04", China time), "2006-01-02 15:04", or RFC
// 3339; ok is false for anything else. Sessions and meetings start so.
func ParseChinaMinute(s string) (t time.Time, ok bool) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, ChinaZone); err == nil {
			return t.UTC().Truncate(time.Minute), true
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Truncate(time.Minute), true
	}
	return time.Time{}, false
}

// parseMeetingStart reads a meeting's start in China time.
func parseMeetingStart(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, invalid("starts_at", "required", "请填写会商时间")
	}
	if t, ok := ParseChinaMinute(s); ok {
		return t, nil
	}
	return time.Time{}, invalid("starts_at", "invalid_time", "会商时间应为YYYY-MM-DD HH:MM格式")
}

// checkDesks refuses a desk code that names no active desk.
func checkDesks(ctx context.Context, q querier, field string, codes []string) error {
	desks, err := findDesks(ctx, q)
	if err != nil {
		return err
	}
	lookup := deskLookup(desks)
	for _, code := range codes {
		if d, ok := lookup(code); !ok || !d.Active {
			return invalid(field, "unknown_desk", fmt.Sprintf("没有代码为“%s”的窗口", code))
		}
	}
	return nil
}

type staffMember struct {
	Username string `db:"username"`
	Name     string `db:"display_name"`
	Role     Role   `db:"role"`
	Desk     string `db:"desk"`
}

// staffNamed answers the active staff accounts (not admins) of usernames,
// refusing any that is not one.
func staffNamed(ctx context.Context, q querier, field string, usernames []string) (map[string]staffMember, error) {
	out := map[string]staffMember{}
	for _, u := range usernames {
		var m staffMember
		err := q.GetContext(ctx, &m, q.Rebind(`SELECT username, display_name, role, COALESCE(desk, '') AS desk
			FROM users WHERE username = ? AND NOT disabled AND role <> 'admin'`), u)
		if isNoRows(err) {
			return nil, invalid(field, "unknown_user", fmt.Sprintf("没有用户名为“%s”的工作人员", u))
		}
		if err != nil {
			return nil, fmt.Errorf("store: unable to read a user: %w", err)
		}
		out[u] = m
	}
	return out, nil
}

// check validates in, field by field in form order.
func (in *MeetingInput) check(ctx context.Context, q querier, now time.Time) (start, end time.Time, err error) {
	if in.Cases, err = CleanList("cases", in.Cases, maxMeetingCases); err != nil {
		return
	}
	if len(in.Cases) == 0 {
		err = invalid("cases", "required", "请填写会商涉及的案件编号")
		return
	}
	if start, err = parseMeetingStart(in.StartsAt); err != nil {
		return
	}
	if start.Before(now.Truncate(time.Minute)) {
		err = invalid("starts_at", "time_in_past", "会商时间不能早于现在")
		return
	}
	if start.After(now.AddDate(1, 0, 0)) {
		err = invalid("starts_at", "time_too_far", "会商时间不能晚于一年之后")
		return
	}
	if in.Duration == 0 {
		in.Duration = defaultMeetingMins
	}
	if in.Duration < 0 || in.Duration > maxMeetingMins {
		err = invalid("duration_minutes", "out_of_range", fmt.Sprintf("会商时长应为1到%d分钟", maxMeetingMins))
		return
	}
	end = start.Add(time.Duration(in.Duration) * time.Minute)
	in.Place = strings.TrimSpace(in.Place)
	if err = RequiredText("place", in.Place, 200, "会商地点"); err != nil {
		return
	}
	if in.InvitedDesks, err = CleanList("invited_desks", in.InvitedDesks, maxMeetingInvitees); err != nil {
		return
	}
	if len(in.InvitedDesks) == 0 {
		err = invalid("invited_desks", "required", "请选择参加会商的窗口或部门")
		return
	}
	if err = checkDesks(ctx, q, "invited_desks", in.InvitedDesks); err != nil {
		return
	}
	if in.InvitedUsers, err = CleanList("invited_users", in.InvitedUsers, maxMeetingInvitees); err != nil {
		return
	}
	if _, err = staffNamed(ctx, q, "invited_users", in.InvitedUsers); err != nil {
		return
	}
	in.Agenda = strings.TrimSpace(in.Agenda)
	err = RequiredText("agenda", in.Agenda, MaxNote, "会商议题")
	return
}

// RoomBooker books the room a meeting's place names, when it names one
// (cases/mediation keeps the rooms and their sessions): inside the
// meeting's transaction it answers the room's id, or nil for a place that
// is no room, or an error naming field "place" when the room is taken.
type RoomBooker func(ctx context.Context, tx *sqlx.Tx, place string, start, end time.Time) (*int64, error)

// OnMeetingRoom registers the room booker (at start-up), so that a meeting
// in a mediation room occupies it like a session does.
func (s *Service) OnMeetingRoom(fn RoomBooker) { s.rooms.set(fn) }

// changeCases runs change over the cases load answers in one write
// transaction: each case must be one a may see, passes the guards, gets
// its version bumped and exactly one event (change answers them in the
// cases' order), and its deadlines saved when change touched them.
func (s *Service) changeCases(ctx context.Context, a Actor,
	load func(tx *sqlx.Tx) ([]*Case, error),
	change func(tx *sqlx.Tx, cs []*Case, now time.Time) ([]*Event, error)) error {
	now := s.now().UTC()
	var numbers []string
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		cs, err := load(tx)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if !canSee(a, c) {
				return ErrCaseNotFound
			}
			if err := s.runGuards(ctx, GuardArgs{Tx: tx, Actor: a, Case: c, Action: ActionChange}); err != nil {
				return err
			}
		}
		evs, err := change(tx, cs, now)
		if err != nil {
			return err
		}
		for i, c := range cs {
			if err := touchCase(ctx, tx, c, now); err != nil {
				return err
			}
			if slices.ContainsFunc(c.deadlines, func(d *caseDeadline) bool { return d.dirty }) {
				if err := saveCaseDeadlines(ctx, tx, c); err != nil {
					return err
				}
			}
			numbers = append(numbers, c.Number)
			if err := s.appendLinkEvent(ctx, tx, a, c, evs[i], now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, n := range numbers {
		s.public.drop(n)
	}
	s.committed()
	return nil
}

func meetingEvent(kind, body string, data map[string]any) *Event {
	raw, _ := json.Marshal(data)
	return &Event{Kind: kind, Body: body, Data: types.JSONText(raw)}
}

// ConveneMeeting convenes a 会商 on open cases; the invited desks join
// each case as co-desks, so they can read what they are to discuss.
func (s *Service) ConveneMeeting(ctx context.Context, a Actor, in MeetingInput) (*Meeting, error) {
	if !MayConvene(a) {
		return nil, forbidden("只有领导可以召集会商")
	}
	var id int64
	var start, end time.Time
	err := s.changeCases(ctx, a, func(tx *sqlx.Tx) ([]*Case, error) {
		var err error
		if start, end, err = in.check(ctx, tx, s.now().UTC()); err != nil {
			return nil, err
		}
		var cs []*Case
		for i, n := range in.Cases {
			c, err := findVisibleCase(ctx, tx, a, NormalizeCaseNumber(n))
			if ErrorOf(err) == ErrCaseNotFound {
				return nil, invalid(fmt.Sprintf("cases[%d]", i), "case_not_found", fmt.Sprintf("案件%s不存在或无权查看", n))
			}
			if err != nil {
				return nil, err
			}
			if !slices.Contains(openStatuses, c.Status) {
				return nil, invalid(fmt.Sprintf("cases[%d]", i), "case_not_open", fmt.Sprintf("案件%s不在办理中，不能会商", c.Number))
			}
			if slices.ContainsFunc(cs, func(o *Case) bool { return o.ID == c.ID }) {
				continue
			}
			cs = append(cs, c)
		}
		return cs, nil
	}, func(tx *sqlx.Tx, cs []*Case, now time.Time) ([]*Event, error) {
		var room *int64
		if book := s.rooms.get(); book != nil {
			var err error
			if room, err = book(ctx, tx, in.Place, start, end); err != nil {
				return nil, err
			}
		}
		if err := tx.GetContext(ctx, &id, tx.Rebind(`
			INSERT INTO meetings (starts_at, ends_at, place, room_id, agenda, invited_desks, invited_users, convened_by, convener_name, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			start, end, in.Place, room, in.Agenda, listJSON(in.InvitedDesks), listJSON(in.InvitedUsers), a.Username, a.Name, now); err != nil {
			return nil, fmt.Errorf("store: unable to save the meeting: %w", err)
		}
		numbers := make([]string, len(cs))
		for i, c := range cs {
			numbers[i] = c.Number
		}
		var evs []*Event
		for i, c := range cs {
			if _, err := tx.ExecContext(ctx, tx.Rebind(
				`INSERT INTO meeting_cases (meeting_id, case_id, position) VALUES (?, ?, ?)`), id, c.ID, i); err != nil {
				return nil, fmt.Errorf("store: unable to save the meeting's cases: %w", err)
			}
			if err := addCoDesks(ctx, tx, c, in.InvitedDesks, now); err != nil {
				return nil, err
			}
			evs = append(evs, meetingEvent(EventMeetingConvened,
				fmt.Sprintf("%s %s，议题：%s", chinaMinute(start), in.Place, clip(in.Agenda, 60)),
				map[string]any{"meeting_id": id, "starts_at": start.Format(time.RFC3339), "place": in.Place,
					"invited_desks": in.InvitedDesks, "cases": numbers}))
		}
		return evs, nil
	})
	if err != nil {
		return nil, err
	}
	return s.Meeting(ctx, a, id)
}

func chinaMinute(t time.Time) string { return t.In(ChinaZone).Format("2006-01-02 15:04") }

// clip cuts s to n characters, marking the cut.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// meetingCases loads the meeting's cases, in their order, inside tx.
func meetingCases(ctx context.Context, tx querier, id int64) ([]*Case, error) {
	var numbers []string
	if err := tx.SelectContext(ctx, &numbers, tx.Rebind(`SELECT c.number FROM meeting_cases mc JOIN cases c ON c.id = mc.case_id
		WHERE mc.meeting_id = ? ORDER BY mc.position`), id); err != nil {
		return nil, fmt.Errorf("store: unable to read the meeting's cases: %w", err)
	}
	cs := make([]*Case, 0, len(numbers))
	for _, n := range numbers {
		c, err := findCase(ctx, tx, n)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

var errMeetingNotFound = &Error{Kind: KindNotFound, Code: "meeting_not_found", Message: "会商不存在或无权查看"}

// readMeeting reads meeting id for a, refusing one a may not read.
func readMeeting(ctx context.Context, q querier, a Actor, id int64) (*meetingRow, error) {
	var m meetingRow
	err := q.GetContext(ctx, &m, q.Rebind(`SELECT * FROM meetings WHERE id = ?`), id)
	if isNoRows(err) {
		return nil, errMeetingNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the meeting: %w", err)
	}
	var owners []string
	if err := q.SelectContext(ctx, &owners, q.Rebind(`SELECT DISTINCT owner_desk FROM meeting_tasks WHERE meeting_id = ?`), id); err != nil {
		return nil, fmt.Errorf("store: unable to read the meeting's tasks: %w", err)
	}
	if !mayReadMeeting(a, &m, owners) {
		return nil, errMeetingNotFound
	}
	return &m, nil
}

// SignInInput records who attended. Empty Usernames signs the caller in;
// a leader may sign in others (the convener keeps the list at the door).
type SignInInput struct {
	Usernames []string `json:"usernames"`
}

// SignIn records attendance (签到) at a meeting, one event on each case.
func (s *Service) SignIn(ctx context.Context, a Actor, id int64, in SignInInput) (*Meeting, error) {
	err := s.changeCases(ctx, a, func(tx *sqlx.Tx) ([]*Case, error) {
		if _, err := readMeeting(ctx, tx, a, id); err != nil {
			return nil, err
		}
		return meetingCases(ctx, tx, id)
	}, func(tx *sqlx.Tx, cs []*Case, now time.Time) ([]*Event, error) {
		names, err := CleanList("usernames", in.Usernames, maxMeetingInvitees)
		if err != nil {
			return nil, err
		}
		if len(names) == 0 {
			names = []string{a.Username}
		}
		if a.Role != RoleLeader && (len(names) > 1 || names[0] != a.Username) {
			return nil, forbidden("只能为本人签到；代为签到请由领导办理")
		}
		people, err := staffNamed(ctx, tx, "usernames", names)
		if err != nil {
			return nil, err
		}
		var signed []string
		for _, u := range names {
			p := people[u]
			res, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO meeting_attendance (meeting_id, username, name, desk, signed_at, signed_by)
				SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM meeting_attendance WHERE meeting_id = ? AND username = ?)`),
				id, u, p.Name, p.Desk, now, a.Username, id, u)
			if err != nil {
				return nil, fmt.Errorf("store: unable to sign in: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				signed = append(signed, p.Name)
			}
		}
		if len(signed) == 0 {
			return nil, conflict("already_signed_in", "已经签到")
		}
		var evs []*Event
		for range cs {
			evs = append(evs, meetingEvent(EventMeetingSignIn, fmt.Sprintf("会商签到：%s", strings.Join(signed, "、")),
				map[string]any{"meeting_id": id, "signed": signed}))
		}
		return evs, nil
	})
	if err != nil {
		return nil, err
	}
	return s.Meeting(ctx, a, id)
}

// Meeting answers meeting id, with its attendance, minutes and tasks.
func (s *Service) Meeting(ctx context.Context, a Actor, id int64) (*Meeting, error) {
	r := s.store.r
	m, err := readMeeting(ctx, r, a, id)
	if err != nil {
		return nil, err
	}
	out := meetingOf(m)
	if err := r.SelectContext(ctx, &out.Cases, r.Rebind(`SELECT c.number FROM meeting_cases mc JOIN cases c ON c.id = mc.case_id
		WHERE mc.meeting_id = ? ORDER BY mc.position`), id); err != nil {
		return nil, fmt.Errorf("store: unable to read the meeting's cases: %w", err)
	}
	if err := r.SelectContext(ctx, &out.Attendance, r.Rebind(`SELECT username, name, desk, signed_at, signed_by
		FROM meeting_attendance WHERE meeting_id = ? ORDER BY signed_at, username`), id); err != nil {
		return nil, fmt.Errorf("store: unable to read the attendance: %w", err)
	}
	for i := range out.Attendance {
		out.Attendance[i].SignedAt = out.Attendance[i].SignedAt.UTC()
	}
	if out.Tasks, err = s.tasks(ctx, "t.meeting_id = ?", id); err != nil {
		return nil, err
	}
	return out, nil
}

func meetingOf(m *meetingRow) *Meeting {
	out := &Meeting{ID: m.ID, Cases: []string{}, StartsAt: m.StartsAt.UTC(), EndsAt: m.EndsAt.UTC(), Place: m.Place,
		Agenda: m.Agenda, InvitedDesks: jsonList(m.InvitedDesks), InvitedUsers: jsonList(m.InvitedUsers),
		ConvenedBy: m.ConvenedBy, ConvenerName: m.ConvenerName, Status: m.Status, Attendance: []Attendee{}, Tasks: []Task{}}
	if m.MinutesAt.Valid {
		out.Minutes = &MeetingMinutes{Text: m.MinutesText, RecordedBy: m.MinutesBy, RecordedAt: m.MinutesAt.Time.UTC()}
	}
	return out
}

// Meetings lists the meetings a may read, the latest first (at most 200).
func (s *Service) Meetings(ctx context.Context, a Actor) ([]Meeting, error) {
	if a.IsClient() {
		return nil, errClientsNotAllowed
	}
	r := s.store.r
	q, args := `SELECT * FROM meetings m`, []any{}
	if a.Role != RoleLeader {
		// The invitation lists are JSON arrays of strings: a quoted match
		// finds a member without a JSON function (PostgreSQL and SQLite alike).
		q += ` WHERE m.invited_users LIKE ? OR (? <> '' AND (m.invited_desks LIKE ?
			OR EXISTS (SELECT 1 FROM meeting_tasks t WHERE t.meeting_id = m.id AND t.owner_desk = ?)))`
		args = append(args, `%"`+a.Username+`"%`, a.Desk, `%"`+a.Desk+`"%`, a.Desk)
	}
	var rows []meetingRow
	if err := r.SelectContext(ctx, &rows, r.Rebind(q+` ORDER BY m.starts_at DESC, m.id DESC LIMIT 200`), args...); err != nil {
		return nil, fmt.Errorf("store: unable to list meetings: %w", err)
	}
	out := make([]Meeting, 0, len(rows))
	for i := range rows {
		m := meetingOf(&rows[i])
		if err := r.SelectContext(ctx, &m.Cases, r.Rebind(`SELECT c.number FROM meeting_cases mc JOIN cases c ON c.id = mc.case_id
			WHERE mc.meeting_id = ? ORDER BY mc.position`), m.ID); err != nil {
			return nil, fmt.Errorf("store: unable to read the meeting's cases: %w", err)
		}
		out = append(out, *m)
	}
	return out, nil
}
