package cases_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"yidi/cases"
	"yidi/internal/testdb"
)

func openImportService(t *testing.T) *cases.Service {
	t.Helper()
	engine, dsn := testdb.Config(t)
	s, err := cases.OpenDatabase(context.Background(), cases.Database{Dir: t.TempDir(), Engine: engine, DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return cases.NewService(s)
}

var importZone = time.FixedZone("CST", 8*3600)

func historicalWageCase() cases.HistoricalCase {
	return cases.HistoricalCase{
		Ref:      "test:wages-1",
		Title:    "追索劳动报酬纠纷",
		Category: "labor",
		Summary:  "原告曹0在被告某某建筑公司工地务工，被告拖欠工资12000元至今未付。",
		Parties: []cases.PartyInput{
			{Role: cases.PartyApplicant, Name: "曹0"},
			{Role: cases.PartyRespondent, Name: "某某建筑公司"},
		},
		At:       time.Date(2019, 3, 5, 9, 30, 0, 0, importZone),
		ClosedAt: time.Date(2019, 4, 18, 16, 0, 0, 0, importZone),
		Outcome:  "法院判决被告支付拖欠工资",
		Note:     "已审结，工资已付清",
	}
}

func TestImportHistoricalCreatesAClosedCaseWithItsPartiesAndTwoEvents(t *testing.T) {
	ctx := context.Background()
	svc := openImportService(t)
	var woken atomic.Int32
	svc.OnCommit(func() { woken.Add(1) })
	h := historicalWageCase()

	number, created, err := svc.ImportHistorical(ctx, cases.SystemActor, h)
	if err != nil || !created {
		t.Fatalf("import: %q created=%v err=%v", number, created, err)
	}
	if number != "YD-2019-00001" {
		t.Fatalf("number %s, want the first of 2019, the year it was registered", number)
	}
	if woken.Load() != 1 {
		t.Fatalf("commit listeners woken %d times, want 1 (the search index must see the import)", woken.Load())
	}

	c, err := svc.Case(ctx, cases.SystemActor, number)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != cases.StatusClosed || c.Desk != "litigation" || c.Outcome != h.Outcome || c.Deadline != nil {
		t.Fatalf("case: status %s desk %s outcome %q deadline %v", c.Status, c.Desk, c.Outcome, c.Deadline)
	}
	if !c.CreatedAt.Equal(h.At) || c.ClosedAt == nil || !c.ClosedAt.Equal(h.ClosedAt) {
		t.Fatalf("case times: created %v closed %v", c.CreatedAt, c.ClosedAt)
	}
	if c.Source != "referral" || c.Title != h.Title || c.Summary != h.Summary {
		t.Fatalf("case fields: %+v", c)
	}
	if len(c.Parties) != 2 ||
		c.Parties[0].Role != cases.PartyApplicant || c.Parties[0].Name != "曹0" || c.Parties[0].Kind != cases.PersonIndividual ||
		c.Parties[1].Role != cases.PartyRespondent || c.Parties[1].Name != "某某建筑公司" || c.Parties[1].Kind != cases.PersonOrganisation {
		t.Fatalf("parties: %+v", c.Parties)
	}

	events, err := svc.Timeline(ctx, cases.SystemActor, number)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("%d events, want intake and close", len(events))
	}
	in, cl := events[0], events[1]
	if in.Kind != cases.EventIntake || !in.At.Equal(h.At) || in.ActorName != "历史数据导入" || in.Desk != "" {
		t.Fatalf("intake event: %+v", in)
	}
	if cl.Kind != cases.EventClose || !cl.At.Equal(h.ClosedAt) || cl.ActorName != "历史数据导入" ||
		cl.Desk != "litigation" || cl.DeskName != "诉讼服务" || cl.Body != h.Note {
		t.Fatalf("close event: %+v", cl)
	}

	// The settling desk's handlers may read it, as they would a case they closed.
	handler := cases.Actor{UserID: 999, Role: cases.RoleHandler, Desk: "litigation"}
	if _, err := svc.Case(ctx, handler, number); err != nil {
		t.Fatalf("litigation handler cannot read the imported case: %v", err)
	}
	// The account behind SystemActor cannot sign in.
	if _, err := svc.Authenticate(ctx, cases.SystemActor.Username, "!"); err == nil {
		t.Fatal("the import account signs in")
	}
	// The search feed sees the case with its closing note and desk.
	docs, _, err := svc.ChangesAfter(ctx, 0, nil, 100)
	if err != nil || len(docs) != 1 || docs[0].Number != number || len(docs[0].Notes) != 1 ||
		docs[0].Notes[0] != h.Note || len(docs[0].PastDesks) != 1 {
		t.Fatalf("feed: %+v %v", docs, err)
	}
}

func TestImportHistoricalTwiceIsANoOp(t *testing.T) {
	ctx := context.Background()
	svc := openImportService(t)
	var woken atomic.Int32
	svc.OnCommit(func() { woken.Add(1) })
	h := historicalWageCase()
	first, _, err := svc.ImportHistorical(ctx, cases.SystemActor, h)
	if err != nil {
		t.Fatal(err)
	}
	seq, _ := svc.LastEventSeq(ctx)

	h.Title = "换了标题也还是同一件" // the reference decides, not the content
	again, created, err := svc.ImportHistorical(ctx, cases.SystemActor, h)
	if err != nil || created || again != first {
		t.Fatalf("re-import: %q created=%v err=%v, want %q not created", again, created, err, first)
	}
	if n, _ := svc.CaseCount(ctx); n != 1 {
		t.Fatalf("%d cases after re-import", n)
	}
	if seq2, _ := svc.LastEventSeq(ctx); seq2 != seq {
		t.Fatalf("re-import appended events: seq %d → %d", seq, seq2)
	}
	if woken.Load() != 1 {
		t.Fatalf("listeners woken %d times, want 1", woken.Load())
	}

	// A different reference is a different case, numbered in its own year.
	h.Ref, h.At, h.ClosedAt = "test:wages-2", time.Date(2021, 12, 31, 23, 0, 0, 0, importZone), time.Time{}
	number, created, err := svc.ImportHistorical(ctx, cases.SystemActor, h)
	if err != nil || !created || number != "YD-2021-00001" {
		t.Fatalf("second case: %q created=%v err=%v", number, created, err)
	}
	c, _ := svc.Case(ctx, cases.SystemActor, number)
	if c.ClosedAt == nil || !c.ClosedAt.Equal(h.At) {
		t.Fatalf("without a close time it closes when registered: %v", c.ClosedAt)
	}
}

func TestImportHistoricalRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	svc := openImportService(t)
	tests := []struct {
		name  string
		edit  func(h *cases.HistoricalCase)
		field string
	}{
		{"EmptyTitle", func(h *cases.HistoricalCase) { h.Title = "  " }, "title"},
		{"EmptySummary", func(h *cases.HistoricalCase) { h.Summary = "" }, "summary"},
		{"EmptyRef", func(h *cases.HistoricalCase) { h.Ref = "" }, "ref"},
		{"UnknownCategory", func(h *cases.HistoricalCase) { h.Category = "piracy" }, "category"},
		{"NoApplicant", func(h *cases.HistoricalCase) { h.Parties = h.Parties[1:] }, "parties"},
		{"NoOutcome", func(h *cases.HistoricalCase) { h.Outcome = "" }, "outcome"},
		{"NoDate", func(h *cases.HistoricalCase) { h.At = time.Time{} }, "at"},
		{"ClosedBeforeRegistered", func(h *cases.HistoricalCase) { h.ClosedAt = h.At.Add(-time.Hour) }, "closed_at"},
		{"UnknownDesk", func(h *cases.HistoricalCase) { h.Desk = "nowhere" }, "desk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := historicalWageCase()
			tt.edit(&h)
			_, created, err := svc.ImportHistorical(ctx, cases.SystemActor, h)
			e := cases.ErrorOf(err)
			if e == nil || e.Kind != cases.KindInvalid || e.Field != tt.field || created {
				t.Fatalf("got %v (created=%v), want an invalid %s", err, created, tt.field)
			}
		})
	}
	if n, _ := svc.CaseCount(ctx); n != 0 {
		t.Fatalf("bad input wrote %d cases", n)
	}

	t.Run("ErrForbidden", func(t *testing.T) {
		for _, a := range []cases.Actor{
			{UserID: 1, Role: cases.RoleIntake},
			{UserID: 2, Role: cases.RoleHandler, Desk: "litigation"},
		} {
			_, _, err := svc.ImportHistorical(ctx, a, historicalWageCase())
			if e := cases.ErrorOf(err); e == nil || e.Kind != cases.KindForbidden {
				t.Fatalf("%s: got %v, want forbidden", a.Role, err)
			}
		}
	})
}
