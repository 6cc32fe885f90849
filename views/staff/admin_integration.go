package staff

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

// 管理 → 接入与 Webhook (issue 17): machine clients and webhook
// subscriptions, the admins' notices (a paused webhook), and each
// subscription's delivery log. A new or rotated token is shown on the
// answer page itself, once: a redirect would lose it.

type integrationData struct {
	Clients  []cases.Client
	Webhooks []cases.Webhook
	Notices  []cases.DeskNotification
	Scopes   []string
	Error    string
	Token    string // just made or rotated, shown this once
	TokenFor string
	New      map[string]string
}

const integrationTitle = "接入与 Webhook"

func (s *server) adminIntegration(c *fiber.Ctx) error {
	return s.integrationPage(c, fiber.StatusOK, &integrationData{})
}

func (s *server) integrationPage(c *fiber.Ctx, status int, d *integrationData) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	if err := cases.Authorize(a, cases.Administer); err != nil {
		return err
	}
	var err error
	if d.Clients, err = s.Svc.Clients(ctx, a); err != nil {
		return err
	}
	if d.Webhooks, err = s.Svc.Webhooks(ctx, a); err != nil {
		return err
	}
	if d.Notices, err = s.Svc.DeskNotifications(ctx, a); err != nil {
		return err
	}
	d.Scopes = cases.AllScopes
	if d.New == nil {
		d.New = map[string]string{}
	}
	return s.render(c, status, "admin_integration", page{Title: integrationTitle, Active: "integration", Data: d})
}

// adminIntegrationSave takes the page's forms, one op each; a refusal shows
// the page again with the message and what was typed.
func (s *server) adminIntegrationSave(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	id, _ := strconv.ParseInt(c.FormValue("id"), 10, 64)
	typed := map[string]string{}
	var made *cases.Client
	var err error
	switch c.FormValue("op") {
	case "client_add":
		in := cases.ClientInput{Name: c.FormValue("name")}
		typed["name"] = in.Name
		if v := c.FormValue("expires"); v != "" {
			typed["expires"] = v
			var day time.Time
			if day, err = cases.ParseDay("expires", v); err == nil {
				end := cases.EndOfDay(day)
				in.ExpiresAt = &end
			}
		}
		for _, sc := range cases.AllScopes {
			if c.FormValue("scope_"+sc) != "" {
				in.Scopes = append(in.Scopes, sc)
			}
		}
		if err == nil {
			made, err = s.Svc.CreateClient(ctx, a, in)
		}
	case "client_rotate":
		made, err = s.Svc.RotateClient(ctx, a, id)
	case "client_revoke":
		if err = notConfirmed(c); err == nil {
			err = s.Svc.RevokeClient(ctx, a, id, "")
		}
	case "webhook_add":
		in := cases.WebhookInput{URL: c.FormValue("url"), Secret: c.FormValue("secret")}
		typed["url"], typed["events"] = in.URL, c.FormValue("events")
		in.Events = strings.FieldsFunc(c.FormValue("events"), func(r rune) bool { return r == ',' || r == ' ' || r == '，' })
		_, err = s.Svc.CreateWebhook(ctx, a, in)
	case "webhook_delete":
		if err = notConfirmed(c); err == nil {
			err = s.Svc.DeleteWebhook(ctx, a, id)
		}
	case "webhook_resume":
		err = s.Svc.ResumeWebhook(ctx, a, id)
	case "notices_read":
		_, err = s.Svc.MarkNotificationsRead(ctx, a, nil)
	default:
		err = &cases.Error{Kind: cases.KindInvalid, Code: "unknown_op", Message: "未知的操作"}
	}
	if err != nil {
		e, fault := refusedBy(err)
		if fault != nil {
			return fault
		}
		return s.integrationPage(c, web.StatusOf(e.Kind), &integrationData{Error: e.Message, New: typed})
	}
	if made != nil {
		return s.integrationPage(c, fiber.StatusOK, &integrationData{Token: made.Token, TokenFor: made.Name})
	}
	return c.Redirect("/admin/integration", fiber.StatusSeeOther)
}

// notConfirmed refuses a revocation or deletion whose box was not ticked.
func notConfirmed(c *fiber.Ctx) error {
	if confirmed(c) {
		return nil
	}
	return &cases.Error{Kind: cases.KindInvalid, Code: "not_confirmed", Message: "请勾选“确认”后再操作", Field: "confirm"}
}

type deliveryLogData struct {
	Webhook    cases.Webhook
	Deliveries []cases.WebhookDelivery
}

// adminWebhookLog is one subscription's delivery log.
func (s *server) adminWebhookLog(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), web.ActorOf(c)
	if err := cases.Authorize(a, cases.Administer); err != nil {
		return err
	}
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	d := deliveryLogData{}
	if d.Deliveries, err = s.Svc.WebhookDeliveries(ctx, a, id); err != nil {
		return err
	}
	hooks, err := s.Svc.Webhooks(ctx, a)
	if err != nil {
		return err
	}
	d.Webhook = cases.Webhook{ID: id, URL: "（已删除的订阅）"}
	for _, w := range hooks {
		if w.ID == id {
			d.Webhook = w
		}
	}
	return s.render(c, fiber.StatusOK, "admin_webhook_log", page{Title: "Webhook 投递记录", Active: "integration", Data: d})
}
