package views_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// Every admin form that succeeds says so on the page it leads back to
// (post/redirect/get with the flash worded from the saved row, not from
// the address), issue 16 item 9.
func TestAdminActionsSaySo(t *testing.T) {
	ts := newTestServer(t)
	b := ts.signedIn(t, "admin")
	b.do("GET", "/admin/users", nil)
	saved := func(path string, form url.Values, want string) {
		t.Helper()
		form.Set("_csrf", b.csrf)
		status, body, h := b.do("POST", path, form)
		if status != fiber.StatusSeeOther {
			t.Fatalf("POST %s: %d\n%s", path, status, body)
		}
		_, page, _ := b.do("GET", h.Get("Location"), nil)
		if !strings.Contains(page, `class="flash" role="status">`+want) {
			t.Errorf("after POST %s the page does not say %q", path, want)
		}
	}
	saved("/admin/users", url.Values{"username": {"zhou"}, "name": {"周调解"}, "password": {"password-zhou"}, "role": {"handler"}, "desk": {"mediation"}},
		"已添加用户 周调解（zhou）。")
	id := ts.actor("zhou").UserID
	path := "/admin/users/" + itoa(int(id))
	saved(path, url.Values{"op": {"role"}, "role": {"handler"}, "desk": {"petition"}}, "已修改 周调解（zhou） 的角色和窗口。")
	saved(path, url.Values{"op": {"password"}, "password": {"another-password-1"}}, "已重置 周调解（zhou） 的密码，请告知本人。")
	saved(path, url.Values{"op": {"disable"}, "confirm": {"yes"}}, "已停用 周调解（zhou），其登录已失效。")
	saved(path, url.Values{"op": {"enable"}}, "已启用 周调解（zhou）。")
	saved("/admin/desks", url.Values{"op": {"create"}, "code": {"arbitration"}, "name": {"劳动仲裁"}}, "已添加窗口“劳动仲裁”。")
	saved("/admin/desks", url.Values{"code": {"arbitration"}, "name": {"劳动人事争议仲裁"}, "active": {"1"}}, "已保存窗口“劳动人事争议仲裁”。")
	saved("/admin/categories", url.Values{"op": {"create"}, "code": {"tourism"}, "name": {"旅游纠纷"}}, "已添加纠纷类别“旅游纠纷”。")

	// The flash names only rows that exist: a made-up one says nothing.
	if _, page, _ := b.do("GET", "/admin/users?done=created&who=999", nil); strings.Contains(page, `class="flash"`) {
		t.Errorf("a made-up user got a flash")
	}
}
