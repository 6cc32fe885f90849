package cases_test

import (
	"context"
	"testing"
	"time"

	"yidi/cases"
)

// BenchmarkPublicStatusFailures measures the two failures a guesser can
// tell apart only by time: a wrong code for a real (and cached) case and an
// unknown number. Both do one indexed read and one salted hash; compare
// their ns/op.
func BenchmarkPublicStatusFailures(b *testing.B) {
	svc, res := publicCase(b)
	ctx := context.Background()
	n := res.Case.Number
	for _, bc := range []struct{ name, number, code string }{
		{"RightCodeCached", n, res.QueryCode},
		{"UnknownNumber", "YD-2026-99999", "AAAAA-AAAAA"},
		{"WrongCodeCachedCase", n, "AAAAA-AAAAA"},
		{"UnknownNumberAgain", "YD-2026-99998", "AAAAA-AAAAA"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				_, err := svc.PublicStatus(ctx, bc.number, bc.code)
				if (err == nil) != (bc.code == res.QueryCode) {
					b.Fatal(err)
				}
				if err != nil && cases.ErrorOf(err) != cases.ErrPublicNotFound {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPublicStatusWrongVsUnknown interleaves the two failures, so that
// machine load hits both alike, and reports each one's mean time and the
// ratio (1.00 means indistinguishable on average).
func BenchmarkPublicStatusWrongVsUnknown(b *testing.B) {
	svc, res := publicCase(b)
	ctx := context.Background()
	n := res.Case.Number
	var wrong, unknown time.Duration
	for b.Loop() {
		t0 := time.Now()
		_, e1 := svc.PublicStatus(ctx, n, "AAAAA-AAAAA")
		t1 := time.Now()
		_, e2 := svc.PublicStatus(ctx, "YD-2026-99999", "AAAAA-AAAAA")
		t2 := time.Now()
		if e1 == nil || e2 == nil {
			b.Fatal("a wrong code was accepted")
		}
		wrong += t1.Sub(t0)
		unknown += t2.Sub(t1)
	}
	b.ReportMetric(float64(wrong.Nanoseconds())/float64(b.N), "ns/wrong-code")
	b.ReportMetric(float64(unknown.Nanoseconds())/float64(b.N), "ns/unknown-number")
	b.ReportMetric(float64(wrong)/float64(unknown), "ratio")
}

// publicCase registers one case and looks its status up once, so that the
// case is in the public status cache.
func publicCase(b *testing.B) (*cases.Service, *cases.IntakeResult) {
	svc, actor := benchService(b)
	ctx := context.Background()
	res, err := svc.Intake(ctx, actor, benchIntake(1), "")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.PublicStatus(ctx, res.Case.Number, res.QueryCode); err != nil {
		b.Fatal(err)
	}
	return svc, res
}
