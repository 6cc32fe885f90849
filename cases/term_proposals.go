package cases

// Related terms mined from the case texts (issue 14): `yidi vocab mine`
// counts which words occur together in the same field and proposes the
// strongest pairs; an admin accepts or rejects each, and only accepted ones
// reach search. Like the synonym groups these are settings, not case
// history: no event is written.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Term proposal statuses.
const (
	TermProposed = "proposed"
	TermAccepted = "accepted"
	TermRejected = "rejected"
)

// TermPair is a mined pair of words and how strongly they go together.
type TermPair struct {
	Term    string  `json:"term"`
	Related string  `json:"related"`
	Support int     `json:"support"` // fields holding both
	Score   float64 `json:"score"`   // normalised PMI
}

// TermProposal is a stored pair and the admin's decision on it.
type TermProposal struct {
	ID        int64      `json:"id" db:"id"`
	Term      string     `json:"term" db:"term"`
	Related   string     `json:"related" db:"related"`
	Support   int        `json:"support" db:"support"`
	Score     float64    `json:"score" db:"score"`
	Status    string     `json:"status" db:"status"`
	MinedAt   time.Time  `json:"mined_at" db:"mined_at"`
	DecidedBy string     `json:"decided_by" db:"decided_by"`
	DecidedAt *time.Time `json:"decided_at" db:"decided_at"`
}

// CaseFieldTexts calls fn with the summary and then the claims of every
// case, one field at a time: what related terms are mined from.
func (s *Service) CaseFieldTexts(ctx context.Context, fn func(text string)) error {
	rows, err := s.store.r.QueryContext(ctx, `SELECT summary, claims FROM cases ORDER BY id`)
	if err != nil {
		return fmt.Errorf("store: unable to read case texts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var summary, claims string
		if err := rows.Scan(&summary, &claims); err != nil {
			return err
		}
		fn(summary)
		fn(claims)
	}
	return rows.Err()
}

// SaveTermProposals stores newly mined pairs as proposals and refreshes the
// figures of pairs already stored, keeping every decision; it answers how
// many pairs were new. A pair is kept once, its words in order.
func (s *Service) SaveTermProposals(ctx context.Context, pairs []TermPair) (added int, err error) {
	now := s.now().UTC()
	err = s.store.write(ctx, func(tx *sqlx.Tx) error {
		for _, p := range pairs {
			if p.Related < p.Term {
				p.Term, p.Related = p.Related, p.Term
			}
			if p.Term == p.Related || p.Term == "" {
				continue
			}
			res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE term_proposals SET support = ?, score = ?, mined_at = ?
				WHERE term = ? AND related = ?`), p.Support, p.Score, now, p.Term, p.Related)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO term_proposals (term, related, support, score, mined_at)
				VALUES (?, ?, ?, ?, ?)`), p.Term, p.Related, p.Support, p.Score, now); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: unable to save term proposals: %w", err)
	}
	return added, nil
}

const termProposalColumns = `id, term, related, support, score, status, mined_at, decided_by, decided_at`

// MaxTermProposalsListed bounds one list of proposals.
const MaxTermProposalsListed = 500

// TermProposals answers the proposals of status ("" for every status),
// strongest first, at most MaxTermProposalsListed; admins only.
func (s *Service) TermProposals(ctx context.Context, a Actor, status string) ([]TermProposal, error) {
	if !adminRole(a) {
		return nil, forbidden("只有管理员可以审核相关词")
	}
	if status != "" && status != TermProposed && status != TermAccepted && status != TermRejected {
		return nil, invalid("status", "invalid_status", "状态应为 proposed、accepted 或 rejected")
	}
	out := []TermProposal{}
	err := s.store.r.SelectContext(ctx, &out, s.store.r.Rebind(`SELECT `+termProposalColumns+` FROM term_proposals
		WHERE ? = '' OR status = ? ORDER BY score DESC, id LIMIT ?`), status, status, MaxTermProposalsListed)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list term proposals: %w", err)
	}
	return out, nil
}

// DecideTermProposal accepts or rejects a proposal (or puts it back to
// proposed); admins only.
func (s *Service) DecideTermProposal(ctx context.Context, a Actor, id int64, status string) (*TermProposal, error) {
	if !adminRole(a) {
		return nil, forbidden("只有管理员可以审核相关词")
	}
	if status != TermProposed && status != TermAccepted && status != TermRejected {
		return nil, invalid("status", "invalid_status", "状态应为 accepted、rejected 或 proposed")
	}
	var p TermProposal
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE term_proposals SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?`),
			status, a.Username, s.now().UTC(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return tx.GetContext(ctx, &p, tx.Rebind(`SELECT `+termProposalColumns+` FROM term_proposals WHERE id = ?`), id)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &Error{Kind: KindNotFound, Code: "not_found", Message: "没有这条相关词建议"}
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to decide term proposal: %w", err)
	}
	return &p, nil
}

// AcceptedTermPairs answers the pairs an admin accepted: what search uses.
func (s *Service) AcceptedTermPairs(ctx context.Context) ([][2]string, error) {
	var rows []struct {
		Term    string `db:"term"`
		Related string `db:"related"`
	}
	if err := s.store.r.SelectContext(ctx, &rows, s.store.r.Rebind(`SELECT term, related FROM term_proposals WHERE status = ? ORDER BY id`), TermAccepted); err != nil {
		return nil, fmt.Errorf("store: unable to read accepted related terms: %w", err)
	}
	out := make([][2]string, len(rows))
	for i, r := range rows {
		out[i] = [2]string{r.Term, r.Related}
	}
	return out, nil
}
