package mediation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"yidi/cases"
)

// The week calendar of a desk or a room: the sessions of seven China days
// from a Monday. A desk's calendar is its own staff's (and the leaders' and
// admins'): the sessions it holds and those it is invited to. A room's is
// everyone's, for rooms are shared, but a session of a case the reader may
// not see shows only that the room is taken, and by which desk.

// WeekQuery names a calendar: one of Desk or RoomID, and any day of the
// week (YYYY-MM-DD; "" is this week).
type WeekQuery struct {
	Desk   string
	RoomID int64
	Day    string
}

// Week is the sessions of one week of a desk or a room, cancelled ones left
// out, earliest first.
type Week struct {
	Start    string        `json:"week_start"` // the Monday
	End      string        `json:"week_end"`   // the Sunday
	Prev     string        `json:"prev_week"`
	Next     string        `json:"next_week"`
	Desk     string        `json:"desk,omitempty"`
	RoomID   int64         `json:"room_id,omitempty"`
	Room     string        `json:"room,omitempty"`
	Sessions []WeekSession `json:"sessions"`
}

// WeekSession is one session on a calendar. Visible is false when the
// reader may not see the case: then only the time, the holding desk and
// the room are told.
type WeekSession struct {
	ID            int64     `json:"id"`
	Visible       bool      `json:"visible"`
	Number        string    `json:"number,omitempty"`
	Desk          string    `json:"desk"` // the holding desk
	Invited       bool      `json:"invited"`
	Kind          string    `json:"kind"`
	KindLabel     string    `json:"kind_label"`
	StartsAt      time.Time `json:"starts_at"`
	EndsAt        time.Time `json:"ends_at"`
	Minutes       int       `json:"minutes"`
	Day           string    `json:"day"` // the China date it starts on
	RoomID        *int64    `json:"room_id"`
	Room          string    `json:"room"`
	VideoURL      string    `json:"video_url,omitempty"`
	Presiding     string    `json:"presiding,omitempty"`
	PresidingName string    `json:"presiding_name,omitempty"`
	Status        string    `json:"status"` // scheduled | held
}

// Week answers the calendar q names, if a may read it.
func (m *Service) Week(ctx context.Context, a cases.Actor, q WeekQuery) (*Week, error) {
	q.Desk = strings.TrimSpace(q.Desk)
	switch {
	case q.Desk != "" && q.RoomID != 0:
		return nil, invalid("room", "two_calendars", "请选择窗口或调解室，二者择一")
	case q.Desk == "" && q.RoomID == 0:
		return nil, invalid("desk", "required", "请选择窗口或调解室")
	}
	monday, err := weekOf(q.Day, m.cases.Now())
	if err != nil {
		return nil, err
	}
	w := &Week{Start: monday.Format(time.DateOnly), End: monday.AddDate(0, 0, 6).Format(time.DateOnly),
		Prev: monday.AddDate(0, 0, -7).Format(time.DateOnly), Next: monday.AddDate(0, 0, 7).Format(time.DateOnly),
		Desk: q.Desk, RoomID: q.RoomID, Sessions: []WeekSession{}}
	where, args := []string{"s.status <> 'cancelled'", "s.starts_at < ?", "s.ends_at > ?"},
		[]any{monday.AddDate(0, 0, 7).UTC(), monday.UTC()}
	if q.Desk != "" {
		if err := m.checkDesk(ctx, "desk", q.Desk); err != nil {
			return nil, err
		}
		if a.Role == cases.RoleIntake || (a.Role == cases.RoleHandler && a.Desk != q.Desk) {
			return nil, forbidden("只能查看本窗口的日程；调解室的日程各窗口都可查看")
		}
		where = append(where, "(s.desk = ? OR EXISTS (SELECT 1 FROM "+cases.SQLOf(m.db).JSONEach("s.invited_desks")+" WHERE value = ?))")
		args = append(args, q.Desk, q.Desk)
	} else {
		r, err := readRoom(ctx, m.db, q.RoomID)
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, invalid("room", "unknown_room", "没有这个调解室")
		}
		w.Room = r.Name
		where = append(where, "s.room_id = ?")
		args = append(args, q.RoomID)
	}
	// The read rule decides per session whether its case may be shown.
	rule, ruleArgs := cases.ReadRuleSQL(a)
	if rule == "" {
		rule = "1 = 1"
	}
	var rows []struct {
		sessionRow
		Number  string `db:"number"`
		Desk    string `db:"desk"`
		Name    string `db:"presiding_name"`
		Visible bool   `db:"visible"`
	}
	query := strings.Replace(sessionSelect, "FROM mediation_sessions s",
		`, c.number, s.desk, COALESCE(u.display_name, s.presiding) AS presiding_name, CASE WHEN `+rule+` THEN 1 ELSE 0 END AS visible
		FROM mediation_sessions s JOIN cases c ON c.id = s.case_id LEFT JOIN users u ON u.username = s.presiding`, 1) +
		" WHERE " + strings.Join(where, " AND ") + " ORDER BY s.starts_at, s.id"
	if err := m.db.SelectContext(ctx, &rows, m.db.Rebind(query), append(ruleArgs, args...)...); err != nil {
		return nil, fmt.Errorf("mediation: unable to read the week's sessions: %w", err)
	}
	for _, r := range rows {
		s := WeekSession{ID: r.ID, Visible: r.Visible, Desk: r.Desk, Kind: r.Kind, KindLabel: KindLabel(r.Kind),
			StartsAt: r.StartsAt.UTC(), EndsAt: r.EndsAt.UTC(), Minutes: r.Minutes, Day: today(r.StartsAt),
			RoomID: nullInt(r.RoomID), Room: r.Room, Status: r.Status}
		if s.Visible {
			s.Number, s.VideoURL, s.Presiding, s.PresidingName = r.Number, r.VideoURL, r.Presiding, r.Name
			s.Invited = q.Desk != "" && r.Desk != q.Desk && slices.Contains(fromJSON[[]string](r.InvitedDesks), q.Desk)
		}
		w.Sessions = append(w.Sessions, s)
	}
	meetings, err := m.weekMeetings(ctx, a, q, monday)
	if err != nil {
		return nil, err
	}
	w.Sessions = append(w.Sessions, meetings...)
	slices.SortStableFunc(w.Sessions, func(x, y WeekSession) int { return x.StartsAt.Compare(y.StartsAt) })
	return w, nil
}

// weekOf is the China-time Monday 00:00 of the week of day ("" today).
func weekOf(day string, now time.Time) (time.Time, error) {
	t := now.In(cases.ChinaZone)
	if strings.TrimSpace(day) != "" {
		d, ok := cases.ParseDate(day)
		if !ok {
			return time.Time{}, invalid("week", "invalid_date", "周次应为YYYY-MM-DD格式的日期")
		}
		t = d
	}
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, cases.ChinaZone)
	return t.AddDate(0, 0, -(int(t.Weekday())+6)%7), nil
}
