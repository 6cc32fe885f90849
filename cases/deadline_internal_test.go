package cases

import (
	"context"
	"testing"
	"time"
)

// seededCalendar is the calendar migration 00007 ships (the State Council's
// 2025 and 2026 notices), read from a real database.
func seededCalendar(t *testing.T) *Calendar {
	t.Helper()
	cal, err := NewService(openTestStore(t)).calendar(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func day(s string) time.Time {
	d, ok := ParseDate(s)
	if !ok {
		panic(s)
	}
	return d.Add(10 * time.Hour) // 10:00 China time: the hour must not matter
}

// Every expected date was counted by hand on the 2025 and 2026 notices; the
// comment shows the count.
func TestDeadlineArithmeticOnThe2025And2026Calendars(t *testing.T) {
	cal := seededCalendar(t)
	tests := []struct {
		name, from string
		length     int
		unit, kind string
		want       string
	}{
		// 国庆+中秋 2025: Oct 1–8 off, make-up Sun Sep 28 and Sat Oct 11.
		{"5 working days from Tue 30 Sep 2025", "2025-09-30", 5, UnitDay, DaysWorking, "2025-10-14"},                          // Oct 9 Thu, 10 Fri, 11 Sat(班), [12 Sun off], 13 Mon, 14 Tue
		{"1 working day from Fri 26 Sep 2025 is the make-up Sunday", "2025-09-26", 1, UnitDay, DaysWorking, "2025-09-28"},     // [27 Sat off], 28 Sun(班)
		{"2 working days from Fri 26 Sep 2025", "2025-09-26", 2, UnitDay, DaysWorking, "2025-09-29"},                          // 28 Sun(班), 29 Mon
		{"2 working days from Thu 9 Oct 2025 take the make-up Saturday", "2025-10-09", 2, UnitDay, DaysWorking, "2025-10-11"}, // 10 Fri, 11 Sat(班)
		// 春节 2025: Jan 28–Feb 4 off, make-up Sun Jan 26 and Sat Feb 8.
		{"1 working day from Fri 24 Jan 2025", "2025-01-24", 1, UnitDay, DaysWorking, "2025-01-26"},  // [25 Sat off], 26 Sun(班)
		{"3 working days from Fri 24 Jan 2025", "2025-01-24", 3, UnitDay, DaysWorking, "2025-02-05"}, // 26 Sun(班), 27 Mon, [28–Feb 4 off], Feb 5 Wed
		{"5 working days from Mon 27 Jan 2025", "2025-01-27", 5, UnitDay, DaysWorking, "2025-02-10"}, // Feb 5 Wed, 6, 7, 8 Sat(班), [9 Sun off], 10 Mon
		// 劳动节 2025: May 1–5 off, make-up Sun Apr 27.
		{"1 working day from Wed 30 Apr 2025", "2025-04-30", 1, UnitDay, DaysWorking, "2025-05-06"}, // [May 1–5 off], 6 Tue
		// 元旦 2026: Jan 1–3 off, make-up Sun Jan 4.
		{"1 working day from Wed 31 Dec 2025 is the make-up Sunday", "2025-12-31", 1, UnitDay, DaysWorking, "2026-01-04"}, // [Jan 1–3 off], 4 Sun(班)
		{"2 working days from Wed 31 Dec 2025", "2025-12-31", 2, UnitDay, DaysWorking, "2026-01-05"},                      // 4 Sun(班), 5 Mon
		// 春节 2026: Feb 15–23 off, make-up Sat Feb 14 and Sat Feb 28.
		{"2 working days from Thu 12 Feb 2026", "2026-02-12", 2, UnitDay, DaysWorking, "2026-02-14"}, // 13 Fri, 14 Sat(班)
		{"3 working days from Thu 12 Feb 2026", "2026-02-12", 3, UnitDay, DaysWorking, "2026-02-24"}, // 13, 14(班), [15–23 off], 24 Tue
		{"5 working days from Tue 24 Feb 2026", "2026-02-24", 5, UnitDay, DaysWorking, "2026-03-02"}, // 25, 26, 27, 28 Sat(班), [Mar 1 Sun off], 2 Mon
		// 国庆 2026: Oct 1–7 off, make-up Sun Sep 20 and Sat Oct 10; 中秋 Sep 25–27.
		{"1 working day from Fri 18 Sep 2026", "2026-09-18", 1, UnitDay, DaysWorking, "2026-09-20"},  // [19 Sat off], 20 Sun(班)
		{"3 working days from Wed 30 Sep 2026", "2026-09-30", 3, UnitDay, DaysWorking, "2026-10-10"}, // [Oct 1–7 off], 8 Thu, 9 Fri, 10 Sat(班)
		{"7 working days from Mon 21 Sep 2026", "2026-09-21", 7, UnitDay, DaysWorking, "2026-10-08"}, // 22, 23, 24, [25–27 中秋], 28, 29, 30, [Oct 1–7], 8 Thu

		// Calendar days: natural days, and a last day that is a holiday or
		// weekend rolls to the next working day (民事诉讼法 第八十五条).
		{"15 days from Sat 20 Sep 2025 end on 国庆, roll to Thu 9 Oct", "2025-09-20", 15, UnitDay, DaysCalendar, "2025-10-09"}, // Oct 5 is a holiday; 6–8 too; 9 Thu
		{"15 days from Tue 16 Sep 2025 end on 1 Oct, roll", "2025-09-16", 15, UnitDay, DaysCalendar, "2025-10-09"},
		{"15 days from Fri 30 Jan 2026 end on the make-up Sat 14 Feb: no roll", "2026-01-30", 15, UnitDay, DaysCalendar, "2026-02-14"},
		{"15 days from Sun 1 Feb 2026 end in 春节, roll to Tue 24 Feb", "2026-02-01", 15, UnitDay, DaysCalendar, "2026-02-24"},
		{"15 days from Fri 6 Nov 2026 end on Sat 21 Nov, roll to Mon 23", "2026-11-06", 15, UnitDay, DaysCalendar, "2026-11-23"},
		{"60 days from Sun 1 Nov 2026 end on Thu 31 Dec", "2026-11-01", 60, UnitDay, DaysCalendar, "2026-12-31"},
		// Months: the same day of the later month, clamped to its end.
		{"1 month from 31 Jan 2026 is Sat 28 Feb, a make-up working day", "2026-01-31", 1, UnitMonth, DaysCalendar, "2026-02-28"},
		{"1 month from 31 Jan 2025 is Fri 28 Feb", "2025-01-31", 1, UnitMonth, DaysCalendar, "2025-02-28"},
		{"1 month from 31 Jan 2024 is Thu 29 Feb (leap year)", "2024-01-31", 1, UnitMonth, DaysCalendar, "2024-02-29"},
		{"1 month from 1 Sep 2026 is 1 Oct, roll to Thu 8 Oct", "2026-09-01", 1, UnitMonth, DaysCalendar, "2026-10-08"},
		{"1 month from 12 Oct 2026 is Thu 12 Nov", "2026-10-12", 1, UnitMonth, DaysCalendar, "2026-11-12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stageDue(cal, day(tt.from), tt.length, tt.unit, tt.kind, 0)
			want := dueAt(day(tt.want))
			if !got.Equal(want) {
				t.Errorf("due %s, want %s", got.In(ChinaZone).Format(time.DateTime), want.In(ChinaZone).Format(time.DateTime))
			}
			if h := got.In(ChinaZone).Format("15:04:05"); h != "23:59:59" {
				t.Errorf("a limit ends at 23:59:59 China time, not %s", h)
			}
		})
	}
}

func TestWorkingDaysAndPausedDaysFollowTheCalendar(t *testing.T) {
	cal := seededCalendar(t)
	for _, tt := range []struct {
		date    string
		working bool
	}{
		{"2025-09-28", true}, {"2025-10-11", true}, {"2025-10-08", false}, {"2025-10-12", false},
		{"2025-01-26", true}, {"2025-02-08", true}, {"2025-01-28", false},
		{"2026-01-04", true}, {"2026-02-14", true}, {"2026-02-28", true}, {"2026-02-23", false},
		{"2026-05-09", true}, {"2026-06-19", false}, {"2026-09-25", false}, {"2026-09-20", true}, {"2026-10-10", true},
		{"2026-11-21", false}, {"2026-11-23", true},
	} {
		if got := cal.IsWorkingDay(day(tt.date)); got != tt.working {
			t.Errorf("%s working = %v, want %v", tt.date, got, tt.working)
		}
	}
	// Suspended Tue 30 Sep 2025, resumed Thu 9 Oct: 9 natural days, and one
	// working day (Sep 30 itself) stood still.
	if n := cal.daysBetween(day("2025-09-30"), day("2025-10-09"), DaysCalendar); n != 9 {
		t.Errorf("calendar days paused = %d, want 9", n)
	}
	if n := cal.daysBetween(day("2025-09-30"), day("2025-10-09"), DaysWorking); n != 1 {
		t.Errorf("working days paused = %d, want 1", n)
	}
	if n := cal.daysBetween(day("2025-09-30"), day("2025-09-30").Add(5*time.Hour), DaysWorking); n != 0 {
		t.Errorf("a suspension within one day stands still %d days, want 0", n)
	}
}
