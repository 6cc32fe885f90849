package staff

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// navItem is one link of the header navigation; Count shows a badge.
type navItem struct {
	Key      string
	Label    string
	Href     string
	Count    int
	HasCount bool
	Info     bool // the count is to know, not to act on: no red badge
	Active   bool
}

// navFor builds the navigation of a's role, with the workbench queues and
// their counts. Other parts add their entries here (deadlines list,
// submitted applications, statistics).
func (s *server) navFor(c *fiber.Ctx, a cases.Actor, active string) []navItem {
	var items []navItem
	switch a.Role {
	case cases.RoleIntake:
		items = append(items, navItem{Key: "intake", Label: "受理登记", Href: "/intake"})
	case cases.RoleLeader:
		items = append(items, navItem{Key: "leader", Label: "领导视图", Href: "/leader"},
			navItem{Key: "stats", Label: "统计分析", Href: "/leader/stats"})
	case cases.RoleAdmin:
		items = append(items,
			navItem{Key: "users", Label: "用户", Href: "/admin/users"},
			navItem{Key: "desks", Label: "窗口", Href: "/admin/desks"},
			navItem{Key: "categories", Label: "纠纷类别", Href: "/admin/categories"},
			navItem{Key: "deadline-rules", Label: "时限规则", Href: "/admin/deadline-rules"},
			navItem{Key: "risk-rules", Label: "风险规则", Href: "/admin/risk-rules"},
			navItem{Key: "calendar", Label: "节假日", Href: "/admin/calendar"},
			navItem{Key: "settings", Label: "中心设置", Href: "/admin/settings"},
			navItem{Key: "vocab", Label: "相关词", Href: "/admin/vocab"})
		// A paused webhook's notice shows as a badge until read.
		unread, _ := s.Svc.UnreadNotifications(c.UserContext(), a)
		items = append(items, navItem{Key: "integration", Label: "接入与Webhook", Href: "/admin/integration", Count: unread, HasCount: unread > 0})
	}
	if cases.Authorize(a, cases.HandleCases) == nil {
		counts, err := s.Rep.QueueCounts(c.UserContext(), a)
		if err == nil {
			for _, q := range counts {
				items = append(items, navItem{Key: "desk:" + q.Key, Label: q.Label,
					Href: "/desk?queue=" + q.Key, Count: q.Count, HasCount: true, Info: q.Info})
			}
		}
		if unread, err := s.Svc.UnreadNotifications(c.UserContext(), a); err == nil {
			items = append(items, navItem{Key: "notifications", Label: "提醒", Href: "/notifications", Count: unread, HasCount: true})
		}
		items = append(items, navItem{Key: "cases", Label: "案件列表", Href: "/cases"})
		// 会商 and 交办: leaders convene and supervise, desks attend and report.
		if a.Role == cases.RoleLeader || a.Role == cases.RoleHandler {
			items = append(items, navItem{Key: "meetings", Label: "会商", Href: "/meetings"})
			over, _ := s.Svc.OverdueTasks(c.UserContext(), a)
			item := navItem{Key: "tasks", Label: "交办", Href: "/tasks"}
			if over != nil && over.Count > 0 {
				item.Count, item.HasCount = over.Count, true
			}
			items = append(items, item)
		}
		items = append(items, navItem{Key: "search", Label: "搜索", Href: "/search"})
	}
	// 日程: every role has a calendar to read (rooms are shared).
	items = append(items, navItem{Key: "week", Label: "日程", Href: "/calendar"})
	for i := range items {
		items[i].Active = items[i].Key == active
	}
	return items
}

func itoa(n int) string { return strconv.Itoa(n) }
