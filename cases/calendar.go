package cases

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Calendar knows which China dates are working days: Monday to Friday,
// except the State Council's public holidays, plus the 调休 make-up days
// (a Saturday or Sunday worked next to a long holiday). The weekend rule is
// code; the exceptions are data (calendar_days), one list a year.
type Calendar struct {
	exceptions map[string]CalendarDay // by YYYY-MM-DD
}

// CalendarDay is one exception to the weekend rule.
type CalendarDay struct {
	Date    string `db:"day" json:"date"`        // YYYY-MM-DD
	Working bool   `db:"working" json:"working"` // true: a 调休 make-up working day
	Name    string `db:"name" json:"name"`       // 春节, 国庆节调休上班, …
}

// NewCalendar builds a calendar from its exception days.
func NewCalendar(days []CalendarDay) *Calendar {
	c := &Calendar{exceptions: make(map[string]CalendarDay, len(days))}
	for _, d := range days {
		c.exceptions[d.Date] = d
	}
	return c
}

// IsWorkingDay reports whether the China date of t is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	t = t.In(ChinaZone)
	if d, ok := c.exceptions[t.Format(time.DateOnly)]; ok {
		return d.Working
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays is the n-th working day after day (day itself not
// counted), at midnight China time.
func (c *Calendar) AddWorkingDays(day time.Time, n int) time.Time {
	day = StartOfDay(day)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if c.IsWorkingDay(day) {
			n--
		}
	}
	return day
}

// nextWorkingDay is day itself when it is a working day, else the first
// working day after it.
func (c *Calendar) nextWorkingDay(day time.Time) time.Time {
	day = StartOfDay(day)
	for !c.IsWorkingDay(day) {
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// daysBetween counts the days of kind in [from, to): the days a suspended
// limit did not run. Natural days for calendar limits, working days for
// working-day limits.
func (c *Calendar) daysBetween(from, to time.Time, kind string) int {
	from, to = StartOfDay(from), StartOfDay(to)
	n := 0
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		if kind != DaysWorking || c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

// addMonths is the same day n months later, clamped to the month's end
// (31 January + 1 month = 28 or 29 February), as 民法典 第二百零二条 counts
// a month without a corresponding day.
func addMonths(day time.Time, n int) time.Time {
	day = StartOfDay(day)
	first := time.Date(day.Year(), day.Month()+time.Month(n), 1, 0, 0, 0, 0, ChinaZone)
	last := first.AddDate(0, 1, -1).Day()
	d := day.Day()
	if d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, ChinaZone)
}

// calendar answers the working-day calendar, cached for a minute (another
// process may have edited it) and dropped by this process's edits.
func (s *Service) calendar(ctx context.Context) (*Calendar, error) {
	return s.cal.get(time.Minute, func() (*Calendar, error) {
		var days []CalendarDay
		if err := s.store.r.SelectContext(ctx, &days, `SELECT day, working, name FROM calendar_days ORDER BY day`); err != nil {
			return nil, fmt.Errorf("store: unable to fetch the calendar: %w", err)
		}
		return NewCalendar(days), nil
	})
}

// CalendarDays lists the exception days of a year (all years when year is 0).
func (s *Service) CalendarDays(ctx context.Context, a Actor, year int) ([]CalendarDay, error) {
	if !adminRole(a) && a.Role != RoleLeader {
		return nil, forbidden("只有管理员和领导可以查看节假日安排")
	}
	days := []CalendarDay{}
	q, args := `SELECT day, working, name FROM calendar_days ORDER BY day`, []any{}
	if year != 0 {
		q = `SELECT day, working, name FROM calendar_days WHERE day >= ? AND day < ? ORDER BY day`
		args = []any{fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)}
	}
	if err := s.store.r.SelectContext(ctx, &days, s.store.r.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: unable to fetch the calendar: %w", err)
	}
	return days, nil
}

// SetCalendarDays records exception days (an admin's edit or a year's
// import), replacing what a date had. Days already counted into running
// deadlines stay counted; limits that start or shift later use the new list.
func (s *Service) SetCalendarDays(ctx context.Context, a Actor, days []CalendarDay) error {
	if !adminRole(a) {
		return forbidden("只有管理员可以修改节假日安排")
	}
	for i := range days {
		d := &days[i]
		t, ok := ParseDate(d.Date)
		if !ok {
			return invalid("date", "invalid_date", fmt.Sprintf("日期“%s”应为YYYY-MM-DD格式", d.Date))
		}
		d.Date, d.Name = t.Format(time.DateOnly), strings.TrimSpace(d.Name)
		if err := CheckText("name", d.Name, 30); err != nil {
			return err
		}
	}
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		for _, d := range days {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM calendar_days WHERE day = ?`), d.Date); err != nil {
				return fmt.Errorf("store: unable to edit the calendar: %w", err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(
				`INSERT INTO calendar_days (day, working, name) VALUES (?, ?, ?)`), d.Date, d.Working, d.Name); err != nil {
				return fmt.Errorf("store: unable to edit the calendar: %w", err)
			}
		}
		return nil
	})
	s.cal.drop()
	return err
}

// DeleteCalendarDay makes a date follow the weekend rule again.
func (s *Service) DeleteCalendarDay(ctx context.Context, a Actor, date string) error {
	if !adminRole(a) {
		return forbidden("只有管理员可以修改节假日安排")
	}
	t, ok := ParseDate(date)
	if !ok {
		return invalid("date", "invalid_date", fmt.Sprintf("日期“%s”应为YYYY-MM-DD格式", date))
	}
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM calendar_days WHERE day = ?`), t.Format(time.DateOnly))
		return err
	})
	s.cal.drop()
	return err
}

// ImportCalendar records a year's list as ParseCalendarFile reads it and
// answers how many days it held; who may is checked before the list is read.
func (s *Service) ImportCalendar(ctx context.Context, a Actor, r io.Reader) (int, error) {
	if !adminRole(a) {
		return 0, forbidden("只有管理员可以修改节假日安排")
	}
	days, err := ParseCalendarFile(r)
	if err != nil {
		return 0, err
	}
	if err := s.SetCalendarDays(ctx, a, days); err != nil {
		return 0, err
	}
	return len(days), nil
}

// ParseCalendarFile reads a year's list, one day a line: `YYYY-MM-DD,休|班,名称`
// (休 a holiday, 班 a make-up working day). Blank lines and lines starting
// with # are skipped; a bad line is an error naming its number.
func ParseCalendarFile(r io.Reader) ([]CalendarDay, error) {
	var days []CalendarDay
	sc := bufio.NewScanner(r)
	n := 1
	for ; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, ",", 3)
		if len(parts) < 2 {
			return nil, invalid("file", "invalid_line", fmt.Sprintf("第%d行应为“YYYY-MM-DD,休|班,名称”", n))
		}
		t, ok := ParseDate(parts[0])
		if !ok {
			return nil, invalid("file", "invalid_date", fmt.Sprintf("第%d行的日期“%s”应为YYYY-MM-DD格式", n, parts[0]))
		}
		d := CalendarDay{Date: t.Format(time.DateOnly)}
		switch strings.TrimSpace(parts[1]) {
		case "休":
		case "班":
			d.Working = true
		default:
			return nil, invalid("file", "invalid_line", fmt.Sprintf("第%d行第二栏应为“休”或“班”", n))
		}
		if len(parts) == 3 {
			d.Name = strings.TrimSpace(parts[2])
		}
		days = append(days, d)
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		// A calendar line is a date and a holiday's name; one past the
		// scanner's buffer is a wrong file, not a server fault.
		return nil, invalid("file", "line_too_long", fmt.Sprintf("第%d行过长，每行应为“YYYY-MM-DD,休|班,名称”", n))
	} else if err != nil {
		return nil, err
	}
	if len(days) == 0 {
		return nil, invalid("file", "empty", "文件中没有日期")
	}
	return days, nil
}
