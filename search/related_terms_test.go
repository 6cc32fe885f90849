package search

import (
	"fmt"
	"testing"
)

// Mining proposes words that go together in the same field far more often
// than chance, above the support threshold, never two members of one
// vocabulary group, and at most PerTerm partners a word.
func TestMinerProposesWordsThatOccurTogether(t *testing.T) {
	m := NewMiner([][]string{{"鸡舍", "鸡棚"}})
	for i := range 6 {
		m.Add(fmt.Sprintf("邻居鸡舍异味很重，第%d次沟通。", i)) // 鸡舍 with 异味: six fields
	}
	for range 3 {
		m.Add("楼上漏水，天花板发霉。") // 漏水 with 天花板: three fields only
	}
	for range 20 {
		m.Add("工资没有发放。")
		m.Add("邻居吵架。")
	}
	m.Add("渗水漏水") // one vocabulary group: never a proposal
	got := map[[2]string]bool{}
	for _, p := range m.Pairs(MineOptions{MinSupport: 5, MinScore: 0.3, PerTerm: 5}) {
		got[[2]string{p.Term, p.Related}] = true
		if p.Support < 5 || p.Score < 0.3 {
			t.Errorf("below the thresholds: %+v", p)
		}
	}
	if !got[[2]string{"异味", "鸡舍"}] {
		t.Errorf("鸡舍 — 异味 not proposed: %v", got)
	}
	if got[[2]string{"天花板", "漏水"}] {
		t.Errorf("a pair seen in three fields passed a support of five: %v", got)
	}
	if got[[2]string{"渗水", "漏水"}] || got[[2]string{"漏水", "渗水"}] {
		t.Errorf("two words of one vocabulary group proposed: %v", got)
	}
	if n := len(m.Pairs(MineOptions{MinSupport: 2, MinScore: -1, PerTerm: 1})); n == 0 || n > 4 {
		t.Errorf("per-term bound of 1 kept %d pairs", n)
	}
}

// An accepted pair adds at most maxRelatedVariants spellings to a word, as
// the lightest expansion.
func TestRelatedVariantsAreBoundedAndLightest(t *testing.T) {
	related := map[string][]string{"鸡舍": {"异味", "臭气", "污水", "噪音", "苍蝇"}}
	vs := relatedVariants(related, "鸡舍", []variant{{"鸡舍", typed}, {"臭气", vocabMember}})
	if len(vs) != maxRelatedVariants || vs[0].text != "异味" || vs[1].text != "污水" {
		t.Fatalf("%v", vs)
	}
	if minedRelated.boost() >= thesaurusMember.boost() {
		t.Errorf("a mined related term weighs %v, not below the thesaurus's %v", minedRelated.boost(), thesaurusMember.boost())
	}
}
