package cases

// 网上申请: a citizen applies for dispute resolution without coming in. The
// application becomes a case in status submitted (待受理), registered by the
// disabled system-online account; the window then registers it (into the
// usual lifecycle) or declines it with a reason the citizen reads.

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// ApplicationInput is an intake body from the public form, with the
// applicant's contact phone. Website is a honeypot: people never see the
// field, robots fill it in.
type ApplicationInput struct {
	IntakeInput
	Phone   string `json:"phone"`
	Website string `json:"website"`
}

// ApplicationReceipt answers an online application: the number and the
// query code, shown once on the confirmation page.
type ApplicationReceipt struct {
	Number    string `json:"number"`
	QueryCode string `json:"query_code"`
	Status    Status `json:"status"`
}

// OnlineActor registers online applications (account made by migration 00008).
var OnlineActor = Actor{Username: "system-online", Name: "网上申请", Role: RoleIntake}

// ErrApplicationRefused answers a filled-in honeypot: as bland as a
// validation error, telling a robot nothing, storing nothing.
var ErrApplicationRefused = &Error{Kind: KindInvalid, Code: "application_refused", Message: "申请未能提交，请检查填写内容后重试"}

// Apply records an online application. It validates like an intake at the
// window (the same rules, one function), requires a contact phone, which
// becomes the first applicant's phone when that one has none, and writes
// the submitted event and the citizen's text message in one transaction.
func (s *Service) Apply(ctx context.Context, in ApplicationInput) (*ApplicationReceipt, error) {
	if strings.TrimSpace(in.Website) != "" {
		return nil, ErrApplicationRefused
	}
	// The public must not be able to fill the disk: below the free-space
	// threshold only staff work goes on.
	if err := s.checkFreeSpace(); err != nil {
		return nil, err
	}
	in.Source = "online"
	in.Phone = normalizePhone(in.Phone)
	if in.Phone == "" {
		return nil, invalid("phone", "required", "请填写联系电话，便于我们联系您")
	}
	if !ValidPhone(in.Phone) {
		return nil, invalid("phone", "invalid_phone", "电话号码有误：手机号11位，座机请带区号")
	}
	if strings.TrimSpace(in.Title) == "" {
		in.Title = "网上申请：" + s.categoryName(ctx, in.Category) + "纠纷"
	}
	for i := range in.Parties {
		if in.Parties[i].Role == PartyApplicant {
			if strings.TrimSpace(in.Parties[i].Phone) == "" {
				in.Parties[i].Phone = in.Phone
			}
			break
		}
	}
	if err := s.validateIntake(ctx, &in.IntakeInput); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var res *IntakeResult
	err := s.store.write(ctx, func(tx *sqlx.Tx) error {
		a := OnlineActor
		var err error
		if a.UserID, err = systemUser(ctx, tx, a, now); err != nil {
			return err
		}
		res, err = s.insertCaseAs(ctx, tx, a, &in.IntakeInput, StatusSubmitted, now)
		if err != nil {
			return err
		}
		e := &Event{Kind: EventSubmitted}
		desks, err := s.Desks(ctx)
		if err != nil {
			return err
		}
		return queueNotification(ctx, tx, res.Case, e, deskNamer(desks), now)
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return &ApplicationReceipt{Number: res.Case.Number, QueryCode: res.QueryCode, Status: StatusSubmitted}, nil
}

func (s *Service) categoryName(ctx context.Context, code string) string {
	cats, err := s.Categories(ctx)
	if err == nil {
		for _, c := range cats {
			if c.Code == code {
				return c.Name
			}
		}
	}
	return "矛盾"
}

// SystemUserID answers the id of a system account such as OnlineActor's,
// so that queues can tell online applications apart.
func (s *Service) SystemUserID(ctx context.Context, a Actor) (int64, error) {
	var id int64
	err := s.store.r.GetContext(ctx, &id, s.store.r.Rebind(`SELECT id FROM users WHERE username = ?`), a.Username)
	if err != nil {
		return 0, fmt.Errorf("store: unable to find account %s: %w", a.Username, err)
	}
	return id, nil
}
