package cases

import (
	"strings"
	"time"
	"unicode/utf8"
)

// ValidIDNumber checks an 18-character 居民身份证号码 against GB 11643-1999:
// 17 digits, a real birth date, and the ISO 7064 MOD 11-2 check character.
func ValidIDNumber(s string) bool {
	if len(s) != 18 {
		return false
	}
	if check, ok := idCheckChar(s[:17]); !ok || s[17] != check {
		return false
	}
	birth, err := time.Parse("20060102", s[6:14])
	return err == nil && birth.Year() >= 1900 && birth.Before(time.Now())
}

// idCheckChar is the ISO 7064 MOD 11-2 check character of 17 digits; ok is
// false when one of them is not a digit.
func idCheckChar(first17 string) (check byte, ok bool) {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		sum += int(c-'0') * weights[i]
	}
	return "10X98765432"[sum%11], true
}

// CompleteIDNumber appends the GB 11643 check character to 17 digits, for
// the generators of demo, bench and test data; it panics on a non-digit,
// which only a broken generator writes.
func CompleteIDNumber(first17 string) string {
	if len(first17) != 17 {
		panic("cases.CompleteIDNumber: want 17 digits, got " + first17)
	}
	check, ok := idCheckChar(first17)
	if !ok {
		panic("cases.CompleteIDNumber: want 17 digits, got " + first17)
	}
	return first17 + string(check)
}

// creditCodeChars is the alphabet of the 统一社会信用代码 (no I, O, S, V, Z).
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// ValidCreditCode checks an 18-character 统一社会信用代码 against GB 32100-2015.
func ValidCreditCode(s string) bool {
	if len(s) != 18 {
		return false
	}
	weights := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCodeChars, s[i])
		if v < 0 {
			return false
		}
		sum += v * weights[i]
	}
	check := (31 - sum%31) % 31
	return s[17] == creditCodeChars[check]
}

// normalizeIDNumber accepts the lower-case x people often type.
func normalizeIDNumber(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// ValidPhone accepts a mainland mobile number or a landline with area code.
func ValidPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' && i > 0:
		default:
			return false
		}
	}
	if len(s) == 11 && s[0] == '1' && digits == 11 {
		return s[1] >= '3' && s[1] <= '9'
	}
	return digits >= 7 && digits <= 12 && s[0] == '0'
}

// normalizePhone drops the spaces and the +86 prefix people paste in.
func normalizePhone(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	s = strings.TrimPrefix(s, "+86")
	return s
}

// MaskIDNumber keeps the region's first four and the last four characters:
// enough for staff to tell two people apart, not enough to misuse. A
// permit's or passport's 8 or 9 characters keep two at each end.
func MaskIDNumber(s string) string {
	if utf8.RuneCountInString(s) <= 12 {
		return maskMiddle(s, 2, 2)
	}
	return maskMiddle(s, 4, 4)
}

// MaskPhone keeps the first three and last four digits, as banks print them.
func MaskPhone(s string) string {
	return maskMiddle(s, 3, 4)
}

func maskMiddle(s string, head, tail int) string {
	n := utf8.RuneCountInString(s)
	if n <= head+tail {
		return strings.Repeat("*", n)
	}
	r := []rune(s)
	return string(r[:head]) + strings.Repeat("*", n-head-tail) + string(r[n-tail:])
}
