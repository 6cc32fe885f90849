package main

import (
	"context"
	"fmt"
	"io"

	"yidi/cases"
	"yidi/search"
)

// vocabMine is yidi vocab mine: count which vocabulary words occur together
// in the same field (summary, claims) of the cases and store the strongest
// pairs as proposals an admin reviews (/admin/vocab, /api/v1/vocab/proposals).
// A rerun refreshes the figures and keeps every decision.
var vocabMine = flagCommand("vocab mine", func(fs cmdFlags) work {
	o := search.DefaultMine
	fs.IntVar(&o.MinSupport, "min-support", o.MinSupport, "fields that must hold both words")
	fs.Float64Var(&o.MinScore, "min-score", o.MinScore, "least normalised PMI (-1..1)")
	fs.IntVar(&o.PerTerm, "per-term", o.PerTerm, "strongest partners kept for each word")
	return func(ctx context.Context, out io.Writer) error {
		if o.MinSupport < 2 || o.PerTerm < 1 || o.MinScore > 1 {
			return usageError("--min-support must be at least 2, --per-term at least 1, --min-score at most 1")
		}
		return fs.withStore(ctx, func(store *cases.Store) error {
			svc := cases.NewService(store)
			groups, err := svc.SynonymGroups(ctx)
			if err != nil {
				return err
			}
			m := search.NewMiner(groups)
			if err := svc.CaseFieldTexts(ctx, m.Add); err != nil {
				return err
			}
			pairs := m.Pairs(o)
			added, err := svc.SaveTermProposals(ctx, pairs)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "相关词：%d 对通过阈值，其中新增建议 %d 对（待管理员在“相关词审核”中采纳或驳回）\n", len(pairs), added)
			for i, p := range pairs {
				if i == 10 {
					break
				}
				fmt.Fprintf(out, "  %s — %s  共现 %d  NPMI %.2f\n", p.Term, p.Related, p.Support, p.Score)
			}
			return nil
		})
	}
})
