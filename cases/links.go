package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// 并案 and links (issue 16, item 7). A repeat visit about the same dispute
// must not stay a second case: the window links two cases (the same
// dispute, or related parties), or merges a case into an existing open one.
//
// A merge writes no copy of history: the merged case keeps its events and
// takes the status merged (out of every queue, deadline and figure); the
// surviving case's timeline reads its own events and those of every case
// merged into it (findTimeline), each marked with its case number. Its
// parties join the survivor's (case_parties rows, current state), its
// number answers the survivor (findVisibleCase follows merged_into) and its
// query code opens the survivor's public view (PublicStatus).

// Relations between two linked cases.
const (
	RelationSameDispute = "same_dispute" // 同一纠纷
	RelationRelated     = "related"      // 关联当事人
)

// Relations lists the relations in the order the form offers them.
var Relations = []string{RelationSameDispute, RelationRelated}

var relationLabels = map[string]string{RelationSameDispute: "同一纠纷", RelationRelated: "关联案件"}

// RelationLabel is a relation in words.
func RelationLabel(r string) string { return label(relationLabels, r) }

// Event kinds of links and merges: one on each side.
const (
	EventLink       = "link"
	EventUnlink     = "unlink"
	EventMergedInto = "merged_into" // on the merged case; data {"into"}
	EventMergedFrom = "merged_from" // on the surviving case; data {"from", "parties"}
)

// CaseLink is another case linked with this one. Title and Status are
// given only when the viewer may see that case.
type CaseLink struct {
	Number   string `json:"number"`
	Relation string `json:"relation"`
	Title    string `json:"title,omitempty"`
	Status   Status `json:"status,omitempty"`
	id       int64
}

// LinkInput links the case with another one.
type LinkInput struct {
	Number   string `json:"number"`
	Relation string `json:"relation"`
	Version  *int64 `json:"version"`
}

// MergeInput merges the case into another open case.
type MergeInput struct {
	Into    string `json:"into"`
	Reason  string `json:"reason"`
	Version *int64 `json:"version"`
}

// mayActOn: the window and leaders act on any case; a handler on what the
// desk holds. Linking and merging need it on both cases.
func mayActOn(a Actor, c *Case) bool {
	return a.Role == RoleIntake || a.Role == RoleLeader || holdingDeskHandler(a, c)
}

// linkPair loads the case of number and the other case of a link or merge
// inside tx, checks the reader may see and act on both, and the version.
func linkPair(ctx context.Context, tx querier, a Actor, number, other, field string, version *int64) (*Case, *Case, error) {
	c, err := findCase(ctx, tx, NormalizeCaseNumber(number))
	if err != nil {
		return nil, nil, err
	}
	if !canSee(a, c) {
		return nil, nil, ErrCaseNotFound
	}
	other = NormalizeCaseNumber(other)
	if other == "" {
		return nil, nil, invalid(field, "required", "请填写案件编号")
	}
	if other == c.Number {
		return nil, nil, invalid(field, "same_case", "不能与本案自身关联或并案")
	}
	o, err := findCase(ctx, tx, other)
	if err == ErrCaseNotFound || err == nil && !canSee(a, o) {
		return nil, nil, invalid(field, "unknown_case", fmt.Sprintf("没有编号为“%s”的案件", other))
	}
	if err != nil {
		return nil, nil, err
	}
	if version != nil && *version != c.Version {
		return nil, nil, ErrStaleVersion
	}
	if !mayActOn(a, c) || !mayActOn(a, o) {
		return nil, nil, forbidden("只有受理窗口、领导或同时承办两案的窗口可以关联或并案")
	}
	return c, o, nil
}

// Link links the case with another one, one link event on each side, and
// answers the case as a sees it.
func (s *Service) Link(ctx context.Context, a Actor, number string, in LinkInput) (*Case, error) {
	if !slices.Contains(Relations, in.Relation) {
		return nil, invalid("relation", "invalid_relation", "关联类型只能是 same_dispute（同一纠纷）或 related（关联案件）")
	}
	return s.linkChange(ctx, a, number, in.Number, "number", in.Version, func(tx *sqlx.Tx, c, o *Case, now time.Time) (*Event, *Event, error) {
		for _, x := range []*Case{c, o} {
			if x.Status == StatusMerged {
				return nil, nil, mergedConflict(x)
			}
		}
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM case_links WHERE case_id = ? AND other_id = ?`), c.ID, o.ID); err != nil {
			return nil, nil, fmt.Errorf("store: unable to read links: %w", err)
		}
		if n > 0 {
			return nil, nil, &Error{Kind: KindConflict, Code: "already_linked", Field: "number", Message: "两案已经关联"}
		}
		for _, p := range [][2]int64{{c.ID, o.ID}, {o.ID, c.ID}} {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO case_links (case_id, other_id, relation, created_at) VALUES (?, ?, ?, ?)`),
				p[0], p[1], in.Relation, now); err != nil {
				return nil, nil, fmt.Errorf("store: unable to link cases: %w", err)
			}
		}
		return linkEvent(EventLink, "与%s关联（%s）", o.Number, in.Relation), linkEvent(EventLink, "与%s关联（%s）", c.Number, in.Relation), nil
	})
}

// Unlink removes the link between the case and other, one unlink event on
// each side.
func (s *Service) Unlink(ctx context.Context, a Actor, number, other string) (*Case, error) {
	return s.linkChange(ctx, a, number, other, "number", nil, func(tx *sqlx.Tx, c, o *Case, _ time.Time) (*Event, *Event, error) {
		i := slices.IndexFunc(c.Links, func(l CaseLink) bool { return l.id == o.ID })
		if i < 0 {
			return nil, nil, &Error{Kind: KindNotFound, Code: "not_linked", Field: "number", Message: "两案没有关联"}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM case_links WHERE (case_id = ? AND other_id = ?) OR (case_id = ? AND other_id = ?)`),
			c.ID, o.ID, o.ID, c.ID); err != nil {
			return nil, nil, fmt.Errorf("store: unable to unlink cases: %w", err)
		}
		rel := c.Links[i].Relation
		return linkEvent(EventUnlink, "取消与%s的关联（%s）", o.Number, rel), linkEvent(EventUnlink, "取消与%s的关联（%s）", c.Number, rel), nil
	})
}

// linkEvent is a link or unlink event naming the other case, in the staff
// timeline's words and in its data.
func linkEvent(kind, format, other, relation string) *Event {
	return newEvent(kind, fmt.Sprintf(format, other, RelationLabel(relation)), map[string]string{"number": other, "relation": relation})
}

// linkChange runs change on the pair in one transaction, appends its two
// events (one on each case, each case's version bumped) and answers the
// case of number.
func (s *Service) linkChange(ctx context.Context, a Actor, number, other, field string, version *int64,
	change func(tx *sqlx.Tx, c, o *Case, now time.Time) (*Event, *Event, error)) (*Case, error) {
	now := s.now().UTC()
	var c *Case
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		var o *Case
		var err error
		if c, o, err = linkPair(ctx, tx, a, number, other, field, version); err != nil {
			return err
		}
		ec, eo, err := change(tx, c, o, now)
		if err != nil {
			return err
		}
		for i, x := range []*Case{c, o} {
			if err := touchCase(ctx, tx, x, now); err != nil {
				return err
			}
			if err := s.appendLinkEvent(ctx, tx, a, x, []*Event{ec, eo}[i], now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return s.Case(ctx, a, c.Number)
}

// appendLinkEvent appends e, internal unless it says otherwise, to c and
// drops c's cached public view.
func (s *Service) appendLinkEvent(ctx context.Context, tx *sqlx.Tx, a Actor, c *Case, e *Event, now time.Time) error {
	if e.Visibility == "" {
		e.Visibility = VisibilityInternal
	}
	s.public.drop(c.Number)
	return s.appendActorEvent(ctx, tx, a, c.ID, e, now)
}

// touchCase bumps a case's version for an event that changes no column of
// the case row, guarded like saveCaseState.
func touchCase(ctx context.Context, tx *sqlx.Tx, c *Case, now time.Time) error {
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE cases SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?`),
		now, c.ID, c.Version)
	if err != nil {
		return fmt.Errorf("store: unable to update case: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrStaleVersion
	}
	return nil
}

func mergedConflict(c *Case) error {
	return &Error{Kind: KindConflict, Code: "case_merged",
		Message: fmt.Sprintf("案件%s已并入%s，请对%s操作", c.Number, c.MergedInto, c.MergedInto)}
}

// mergeableFrom are the statuses a case may be merged from: open, or an
// online application not yet registered (a repeat application).
var mergeableFrom = append([]Status{StatusSubmitted}, openStatuses...)

// Merge merges the case of number into in.Into, an open case, and answers
// the surviving case. Both must be cases a may act on; the merged case is
// left with status merged, its deadlines ended, and its parties join the
// survivor. One event on each side.
func (s *Service) Merge(ctx context.Context, a Actor, number string, in MergeInput) (*Case, error) {
	if err := CheckText("reason", in.Reason, MaxReason); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var into string
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		c, o, err := mergePair(ctx, tx, a, number, in)
		if err != nil {
			return err
		}
		into = o.Number
		for _, x := range []*Case{c, o} {
			if err := s.runGuards(ctx, GuardArgs{Tx: tx, Actor: a, Case: x, Action: "merge"}); err != nil {
				return err
			}
		}
		after := c.clone()
		after.Status, after.MergedInto, after.Supervision = StatusMerged, o.Number, ""
		for _, d := range after.deadlines {
			if !d.EndedAt.Valid {
				d.end(now)
			}
		}
		after.syncDeadlines()
		after.endReferral(ReferralClosed, now)
		if err := saveCaseState(ctx, tx, c, after, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE cases SET merged_into = ? WHERE id = ?`), o.Number, c.ID); err != nil {
			return fmt.Errorf("store: unable to merge case: %w", err)
		}
		joined, err := joinParties(ctx, tx, c, o)
		if err != nil {
			return err
		}
		// The staff timeline says which case and why; the citizen's words
		// come from the data (eventkinds.go).
		why := ""
		if r := strings.TrimSpace(in.Reason); r != "" {
			why = "。" + r
		}
		eFrom := newEvent(EventMergedInto, "并入"+o.Number+why, map[string]string{"into": o.Number})
		eTo := newEvent(EventMergedFrom, c.Number+"并入本案"+why, map[string]string{"from": c.Number, "parties": strings.Join(joined, "、")})
		// The merged case's version moved with its state above; the
		// survivor's moves with its event.
		if err := s.appendLinkEvent(ctx, tx, a, c, eFrom, now); err != nil {
			return err
		}
		if err := touchCase(ctx, tx, o, now); err != nil {
			return err
		}
		if err := s.appendLinkEvent(ctx, tx, a, o, eTo, now); err != nil {
			return err
		}
		desks, err := s.Desks(ctx)
		if err != nil {
			return err
		}
		// The merged case's citizen hears where the dispute is handled now.
		return queueNotification(ctx, tx, after, eFrom, deskNamer(desks), now)
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return s.Case(ctx, a, into)
}

// mergePair loads and checks the two cases of a merge: everything but the
// guards of extensions.
func mergePair(ctx context.Context, q querier, a Actor, number string, in MergeInput) (*Case, *Case, error) {
	c, o, err := linkPair(ctx, q, a, number, in.Into, "into", in.Version)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case c.Status == StatusMerged:
		return nil, nil, mergedConflict(c)
	case !slices.Contains(mergeableFrom, c.Status):
		return nil, nil, &Error{Kind: KindConflict, Code: "invalid_transition",
			Message: fmt.Sprintf("案件当前状态为“%s”，不能并案", StatusLabel(c.Status))}
	case o.Status == StatusMerged:
		return nil, nil, &Error{Kind: KindConflict, Code: "target_merged", Field: "into",
			Message: fmt.Sprintf("案件%s已并入%s，请并入%s", o.Number, o.MergedInto, o.MergedInto)}
	case !slices.Contains(openStatuses, o.Status):
		return nil, nil, &Error{Kind: KindConflict, Code: "target_not_open", Field: "into",
			Message: fmt.Sprintf("案件%s当前状态为“%s”，只能并入办理中的案件", o.Number, StatusLabel(o.Status))}
	}
	return c, o, nil
}

// MergePreview checks a merge without making it and answers the case it
// would merge into, for the page's confirmation step.
func (s *Service) MergePreview(ctx context.Context, a Actor, number string, in MergeInput) (*Case, error) {
	if err := CheckText("reason", in.Reason, MaxReason); err != nil {
		return nil, err
	}
	_, o, err := mergePair(ctx, s.store.r, a, number, in)
	if err != nil {
		return nil, err
	}
	return maskCase(o), nil
}

// MayLink says whether a may link c with other cases: the page offers the form.
func MayLink(a Actor, c *Case) bool { return mayActOn(a, c) && c.Status != StatusMerged }

// MayMerge says whether a may merge c into another case.
func MayMerge(a Actor, c *Case) bool {
	return mayActOn(a, c) && slices.Contains(mergeableFrom, c.Status)
}

// joinParties adds the merged case's parties the survivor lacks (the same
// person in the same role) after the survivor's own, and answers their names.
func joinParties(ctx context.Context, tx *sqlx.Tx, from, into *Case) ([]string, error) {
	joined := []string{}
	pos := len(into.Parties)
	for _, p := range from.Parties {
		if slices.ContainsFunc(into.Parties, func(q Party) bool { return q.PersonID == p.PersonID && q.Role == p.Role }) {
			continue
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO case_parties (case_id, person_id, role, position) VALUES (?, ?, ?, ?)`),
			into.ID, p.PersonID, p.Role, pos); err != nil {
			return nil, fmt.Errorf("store: unable to join parties: %w", err)
		}
		pos++
		joined = append(joined, p.Name)
	}
	return joined, nil
}

// findLinks reads a case's links and the cases merged into it.
func findLinks(ctx context.Context, q querier, c *Case) error {
	var rows []struct {
		ID       int64  `db:"id"`
		Number   string `db:"number"`
		Relation string `db:"relation"`
	}
	if err := q.SelectContext(ctx, &rows, q.Rebind(`
		SELECT c.id, c.number, l.relation FROM case_links l JOIN cases c ON c.id = l.other_id
		WHERE l.case_id = ? ORDER BY l.created_at, c.number`), c.ID); err != nil {
		return fmt.Errorf("store: unable to fetch links: %w", err)
	}
	c.Links = make([]CaseLink, len(rows))
	for i, r := range rows {
		c.Links[i] = CaseLink{Number: r.Number, Relation: r.Relation, id: r.ID}
	}
	if err := q.SelectContext(ctx, &c.MergedFrom, q.Rebind(
		`SELECT number FROM cases WHERE merged_into = ? ORDER BY id`), c.Number); err != nil {
		return fmt.Errorf("store: unable to fetch merged cases: %w", err)
	}
	if c.MergedFrom == nil {
		c.MergedFrom = []string{}
	}
	return nil
}

// showLinks fills in title and status of the linked cases a may see.
func showLinks(ctx context.Context, q querier, a Actor, c *Case) error {
	ids := make([]int64, len(c.Links))
	for i, l := range c.Links {
		ids[i] = l.id
	}
	docs, err := loadSearchDocs(ctx, q, ids)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if !d.Viewable(a) {
			continue
		}
		for i := range c.Links {
			if c.Links[i].id == d.ID {
				c.Links[i].Title, c.Links[i].Status = d.Title, d.Status
			}
		}
	}
	return nil
}

// maxMergeHops bounds following merged_into; merges cannot form a cycle
// (only an open case takes a merge), so this only guards a damaged file.
const maxMergeHops = 16

// survivorOf follows a merged case to the case it lives on in.
func survivorOf(ctx context.Context, q querier, c *Case) (*Case, error) {
	for hops := 0; c.MergedInto != "" && hops < maxMergeHops; hops++ {
		next, err := findCase(ctx, q, c.MergedInto)
		if err != nil {
			return nil, err
		}
		c = next
	}
	return c, nil
}

// mergedFamily is a WITH clause naming m(id, number): the case whose id is
// its one parameter and every case merged into it, at any depth.
const mergedFamily = `WITH RECURSIVE m(id, number) AS (
	SELECT id, number FROM cases WHERE id = ?
	UNION SELECT x.id, x.number FROM cases x JOIN m ON x.merged_into = m.number)
`

// findTimeline reads the events of a case and of every case merged into it
// (at any depth), in seq order; the others' events carry their case number.
func findTimeline(ctx context.Context, q querier, c *Case) ([]Event, error) {
	if len(c.MergedFrom) == 0 {
		return findEvents(ctx, q, c.ID)
	}
	var events []Event
	if err := q.SelectContext(ctx, &events, q.Rebind(mergedFamily+`
		SELECT e.seq, e.case_id, e.at, e.kind, e.desk, e.actor_id, e.actor_name, e.actor_role, e.body,
			e.visibility, e.data, CASE WHEN e.case_id = ? THEN '' ELSE m.number END AS case_number
		FROM events e JOIN m ON m.id = e.case_id ORDER BY e.seq`), c.ID, c.ID); err != nil {
		return nil, fmt.Errorf("store: unable to fetch timeline: %w", err)
	}
	for i := range events {
		events[i].At = events[i].At.UTC()
	}
	return events, nil
}
