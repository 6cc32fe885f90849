package staff

import (
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 交办事项: a desk's tasks from the 会商 minutes (我的交办), a leader's of
// every desk, by tab (open, overdue, done); the owner desk reports a task
// done from here; each task prints as a 交办单. The rules are in
// cases/meeting_tasks.go.

type tasksData struct {
	Tab, Desk string
	Tabs      []option
	Tasks     []cases.Task
	Desks     []cases.Desk
	Leader    bool
	Overdue   int
	Error     string
	ErrorTask int64
	Report    string
	MayReport map[int64]bool // the tasks the user may report done
}

var taskTabs = []option{{"open", "办理中"}, {"overdue", "已超期"}, {"done", "已办结"}, {"all", "全部"}}

func (s *server) tasksPage(c *fiber.Ctx) error {
	return s.renderTasks(c, fiber.StatusOK, nil)
}

func (s *server) renderTasks(c *fiber.Ctx, status int, keep func(d *tasksData)) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	d := &tasksData{Tab: c.Query("tab", "open"), Desk: c.Query("desk"), Tabs: taskTabs, Leader: a.Role == cases.RoleLeader,
		MayReport: map[int64]bool{}}
	q := cases.TaskQuery{Desk: d.Desk}
	switch d.Tab {
	case "open", "done":
		q.Status = d.Tab
	case "overdue":
		q.Overdue = true
	case "all":
	default:
		return s.errorPage(c, fiber.StatusBadRequest, "没有这个分类。")
	}
	var err error
	if d.Tasks, err = s.Svc.Tasks(ctx, a, q); err != nil {
		return err
	}
	for i := range d.Tasks {
		d.MayReport[d.Tasks[i].ID] = cases.MayReportTask(a, &d.Tasks[i])
	}
	over, err := s.Svc.Tasks(ctx, a, cases.TaskQuery{Desk: d.Desk, Overdue: true})
	if err != nil {
		return err
	}
	d.Overdue = len(over)
	if d.Leader {
		desks, err := s.Svc.Desks(ctx)
		if err != nil {
			return err
		}
		for _, dk := range desks {
			if dk.Active {
				d.Desks = append(d.Desks, dk)
			}
		}
	}
	if keep != nil {
		keep(d)
	}
	p := page{Title: "交办事项", Active: "tasks", Data: d}
	if c.Query("done") != "" {
		p.Flash = "已报告办结，督办时限随之结束。"
	}
	return s.render(c, status, "tasks", p)
}

func (s *server) taskDone(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	report := c.FormValue("report")
	if _, err := s.Svc.ReportTaskDone(c.UserContext(), web.ActorOf(c), id, cases.TaskDoneInput{Report: report}); err != nil {
		e := cases.ErrorOf(err)
		if e == nil || e.Kind == cases.KindForbidden || e.Kind == cases.KindNotFound {
			return err
		}
		return s.renderTasks(c, web.StatusOf(e.Kind), func(d *tasksData) { d.Error, d.ErrorTask, d.Report = e.Message, id, report })
	}
	return c.Redirect(fmt.Sprintf("/tasks?tab=done&done=%d#task-%d", id, id), fiber.StatusSeeOther)
}

// taskPrint is the printable 交办单 of one task.
func (s *server) taskPrint(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx, a := c.UserContext(), web.ActorOf(c)
	t, err := s.Svc.Task(ctx, a, id)
	if err != nil {
		return err
	}
	m, err := s.Svc.Meeting(ctx, a, t.MeetingID)
	if err != nil {
		return err
	}
	p, err := s.meetingPrintOf(c, m)
	if err != nil {
		return err
	}
	return sendPrint(c, func(b *bytes.Buffer) error { return p.WriteTaskOrder(b, t) })
}
