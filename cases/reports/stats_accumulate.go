package reports

// Statistics, step 2: each case of the scan counted into its groups.

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"yidi/cases"
)

// statsKey is the part of a case the statistics group by: a row of
// stats_keys (migration 00014), which case_stats names by its id, so a
// number crosses from SQLite for each case instead of five strings.
type statsKey struct {
	status                        cases.Status
	desk, category, closure, town string
	closureIdx                    int // in StatsClosureTypes, -1 for none of them
	open                          bool
	match                         bool         // passes the filter
	accs                          [4]*statsAcc // total, desk, category, town
}

// statsAcc accumulates the figures of one slice.
type statsAcc struct {
	received                int
	closed                  int
	byType                  []int // by index in StatsClosureTypes
	onTime, onTimeKnown     int
	ratings, satisfied      int
	scoreSum                int64
	days                    []float64 // to close, ascending (finish)
	reopen90, reopen90Den   int
	reopen180, reopen180Den int
	repeat90, repeat90Den   int
	repeat180, repeat180Den int
	open, overdue           int
	hasOpen                 bool
}

func newAcc(hasOpen bool) *statsAcc {
	return &statsAcc{byType: make([]int, len(StatsClosureTypes)), hasOpen: hasOpen}
}

// closureIndex is t's index in StatsClosureTypes ("" is unspecified), -1
// for a type statistics do not show.
func closureIndex(t string) int {
	if t == "" {
		t = ClosureUnspecified
	}
	return slices.Index(StatsClosureTypes, t)
}

// statsAccumulator counts the cases of one statistics query into groups.
type statsAccumulator struct {
	p                              Period
	f                              StatsFilter
	now                            time.Time
	nowJD, startJD, endJD, laterJD float64
	in                             *statsInput

	total                          *statsAcc
	byMonth, byDesk, byCat, byTown map[string]*statsAcc
	// Every day counted into a month lies in the period: China-time day
	// number − firstDay → its month's group.
	months   []*statsAcc
	firstDay int
	// The key ids are small and dense: a slice finds them quicker than
	// the map.
	keyAt      []*statsKey
	rereadKeys func() (map[int64]*statsKey, error) // nil once used
	// Case ids are dense: a bit per id says which were ever reopened
	// quicker than the map.
	isReopened []bool

	// Closed cases of the period wait for the returning applicants: their
	// groups, and the smallest gap after closing at which one came back.
	pending []pendingRepeat
	// The applicants of each closed case of the period, at its close.
	closes []closedApplicant
	// Every applicant's intakes (cases not declined).
	intakes []intake
}

type pendingRepeat struct {
	id     int64
	closed float64
	days   float64
	gap    float64
	accs   [5]*statsAcc // total, desk, category, town, month
}

type closedApplicant struct {
	person  int64
	pending int // index in pending
}

func newStatsAccumulator(p Period, f StatsFilter, now time.Time, in *statsInput, rereadKeys func() (map[int64]*statsKey, error)) *statsAccumulator {
	x := &statsAccumulator{p: p, f: f, now: now, in: in, rereadKeys: rereadKeys,
		nowJD: timeJD(now), startJD: timeJD(p.start), endJD: timeJD(p.end), laterJD: timeJD(p.end.AddDate(0, 0, 181)),
		total: newAcc(true), byMonth: map[string]*statsAcc{}, byDesk: map[string]*statsAcc{}, byCat: map[string]*statsAcc{}, byTown: map[string]*statsAcc{}}
	x.firstDay = chinaDay(x.startJD)
	x.months = make([]*statsAcc, chinaDay(x.endJD)-x.firstDay+1)
	x.useKeys(in.keys)
	x.isReopened = make([]bool, max(in.maxID+1, 0))
	for id := range in.reopened {
		if id >= 0 && id < int64(len(x.isReopened)) {
			x.isReopened[id] = true
		}
	}
	n := 0
	for _, part := range in.parts {
		n += len(part)
	}
	x.pending = make([]pendingRepeat, 0, n)
	x.closes = make([]closedApplicant, 0, n)
	x.intakes = make([]intake, 0, n)
	return x
}

// chinaDay is the number of the China-time day of jd.
func chinaDay(jd float64) int { return int(math.Floor(jd + 0.5 + 8.0/24)) }

func group(m map[string]*statsAcc, k string, hasOpen bool) *statsAcc {
	a := m[k]
	if a == nil {
		a = newAcc(hasOpen)
		m[k] = a
	}
	return a
}

// monthOf is the group of the month of jd.
func (x *statsAccumulator) monthOf(jd float64) *statsAcc {
	day := chinaDay(jd) - x.firstDay
	if day < 0 || day >= len(x.months) {
		return group(x.byMonth, jdTime(jd).In(cases.ChinaZone).Format("2006-01"), false)
	}
	a := x.months[day]
	if a == nil {
		a = group(x.byMonth, jdTime(jd).In(cases.ChinaZone).Format("2006-01"), false)
		x.months[day] = a
	}
	return a
}

// useKeys prepares the keys: what they are, whether they pass the filter
// and their groups.
func (x *statsAccumulator) useKeys(raw map[int64]*statsKey) {
	x.in.keys, x.keyAt = raw, nil
	var maxKey int64
	f := x.f
	open := cases.OpenStatuses()
	for id, k := range raw {
		maxKey = max(maxKey, id)
		k.closureIdx = closureIndex(k.closure)
		k.open = slices.Contains(open, k.status)
		k.match = (f.Desk == "" || f.Desk == k.desk) && (f.Category == "" || f.Category == k.category) && (f.Town == "" || f.Town == k.town)
		if k.match {
			k.accs = [4]*statsAcc{x.total, group(x.byDesk, k.desk, true), group(x.byCat, k.category, true), group(x.byTown, k.town, true)}
		}
	}
	if maxKey < 1<<20 {
		x.keyAt = make([]*statsKey, maxKey+1)
		for id, k := range raw {
			x.keyAt[id] = k
		}
	}
}

func (x *statsAccumulator) keyOf(id int64) (*statsKey, error) {
	var k *statsKey
	if id >= 0 && id < int64(len(x.keyAt)) {
		k = x.keyAt[id]
	} else {
		k = x.in.keys[id]
	}
	if k == nil && x.rereadKeys != nil {
		// A key added while the scan ran (keys are only ever added): read
		// them again, once.
		raw, err := x.rereadKeys()
		x.rereadKeys = nil
		if err != nil {
			return nil, err
		}
		x.useKeys(raw)
		return x.keyOf(id)
	}
	if k == nil {
		return nil, fmt.Errorf("store: statistics key %d is missing", id)
	}
	return k, nil
}

// add counts one case of the scan.
func (x *statsAccumulator) add(row *statsRow) error {
	id, created := row.id, row.created
	k, err := x.keyOf(row.flags.key())
	if err != nil {
		return err
	}
	var ri *reopenInfo
	if id >= 0 && id < int64(len(x.isReopened)) && x.isReopened[id] {
		ri = x.in.reopened[id]
	}
	closedIn := row.closed != 0 && row.closed >= x.startJD && row.closed < x.endJD
	if !(created >= x.startJD && created < x.laterJD || closedIn || k.open || ri != nil) {
		return nil // not touched by the period
	}
	var one [1]int64
	var applicants []int64
	switch {
	case row.applicant > 0:
		one[0] = row.applicant
		applicants = one[:]
	case row.applicant < 0:
		applicants = x.in.applicants[id]
	}
	// A merged case is the same dispute as its survivor: one intake, one
	// received, never closed on its own (links.go).
	if k.status != cases.StatusDeclined && k.status != cases.StatusMerged {
		for _, person := range applicants {
			x.intakes = append(x.intakes, intake{person, created})
		}
	}
	if !k.match {
		return nil
	}
	accs := k.accs
	if created >= x.startJD && created < x.endJD && k.status != cases.StatusSubmitted && k.status != cases.StatusDeclined && k.status != cases.StatusMerged {
		for _, a := range accs {
			a.received++
		}
		x.monthOf(created).received++
	}
	if k.status == cases.StatusClosed && closedIn {
		pr := pendingRepeat{id: id, closed: row.closed, days: row.closed - created, gap: math.Inf(1)}
		copy(pr.accs[:], accs[:])
		pr.accs[4] = x.monthOf(row.closed)
		for _, a := range pr.accs {
			a.addClosed(k.closureIdx, row.flags.onTime(), row.flags.score())
		}
		x.pending = append(x.pending, pr)
		for _, person := range applicants {
			x.closes = append(x.closes, closedApplicant{person, len(x.pending) - 1})
		}
	}
	var firstClose, firstReopen *float64
	if row.closed != 0 {
		firstClose = &row.closed
	}
	if ri != nil {
		firstClose, firstReopen = ri.firstClose, ri.firstReopen
	}
	if firstClose != nil && *firstClose >= x.startJD && *firstClose < x.endJD {
		for _, a := range accs {
			a.addReopen(*firstClose, firstReopen, x.nowJD)
		}
		x.monthOf(*firstClose).addReopen(*firstClose, firstReopen, x.nowJD)
	}
	if k.open {
		overdue := row.flags.pastDeadline() || x.in.red[id]
		for _, a := range accs {
			a.open++
			if overdue {
				a.overdue++
			}
		}
	}
	return nil
}

// finish looks, for each closed case of the period, for its applicant's
// return: a later intake of the same person, or a visit on the case.
func (x *statsAccumulator) finish() error {
	// The intakes grouped by applicant, each close looking through its
	// applicant's few.
	byPerson := groupIntakes(x.intakes)
	for _, c := range x.closes {
		pr := &x.pending[c.pending]
		for _, at := range byPerson.of(c.person) {
			pr.cameBack(at)
		}
	}
	if err := x.in.waitVisits(); err != nil {
		return err
	}
	// Visits after closing: pending is in case order.
	for id, visits := range x.in.visits {
		i, ok := slices.BinarySearchFunc(x.pending, id, func(pr pendingRepeat, id int64) int { return cmp.Compare(pr.id, id) })
		for ; ok && i < len(x.pending) && x.pending[i].id == id; i++ {
			for _, v := range visits {
				x.pending[i].cameBack(v)
			}
		}
	}
	for _, pr := range x.pending {
		for _, a := range pr.accs {
			a.addRepeat(pr.closed, pr.gap, x.nowJD)
		}
	}
	// Days to close: sorted once, then handed to each group in that order,
	// so every group's list is sorted (figures reads p90 off it).
	type closedDays struct {
		days    float64
		pending int32
	}
	order := make([]closedDays, len(x.pending))
	for i, pr := range x.pending {
		order[i] = closedDays{pr.days, int32(i)}
		for _, a := range pr.accs {
			if a.days == nil {
				a.days = make([]float64, 0, a.closed)
			}
		}
	}
	slices.SortFunc(order, func(a, b closedDays) int { return cmp.Compare(a.days, b.days) })
	for _, o := range order {
		for _, a := range x.pending[o.pending].accs {
			a.days = append(a.days, o.days)
		}
	}
	return nil
}

// cameBack notes a return of the applicant at jd.
func (pr *pendingRepeat) cameBack(jd float64) {
	if jd > pr.closed && jd-pr.closed < pr.gap {
		pr.gap = jd - pr.closed
	}
}

// intake is an applicant of a case (not declined) at its intake.
type intake struct {
	person int64
	at     float64
}

// intakeIndex groups intake times by applicant.
type intakeIndex struct {
	// dense[p] to dense[p+1] are p's intakes in at, when person ids are
	// dense enough for a counting sort (they are a table's row ids).
	dense []int32
	at    []float64
	// Otherwise the intakes sorted by person.
	sorted []intake
}

func groupIntakes(in []intake) *intakeIndex {
	var maxPerson int64
	for _, x := range in {
		if x.person < 0 {
			maxPerson = -1
			break
		}
		maxPerson = max(maxPerson, x.person)
	}
	if maxPerson < 0 || maxPerson > 8*int64(len(in))+1<<16 {
		sorted := slices.Clone(in)
		slices.SortFunc(sorted, func(a, b intake) int { return cmp.Compare(a.person, b.person) })
		return &intakeIndex{sorted: sorted}
	}
	dense := make([]int32, maxPerson+2)
	for _, x := range in {
		dense[x.person+1]++
	}
	for p := 1; p < len(dense); p++ {
		dense[p] += dense[p-1]
	}
	at := make([]float64, len(in))
	next := slices.Clone(dense[:len(dense)-1])
	for _, x := range in {
		at[next[x.person]] = x.at
		next[x.person]++
	}
	return &intakeIndex{dense: dense, at: at}
}

// of answers the intake times of person, in no particular order.
func (x *intakeIndex) of(person int64) []float64 {
	if x.dense != nil {
		if person < 0 || person+1 >= int64(len(x.dense)) {
			return nil
		}
		return x.at[x.dense[person]:x.dense[person+1]]
	}
	i, _ := slices.BinarySearchFunc(x.sorted, person, func(e intake, p int64) int { return cmp.Compare(e.person, p) })
	var out []float64
	for ; i < len(x.sorted) && x.sorted[i].person == person; i++ {
		out = append(out, x.sorted[i].at)
	}
	return out
}

// addClosed counts a closed case (finish adds its days to close, in
// order): closure is its type's index in StatsClosureTypes (-1: none of
// them); onTime one of onTimeUnknown, onTimeLate, onTimeYes; score its
// rating, 0 without one.
func (a *statsAcc) addClosed(closure int, onTime, score int64) {
	a.closed++
	if closure >= 0 {
		a.byType[closure]++
	}
	if onTime != onTimeUnknown {
		a.onTimeKnown++
		if onTime == onTimeYes {
			a.onTime++
		}
	}
	if score != 0 {
		a.ratings++
		a.scoreSum += score
		if score >= 4 {
			a.satisfied++
		}
	}
}

// addRepeat counts a closed case into the repeat-visit cohorts whose window
// has elapsed; gap is the smallest gap after closing at which its applicant
// came back (+Inf: never).
func (a *statsAcc) addRepeat(closed, gap, nowJD float64) {
	for _, w := range []struct {
		days     float64
		num, den *int
	}{{90, &a.repeat90, &a.repeat90Den}, {180, &a.repeat180, &a.repeat180Den}} {
		if closed+w.days <= nowJD {
			*w.den++
			if gap <= w.days {
				*w.num++
			}
		}
	}
}

func (a *statsAcc) addReopen(firstClose float64, firstReopen *float64, nowJD float64) {
	for _, w := range []struct {
		days     float64
		num, den *int
	}{{90, &a.reopen90, &a.reopen90Den}, {180, &a.reopen180, &a.reopen180Den}} {
		if firstClose+w.days <= nowJD {
			*w.den++
			if firstReopen != nil && *firstReopen-firstClose <= w.days {
				*w.num++
			}
		}
	}
}
