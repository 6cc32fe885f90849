package staff

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/mediation"
	"yidi/views/web"
)

// 日程: the week calendar of a desk or a room (mediation.Service.Week
// decides who may read which), Monday to Sunday in columns and the
// working hours in rows; a session before or after them gets a row of its
// own, so none is lost.

const (
	calendarFirstHour = 8  // the first row starts at 08:00
	calendarLastHour  = 18 // the last row ends at 18:00
)

// weekOption is one entry of the calendar select: "desk:mediation", "room:3".
type weekOption struct {
	Value, Label string
	Selected     bool
}

type weekDay struct {
	Date, Label string
	Today       bool
}

type weekRow struct {
	Label string
	Cells [7]weekCell
}

type weekCell struct {
	Date    string
	Entries []weekEntry
}

// weekEntry is a session with its time as the block says it.
type weekEntry struct {
	mediation.WeekSession
	Time string // 09:30–11:00
}

type weekData struct {
	Week                         *mediation.Week
	Title                        string // 人民调解窗口 / 第一调解室
	ThisWeek, PrevWeek, NextWeek string // the week links
	Options                      []weekOption
	Days                         [7]weekDay
	Rows                         []weekRow
	Count                        int
}

func (s *server) weekPage(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	q := mediation.WeekQuery{Desk: c.Query("desk"), Day: c.Query("week")}
	room := c.Query("room")
	if kind, val, ok := strings.Cut(c.Query("of"), ":"); ok { // the select's one value
		q.Desk, room = "", ""
		switch kind {
		case "desk":
			q.Desk = val
		case "room":
			room = val
		}
	}
	if room != "" {
		id, err := strconv.ParseInt(room, 10, 64)
		if err != nil || id <= 0 {
			return s.errorPage(c, fiber.StatusBadRequest, "调解室编号有误。")
		}
		q.RoomID = id
	}
	desks, err := s.Svc.Desks(ctx)
	if err != nil {
		return err
	}
	rooms, err := s.Med.Rooms(ctx)
	if err != nil {
		return err
	}
	var opts []weekOption
	for _, d := range desks {
		if d.Active && (a.Role == cases.RoleLeader || a.Role == cases.RoleAdmin || a.Desk == d.Code) {
			opts = append(opts, weekOption{Value: "desk:" + d.Code, Label: d.Name + "窗口"})
		}
	}
	for _, r := range rooms {
		if r.Active || q.RoomID == r.ID {
			opts = append(opts, weekOption{Value: "room:" + strconv.FormatInt(r.ID, 10), Label: r.Name})
		}
	}
	if q.Desk == "" && q.RoomID == 0 { // the user's own desk, else the first calendar offered
		switch {
		case a.Desk != "":
			q.Desk = a.Desk
		case len(opts) > 0:
			kind, val, _ := strings.Cut(opts[0].Value, ":")
			if kind == "desk" {
				q.Desk = val
			} else {
				q.RoomID, _ = strconv.ParseInt(val, 10, 64)
			}
		default:
			return s.errorPage(c, fiber.StatusNotFound, "还没有可查看的日程：请管理员先添加调解室。")
		}
	}
	w, err := s.Med.Week(ctx, a, q)
	if err != nil {
		return err
	}
	d := weekData{Week: w, Options: opts, Count: len(w.Sessions)}
	selected, link := "room:"+strconv.FormatInt(w.RoomID, 10), "/calendar?room="+strconv.FormatInt(w.RoomID, 10)
	if w.Desk != "" {
		names, err := s.Svc.DeskNames(ctx)
		if err != nil {
			return err
		}
		d.Title, selected, link = names(w.Desk)+"窗口", "desk:"+w.Desk, "/calendar?desk="+url.QueryEscape(w.Desk)
	} else {
		d.Title = w.Room
	}
	d.ThisWeek, d.PrevWeek, d.NextWeek = link, link+"&week="+w.Prev, link+"&week="+w.Next
	for i := range d.Options {
		d.Options[i].Selected = d.Options[i].Value == selected
	}
	d.Days, d.Rows = weekGrid(w, s.Svc.Now().In(cases.ChinaZone).Format(time.DateOnly))
	return s.render(c, fiber.StatusOK, "week", page{Title: "日程 · " + d.Title, Active: "week", Data: d})
}

// weekGrid lays the week's sessions out by day and starting hour.
func weekGrid(w *mediation.Week, today string) ([7]weekDay, []weekRow) {
	var days [7]weekDay
	monday, _ := cases.ParseDate(w.Start)
	index := map[string]int{}
	for i := range days {
		t := monday.AddDate(0, 0, i)
		date := t.Format(time.DateOnly)
		days[i] = weekDay{Date: date, Label: fmt.Sprintf("周%s %d/%d", "一二三四五六日"[i*3:i*3+3], int(t.Month()), t.Day()), Today: date == today}
		index[date] = i
	}
	row := func(label string) weekRow {
		r := weekRow{Label: label}
		for i := range r.Cells {
			r.Cells[i].Date = days[i].Date
		}
		return r
	}
	early, late := row(fmt.Sprintf("%02d:00 前", calendarFirstHour)), row(fmt.Sprintf("%02d:00 后", calendarLastHour))
	var hours []weekRow
	for h := calendarFirstHour; h < calendarLastHour; h++ {
		hours = append(hours, row(fmt.Sprintf("%02d:00", h)))
	}
	for _, s := range w.Sessions {
		start := s.StartsAt.In(cases.ChinaZone)
		e := weekEntry{WeekSession: s, Time: start.Format("15:04") + "–" + s.EndsAt.In(cases.ChinaZone).Format("15:04")}
		day := index[s.Day] // 0 too for one that began the Sunday before and runs into Monday
		switch h := start.Hour(); {
		case s.Day < w.Start || h < calendarFirstHour:
			early.Cells[day].add(e)
		case h >= calendarLastHour:
			late.Cells[day].add(e)
		default:
			hours[h-calendarFirstHour].Cells[day].add(e)
		}
	}
	var rows []weekRow
	if early.used() {
		rows = append(rows, early)
	}
	rows = append(rows, hours...)
	if late.used() {
		rows = append(rows, late)
	}
	return days, rows
}

func (c *weekCell) add(e weekEntry) { c.Entries = append(c.Entries, e) }

func (r weekRow) used() bool {
	for _, c := range r.Cells {
		if len(c.Entries) > 0 {
			return true
		}
	}
	return false
}
