package cases_test

// Fuzz targets (issue 15): go test -run '^$' -fuzz '^FuzzName$' ./cases.
// Each asserts a property, not only the absence of a panic; the seeds are
// in testdata/fuzz/FuzzName.

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"yidi/cases"
)

// ValidIDNumber agrees with the GB 11643 definition (idCheck): it accepts
// exactly 17 digits with a real birth date and their check character.
func FuzzValidIDNumber(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		valid := cases.ValidIDNumber(s)
		if len(s) < 17 || strings.Trim(s[:17], "0123456789") != "" {
			if valid {
				t.Fatalf("%q accepted without 17 digits", s)
			}
			return
		}
		birth, err := time.Parse("20060102", s[6:14])
		realDate := err == nil && birth.Year() >= 1900 && birth.Before(time.Now())
		if want := realDate && len(s) == 18 && s == idCheck(s[:17]); valid != want {
			t.Fatalf("ValidIDNumber(%q) = %v, want %v (check character %s)", s, valid, want, idCheck(s[:17])[17:])
		}
		if realDate && !cases.ValidIDNumber(idCheck(s[:17])) {
			t.Fatalf("%q with its own check character refused", idCheck(s[:17]))
		}
	})
}

// ValidCreditCode agrees with the GB 32100 definition (creditCheck).
func FuzzValidCreditCode(f *testing.F) {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	f.Fuzz(func(t *testing.T, s string) {
		valid := cases.ValidCreditCode(s)
		want := len(s) == 18 && strings.Trim(s, alphabet) == "" && s == creditCheck(s[:17])
		if valid != want {
			t.Fatalf("ValidCreditCode(%q) = %v, want %v", s, valid, want)
		}
		if valid {
			for _, other := range otherChecks(s, alphabet) {
				if cases.ValidCreditCode(other) {
					t.Fatalf("%q and %q both valid", s, other)
				}
			}
		}
	})
}

// A calendar file either fails with a 400-kind error naming a line, or
// gives days that, written back in the file's format, read the same.
func FuzzParseCalendarFile(f *testing.F) {
	f.Fuzz(func(t *testing.T, file string) {
		days, err := cases.ParseCalendarFile(strings.NewReader(file))
		if err != nil {
			var e *cases.Error
			if !errors.As(err, &e) || e.Kind != cases.KindInvalid || e.Field != "file" || e.Message == "" {
				t.Fatalf("error %#v, want an invalid-kind error on the file field", err)
			}
			return
		}
		var back strings.Builder
		for _, d := range days {
			if _, err := time.Parse(time.DateOnly, d.Date); err != nil {
				t.Fatalf("day %q is not YYYY-MM-DD", d.Date)
			}
			kind := "休"
			if d.Working {
				kind = "班"
			}
			fmt.Fprintf(&back, "%s,%s,%s\n", d.Date, kind, d.Name)
		}
		again, err := cases.ParseCalendarFile(strings.NewReader(back.String()))
		if err != nil || fmt.Sprint(again) != fmt.Sprint(days) {
			t.Fatalf("written back as %q it reads %v, %v; want %v", back.String(), again, err, days)
		}
	})
}
