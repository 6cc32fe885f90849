package api

import (
	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 会商 meetings and their 交办 tasks: the rules are in cases/meetings.go
// and cases/meeting_tasks.go.

func (s *server) conveneMeeting(c *fiber.Ctx) error { return added(c, s.Svc.ConveneMeeting) }

func (s *server) meetings(c *fiber.Ctx) error { return listed(c, "meetings", s.Svc.Meetings) }

func (s *server) meeting(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	m, err := s.Svc.Meeting(c.UserContext(), web.ActorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

// meetingChange decodes a body of type T and answers the meeting do returns
// for the path's meeting.
func meetingChange[T any](c *fiber.Ctx, do func(c *fiber.Ctx, id int64, in T) (any, error)) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	var in T
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	out, err := do(c, id, in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *server) signIn(c *fiber.Ctx) error {
	return meetingChange(c, func(c *fiber.Ctx, id int64, in cases.SignInInput) (any, error) {
		return s.Svc.SignIn(c.UserContext(), web.ActorOf(c), id, in)
	})
}

func (s *server) recordMinutes(c *fiber.Ctx) error {
	return meetingChange(c, func(c *fiber.Ctx, id int64, in cases.MinutesInput) (any, error) {
		return s.Svc.RecordMinutes(c.UserContext(), web.ActorOf(c), id, in)
	})
}

func (s *server) taskDone(c *fiber.Ctx) error {
	return meetingChange(c, func(c *fiber.Ctx, id int64, in cases.TaskDoneInput) (any, error) {
		return s.Svc.ReportTaskDone(c.UserContext(), web.ActorOf(c), id, in)
	})
}

// tasks lists 交办 tasks: desk, status (open|done), overdue=true.
func (s *server) tasks(c *fiber.Ctx) error {
	q := cases.TaskQuery{Desk: c.Query("desk"), Status: c.Query("status")}
	switch c.Query("overdue") {
	case "", "false", "0":
	case "true", "1":
		q.Overdue = true
	default:
		return &cases.Error{Kind: cases.KindInvalid, Code: "invalid_overdue", Field: "overdue", Message: "overdue 只能是 true 或 false"}
	}
	ts, err := s.Svc.Tasks(c.UserContext(), web.ActorOf(c), q)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tasks": ts})
}
