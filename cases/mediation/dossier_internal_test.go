package mediation

import (
	"testing"

	"yidi/cases"
)

// The 保管期限 rule: 定期30年 for a confirmed agreement, a dispute of five or
// more people or one of 100,000 yuan and more; 定期10年 otherwise.
func TestRetentionPeriods(t *testing.T) {
	amount := func(a float64) *float64 { return &a }
	for _, c := range []struct {
		name      string
		c         cases.Case
		confirmed bool
		want      string
	}{
		{"ordinary", cases.Case{PeopleCount: 2, Amount: amount(5000.5)}, false, "定期10年"},
		{"no amount", cases.Case{PeopleCount: 1}, false, "定期10年"},
		{"confirmed by the court", cases.Case{PeopleCount: 2}, true, "定期30年"},
		{"five people", cases.Case{PeopleCount: 5}, false, "定期30年"},
		{"four people", cases.Case{PeopleCount: 4, Amount: amount(99999.99)}, false, "定期10年"},
		{"100,000 yuan", cases.Case{PeopleCount: 1, Amount: amount(100000)}, false, "定期30年"},
	} {
		r := retentionOf(&c.c, c.confirmed)
		if r.Period != c.want || r.Basis == "" {
			t.Errorf("%s: %+v, want %s", c.name, r, c.want)
		}
	}
}
