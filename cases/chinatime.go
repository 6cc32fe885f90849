package cases

// China time: the centre's dates are China dates (UTC+8, no daylight
// saving), whatever zone the server runs in. The one rule for days: a day
// is the half-open range [StartOfDay, EndOfDay), so "on day d or before"
// is t < EndOfDay(d) — an inclusive `to` date of a list, statistics or
// search — and no instant of the day (23:59:59.5 included) falls outside.
// A time limit is the one instant derived from it: dueAt, the day's last
// second, as counters say "当日24时前" (migration 00007 stores it).

import (
	"strings"
	"time"
)

// ChinaZone is China time (UTC+8). China has no daylight saving time, so a
// fixed zone is exact and needs no tzdata on the server.
var ChinaZone = time.FixedZone("CST", 8*3600)

// DayLayout is how a China date is written in queries and forms.
const DayLayout = time.DateOnly

// ChinaTime is t in China time, as the centre reads dates.
func ChinaTime(t time.Time) time.Time { return t.In(ChinaZone) }

// StartOfDay is midnight China time beginning t's China date.
func StartOfDay(t time.Time) time.Time {
	t = t.In(ChinaZone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, ChinaZone)
}

// EndOfDay is the end of t's China date: the midnight beginning the next
// one, itself outside the day.
func EndOfDay(t time.Time) time.Time { return StartOfDay(t).AddDate(0, 0, 1) }

// ParseDay reads a YYYY-MM-DD China date as its StartOfDay; a bad one is
// invalid input in field.
func ParseDay(field, s string) (time.Time, error) {
	t, err := time.ParseInLocation(DayLayout, s, ChinaZone)
	if err != nil {
		return t, invalid(field, "invalid_date", "日期格式应为 YYYY-MM-DD，例如 2026-11-01")
	}
	return t, nil
}

// ParseDate reads a YYYY-MM-DD China date, spaces around it ignored.
func ParseDate(s string) (time.Time, bool) {
	t, err := ParseDay("", strings.TrimSpace(s))
	return t, err == nil
}

// dueAt is the instant a time limit ending on day's China date runs out:
// its last second, in UTC. A limit is met while now is not after it.
func dueAt(day time.Time) time.Time { return EndOfDay(day).Add(-time.Second).UTC() }

// InUTC turns each of the times that is set to UTC, as the answers give
// every time (the drivers hand some back in local time).
func InUTC(times ...**time.Time) {
	for _, t := range times {
		if *t != nil {
			u := (*t).UTC()
			*t = &u
		}
	}
}
