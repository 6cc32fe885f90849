package search_test

import (
	"context"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yidi/cases"
	"yidi/search"
)

type world struct {
	t      testing.TB
	ctx    context.Context
	svc    *cases.Service
	ix     *search.Index
	actors map[string]cases.Actor
}

func newWorld(t testing.TB) *world {
	t.Helper()
	return newWorldOn(t, cases.Database{Dir: t.TempDir()})
}

// newWorldOn is newWorld over the database db names.
func newWorldOn(t testing.TB, db cases.Database) *world {
	t.Helper()
	cases.PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	dir := db.Dir
	store, err := cases.OpenDatabase(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ix, err := search.Open(dir + "/index")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	w := &world{t: t, ctx: ctx, svc: cases.NewService(store), ix: ix, actors: map[string]cases.Actor{}}
	for _, u := range []cases.UserInput{
		{Username: "intake", Role: cases.RoleIntake, Name: "王窗口"},
		{Username: "leader", Role: cases.RoleLeader},
		{Username: "admin", Role: cases.RoleAdmin},
		{Username: "mediation", Role: cases.RoleHandler, Desk: "mediation", Name: "李调解"},
		{Username: "petition", Role: cases.RoleHandler, Desk: "petition"},
	} {
		u.Password = "password-1"
		a, err := w.svc.CreateUser(ctx, cases.SystemActor, u)
		if err != nil {
			t.Fatal(err)
		}
		w.actors[u.Username] = *a
	}
	if err := ix.LoadSynonyms(ctx, w.svc); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) intake(title, category, town, summary string, parties ...cases.PartyInput) string {
	w.t.Helper()
	res, err := w.svc.Intake(w.ctx, w.actors["intake"], cases.IntakeInput{
		Title: title, Category: category, Town: town, Summary: summary, Parties: parties}, "")
	if err != nil {
		w.t.Fatal(err)
	}
	return res.Case.Number
}

func (w *world) catchUp() {
	w.t.Helper()
	if _, err := w.ix.CatchUp(w.ctx, w.svc); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) search(user string, q search.Query) *search.Result {
	w.t.Helper()
	res, err := w.ix.Search(w.ctx, w.actors[user], q, w.svc)
	if err != nil {
		w.t.Fatalf("search %q as %s: %v", q.Text, user, err)
	}
	return res
}

func numbers(res *search.Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Number)
	}
	return out
}

func applicant(name, id, phone string) cases.PartyInput {
	return cases.PartyInput{Role: cases.PartyApplicant, Name: name, IDNumber: id, Phone: phone}
}

func respondent(name string) cases.PartyInput {
	return cases.PartyInput{Role: cases.PartyRespondent, Name: name}
}

// three realistic cases that share little but the centre.
func (w *world) seed() (wage, leak, dowry string) {
	wage = w.intake("拖欠工资纠纷", "labor", "长安镇",
		"申请人在被申请人承建的安置房工地做木工，2026年3月至8月的工资共计12000元至今未付，多次讨要无果。",
		applicant("张建国", "11010519491231002X", "13857312345"), respondent("海宁某某建筑有限公司"))
	leak = w.intake("楼上卫生间漏水", "neighbour", "硖石街道",
		"申请人家中卫生间天花板持续渗水发霉，系楼上602室卫生间防水层破损所致，对方拖延不修。",
		applicant("李秀英", "", "13900001111"), respondent("毛建伟"))
	dowry = w.intake("婚约财产纠纷", "marriage_family", "许村镇",
		"双方经人介绍订婚，申请人按当地习俗给付彩礼八万八千元，后女方提出解除婚约，申请人要求返还彩礼。",
		applicant("周小军", "", "13611112222"), respondent("陈某某"))
	w.catchUp()
	return
}

func TestStaffFindCasesByWhatTheyHeard(t *testing.T) {
	w := newWorld(t)
	wage, leak, dowry := w.seed()
	for _, c := range []struct {
		q    string
		want string
	}{
		{"欠薪", wage},   // a synonym of 拖欠工资 / 工资…未付
		{"工资", wage},   // a word in the summary
		{"楼上漏水", leak}, // words apart in the text: 楼上 … 漏水 via 渗水 synonym
		{"彩礼", dowry},  // a word
		{"张建国", wage},  // a party's full name
		{"张", wage},    // a surname alone
		{"2345", wage}, // a phone's tail
		{"13900001111", leak},
		{"11010519491231002X", wage},
		{strings.ToLower(wage), wage}, // a case number as typed
		{wage[len(wage)-5:], wage},    // its tail off the receipt
		{"硖石街道", leak},
		{"木工 长安镇", wage}, // two terms, both required
	} {
		res := w.search("intake", search.Query{Text: c.q})
		got := numbers(res)
		if len(got) == 0 || got[0] != c.want {
			t.Errorf("%q: got %v, want %s first", c.q, got, c.want)
		}
	}
	// Two words from different cases: each case has one, so both show
	// (a one-word miss ranks lower, never empties the page), and each says
	// which word it lacks.
	res := w.search("intake", search.Query{Text: "木工 硖石街道"})
	if got := numbers(res); len(got) != 2 || res.Total != 2 {
		t.Errorf("木工 硖石街道: got %v (total %d), want both cases, each with one word", got, res.Total)
	}
	for _, h := range res.Hits {
		if !slices.ContainsFunc(h.Why, func(s string) bool { return strings.HasPrefix(s, "未含：") }) {
			t.Errorf("%s: why %v does not say which word it lacks", h.Number, h.Why)
		}
	}
}

func TestSearchIsFilteredByWhatTheViewerMaySee(t *testing.T) {
	w := newWorld(t)
	wage, _, _ := w.seed()
	if _, err := w.svc.Do(w.ctx, w.actors["intake"], wage, cases.ActionRequest{Action: "route", Desk: "mediation"}); err != nil {
		t.Fatal(err)
	}
	w.catchUp()
	if got := numbers(w.search("mediation", search.Query{Text: "工资"})); len(got) != 1 || got[0] != wage {
		t.Fatalf("the mediation desk holds %s but found %v", wage, got)
	}
	if res := w.search("petition", search.Query{Text: "工资"}); res.Total != 0 || len(res.Hits) != 0 {
		t.Fatalf("petition may not see %s, found %d %v", wage, res.Total, numbers(res))
	}
	if res := w.search("admin", search.Query{Text: "工资"}); len(res.Hits) != 0 {
		t.Fatalf("admin sees no cases, found %v", numbers(res))
	}
	if res := w.search("leader", search.Query{}); res.Total != 3 {
		t.Fatalf("the leader lists all 3 cases with an empty query, got %d", res.Total)
	}
}

func TestTimelineTextIsSearchableAndHighlighted(t *testing.T) {
	w := newWorld(t)
	_, leak, _ := w.seed()
	if _, err := w.svc.Do(w.ctx, w.actors["intake"], leak, cases.ActionRequest{Action: "route", Desk: "mediation"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Do(w.ctx, w.actors["mediation"], leak, cases.ActionRequest{Action: "notes", Body: "已约物业<script>经理</script>周三到现场查看防水层"}); err != nil {
		t.Fatal(err)
	}
	w.catchUp()
	res := w.search("mediation", search.Query{Text: "物业经理"})
	if len(res.Hits) != 1 || res.Hits[0].Number != leak {
		t.Fatalf("a note's words found %v", numbers(res))
	}
	res = w.search("mediation", search.Query{Text: "防水层"})
	joined := strings.Join(res.Hits[0].Highlights, " ")
	if !strings.Contains(joined, "<mark>防水层</mark>") {
		t.Fatalf("highlights do not mark the match: %q", joined)
	}
	if strings.Contains(joined, "script>") || !strings.Contains(joined, "&lt;/script&gt;") {
		t.Fatalf("highlights are not escaped: %q", joined)
	}
}

func TestFiltersAndFacets(t *testing.T) {
	w := newWorld(t)
	wage, _, _ := w.seed()
	res := w.search("leader", search.Query{Category: "labor"})
	if got := numbers(res); len(got) != 1 || got[0] != wage {
		t.Fatalf("category filter: %v", got)
	}
	res = w.search("leader", search.Query{})
	if fs := res.Facets["category"]; len(fs) != 3 {
		t.Fatalf("category facet: %v", fs)
	}
	if fs := res.Facets["status"]; len(fs) != 1 || fs[0].Value != "registered" || fs[0].Count != 3 {
		t.Fatalf("status facet: %v", fs)
	}
	today := time.Now()
	res = w.search("leader", search.Query{From: today.Add(24 * time.Hour)})
	if res.Total != 0 {
		t.Fatalf("from tomorrow found %d", res.Total)
	}
}

func TestBadQueriesGetAClearErrorOrNothing(t *testing.T) {
	w := newWorld(t)
	w.seed()
	for _, q := range []string{"!!!", "“”", "\"", "*", "😀", "'; DROP TABLE cases; --", "((("} {
		res, err := w.ix.Search(w.ctx, w.actors["intake"], search.Query{Text: q}, w.svc)
		if err != nil {
			if e := cases.ErrorOf(err); e == nil || e.Kind != cases.KindInvalid {
				t.Errorf("%q: %v", q, err)
			}
			continue
		}
		if q != "'; DROP TABLE cases; --" && len(res.Hits) != 0 {
			t.Errorf("%q matched %v", q, numbers(res))
		}
	}
	for _, q := range []search.Query{
		{Text: strings.Repeat("欠", 10000)},
		{Page: -1}, {Page: 1 << 30}, {PerPage: 1000},
		{Text: strings.Repeat("a ", 50)},
	} {
		_, err := w.ix.Search(w.ctx, w.actors["intake"], q, w.svc)
		if e := cases.ErrorOf(err); e == nil || e.Kind != cases.KindInvalid {
			t.Errorf("%+.40v: want a clear invalid error, got %v", q, err)
		}
	}
}

func TestACorruptIndexIsRebuiltNotFatal(t *testing.T) {
	w := newWorld(t)
	wage, _, _ := w.seed()
	dir := t.TempDir() + "/index"
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	// Tear the index: its metadata replaced by garbage.
	if err := writeFile(dir+"/index_meta.json", "{not json"); err != nil {
		t.Fatal(err)
	}
	ix, err = search.Open(dir)
	if err != nil {
		t.Fatalf("a torn index must be rebuilt, got %v", err)
	}
	defer ix.Close()
	if ix.LastSeq() != 0 {
		t.Fatalf("rebuilt index starts at seq %d", ix.LastSeq())
	}
	if _, err := ix.CatchUp(w.ctx, w.svc); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(w.ctx, w.actors["intake"], search.Query{Text: "木工"}, w.svc)
	if err != nil || len(res.Hits) != 1 || res.Hits[0].Number != wage {
		t.Fatalf("after rebuild: %v %v", err, res)
	}
}

func TestRebuildIndexesEveryCaseInParallelBatches(t *testing.T) {
	w := newWorld(t)
	w.seed()
	const extra = 2500 // several batches for the parallel workers
	for i := 0; i < extra; i++ {
		w.intake("物业费纠纷", "property_mgmt", "海洲街道", "业主拖欠物业管理费两年，物业公司多次催缴未果。",
			applicant("业主", "", ""), respondent("某物业公司"))
	}
	parent := t.TempDir()
	dir := parent + "/index"
	var last int
	if err := search.Rebuild(w.ctx, w.svc, dir, func(done int) { last = done }); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(parent); len(left) != 1 {
		t.Fatalf("the rebuild left %v beside the index", left)
	}
	if last != extra+3 {
		t.Fatalf("progress ended at %d, want %d", last, extra+3)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	want, _ := w.svc.LastEventSeq(w.ctx)
	if ix.DocCount() != extra+3 || ix.LastSeq() != want {
		t.Fatalf("rebuilt index holds %d cases up to seq %d, want %d up to %d", ix.DocCount(), ix.LastSeq(), extra+3, want)
	}
	if n, _ := ix.CatchUp(w.ctx, w.svc); n != 0 {
		t.Fatalf("a fresh rebuild still had %d cases to catch up", n)
	}
	res, err := ix.Search(w.ctx, w.actors["leader"], search.Query{Text: "物业费"}, w.svc)
	if err != nil || res.Total != extra || res.Facets["town"][0] != (search.Facet{Value: "海洲街道", Count: extra}) {
		t.Fatalf("search after the rebuild: %v %+v", err, res)
	}
}

func TestRebuildWithNoCasesMakesAnEmptyIndex(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir() + "/index"
	if err := search.Rebuild(w.ctx, w.svc, dir, nil); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.DocCount() != 0 || ix.LastSeq() != 0 {
		t.Fatalf("empty rebuild: %d cases, seq %d", ix.DocCount(), ix.LastSeq())
	}
	w.seed()
	if n, err := ix.CatchUp(w.ctx, w.svc); err != nil || n != 3 {
		t.Fatalf("catch-up after an empty rebuild: %d %v", n, err)
	}
}

// The total and the facets come from a second search written for counting
// (conjunctions and unions where the page's search has disjunctions with a
// minimum): it must find exactly the page's documents. Each case has one
// status, town, category and month, so each of those facets adds up to the
// total, and the town facet counts what the hits' cases say.
func TestFacetsCountExactlyThePageSearchesDocuments(t *testing.T) {
	w := newWorld(t)
	w.seed()
	texts := []string{
		"楼上漏水", "拖欠工资", "卫生间渗水发霉", "工资共计", "彩礼 订婚 返还", "长安镇 木工 工资", "漏水 宿舍 工资 老板",
		"欠薪", "拒不支付劳动报酬", "张建国 工资", "楼上 漏水 发霉 防水 拖延",
	}
	for i, town := range []string{"长安镇", "许村镇", "硖石街道"} {
		for j := 0; j < 15; j++ {
			w.intake("劳资纠纷", "labor", town, []string{
				"老板拖欠工资三个月，工人多次讨薪未果，楼上宿舍还漏水。",
				"装修队包工头跑路，工钱没发，拒不支付劳动报酬。",
				"工资拖欠一年，申请人订婚急需用钱，要求返还押金八万。",
			}[(i+j)%3], applicant("工人", "", ""), respondent("某公司"))
		}
		w.catchUp() // a segment each: the facets are read across segments
	}
	for _, q := range texts {
		res, err := w.ix.Search(w.ctx, w.actors["leader"], search.Query{Text: q, PerPage: 100}, w.svc)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		for _, facet := range []string{"status", "town", "category", "month"} {
			sum := 0
			for _, f := range res.Facets[facet] {
				sum += f.Count
			}
			if uint64(sum) != res.Total || len(res.Hits) != int(res.Total) {
				t.Errorf("%q: total %d, %d hits, %s facets add up to %d", q, res.Total, len(res.Hits), facet, sum)
			}
		}
		towns := map[string]int{}
		for _, h := range res.Hits {
			c, err := w.svc.Case(w.ctx, w.actors["leader"], h.Number)
			if err != nil {
				t.Fatal(err)
			}
			towns[c.Town]++
		}
		for _, f := range res.Facets["town"] {
			if towns[f.Value] != f.Count {
				t.Errorf("%q: town facet %s=%d, the hits hold %d", q, f.Value, f.Count, towns[f.Value])
			}
		}
		if res.Total == 0 {
			t.Errorf("%q found nothing", q)
		}
	}
}

// Issue 14: what the counter types finds the case although the file says it
// otherwise, a hit lacking a word ranks below those with all, the category's
// name is searched, and every hit says why.
func TestSearchFindsWhatTheCounterTypesAndSaysWhy(t *testing.T) {
	w := newWorld(t)
	wage, leak, dowry := w.seed()
	lost := w.intake("快递件遗失", "consumer", "长安镇",
		"申请人通过被申请人寄出茶叶一箱，物流显示已签收，收件人称未收到，包裹遗失，被申请人只愿按运费赔偿。",
		applicant("吴德兴", "", "13700000724"), respondent("长安捷运快递服务部"))
	w.catchUp()
	for _, c := range []struct {
		q, want, why string
	}{
		// Everyday word, file's word (built-in vocabulary): 工钱 → 工资.
		{"工钱", wage, "“工钱” → 工资（近义词，"},
		// 丢失 is not in the text (遗失 is): the case still shows.
		{"快递 丢失", lost, "“丢失” → "},
		// The category's name, which its text never says.
		{"消费纠纷", lost, "“消费纠纷”（类别）"},
		{"婚姻家庭", dowry, "“婚姻家庭”（类别）"},
		// A phone's last four digits say whose.
		{"0724", lost, "电话尾号 0724 · 申请人 吴德兴"},
	} {
		res := w.search("intake", search.Query{Text: c.q})
		if len(res.Hits) == 0 || res.Hits[0].Number != c.want {
			t.Errorf("%q: got %v, want %s first", c.q, numbers(res), c.want)
			continue
		}
		if !slices.ContainsFunc(res.Hits[0].Why, func(s string) bool { return strings.HasPrefix(s, c.why) }) {
			t.Errorf("%q: why %v, want a line starting %q", c.q, res.Hits[0].Why, c.why)
		}
	}
	// Literal matches rank above expansions: 漏水 is in the leak case's
	// title; the vocabulary's 渗水 is in the wage case nowhere, and a case
	// holding only a related word ranks below.
	other := w.intake("厨房渗水", "neighbour", "长安镇", "楼上厨房渗水。", applicant("钱一", "", "13500001234"))
	w.catchUp()
	res := w.search("intake", search.Query{Text: "漏水"})
	if got := numbers(res); len(got) < 2 || got[0] != leak || !slices.Contains(got, other) {
		t.Errorf("漏水: got %v, want %s (literal) first and %s (渗水) after", got, leak, other)
	}
	// The total counts what the pages show: with partial matches too.
	res = w.search("intake", search.Query{Text: "快递 木工"})
	if got := numbers(res); res.Total != uint64(len(got)) || len(got) != 2 {
		t.Errorf("快递 木工: total %d, hits %v: want both cases counted and shown", res.Total, got)
	}
}

// The built-in vocabulary (vocab.txt) and thesaurus (thesaurus.txt) cost
// little to hold and to load: issue 14 allows ~50 MiB and a few seconds.
func TestBuiltinVocabularyIsSmall(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	domain, general := search.LoadBuiltinVocab()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	bytes := after.TotalAlloc - before.TotalAlloc
	t.Logf("vocabulary: %d domain words, %d thesaurus words; loaded in %s, %d KiB allocated", domain, general, took, bytes/1024)
	if domain < 300 || general < 300 {
		t.Errorf("vocabulary too small: %d domain words, %d thesaurus words", domain, general)
	}
	if bytes > 50<<20 || took > 2*time.Second {
		t.Errorf("vocabulary load: %d bytes, %s", bytes, took)
	}
}
