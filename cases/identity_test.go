package cases_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"yidi/cases"
)

// idCheck computes the GB 11643 (ISO 7064 MOD 11-2) check character by its
// definition: weight 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11, 10 → X.
// It is written differently from the code under test on purpose.
func idCheck(first17 string) string {
	sum := 0
	for i := 0; i < 17; i++ {
		w := 1
		for k := 0; k < 17-i; k++ {
			w = w * 2 % 11
		}
		sum += int(first17[i]-'0') * w
	}
	c := (12 - sum%11) % 11
	if c == 10 {
		return first17 + "X"
	}
	return fmt.Sprintf("%s%d", first17, c)
}

// creditCheck computes the GB 32100 check character by its definition:
// weight 3^i mod 31, check = 31 - sum mod 31 (31 → 0), over the 31-character
// alphabet without I, O, S, V, Z.
func creditCheck(first17 string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(alphabet, first17[i]) * w
		w = w * 3 % 31
	}
	return first17 + string(alphabet[(31-sum%31)%31])
}

// otherChecks returns s with each other possible last character.
func otherChecks(s, alphabet string) []string {
	var out []string
	for _, c := range alphabet {
		if byte(c) != s[len(s)-1] {
			out = append(out, s[:len(s)-1]+string(c))
		}
	}
	return out
}

func TestValidIDNumberAcceptsRealFormatNumbers(t *testing.T) {
	valid := []string{
		"11010519491231002X", // the example printed in GB 11643-1999
		idCheck("33048119900101123"),
		idCheck("33010220000229002"), // a real 29 February
		idCheck("44030519700101001"),
		idCheck("51010219191231001"),
		idCheck("110105" + time.Now().AddDate(0, 0, -1).Format("20060102") + "001"), // born yesterday
	}
	sawX := false
	for _, id := range valid {
		if !cases.ValidIDNumber(id) {
			t.Errorf("ValidIDNumber(%q) = false, want true", id)
		}
		sawX = sawX || strings.HasSuffix(id, "X")
	}
	if !sawX {
		t.Fatal("the valid list should include a number whose check character is X")
	}
	if idCheck("11010519491231002") != "11010519491231002X" {
		t.Fatal("the test's own check-digit helper disagrees with the standard's example")
	}
}

func TestValidIDNumberRefusesEveryWrongCheckCharacter(t *testing.T) {
	for _, id := range []string{"11010519491231002X", idCheck("33048119900101123")} {
		for _, wrong := range otherChecks(id, "0123456789X") {
			if cases.ValidIDNumber(wrong) {
				t.Errorf("ValidIDNumber(%q) = true: the check character is wrong", wrong)
			}
		}
	}
}

func TestValidIDNumberRefusesMalformedNumbers(t *testing.T) {
	for _, tc := range []struct{ name, id string }{
		{"empty", ""},
		{"17 characters", "11010519491231002"},
		{"19 characters", "11010519491231002X1"},
		{"old 15-digit number", "110105491231002"},
		{"lower-case x (normalising is the intake's job)", "11010519491231002x"},
		{"spaces around", " 11010519491231002X"},
		{"a letter among the digits", "1101051949123100AX"},
		{"X not at the end", "X1010519491231002" + "X"},
		{"full-width digits", "１１０１０５１９４９１２３１００２Ｘ"},
		{"30 February", idCheck("11010519990230123")},
		{"29 February of a common year", idCheck("11010519990229123")},
		{"31 April", idCheck("11010519990431123")},
		{"month 13", idCheck("11010519991301123")},
		{"month 00", idCheck("11010519990001123")},
		{"day 00", idCheck("11010519990100123")},
		{"born before 1900", idCheck("11010518991231123")},
		{"born tomorrow", idCheck("110105" + time.Now().AddDate(0, 0, 2).Format("20060102") + "123")},
		{"born next century", idCheck("11010521000101123")},
	} {
		if cases.ValidIDNumber(tc.id) {
			t.Errorf("%s: ValidIDNumber(%q) = true, want false", tc.name, tc.id)
		}
	}
}

func TestValidCreditCodeChecksGB32100(t *testing.T) {
	valid := []string{
		creditCheck("91330481MA2C8K3L5"), // 91: enterprise, 330481: 海宁市
		creditCheck("91110000100000000"),
		creditCheck("12330000470000000"), // 12: public institution
		creditCheck("52330481MJ8765432"), // 52: social organisation
	}
	for _, code := range valid {
		if !cases.ValidCreditCode(code) {
			t.Errorf("ValidCreditCode(%q) = false, want true", code)
		}
		for _, wrong := range otherChecks(code, "0123456789ABCDEFGHJKLMNPQRTUWXY") {
			if cases.ValidCreditCode(wrong) {
				t.Errorf("ValidCreditCode(%q) = true: the check character is wrong", wrong)
			}
		}
	}
	code := valid[0]
	for _, tc := range []struct{ name, code string }{
		{"empty", ""},
		{"17 characters", code[:17]},
		{"19 characters", code + "0"},
		{"lower case", strings.ToLower(code)},
		{"a letter the standard leaves out (O)", code[:9] + "O" + code[10:]},
		{"a letter the standard leaves out (I)", code[:9] + "I" + code[10:]},
		{"a space inside", code[:8] + " " + code[9:]},
		{"a Chinese character", "统一社会信用代码统一社会信用代码统一"},
	} {
		if cases.ValidCreditCode(tc.code) {
			t.Errorf("%s: ValidCreditCode(%q) = true, want false", tc.name, tc.code)
		}
	}
}

func TestValidPhoneTakesMobilesAndLandlinesWithAreaCode(t *testing.T) {
	for _, tc := range []struct {
		phone string
		want  bool
	}{
		{"13800000000", true},
		{"19912345678", true},
		{"0571-88886666", true},
		{"057188886666", true},
		{"010-12345678", true},
		{"0573-8765432", true},
		{"", false},
		{"12800000000", false},   // no mobile network starts 12
		{"10086", false},         // a service number, not a citizen's phone
		{"1380000000", false},    // 10 digits
		{"138000000001", false},  // 12 digits, not a landline
		{"88886666", false},      // no area code
		{"-057188886666", false}, // leading dash
		{"138 0000 0000", false}, // spaces are normalised by the intake, not here
		{"+8613800000000", false},
		{"1380000000O", false},
		{"0571-888866661234", false}, // too many digits
		{"０５７１８８８８６６６６", false},
	} {
		if got := cases.ValidPhone(tc.phone); got != tc.want {
			t.Errorf("ValidPhone(%q) = %v, want %v", tc.phone, got, tc.want)
		}
	}
}

func TestMaskingKeepsOnlyTheEnds(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
	}{
		{"ID number", cases.MaskIDNumber("11010519491231002X"), "1101**********002X"},
		// A permit or passport number (8–9 characters) keeps two at each end:
		// four and four would show all but one of a passport's.
		{"short ID-like text", cases.MaskIDNumber("1234567"), "12***67"},
		{"eight characters", cases.MaskIDNumber("12345678"), "12****78"},
		{"nine characters", cases.MaskIDNumber("E12345678"), "E1*****78"},
		{"four characters", cases.MaskIDNumber("1234"), "****"},
		{"empty ID number", cases.MaskIDNumber(""), ""},
		{"mobile", cases.MaskPhone("13800001234"), "138****1234"},
		{"landline", cases.MaskPhone("0571-88886666"), "057******6666"},
		{"short phone", cases.MaskPhone("10086"), "*****"},
		{"empty phone", cases.MaskPhone(""), ""},
		{"multi-byte text stays valid UTF-8", cases.MaskPhone("一二三四五六七八"), "一二三*五六七八"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	// The birth date, the part that identifies, never survives masking.
	if masked := cases.MaskIDNumber("11010519491231002X"); strings.Contains(masked, "19491231") {
		t.Fatalf("masked ID number still shows the birth date: %s", masked)
	}
}
