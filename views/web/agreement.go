package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/mediation"
)

// The agreements' addresses the API and the case page share: the path's
// id and the agreement it names.

// IDParam reads a positive numeric path id.
func IDParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, &cases.Error{Kind: cases.KindNotFound, Code: "not_found", Message: "没有这条记录"}
	}
	return id, nil
}

// AgreementByID answers the case's agreement with the path's id, in any
// version; current asks for the one in force.
func AgreementByID(c *fiber.Ctx, med *mediation.Service, current bool) (*mediation.Agreement, error) {
	id, err := IDParam(c, "id")
	if err != nil {
		return nil, err
	}
	all, err := med.Agreements(c.UserContext(), ActorOf(c), c.Params("number"))
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ID == id {
			if current && !all[i].Effective {
				return nil, &cases.Error{Kind: cases.KindConflict, Code: "agreement_superseded",
					Message: "这份调解协议已被新的版本取代，请对生效的协议办理"}
			}
			return &all[i], nil
		}
	}
	return nil, &cases.Error{Kind: cases.KindNotFound, Code: "agreement_not_found", Message: "本案没有这份调解协议"}
}
