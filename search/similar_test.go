package search

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"yidi/cases"
)

// docMap is the database's answer for the hits: the cases as indexed.
type docMap map[string]*cases.SearchDoc

func (m docMap) SearchDocs(_ context.Context, numbers []string) (map[string]*cases.SearchDoc, error) {
	out := map[string]*cases.SearchDoc{}
	for _, n := range numbers {
		if d, ok := m[n]; ok {
			out[n] = d
		}
	}
	return out, nil
}

func similarFixture(t *testing.T) (*Index, docMap) {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, cases.ChinaZone)
	mk := func(id int64, number, title, category, desk, summary, claims string) cases.SearchDoc {
		return cases.SearchDoc{ID: id, Number: number, Title: title, Category: category, Desk: desk,
			Status: cases.StatusInProgress, Summary: summary, Claims: claims, Town: "城关镇",
			CreatedBy: 1, CreatedAt: at.Add(time.Duration(id) * time.Hour)}
	}
	list := []cases.SearchDoc{
		mk(1, "YD-2026-00001", "木工讨要工资", "劳动争议", "mediation",
			"申请人王某等六名木工在城关镇幸福家园工地做木工三个月，包工头李某以开发商未结算工程款为由拖欠工资共计四万八千元，多次讨要未果。",
			"请求包工头李某支付拖欠的木工工资四万八千元。"),
		mk(2, "YD-2026-00002", "工地拖欠木工工资", "劳动争议", "mediation",
			"申请人张某在东湖工地做木工，工程完工后包工头以工程款未到位为由拖欠其工资一万二千元，至今未付。",
			"请求支付拖欠的木工工资一万二千元。"),
		mk(3, "YD-2026-00003", "楼上漏水纠纷", "邻里纠纷", "mediation",
			"申请人家住三楼，楼上住户卫生间防水层老化，长期漏水导致申请人家天花板发霉、墙皮脱落，协商维修未果。",
			"请求楼上住户维修防水并赔偿装修损失。"),
		mk(4, "YD-2026-00004", "彩礼返还", "婚姻家庭", "petition",
			"申请人与被申请人经人介绍订婚，给付彩礼八万八千元，后女方提出解除婚约，双方就彩礼返还发生争议。",
			"请求返还彩礼八万八千元。"),
		mk(5, "YD-2026-00005", "装修工人讨薪", "劳动争议", "petition",
			"申请人赵某在装修公司做油漆工，公司拖欠其两个月工资九千元，老板拒不支付。",
			"请求装修公司支付拖欠工资九千元。"),
	}
	if err := ix.put(list, 5); err != nil {
		t.Fatal(err)
	}
	m := docMap{}
	for i := range list {
		m[list[i].Number] = &list[i]
	}
	return ix, m
}

var leader = cases.Actor{UserID: 7, Role: cases.RoleLeader, Name: "院长"}

func TestSimilarFindsTheOtherWageCaseFirstAndSaysWhy(t *testing.T) {
	ix, docs := similarFixture(t)
	self := docs["YD-2026-00001"]
	hits, err := ix.Similar(context.Background(), leader, self.Summary+"\n"+self.Claims, []string{self.Number}, 10, docs)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].Number != "YD-2026-00002" {
		t.Fatalf("want the other carpenters' wage case first, got %+v", hits)
	}
	for _, h := range hits {
		if h.Number == self.Number {
			t.Errorf("the case itself is among its similar cases: %+v", hits)
		}
		if h.Number == "YD-2026-00003" || h.Number == "YD-2026-00004" {
			t.Errorf("a case sharing only boilerplate matched a wage claim: %+v", h)
		}
	}
	why := hits[0].Why
	if !strings.HasPrefix(why, "相似内容：") {
		t.Fatalf("why = %q", why)
	}
	for _, word := range []string{"木工", "工资", "拖欠"} {
		if !strings.Contains(why, word) {
			t.Errorf("why %q does not name the shared word %s", why, word)
		}
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Score > hits[i-1].Score {
			t.Errorf("not best first: %+v", hits)
		}
	}
}

func TestSimilarForADraftShowsOnlyWhatTheViewerMaySee(t *testing.T) {
	ix, docs := similarFixture(t)
	draft := "工地包工头拖欠我们木工的工资，讨要多次不给。"
	ctx := context.Background()

	other := cases.Actor{UserID: 31, Role: cases.RoleHandler, Desk: "litigation", Name: "诉讼服务"}
	hits, err := ix.Similar(ctx, other, draft, nil, 10, docs)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 0 {
		t.Errorf("a handler of another desk sees %+v", hits)
	}

	petition := cases.Actor{UserID: 32, Role: cases.RoleHandler, Desk: "petition", Name: "信访"}
	hits, err = ix.Similar(ctx, petition, draft, nil, 10, docs)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Number != "YD-2026-00005" {
		t.Errorf("the petition desk should see only its own wage case, got %+v", hits)
	}

	stranger := cases.Actor{UserID: 33, Role: cases.RoleAdmin}
	if hits, _ := ix.Similar(ctx, stranger, draft, nil, 10, docs); len(hits) != 0 {
		t.Errorf("an admin sees case contents: %+v", hits)
	}
}

func TestSimilarExcludesTheCaseAndIgnoresEmptyText(t *testing.T) {
	ix, docs := similarFixture(t)
	ctx := context.Background()
	text := "工地包工头拖欠木工工资"
	all, err := ix.Similar(ctx, leader, text, nil, 10, docs)
	if err != nil {
		t.Fatal(err)
	}
	without, err := ix.Similar(ctx, leader, text, []string{"YD-2026-00002"}, 10, docs)
	if err != nil {
		t.Fatal(err)
	}
	if len(without) != len(all)-1 {
		t.Errorf("excluding one case: %d hits of %d", len(without), len(all))
	}
	for _, h := range without {
		if h.Number == "YD-2026-00002" {
			t.Errorf("excluded case returned: %+v", without)
		}
	}
	for _, empty := range []string{"", "！？", "😀"} {
		hits, err := ix.Similar(ctx, leader, empty, nil, 10, docs)
		if err != nil || len(hits) != 0 {
			t.Errorf("Similar(%q) = %+v, %v; want nothing", empty, hits, err)
		}
	}
}
