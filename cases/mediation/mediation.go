// Package mediation is the work that resolves a dispute, kept beside the
// case file of package cases: sessions (调解会, 3+X 联合调处会议, 听证) and
// their records (调解笔录), the agreement the parties sign (人民调解法 第二十八、
// 二十九条) in versions that supersede and never overwrite, 司法确认
// (人民调解法 第三十三条), the obligations and their performance, 催履 and 回访.
//
// Every change runs in the case's write transaction through
// cases.Service.ChangeCase, so it appends exactly one event to the case's
// timeline and bumps the case's version, like a lifecycle action. The rules
// (who may, when, which fields) are here; the HTTP layer only translates.
package mediation

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"yidi/cases"
)

// Service applies the mediation use cases on top of a cases.Service.
type Service struct {
	cases *cases.Service
	db    *sqlx.DB // the reader pool
}

// New wraps svc and installs the rule that closing a case as resolved
// needs an effective agreement or a reason why there is none, the 回访
// task a mediated case gets when it closes, and the guard that lets an
// archived case take notes only (dossier.go).
func New(svc *cases.Service) *Service {
	m := &Service{cases: svc, db: svc.Reader()}
	svc.OnAction(m.onAction)
	svc.OnGuard(m.guard)
	svc.OnMeetingRoom(m.bookMeetingRoom)
	return m
}

// changeThen runs change on the case (ChangeCase: one transaction, one
// event) and then answers read of the row *id names, which change may set:
// each step answers the agreement, obligation or session it touched as it
// stands once committed.
func changeThen[T any](ctx context.Context, svc *cases.Service, a cases.Actor, number string, version *int64, id *int64,
	read func(ctx context.Context, id int64) (T, error), change func(ctx context.Context, x *cases.CaseTx) (*cases.CaseChange, error)) (T, error) {
	if _, err := svc.ChangeCase(ctx, a, number, version, change); err != nil {
		var zero T
		return zero, err
	}
	return read(ctx, *id)
}

// Event kinds on the case timeline.
const (
	EventSessionScheduled   = "mediation_session_scheduled"
	EventSessionRescheduled = "mediation_session_rescheduled"
	EventSessionCancelled   = "mediation_session_cancelled"
	EventSessionRecorded    = "mediation_session_recorded"
	EventAgreementSigned    = "mediation_agreement_signed"
	EventConfirmApplied     = "judicial_confirmation_applied"
	EventConfirmAccepted    = "judicial_confirmation_accepted"
	EventConfirmExtended    = "judicial_confirmation_extended"
	EventConfirmRuled       = "judicial_confirmation_ruled"
	EventPerformance        = "performance_recorded"
	EventUrged              = "performance_urged"
	EventFollowUp           = "followup_recorded"
)

// Text limits, in characters.
const (
	maxText       = cases.MaxNote
	maxShort      = 100
	maxReason     = cases.MaxReason
	maxList       = 30
	maxMinutes    = 8 * 60
	maxCourtNo    = 60
	maxFollowDays = 60
)

// ---- errors ----

func invalid(field, code, msg string) error {
	return &cases.Error{Kind: cases.KindInvalid, Code: code, Message: msg, Field: field}
}

func conflict(code, msg string) error {
	return &cases.Error{Kind: cases.KindConflict, Code: code, Message: msg}
}

func forbidden(msg string) error {
	return &cases.Error{Kind: cases.KindForbidden, Code: "forbidden", Message: msg}
}

func notFound(code, msg string) error {
	return &cases.Error{Kind: cases.KindNotFound, Code: code, Message: msg}
}

// ---- permissions ----

// holdingDesk: the desk that holds the case schedules, records and
// follows up; its handlers act for it.
func holdingDesk(a cases.Actor, c *cases.Case) bool {
	return a.Role == cases.RoleHandler && a.Desk != "" && a.Desk == c.Desk
}

func mustHold(a cases.Actor, c *cases.Case, what string) error {
	if !holdingDesk(a, c) {
		return forbidden("只有承办窗口的工作人员可以" + what)
	}
	return nil
}

// mustHoldOpen is mustHold while the case is in progress: mediating
// (sessions, agreements) stops when the case closes.
func mustHoldOpen(a cases.Actor, c *cases.Case, what string) error {
	if err := mustHold(a, c, what); err != nil {
		return err
	}
	if c.Status != cases.StatusInProgress {
		return &cases.Error{Kind: cases.KindConflict, Code: "invalid_transition",
			Message: fmt.Sprintf("案件当前状态为“%s”，不能%s", cases.StatusLabel(c.Status), what)}
	}
	return nil
}

// ---- dates and money ----

// today is the China date of t.
func today(t time.Time) string { return t.In(cases.ChinaZone).Format(time.DateOnly) }

// parseDay reads a YYYY-MM-DD China date into its canonical form.
func parseDay(field, s, label string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", invalid(field, "required", "请填写"+label+"（YYYY-MM-DD）")
	}
	t, ok := cases.ParseDate(s)
	if !ok {
		return "", invalid(field, "invalid_date", label+"应为YYYY-MM-DD格式的日期")
	}
	return t.Format(time.DateOnly), nil
}

func dayTime(day string) time.Time {
	t, _ := cases.ParseDate(day)
	return t
}

// addDays is day plus n natural days.
func addDays(day string, n int) string { return dayTime(day).AddDate(0, 0, n).Format(time.DateOnly) }

// periodEnd is the last day of a period of n days that starts after day
// (民事诉讼法 第八十五条: the day the period starts is not counted; a last
// day that is a statutory holiday or rest day moves to the next working day).
func periodEnd(cal *cases.Calendar, day string, n int) string {
	return cal.NextWorkingDay(dayTime(day).AddDate(0, 0, n)).Format(time.DateOnly)
}

var yuanPattern = regexp.MustCompile(`^[0-9]{1,11}(\.[0-9]{1,2})?$`)

// parseYuan reads an amount in yuan with at most two decimals, exactly,
// into fen; "" is no amount.
func parseYuan(field, s string) (*int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return nil, nil
	}
	if !yuanPattern.MatchString(s) {
		return nil, invalid(field, "invalid_amount", "金额应为不小于0的数字（元），最多两位小数")
	}
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	fen := w*100 + f
	return &fen, nil
}

// YuanText is an amount in yuan as it was written: "2000.50" from a form,
// or a JSON number kept as its literal so that no float rounding touches
// 2000.50. A JSON string is a type error naming the field: the API takes
// numbers (docs/api.md).
type YuanText string

// UnmarshalJSON keeps a JSON number's literal; null is no amount.
func (y *YuanText) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*y = ""
		return nil
	}
	var n json.Number
	if s == "" || s[0] == '"' || json.Unmarshal(b, &n) != nil {
		return &json.UnmarshalTypeError{Value: "string", Type: reflect.TypeOf(float64(0))}
	}
	*y = YuanText(n.String())
	return nil
}

// Yuan formats fen as yuan with two decimals.
func Yuan(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

var weekdays = [...]string{"日", "一", "二", "三", "四", "五", "六"}

// chinaDateTime is how an SMS and a page say a session's time: 3月5日（星期四）09:30.
func chinaDateTime(t time.Time) string {
	t = t.In(cases.ChinaZone)
	return fmt.Sprintf("%d年%d月%d日（星期%s）%s", t.Year(), int(t.Month()), t.Day(), weekdays[t.Weekday()], t.Format("15:04"))
}

// ---- JSON columns ----

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func fromJSON[T any](s string) T {
	var v T
	_ = json.Unmarshal([]byte(s), &v)
	return v
}

// ---- settings and admin data ----

// Settings are the admin-set parameters of the mediation part.
type Settings struct {
	DefaultShortName string `json:"default_short_name"` // 卷号's X for committees without their own
	FollowUpDays     int    `json:"followup_days"`      // 回访 falls due this many days after a due date / closing
	CourtDesk        string `json:"court_desk"`         // rules on 司法确认
}

func readSettings(ctx context.Context, q sqlx.QueryerContext) (Settings, error) {
	var rows []struct {
		Key   string `db:"key"`
		Value string `db:"value"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT key, value FROM mediation_settings`); err != nil {
		return Settings{}, fmt.Errorf("mediation: unable to read settings: %w", err)
	}
	s := Settings{DefaultShortName: "一地", FollowUpDays: 3, CourtDesk: "litigation"}
	for _, r := range rows {
		switch r.Key {
		case "default_short_name":
			s.DefaultShortName = r.Value
		case "followup_days":
			if n, err := strconv.Atoi(r.Value); err == nil {
				s.FollowUpDays = n
			}
		case "court_desk":
			s.CourtDesk = r.Value
		}
	}
	return s, nil
}

// Settings answers the mediation settings (anyone signed in may read them).
func (m *Service) Settings(ctx context.Context) (Settings, error) { return readSettings(ctx, m.db) }

func adminOnly(a cases.Actor) error {
	if a.Role != cases.RoleAdmin {
		return forbidden("只有管理员可以修改调解设置")
	}
	return nil
}

// SetSettings changes the mediation settings (admins).
func (m *Service) SetSettings(ctx context.Context, a cases.Actor, s Settings) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	s.DefaultShortName, s.CourtDesk = strings.TrimSpace(s.DefaultShortName), strings.TrimSpace(s.CourtDesk)
	if err := cases.RequiredText("default_short_name", s.DefaultShortName, 10, "调委会简称"); err != nil {
		return err
	}
	if s.FollowUpDays < 0 || s.FollowUpDays > maxFollowDays {
		return invalid("followup_days", "out_of_range", fmt.Sprintf("回访天数应在0到%d之间", maxFollowDays))
	}
	if err := m.checkDesk(ctx, "court_desk", s.CourtDesk); err != nil {
		return err
	}
	return m.cases.WriteTx(ctx, func(tx *sqlx.Tx) error {
		for k, v := range map[string]string{"default_short_name": s.DefaultShortName,
			"followup_days": strconv.Itoa(s.FollowUpDays), "court_desk": s.CourtDesk} {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM mediation_settings WHERE key = ?`), k); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO mediation_settings (key, value) VALUES (?, ?)`), k, v); err != nil {
				return err
			}
		}
		return nil
	})
}

func (m *Service) checkDesk(ctx context.Context, field, code string) error {
	desks, err := m.cases.Desks(ctx)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(desks, func(d cases.Desk) bool { return d.Code == code && d.Active }) {
		return invalid(field, "unknown_desk", fmt.Sprintf("没有代码为“%s”的窗口", code))
	}
	return nil
}

// SetCommitteeShortName sets the X of a committee's (desk's) 卷号
// "（2026）X人调字第N号" (admins).
func (m *Service) SetCommitteeShortName(ctx context.Context, a cases.Actor, desk, short string) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	short = strings.TrimSpace(short)
	if err := m.checkDesk(ctx, "desk", desk); err != nil {
		return err
	}
	if err := cases.RequiredText("short_name", short, 10, "调委会简称"); err != nil {
		return err
	}
	return m.cases.WriteTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM mediation_committees WHERE desk = ?`), desk); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO mediation_committees (desk, short_name) VALUES (?, ?)`), desk, short)
		return err
	})
}

// Room is a place where sessions are held.
type Room struct {
	ID     int64  `db:"id" json:"id"`
	Name   string `db:"name" json:"name"`
	Active bool   `db:"active" json:"active"`
}

// Rooms lists every room, active first.
func (m *Service) Rooms(ctx context.Context) ([]Room, error) {
	rooms := []Room{}
	if err := m.db.SelectContext(ctx, &rooms, `SELECT id, name, active FROM mediation_rooms ORDER BY active DESC, name`); err != nil {
		return nil, fmt.Errorf("mediation: unable to list rooms: %w", err)
	}
	return rooms, nil
}

// readRoom answers room id, nil when there is none.
func readRoom(ctx context.Context, q sqlx.QueryerContext, id int64) (*Room, error) {
	var r Room
	err := sqlx.GetContext(ctx, q, &r, rebind(q, `SELECT id, name, active FROM mediation_rooms WHERE id = ?`), id)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mediation: unable to read a room: %w", err)
	}
	return &r, nil
}

// AddRoom adds a room (admins).
func (m *Service) AddRoom(ctx context.Context, a cases.Actor, name string) (*Room, error) {
	if err := adminOnly(a); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if err := cases.RequiredText("name", name, 30, "调解室名称"); err != nil {
		return nil, err
	}
	r := &Room{Name: name, Active: true}
	err := m.cases.WriteTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM mediation_rooms WHERE name = ?`), name); err != nil {
			return err
		}
		if n > 0 {
			return &cases.Error{Kind: cases.KindConflict, Code: "room_exists", Message: "已有同名的调解室", Field: "name"}
		}
		return tx.GetContext(ctx, &r.ID, tx.Rebind(
			`INSERT INTO mediation_rooms (name, active, created_at) VALUES (?, ?, ?) RETURNING id`), name, true, m.cases.Now().UTC())
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// SetRoomActive takes a room out of use or back (admins); sessions already
// scheduled there stay.
func (m *Service) SetRoomActive(ctx context.Context, a cases.Actor, id int64, active bool) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	return m.cases.WriteTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE mediation_rooms SET active = ? WHERE id = ?`), active, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("room_not_found", "没有这个调解室")
		}
		return nil
	})
}

// rebind spells ? placeholders for the database behind q (the writer's
// transaction and the reader pool both know their driver).
func rebind(q sqlx.QueryerContext, query string) string {
	if r, ok := q.(interface{ Rebind(string) string }); ok {
		return r.Rebind(query)
	}
	return query
}

// ---- staff and parties ----

type staffRow struct {
	Username string         `db:"username"`
	Name     string         `db:"display_name"`
	Role     string         `db:"role"`
	Desk     sql.NullString `db:"desk"`
	Disabled bool           `db:"disabled"`
}

// staff answers the accounts behind usernames, refusing unknown, disabled
// or non-staff ones with the field named.
func staff(ctx context.Context, q sqlx.QueryerContext, field string, usernames []string) (map[string]staffRow, error) {
	out := map[string]staffRow{}
	if len(usernames) == 0 {
		return out, nil
	}
	query, args, err := sqlx.In(`SELECT username, display_name, role, desk, disabled FROM users WHERE username IN (?)`, usernames)
	if err != nil {
		return nil, err
	}
	var rows []staffRow
	if err := sqlx.SelectContext(ctx, q, &rows, rebind(q, query), args...); err != nil {
		return nil, fmt.Errorf("mediation: unable to read users: %w", err)
	}
	for _, r := range rows {
		out[r.Username] = r
	}
	for _, u := range usernames {
		r, ok := out[u]
		if !ok || r.Disabled || (r.Role != string(cases.RoleHandler) && r.Role != string(cases.RoleLeader)) {
			return nil, invalid(field, "unknown_user", fmt.Sprintf("没有用户名为“%s”的办案人员", u))
		}
	}
	return out, nil
}

// partyByName finds a party of the case by name.
func partyByName(c *cases.Case, name string) (cases.Party, bool) {
	for _, p := range c.Parties {
		if p.Name == name {
			return p, true
		}
	}
	return cases.Party{}, false
}

// checkParties: every name is a party of the case, once.
func checkParties(c *cases.Case, field string, names []string) ([]string, error) {
	out := []string{}
	for i, n := range names {
		n = strings.TrimSpace(n)
		if _, ok := partyByName(c, n); !ok {
			return nil, invalid(fmt.Sprintf("%s[%d]", field, i), "unknown_party", fmt.Sprintf("“%s”不是本案当事人", n))
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// cleanList trims, drops empties and duplicates, and bounds the length.
func cleanList(field string, in []string) ([]string, error) {
	return cases.CleanList(field, in, maxList)
}

// caseIDOf reads a case's id by number (inside a transaction the case row is at hand).
func (m *Service) readCase(ctx context.Context, a cases.Actor, number string) (*cases.Case, error) {
	return m.cases.CaseForRead(ctx, a, number)
}
