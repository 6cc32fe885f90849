package cases

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// 交办 tasks: each decision in a meeting's minutes is a task for a desk
// (or a department set up as one) with a due date. It runs as a 督办 limit
// of the meeting's first case (kind DeadlineTask, rule code "task:<id>",
// telling the owner desk rather than the holding one), so the sweep turns
// it yellow and red and warns once per crossing, and the case shows it
// among its running limits, until the owner desk reports it done.

// DeadlineTask is the kind of a 交办 task's limit.
const DeadlineTask = "task"

// Task statuses.
const (
	TaskOpen = "open"
	TaskDone = "done"
)

// MaxTaskDays bounds how far ahead a task's due date may be.
const MaxTaskDays = 366

// MinutesInput records a meeting's 纪要 and its decisions.
type MinutesInput struct {
	Text      string          `json:"text"`
	Decisions []DecisionInput `json:"decisions"`
}

// DecisionInput is one decision: what the owner desk is to do, by when.
type DecisionInput struct {
	OwnerDesk string `json:"owner_desk"`
	Content   string `json:"content"`
	DueOn     string `json:"due_on"` // YYYY-MM-DD, China date
}

// TaskDoneInput is the owner desk's report that a task is done.
type TaskDoneInput struct {
	Report string `json:"report"`
}

// Task is a 交办 item as staff read it.
type Task struct {
	ID            int64        `db:"id" json:"id"`
	MeetingID     int64        `db:"meeting_id" json:"meeting_id"`
	OwnerDesk     string       `db:"owner_desk" json:"owner_desk"`
	OwnerDeskName string       `db:"owner_desk_name" json:"owner_desk_name"`
	Content       string       `db:"content" json:"content"`
	DueOn         string       `db:"due_on" json:"due_on"`
	Status        string       `db:"status" json:"status"`
	Overdue       bool         `db:"-" json:"overdue"`
	Report        string       `db:"report" json:"report"`
	DoneBy        string       `db:"done_by" json:"done_by"`
	DoneAtNull    sql.NullTime `db:"done_at" json:"-"`
	DoneAt        *time.Time   `db:"-" json:"done_at"`
	SupervisedBy  string       `db:"convener_name" json:"supervised_by"`
	MeetingAt     time.Time    `db:"starts_at" json:"meeting_starts_at"`
	Cases         []string     `db:"-" json:"cases"`
}

// TaskQuery filters the task list: a desk, a status (open or done), only
// the overdue ones.
type TaskQuery struct {
	Desk    string
	Status  string
	Overdue bool
}

// OverdueTaskList is what the leader's view shows of 交办 items past due.
type OverdueTaskList struct {
	Count int    `json:"count"`
	Tasks []Task `json:"tasks"`
}

// checkDecisions validates the decisions, naming the field of the first
// fault (decisions[1].due_on).
func checkDecisions(ctx context.Context, q querier, ds []DecisionInput, now time.Time) error {
	if len(ds) > maxMeetingDecisions {
		return invalid("decisions", "too_many", fmt.Sprintf("最多%d项交办事项", maxMeetingDecisions))
	}
	desks, err := findDesks(ctx, q)
	if err != nil {
		return err
	}
	lookup := deskLookup(desks)
	today := StartOfDay(now)
	for i := range ds {
		d := &ds[i]
		field := fmt.Sprintf("decisions[%d].", i)
		d.OwnerDesk, d.Content, d.DueOn = strings.TrimSpace(d.OwnerDesk), strings.TrimSpace(d.Content), strings.TrimSpace(d.DueOn)
		if d.OwnerDesk == "" {
			return invalid(field+"owner_desk", "required", fmt.Sprintf("第%d项：请选择承办窗口或部门", i+1))
		}
		if desk, ok := lookup(d.OwnerDesk); !ok || !desk.Active {
			return invalid(field+"owner_desk", "unknown_desk", fmt.Sprintf("第%d项：没有代码为“%s”的窗口", i+1, d.OwnerDesk))
		}
		if err := RequiredText(field+"content", d.Content, MaxNote, fmt.Sprintf("第%d项交办内容", i+1)); err != nil {
			return err
		}
		if d.DueOn == "" {
			return invalid(field+"due_on", "required", fmt.Sprintf("第%d项：请填写办结期限（YYYY-MM-DD）", i+1))
		}
		day, ok := ParseDate(d.DueOn)
		if !ok {
			return invalid(field+"due_on", "invalid_date", fmt.Sprintf("第%d项：办结期限应为YYYY-MM-DD格式的日期", i+1))
		}
		if day.Before(today) {
			return invalid(field+"due_on", "date_in_past", fmt.Sprintf("第%d项：办结期限不能早于今天", i+1))
		}
		if day.After(today.AddDate(0, 0, MaxTaskDays)) {
			return invalid(field+"due_on", "date_too_far", fmt.Sprintf("第%d项：办结期限不能晚于%d天之后", i+1, MaxTaskDays))
		}
		d.DueOn = day.Format(time.DateOnly)
	}
	return nil
}

// RecordMinutes records a held meeting's 纪要; each decision becomes a task
// whose due date runs as a limit of the meeting's first case, and each
// owner desk joins the cases as a co-desk, to read what it is to do.
func (s *Service) RecordMinutes(ctx context.Context, a Actor, id int64, in MinutesInput) (*Meeting, error) {
	if !MayConvene(a) {
		return nil, forbidden("只有领导可以记录会商纪要")
	}
	err := s.changeCases(ctx, a, func(tx *sqlx.Tx) ([]*Case, error) {
		m, err := readMeeting(ctx, tx, a, id)
		if err != nil {
			return nil, err
		}
		if m.Status != MeetingScheduled {
			return nil, conflict("minutes_recorded", "这次会商已记录纪要")
		}
		now := s.now().UTC()
		if now.Before(m.StartsAt) {
			return nil, conflict("meeting_not_started", "会商尚未开始，开始后才能记录纪要")
		}
		in.Text = strings.TrimSpace(in.Text)
		if err := RequiredText("text", in.Text, 20000, "会商纪要"); err != nil {
			return nil, err
		}
		if err := checkDecisions(ctx, tx, in.Decisions, now); err != nil {
			return nil, err
		}
		return meetingCases(ctx, tx, id)
	}, func(tx *sqlx.Tx, cs []*Case, now time.Time) ([]*Event, error) {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE meetings SET status = 'held', minutes_text = ?, minutes_by = ?, minutes_at = ?
			WHERE id = ? AND status = 'scheduled'`), in.Text, a.Name, now, id); err != nil {
			return nil, fmt.Errorf("store: unable to save the minutes: %w", err)
		}
		env, err := s.deadlineEnv(ctx, tx, now)
		if err != nil {
			return nil, err
		}
		tasks := []int64{}
		var owners []string
		for i, d := range in.Decisions {
			var tid int64
			if err := tx.GetContext(ctx, &tid, tx.Rebind(`INSERT INTO meeting_tasks (meeting_id, position, owner_desk, content, due_on, created_at)
				VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), id, i, d.OwnerDesk, d.Content, d.DueOn, now); err != nil {
				return nil, fmt.Errorf("store: unable to save a task: %w", err)
			}
			tasks = append(tasks, tid)
			if !slices.Contains(owners, d.OwnerDesk) {
				owners = append(owners, d.OwnerDesk)
			}
			day, _ := ParseDate(d.DueOn)
			lim := &caseDeadline{CaseID: cs[0].ID, Kind: DeadlineTask, RuleCode: taskRule(tid), Label: "交办：" + clip(d.Content, 30),
				Basis: fmt.Sprintf("会商纪要交办（督办人：%s）", a.Name), Unit: UnitDay, DaysKind: DaysCalendar,
				StartedAt: now, DueAt: dueAt(day), NotifyDesk: d.OwnerDesk}
			lim.refresh(env)
			cs[0].deadlines = append(cs[0].deadlines, lim)
		}
		var evs []*Event
		for _, c := range cs {
			if err := addCoDesks(ctx, tx, c, owners, now); err != nil {
				return nil, err
			}
			evs = append(evs, meetingEvent(EventMeetingMinutes, fmt.Sprintf("会商纪要（交办%d项）：%s", len(tasks), clip(in.Text, 80)),
				map[string]any{"meeting_id": id, "tasks": tasks}))
		}
		return evs, nil
	})
	if err != nil {
		return nil, err
	}
	return s.Meeting(ctx, a, id)
}

func taskRule(id int64) string { return fmt.Sprintf("task:%d", id) }

const taskSelect = `SELECT t.id, t.meeting_id, t.owner_desk, COALESCE(d.name, t.owner_desk) AS owner_desk_name, t.content, t.due_on,
		t.status, t.report, t.done_by, t.done_at, m.convener_name, m.starts_at
	FROM meeting_tasks t JOIN meetings m ON m.id = t.meeting_id LEFT JOIN desks d ON d.code = t.owner_desk`

// tasks reads the tasks where says, in due order, with their cases.
func (s *Service) tasks(ctx context.Context, where string, args ...any) ([]Task, error) {
	r := s.store.r
	out := []Task{}
	if err := r.SelectContext(ctx, &out, r.Rebind(taskSelect+` WHERE `+where+` ORDER BY t.due_on, t.id LIMIT 500`), args...); err != nil {
		return nil, fmt.Errorf("store: unable to read tasks: %w", err)
	}
	today := StartOfDay(s.now()).Format(time.DateOnly)
	numbers := map[int64][]string{}
	for i := range out {
		t := &out[i]
		t.MeetingAt = t.MeetingAt.UTC()
		t.Overdue = t.Status == TaskOpen && t.DueOn < today
		if t.DoneAtNull.Valid {
			at := t.DoneAtNull.Time.UTC()
			t.DoneAt = &at
		}
		if _, ok := numbers[t.MeetingID]; !ok {
			ns := []string{}
			if err := r.SelectContext(ctx, &ns, r.Rebind(`SELECT c.number FROM meeting_cases mc JOIN cases c ON c.id = mc.case_id
				WHERE mc.meeting_id = ? ORDER BY mc.position`), t.MeetingID); err != nil {
				return nil, fmt.Errorf("store: unable to read the task's cases: %w", err)
			}
			numbers[t.MeetingID] = ns
		}
		t.Cases = numbers[t.MeetingID]
	}
	return out, nil
}

// Tasks lists the 交办 tasks a may read: a leader every desk's, a desk's
// staff their own desk's.
func (s *Service) Tasks(ctx context.Context, a Actor, q TaskQuery) ([]Task, error) {
	if a.IsClient() {
		return nil, errClientsNotAllowed
	}
	where, args := []string{"1 = 1"}, []any{}
	q.Desk = strings.TrimSpace(q.Desk)
	switch {
	case a.Role == RoleLeader:
	case a.Role == RoleHandler && a.Desk != "":
		if q.Desk != "" && q.Desk != a.Desk {
			return nil, forbidden("只能查看本窗口的交办事项")
		}
		q.Desk = a.Desk
	default:
		return nil, forbidden("交办事项由领导和承办窗口查看")
	}
	if q.Desk != "" {
		where, args = append(where, "t.owner_desk = ?"), append(args, q.Desk)
	}
	switch q.Status {
	case "":
	case TaskOpen, TaskDone:
		where, args = append(where, "t.status = ?"), append(args, q.Status)
	default:
		return nil, invalid("status", "invalid_status", "状态只能是 open（办理中）或 done（已办结）")
	}
	if q.Overdue {
		where = append(where, "t.status = 'open'", "t.due_on < ?")
		args = append(args, StartOfDay(s.now()).Format(time.DateOnly))
	}
	return s.tasks(ctx, strings.Join(where, " AND "), args...)
}

// OverdueTasks answers the 交办 items past their due date and not done, for
// the leader's view (count and list, earliest due first).
func (s *Service) OverdueTasks(ctx context.Context, a Actor) (*OverdueTaskList, error) {
	ts, err := s.Tasks(ctx, a, TaskQuery{Overdue: true})
	if err != nil {
		return nil, err
	}
	return &OverdueTaskList{Count: len(ts), Tasks: ts}, nil
}

var errTaskNotFound = &Error{Kind: KindNotFound, Code: "task_not_found", Message: "交办事项不存在或无权查看"}

// Task answers one task a may read.
func (s *Service) Task(ctx context.Context, a Actor, id int64) (*Task, error) {
	ts, err := s.tasks(ctx, "t.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 || a.IsClient() || (a.Role != RoleLeader && a.Desk != ts[0].OwnerDesk) {
		return nil, errTaskNotFound
	}
	return &ts[0], nil
}

// MayReportTask: the owner desk's staff report its tasks done.
func MayReportTask(a Actor, t *Task) bool {
	return !a.IsClient() && a.Role == RoleHandler && a.Desk != "" && a.Desk == t.OwnerDesk && t.Status == TaskOpen
}

// ReportTaskDone: the owner desk reports a task done; its limit ends, and
// each of the meeting's cases records it.
func (s *Service) ReportTaskDone(ctx context.Context, a Actor, id int64, in TaskDoneInput) (*Task, error) {
	t, err := s.Task(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if a.Role != RoleHandler || a.Desk != t.OwnerDesk {
		return nil, forbidden("交办事项由承办窗口报告办结")
	}
	err = s.changeCases(ctx, a, func(tx *sqlx.Tx) ([]*Case, error) {
		var status string
		if err := tx.GetContext(ctx, &status, tx.Rebind(`SELECT status FROM meeting_tasks WHERE id = ?`), id); err != nil {
			return nil, fmt.Errorf("store: unable to read the task: %w", err)
		}
		if status != TaskOpen {
			return nil, conflict("task_done", "该交办事项已报告办结")
		}
		in.Report = strings.TrimSpace(in.Report)
		if err := RequiredText("report", in.Report, MaxNote, "办结情况"); err != nil {
			return nil, err
		}
		return meetingCases(ctx, tx, t.MeetingID)
	}, func(tx *sqlx.Tx, cs []*Case, now time.Time) ([]*Event, error) {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE meeting_tasks SET status = 'done', report = ?, done_by = ?, done_at = ?
			WHERE id = ? AND status = 'open'`), in.Report, a.Name, now, id); err != nil {
			return nil, fmt.Errorf("store: unable to save the task: %w", err)
		}
		onTime := true
		for _, d := range cs[0].deadlines {
			if d.Kind == DeadlineTask && d.RuleCode == taskRule(id) && !d.EndedAt.Valid {
				onTime = !now.After(d.DueAt)
				d.end(now)
			}
		}
		var evs []*Event
		for range cs {
			evs = append(evs, meetingEvent(EventTaskDone, fmt.Sprintf("交办事项办结：%s；办结情况：%s", clip(t.Content, 40), clip(in.Report, 80)),
				map[string]any{"task_id": id, "meeting_id": t.MeetingID, "owner_desk": t.OwnerDesk, "on_time": onTime}))
		}
		return evs, nil
	})
	if err != nil {
		return nil, err
	}
	return s.Task(ctx, a, id)
}
