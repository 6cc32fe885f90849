package mediation

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"yidi/cases"
)

// A 会商 (cases/meetings.go) held in a mediation room occupies it like a
// session: the meeting's place, when it is a room's name, books the room,
// refused when a session or another meeting has it then; a session is
// refused a room a meeting has; and the room's and the invited desks'
// week calendars show the meeting.

// KindMeeting is a meeting's kind on a week calendar.
const KindMeeting = "meeting"

func init() { kindLabels[KindMeeting] = "会商" }

// bookMeetingRoom answers the room a meeting's place names, checked free.
func (m *Service) bookMeetingRoom(ctx context.Context, tx *sqlx.Tx, place string, start, end time.Time) (*int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, tx.Rebind(`SELECT id FROM mediation_rooms WHERE name = ? AND active`), place)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mediation: unable to read a room: %w", err)
	}
	what, err := roomTaken(ctx, tx, id, start, end, 0)
	if err != nil {
		return nil, err
	}
	if what != "" {
		return nil, &cases.Error{Kind: cases.KindConflict, Code: "room_busy", Field: "place",
			Message: fmt.Sprintf("%s该时段已有安排（%s），请另选时间或地点", place, what)}
	}
	return &id, nil
}

// roomTaken says what holds room between start and end (a scheduled
// session other than session self, or a meeting), or "" when it is free.
func roomTaken(ctx context.Context, tx *sqlx.Tx, room int64, start, end time.Time, self int64) (string, error) {
	type busy struct {
		Number   string    `db:"number"`
		Kind     string    `db:"kind"`
		StartsAt time.Time `db:"starts_at"`
		EndsAt   time.Time `db:"ends_at"`
	}
	var b busy
	err := tx.GetContext(ctx, &b, tx.Rebind(`
		SELECT number, kind, starts_at, ends_at FROM (
			SELECT c.number, s.kind, s.starts_at, s.ends_at
			FROM mediation_sessions s JOIN cases c ON c.id = s.case_id
			WHERE s.room_id = ? AND s.status = 'scheduled' AND s.id <> ? AND s.starts_at < ? AND s.ends_at > ?
			UNION ALL
			SELECT '', 'meeting', m.starts_at, m.ends_at FROM meetings m
			WHERE m.room_id = ? AND m.starts_at < ? AND m.ends_at > ?) t
		ORDER BY starts_at LIMIT 1`), room, self, end, start, room, end, start)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("mediation: unable to check the room: %w", err)
	}
	at := b.StartsAt.In(cases.ChinaZone)
	what := fmt.Sprintf("%s %s–%s ", at.Format("1月2日"), at.Format("15:04"), b.EndsAt.In(cases.ChinaZone).Format("15:04"))
	if b.Kind == KindMeeting {
		return what + "会商", nil
	}
	return what + "案件" + b.Number + "的" + KindLabel(b.Kind), nil
}

// weekMeetings are the meetings of the week in the room, or to which the
// desk is invited; a meeting the reader may not read shows only that the
// room is taken.
func (m *Service) weekMeetings(ctx context.Context, a cases.Actor, q WeekQuery, monday time.Time) ([]WeekSession, error) {
	where, args := "m.starts_at < ? AND m.ends_at > ?", []any{monday.AddDate(0, 0, 7).UTC(), monday.UTC()}
	if q.Desk != "" {
		where += " AND m.invited_desks LIKE ?"
		args = append(args, `%"`+q.Desk+`"%`)
	} else {
		where += " AND m.room_id = ?"
		args = append(args, q.RoomID)
	}
	var rows []struct {
		ID       int64         `db:"id"`
		StartsAt time.Time     `db:"starts_at"`
		EndsAt   time.Time     `db:"ends_at"`
		Place    string        `db:"place"`
		RoomID   sql.NullInt64 `db:"room_id"`
		Desks    string        `db:"invited_desks"`
		Users    string        `db:"invited_users"`
		Convener string        `db:"convener_name"`
		Status   string        `db:"status"`
		Number   string        `db:"number"`
	}
	if err := m.db.SelectContext(ctx, &rows, m.db.Rebind(`SELECT m.id, m.starts_at, m.ends_at, m.place, m.room_id, m.invited_desks,
		m.invited_users, m.convener_name, m.status,
		COALESCE((SELECT c.number FROM meeting_cases mc JOIN cases c ON c.id = mc.case_id WHERE mc.meeting_id = m.id AND mc.position = 0), '') AS number
		FROM meetings m WHERE `+where+` ORDER BY m.starts_at, m.id`), args...); err != nil {
		return nil, fmt.Errorf("mediation: unable to read the week's meetings: %w", err)
	}
	out := make([]WeekSession, 0, len(rows))
	for _, r := range rows {
		desks := fromJSON[[]string](r.Desks)
		s := WeekSession{ID: r.ID, Kind: KindMeeting, KindLabel: KindLabel(KindMeeting), StartsAt: r.StartsAt.UTC(), EndsAt: r.EndsAt.UTC(),
			Minutes: int(r.EndsAt.Sub(r.StartsAt).Minutes()), Day: today(r.StartsAt), RoomID: nullInt(r.RoomID), Room: r.Place,
			Status: SessionScheduled, Visible: a.Role == cases.RoleLeader || slices.Contains(desks, a.Desk) ||
				slices.Contains(fromJSON[[]string](r.Users), a.Username)}
		if r.Status == cases.MeetingHeld {
			s.Status = SessionHeld
		}
		if s.Visible {
			s.Number, s.PresidingName, s.Invited = r.Number, r.Convener, q.Desk != ""
		}
		out = append(out, s)
	}
	return out, nil
}
