package cases

// Who may do what outside a case's lifecycle (lifecycle.go holds the rules
// for acting on a case). Each Service method checks its own permission
// first; the web layer asks Authorize before it reads a form or draws a
// page, so that a refused user never sees a form error and the answer is
// decided here, once.

// Permission is something only some roles may do.
type Permission int

const (
	Administer        Permission = iota // the 管理 pages: accounts, desks, categories, rules, calendar
	ManageUsers                         // create accounts
	EditDeadlineRules                   // change a time-limit rule
	EditCalendar                        // add, delete or import holiday days
	UseLeaderView                       // 领导视图
	ViewStats                           // 统计分析 and its exports
	HandleCases                         // the case list and its exports: everyone but admins
	ReceiveReminders                    // 提醒: everyone but admins
	AssessRisk                          // confirm a risk level, name a 包案 leader
	EditRiskRules                       // change the rules that suggest risk levels
)

type rule struct {
	allowed func(a Actor) bool
	message string // as a refused user reads it
}

func adminRole(a Actor) bool  { return a.Role == RoleAdmin || a.system }
func leaderRole(a Actor) bool { return a.Role == RoleLeader }
func staffRole(a Actor) bool  { return a.Role != RoleAdmin }

var rules = map[Permission]rule{
	Administer:        {adminRole, "只有管理员可以进入管理页面。"},
	ManageUsers:       {adminRole, "只有管理员可以新增用户。"},
	EditDeadlineRules: {adminRole, "只有管理员可以修改时限规则。"},
	EditCalendar:      {adminRole, "只有管理员可以修改节假日安排。"},
	UseLeaderView:     {leaderRole, "领导视图仅供领导使用。"},
	ViewStats:         {leaderRole, "统计分析仅供领导使用。"},
	HandleCases:       {staffRole, "管理员账号不办理案件。"},
	ReceiveReminders:  {staffRole, "管理员不接收办案提醒。"},
	AssessRisk:        {leaderRole, "只有领导可以评定风险等级和指定包案领导。"},
	EditRiskRules:     {adminRole, "只有管理员可以修改风险研判规则。"},
}

// Authorize answers nil when a may do p, else a KindForbidden error whose
// message says who may.
func Authorize(a Actor, p Permission) error {
	if a.IsClient() {
		// The pages' permissions are people's; a client has its scopes.
		return errClientsNotAllowed
	}
	r, ok := rules[p]
	if !ok || !r.allowed(a) {
		msg := "无权操作"
		if ok {
			msg = r.message
		}
		return forbidden(msg)
	}
	return nil
}

// SystemActor acts from the command line: it creates the first admin and
// the demo accounts, edits the calendar, and imports historical data. It
// may do what an admin may; the timeline shows its name as the actor. It
// acts through a disabled account of its own, created on first use, since
// every case names the account that registered it.
var SystemActor = Actor{Username: "system-import", Name: "历史数据导入", Role: RoleLeader, system: true}
