package mediation

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"yidi/cases"
)

// Session kinds.
const (
	KindMediation       = "mediation"        // 调解会
	KindJointConference = "joint_conference" // 3+X 联合调处会议
	KindHearing         = "hearing"          // 听证
)

var kindLabels = map[string]string{
	KindMediation: "调解会", KindJointConference: "联合调处会议", KindHearing: "听证会",
}

// KindLabel is a session kind as the counter says it.
func KindLabel(k string) string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return k
}

// Session statuses.
const (
	SessionScheduled = "scheduled"
	SessionHeld      = "held"
	SessionCancelled = "cancelled"
)

// Record results.
const (
	ResultAgreement   = "agreement"
	ResultNoAgreement = "no_agreement"
	ResultAdjourned   = "adjourned"
)

// Outsider is a participant from outside the centre: a lawyer, a
// 心理咨询师, a village cadre.
type Outsider struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// SessionInput schedules or reschedules a session. StartsAt is China time,
// "2006-01-02T15:04" (what a datetime-local input sends) or
// "2006-01-02 15:04"; a place is a room or a video link.
type SessionInput struct {
	Version      *int64     `json:"version"`
	Kind         string     `json:"kind"`
	StartsAt     string     `json:"starts_at"`
	Minutes      int        `json:"minutes"`
	RoomID       int64      `json:"room_id"`
	VideoURL     string     `json:"video_url"`
	Presiding    string     `json:"presiding"`
	Mediators    []string   `json:"mediators"`
	Clerk        string     `json:"clerk"`
	InvitedDesks []string   `json:"invited_desks"`
	Outsiders    []Outsider `json:"outsiders"`
	Summoned     []string   `json:"summoned"` // names of the case's parties
	Bring        string     `json:"bring"`    // what the parties should bring
}

// Session is one scheduled session with its record, if any.
type Session struct {
	ID           int64      `json:"id"`
	Kind         string     `json:"kind"`
	KindLabel    string     `json:"kind_label"`
	StartsAt     time.Time  `json:"starts_at"`
	EndsAt       time.Time  `json:"ends_at"`
	Minutes      int        `json:"minutes"`
	RoomID       *int64     `json:"room_id"`
	Room         string     `json:"room"`
	VideoURL     string     `json:"video_url"`
	Presiding    string     `json:"presiding"`
	Mediators    []string   `json:"mediators"`
	Clerk        string     `json:"clerk"`
	InvitedDesks []string   `json:"invited_desks"`
	Outsiders    []Outsider `json:"outsiders"`
	Summoned     []string   `json:"summoned"`
	Bring        string     `json:"bring"`
	Status       string     `json:"status"`
	CancelReason string     `json:"cancel_reason"`
	Record       *Record    `json:"record"`
}

// Place is where the session is held, in words.
func (s *Session) Place() string {
	if s.Room != "" {
		return s.Room
	}
	return "视频会议（" + s.VideoURL + "）"
}

// CancelInput cancels a scheduled session.
type CancelInput struct {
	Version *int64 `json:"version"`
	Reason  string `json:"reason"`
}

func parseStart(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, invalid(field, "required", "请填写开始时间")
	}
	if t, ok := cases.ParseChinaMinute(s); ok {
		return t, nil
	}
	return time.Time{}, invalid(field, "invalid_time", "时间应为YYYY-MM-DD HH:MM格式")
}

// session is a checked SessionInput, ready to store.
type session struct {
	kind             string
	start, end       time.Time
	minutes          int
	roomID           *int64
	room, video      string
	presiding, clerk string
	mediators, desks []string
	outsiders        []Outsider
	summoned         []string
	bring            string
	staffNames       map[string]staffRow
}

func (s *session) staff() []string {
	out := []string{s.presiding}
	for _, u := range s.mediators {
		if !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	if s.clerk != "" && !slices.Contains(out, s.clerk) {
		out = append(out, s.clerk)
	}
	return out
}

// checkSession validates in against the case, field by field, in form order.
func (m *Service) checkSession(ctx context.Context, tx *sqlx.Tx, c *cases.Case, now time.Time, in SessionInput) (*session, error) {
	s := &session{kind: in.Kind, minutes: in.Minutes}
	if _, ok := kindLabels[in.Kind]; !ok {
		if strings.TrimSpace(in.Kind) == "" {
			return nil, invalid("kind", "required", "请选择会议类型")
		}
		return nil, invalid("kind", "invalid_kind", "会议类型只能是 mediation（调解会）、joint_conference（联合调处会议）或 hearing（听证会）")
	}
	var err error
	if s.start, err = parseStart("starts_at", in.StartsAt); err != nil {
		return nil, err
	}
	if s.start.Before(now.Truncate(time.Minute)) {
		return nil, invalid("starts_at", "time_in_past", "开始时间不能早于现在")
	}
	if s.start.After(now.AddDate(1, 0, 0)) {
		return nil, invalid("starts_at", "time_too_far", "开始时间不能晚于一年之后")
	}
	if in.Minutes <= 0 || in.Minutes > maxMinutes {
		return nil, invalid("minutes", "out_of_range", fmt.Sprintf("会议时长应为1到%d分钟", maxMinutes))
	}
	s.end = s.start.Add(time.Duration(in.Minutes) * time.Minute)
	s.video = strings.TrimSpace(in.VideoURL)
	switch {
	case in.RoomID != 0 && s.video != "":
		return nil, invalid("video_url", "two_places", "请选择调解室或填写视频会议链接，二者择一")
	case in.RoomID != 0:
		r, err := readRoom(ctx, tx, in.RoomID)
		if err != nil {
			return nil, err
		}
		if r == nil || !r.Active {
			return nil, invalid("room_id", "unknown_room", "没有这个调解室，或已停用")
		}
		id := r.ID
		s.roomID, s.room = &id, r.Name
	case s.video != "":
		if !strings.HasPrefix(s.video, "https://") && !strings.HasPrefix(s.video, "http://") {
			return nil, invalid("video_url", "invalid_url", "视频会议链接应以 http:// 或 https:// 开头")
		}
		if err := cases.CheckText("video_url", s.video, 500); err != nil {
			return nil, err
		}
	default:
		return nil, invalid("room_id", "required", "请选择调解室或填写视频会议链接")
	}
	s.presiding = strings.TrimSpace(in.Presiding)
	if s.presiding == "" {
		return nil, invalid("presiding", "required", "请选择主持调解员")
	}
	if s.mediators, err = cleanList("mediators", in.Mediators); err != nil {
		return nil, err
	}
	s.mediators = slices.DeleteFunc(s.mediators, func(u string) bool { return u == s.presiding })
	s.clerk = strings.TrimSpace(in.Clerk)
	if s.staffNames, err = staff(ctx, tx, "presiding", []string{s.presiding}); err != nil {
		return nil, err
	}
	more, err := staff(ctx, tx, "mediators", s.mediators)
	if err != nil {
		return nil, err
	}
	for k, v := range more {
		s.staffNames[k] = v
	}
	if s.clerk != "" {
		cl, err := staff(ctx, tx, "clerk", []string{s.clerk})
		if err != nil {
			return nil, err
		}
		s.staffNames[s.clerk] = cl[s.clerk]
	}
	if s.desks, err = cleanList("invited_desks", in.InvitedDesks); err != nil {
		return nil, err
	}
	for _, d := range s.desks {
		if err := m.checkDesk(ctx, "invited_desks", d); err != nil {
			return nil, err
		}
	}
	if len(in.Outsiders) > maxList {
		return nil, invalid("outsiders", "too_many", fmt.Sprintf("最多%d人", maxList))
	}
	s.outsiders = []Outsider{}
	for i, o := range in.Outsiders {
		o.Name, o.Role = strings.TrimSpace(o.Name), strings.TrimSpace(o.Role)
		if err := cases.RequiredText(fmt.Sprintf("outsiders[%d].name", i), o.Name, cases.MaxName, "参加人员姓名"); err != nil {
			return nil, err
		}
		if err := cases.RequiredText(fmt.Sprintf("outsiders[%d].role", i), o.Role, 30, "参加人员身份（如律师、心理咨询师、村干部）"); err != nil {
			return nil, err
		}
		s.outsiders = append(s.outsiders, o)
	}
	if len(in.Summoned) == 0 {
		return nil, invalid("summoned", "required", "请选择通知参加的当事人")
	}
	if s.summoned, err = checkParties(c, "summoned", in.Summoned); err != nil {
		return nil, err
	}
	s.bring = strings.TrimSpace(in.Bring)
	if err := cases.CheckText("bring", s.bring, maxReason); err != nil {
		return nil, err
	}
	return s, nil
}

// checkFree refuses a session that double-books its room or one of its
// staff, naming who or what is busy and with what.
func checkFree(ctx context.Context, tx *sqlx.Tx, s *session, self int64) error {
	type busy struct {
		Number   string    `db:"number"`
		Kind     string    `db:"kind"`
		StartsAt time.Time `db:"starts_at"`
		EndsAt   time.Time `db:"ends_at"`
		Username string    `db:"username"`
	}
	when := func(b busy) string {
		return fmt.Sprintf("%s %s–%s 案件%s的%s", b.StartsAt.In(cases.ChinaZone).Format("1月2日"),
			b.StartsAt.In(cases.ChinaZone).Format("15:04"), b.EndsAt.In(cases.ChinaZone).Format("15:04"), b.Number, KindLabel(b.Kind))
	}
	if s.roomID != nil {
		what, err := roomTaken(ctx, tx, *s.roomID, s.start, s.end, self)
		if err != nil {
			return err
		}
		if what != "" {
			return &cases.Error{Kind: cases.KindConflict, Code: "room_busy", Field: "room_id",
				Message: fmt.Sprintf("%s该时段已有安排（%s），请另选时间或调解室", s.room, what)}
		}
	}
	people := s.staff()
	q, args, err := sqlx.In(`
		SELECT c.number, s.kind, s.starts_at, s.ends_at, st.username
		FROM mediation_session_staff st JOIN mediation_sessions s ON s.id = st.session_id JOIN cases c ON c.id = s.case_id
		WHERE st.username IN (?) AND s.status = 'scheduled' AND s.id <> ? AND s.starts_at < ? AND s.ends_at > ?
		ORDER BY s.starts_at LIMIT 1`, people, self, s.end, s.start)
	if err != nil {
		return err
	}
	var b busy
	err = tx.GetContext(ctx, &b, tx.Rebind(q), args...)
	if err == nil {
		field := "mediators"
		switch b.Username {
		case s.presiding:
			field = "presiding"
		case s.clerk:
			field = "clerk"
		}
		return &cases.Error{Kind: cases.KindConflict, Code: "staff_busy", Field: field,
			Message: fmt.Sprintf("%s（%s）该时段已有安排（%s），请另选时间或人员", s.staffNames[b.Username].Name, b.Username, when(b))}
	}
	if err != sql.ErrNoRows {
		return fmt.Errorf("mediation: unable to check the staff: %w", err)
	}
	return nil
}

func saveStaff(ctx context.Context, tx *sqlx.Tx, id int64, s *session) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM mediation_session_staff WHERE session_id = ?`), id); err != nil {
		return err
	}
	for _, u := range s.staff() {
		role := "mediator"
		switch u {
		case s.presiding:
			role = "presiding"
		case s.clerk:
			if !slices.Contains(s.mediators, u) {
				role = "clerk"
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(
			`INSERT INTO mediation_session_staff (session_id, username, role) VALUES (?, ?, ?)`), id, u, role); err != nil {
			return fmt.Errorf("mediation: unable to save the session's staff: %w", err)
		}
	}
	return nil
}

// summonSMS tells every summoned party with a phone.
func summonSMS(c *cases.Case, names []string, text string) []cases.SMS {
	var out []cases.SMS
	seen := map[string]bool{}
	for _, n := range names {
		p, _ := partyByName(c, n)
		if p.Phone != "" && !seen[p.Phone] {
			seen[p.Phone] = true
			out = append(out, cases.SMS{Phone: p.Phone, Text: text})
		}
	}
	return out
}

func (s *session) place() string {
	if s.room != "" {
		return s.room
	}
	return "线上视频会议"
}

func (s *session) data(id int64) map[string]any {
	return map[string]any{"session_id": id, "kind": s.kind, "starts_at": s.start.Format(time.RFC3339),
		"minutes": s.minutes, "place": s.place(), "presiding": s.presiding, "summoned": s.summoned}
}

// Schedule schedules a session of the case (the holding desk).
func (m *Service) Schedule(ctx context.Context, a cases.Actor, number string, in SessionInput) (*Session, error) {
	var id int64
	return changeThen(ctx, m.cases, a, number, in.Version, &id, m.session, func(ctx context.Context, x *cases.CaseTx) (*cases.CaseChange, error) {
		c := x.Case
		if err := mustHoldOpen(a, c, "安排调解会议"); err != nil {
			return nil, err
		}
		s, err := m.checkSession(ctx, x.Tx, c, x.Now, in)
		if err != nil {
			return nil, err
		}
		if err := checkFree(ctx, x.Tx, s, 0); err != nil {
			return nil, err
		}
		if err := x.Tx.GetContext(ctx, &id, x.Tx.Rebind(`
			INSERT INTO mediation_sessions (case_id, desk, kind, starts_at, ends_at, minutes, room_id, video_url, presiding, clerk,
				invited_desks, outsiders, summoned, bring, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?) RETURNING id`),
			c.ID, c.Desk, s.kind, s.start, s.end, s.minutes, s.roomID, s.video, s.presiding, s.clerk,
			toJSON(s.desks), toJSON(s.outsiders), toJSON(s.summoned), s.bring, x.Now, x.Now); err != nil {
			return nil, fmt.Errorf("mediation: unable to save the session: %w", err)
		}
		if err := saveStaff(ctx, x.Tx, id, s); err != nil {
			return nil, err
		}
		text := fmt.Sprintf("【一地】您的案件%s定于%s在%s召开%s，请准时参加%s。如不能参加，请提前与承办窗口联系。",
			c.Number, chinaDateTime(s.start), s.place(), KindLabel(s.kind), bringText(s.bring))
		return &cases.CaseChange{Kind: EventSessionScheduled, Body: fmt.Sprintf("%s %s，%s", KindLabel(s.kind), chinaDateTime(s.start), s.place()),
			Data: s.data(id), SMS: summonSMS(c, s.summoned, text), AddCoDesks: s.desks}, nil
	})
}

func bringText(bring string) string {
	if bring == "" {
		return "，请携带身份证件"
	}
	return "，请携带" + bring
}

// loadSessionForChange reads a session of the case for a change.
func loadSessionForChange(ctx context.Context, tx *sqlx.Tx, caseID, id int64) (*sessionRow, error) {
	var r sessionRow
	err := tx.GetContext(ctx, &r, tx.Rebind(sessionSelect+` WHERE s.id = ? AND s.case_id = ?`), id, caseID)
	if err == sql.ErrNoRows {
		return nil, notFound("session_not_found", "本案没有这次会议")
	}
	if err != nil {
		return nil, fmt.Errorf("mediation: unable to read the session: %w", err)
	}
	return &r, nil
}

// changeSession changes session id of the case in one case change: the
// holding desk only, the case still open when mustOpen, and the session read
// inside the transaction for change to judge. It returns the session as saved.
func (m *Service) changeSession(ctx context.Context, a cases.Actor, number string, version *int64, id int64, what string, mustOpen bool,
	change func(ctx context.Context, x *cases.CaseTx, old *sessionRow) (*cases.CaseChange, error)) (*Session, error) {
	return changeThen(ctx, m.cases, a, number, version, &id, m.session, func(ctx context.Context, x *cases.CaseTx) (*cases.CaseChange, error) {
		check := mustHold
		if mustOpen {
			check = mustHoldOpen
		}
		if err := check(a, x.Case, what); err != nil {
			return nil, err
		}
		old, err := loadSessionForChange(ctx, x.Tx, x.Case.ID, id)
		if err != nil {
			return nil, err
		}
		return change(ctx, x, old)
	})
}

// Reschedule changes a scheduled session's time, place or people; the
// summoned parties are told the new time.
func (m *Service) Reschedule(ctx context.Context, a cases.Actor, number string, id int64, in SessionInput) (*Session, error) {
	return m.changeSession(ctx, a, number, in.Version, id, "调整调解会议", true, func(ctx context.Context, x *cases.CaseTx, old *sessionRow) (*cases.CaseChange, error) {
		c := x.Case
		if old.Status != SessionScheduled {
			return nil, conflict("session_not_scheduled", "这次会议已举行或已取消，不能改期")
		}
		s, err := m.checkSession(ctx, x.Tx, c, x.Now, in)
		if err != nil {
			return nil, err
		}
		if err := checkFree(ctx, x.Tx, s, id); err != nil {
			return nil, err
		}
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(`
			UPDATE mediation_sessions SET kind = ?, starts_at = ?, ends_at = ?, minutes = ?, room_id = ?, video_url = ?,
				presiding = ?, clerk = ?, invited_desks = ?, outsiders = ?, summoned = ?, bring = ?, updated_at = ?
			WHERE id = ?`),
			s.kind, s.start, s.end, s.minutes, s.roomID, s.video, s.presiding, s.clerk,
			toJSON(s.desks), toJSON(s.outsiders), toJSON(s.summoned), s.bring, x.Now, id); err != nil {
			return nil, fmt.Errorf("mediation: unable to save the session: %w", err)
		}
		if err := saveStaff(ctx, x.Tx, id, s); err != nil {
			return nil, err
		}
		text := fmt.Sprintf("【一地】您的案件%s原定于%s的%s改期至%s在%s召开，请准时参加%s。",
			c.Number, chinaDateTime(old.StartsAt), KindLabel(old.Kind), chinaDateTime(s.start), s.place(), bringText(s.bring))
		// Parties no longer summoned hear of the change too.
		told := append(slices.Clone(s.summoned), fromJSON[[]string](old.Summoned)...)
		d := s.data(id)
		d["previous_starts_at"] = old.StartsAt.UTC().Format(time.RFC3339)
		return &cases.CaseChange{Kind: EventSessionRescheduled,
			Body: fmt.Sprintf("%s改期至%s，%s", KindLabel(s.kind), chinaDateTime(s.start), s.place()),
			Data: d, SMS: summonSMS(c, told, text), AddCoDesks: s.desks}, nil
	})
}

// Cancel cancels a scheduled session; the summoned parties are told.
func (m *Service) Cancel(ctx context.Context, a cases.Actor, number string, id int64, in CancelInput) (*Session, error) {
	return m.changeSession(ctx, a, number, in.Version, id, "取消调解会议", false, func(ctx context.Context, x *cases.CaseTx, old *sessionRow) (*cases.CaseChange, error) {
		c := x.Case
		if old.Status != SessionScheduled {
			return nil, conflict("session_not_scheduled", "这次会议已举行或已取消")
		}
		reason := strings.TrimSpace(in.Reason)
		if err := cases.RequiredText("reason", reason, maxReason, "取消理由"); err != nil {
			return nil, err
		}
		if _, err := x.Tx.ExecContext(ctx, x.Tx.Rebind(
			`UPDATE mediation_sessions SET status = 'cancelled', cancel_reason = ?, updated_at = ? WHERE id = ?`),
			reason, x.Now, id); err != nil {
			return nil, fmt.Errorf("mediation: unable to cancel the session: %w", err)
		}
		text := fmt.Sprintf("【一地】您的案件%s原定于%s的%s已取消，另行安排时将再通知您。", c.Number, chinaDateTime(old.StartsAt), KindLabel(old.Kind))
		return &cases.CaseChange{Kind: EventSessionCancelled, Body: reason,
			Data: map[string]any{"session_id": id, "starts_at": old.StartsAt.UTC().Format(time.RFC3339)},
			SMS:  summonSMS(c, fromJSON[[]string](old.Summoned), text)}, nil
	})
}

const sessionSelect = `
	SELECT s.id, s.case_id, s.kind, s.starts_at, s.ends_at, s.minutes, s.room_id, COALESCE(r.name, '') AS room, s.video_url,
		s.presiding, s.clerk, s.invited_desks, s.outsiders, s.summoned, s.bring, s.status, s.cancel_reason
	FROM mediation_sessions s LEFT JOIN mediation_rooms r ON r.id = s.room_id`

type sessionRow struct {
	ID           int64         `db:"id"`
	CaseID       int64         `db:"case_id"`
	Kind         string        `db:"kind"`
	StartsAt     time.Time     `db:"starts_at"`
	EndsAt       time.Time     `db:"ends_at"`
	Minutes      int           `db:"minutes"`
	RoomID       sql.NullInt64 `db:"room_id"`
	Room         string        `db:"room"`
	VideoURL     string        `db:"video_url"`
	Presiding    string        `db:"presiding"`
	Clerk        string        `db:"clerk"`
	InvitedDesks string        `db:"invited_desks"`
	Outsiders    string        `db:"outsiders"`
	Summoned     string        `db:"summoned"`
	Bring        string        `db:"bring"`
	Status       string        `db:"status"`
	CancelReason string        `db:"cancel_reason"`
}

func (m *Service) sessions(ctx context.Context, where string, args ...any) ([]Session, error) {
	var rows []sessionRow
	if err := m.db.SelectContext(ctx, &rows, m.db.Rebind(sessionSelect+" WHERE "+where+" ORDER BY s.starts_at, s.id"), args...); err != nil {
		return nil, fmt.Errorf("mediation: unable to read sessions: %w", err)
	}
	out := make([]Session, 0, len(rows))
	for _, r := range rows {
		s := Session{ID: r.ID, Kind: r.Kind, KindLabel: KindLabel(r.Kind), StartsAt: r.StartsAt.UTC(), EndsAt: r.EndsAt.UTC(),
			Minutes: r.Minutes, Room: r.Room, VideoURL: r.VideoURL, Presiding: r.Presiding, Clerk: r.Clerk,
			InvitedDesks: fromJSON[[]string](r.InvitedDesks), Outsiders: fromJSON[[]Outsider](r.Outsiders),
			Summoned: fromJSON[[]string](r.Summoned), Bring: r.Bring, Status: r.Status, CancelReason: r.CancelReason, Mediators: []string{},
			RoomID: nullInt(r.RoomID)}
		var staffRows []struct {
			Username string `db:"username"`
			Role     string `db:"role"`
		}
		if err := m.db.SelectContext(ctx, &staffRows, m.db.Rebind(
			`SELECT username, role FROM mediation_session_staff WHERE session_id = ? AND role = 'mediator' ORDER BY username`), r.ID); err != nil {
			return nil, err
		}
		for _, st := range staffRows {
			s.Mediators = append(s.Mediators, st.Username)
		}
		var rec recordRow
		err := m.db.GetContext(ctx, &rec, m.db.Rebind(`SELECT * FROM mediation_records WHERE session_id = ?`), r.ID)
		if err == nil {
			s.Record = &Record{AttendedStaff: fromJSON[[]string](rec.AttendedStaff), AttendedParties: fromJSON[[]string](rec.AttendedParties),
				Statements: rec.Statements, Result: rec.Result, RecordedAt: rec.RecordedAt.UTC(), RecordedBy: rec.RecordedBy}
			if rec.AdjournedTo.Valid {
				t := rec.AdjournedTo.Time.UTC()
				s.Record.AdjournedTo = &t
			}
			if rec.Recusal != "" {
				r := fromJSON[Recusal](rec.Recusal)
				s.Record.Recusal = &r
			}
		} else if err != sql.ErrNoRows {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (m *Service) session(ctx context.Context, id int64) (*Session, error) {
	ss, err := m.sessions(ctx, "s.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, notFound("session_not_found", "没有这次会议")
	}
	return &ss[0], nil
}

// Sessions lists the case's sessions, earliest first, for whoever may see the case.
func (m *Service) Sessions(ctx context.Context, a cases.Actor, number string) ([]Session, error) {
	c, err := m.readCase(ctx, a, number)
	if err != nil {
		return nil, err
	}
	return m.sessions(ctx, "s.case_id = ?", c.ID)
}
