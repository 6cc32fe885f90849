package views_test

import (
	"fmt"
	"testing"

	"yidi/cmd/yidi/lab"
	"yidi/internal/shareddata"
)

// Similar cases measured as the outside harness of issue 14 measures them:
// every text of the CAIL2019-SCM dev triplets (750, repeats included) is
// registered through POST /api/v1/cases, and for each triplet GET
// /api/v1/cases/{A}/related?limit=50 is asked; B's case listed above C's
// scores 1 (a case not listed ranks below every listed one), neither listed
// ½. `yidi bench similar` prints the same figures by part (lab.EvaluateSCMServed).
func TestRelatedOrdersSCMTripletsThroughTheAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("registers 750 cases")
	}
	trips, err := lab.ReadSCM(shareddata.File(t, shareddata.SCM))
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t)
	numbers := make([][3]string, len(trips))
	for i, tr := range trips {
		for j, text := range tr {
			body := map[string]any{"title": "民间借贷纠纷", "category": "loan_contract", "summary": text,
				"parties": []map[string]any{{"role": "applicant", "name": fmt.Sprintf("申请人%d", 3*i+j)}}}
			numbers[i][j] = ts.intake(body)["number"].(string)
		}
	}
	ts.catchUp()

	if status, body := ts.call("GET", "/api/v1/cases/"+numbers[0][0]+"/related?limit=51", "leader", nil); status != 400 || errorCode(body) != "invalid_limit" {
		t.Fatalf("limit=51: %d %v (want 400 invalid_limit, not a shortened list)", status, body)
	}
	var score [2]float64
	full := 0
	for i, n := range numbers {
		status, body := ts.call("GET", "/api/v1/cases/"+n[0]+"/related?limit=50", "leader", nil)
		if status != 200 {
			t.Fatalf("related %s: %d %v", n[0], status, body)
		}
		similar := body["similar"].([]any)
		if len(similar) > 50 {
			t.Fatalf("limit=50 answered %d", len(similar))
		}
		if len(similar) == 50 {
			full++
		}
		rb, rc := -1, -1
		for r, s := range similar {
			switch s.(map[string]any)["number"] {
			case n[1]:
				rb = r
			case n[2]:
				rc = r
			}
		}
		part := 0
		if i >= (len(numbers)+1)/2 {
			part = 1
		}
		switch {
		case rb < 0 && rc < 0:
			score[part] += 0.5
		case rb >= 0 && (rc < 0 || rb < rc):
			score[part]++
		}
	}
	half := (len(numbers) + 1) / 2
	tuning, test := score[0]/float64(half), score[1]/float64(len(numbers)-half)
	t.Logf("SCM through /related, top 50 of %d cases: tuning %.3f, test %.3f; %d of %d lists full",
		3*len(numbers), tuning, test, full, len(numbers))
	if full < len(numbers)*9/10 {
		t.Errorf("only %d of %d lists hold 50 cases: a cut drops cases among 750 loan disputes", full, len(numbers))
	}
	// The floor is the measured figure less noise; the goal is 0.65 (docs/search.md says why it is not reached).
	if tuning < 0.53 || test < 0.53 {
		t.Errorf("SCM through /related: tuning %.3f, test %.3f, want ≥ 0.53", tuning, test)
	}
}
