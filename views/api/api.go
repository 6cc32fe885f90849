// Package api is the JSON API of docs/api.md under /api/v1, with its OpenAPI
// document at /api/v1/openapi.json. Every error is answered in docs/api.md's
// shape by the app's own error handler.
package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/views/web"
)

type server struct {
	web.Deps
}

// New is the API as an app to mount at /api: its routes under /v1, an
// unknown address answered route_not_found, and every error in JSON.
func New(d web.Deps) *fiber.App {
	s := &server{Deps: d}
	app := fiber.New(fiber.Config{ErrorHandler: web.APIError})
	v1 := app.Group("/v1")
	v1.Post("/auth/token", s.createToken)
	v1.Get("/meta", s.meta)
	v1.Get("/openapi.json", openAPIDocument)
	v1.Get("/public/status", s.publicStatus)
	v1.Post("/public/messages", s.idempotentPublic, s.publicMessage)
	v1.Post("/public/rating", s.idempotentPublic, s.publicRating)
	v1.Post("/public/applications", s.idempotentPublic, s.publicApplication)

	// The token check sits on each staff route, not on a group, so that an
	// unknown address is a 404 rather than a 401.
	auth := s.requireToken
	v1.Post("/cases", auth, s.intake)
	v1.Get("/cases", auth, s.listCases)
	v1.Post("/cases/check", auth, s.checkIntake)
	v1.Get("/cases/:number/related", auth, s.related)
	v1.Get("/search", auth, s.search)
	v1.Get("/stats", auth, s.stats)
	v1.Get("/synonyms", auth, s.synonyms)
	v1.Put("/synonyms", auth, s.setSynonyms)
	v1.Get("/admin/term-proposals", auth, s.termProposals)
	v1.Put("/admin/term-proposals/:id", auth, s.decideTermProposal)
	v1.Get("/cases/:number", auth, read("number", s.Svc.Case))
	v1.Get("/cases/:number/timeline", auth, s.timeline)
	v1.Get("/cases/:number/attachments/:id", auth, s.attachment)
	// Mediation (before the actions' catch-all /cases/:number/:action).
	v1.Post("/cases/:number/sessions", auth, s.scheduleSession)
	v1.Post("/cases/:number/sessions/:id/record", auth, s.recordSession)
	v1.Post("/cases/:number/sessions/:id/cancel", auth, s.cancelSession)
	v1.Post("/cases/:number/agreements", auth, s.signAgreement)
	v1.Get("/cases/:number/agreements/:id/document", auth, s.agreementDocument)
	v1.Post("/cases/:number/agreements/:id/confirmation", auth, s.applyConfirmation)
	v1.Post("/cases/:number/agreements/:id/acceptance", auth, s.acceptConfirmation)
	v1.Post("/cases/:number/agreements/:id/ruling", auth, s.ruleConfirmation)
	v1.Post("/cases/:number/obligations/:id/performance", auth, s.recordPerformance)
	v1.Post("/cases/:number/obligations/:id/remedy", auth, s.recordRemedy)
	v1.Post("/cases/:number/followups", auth, s.recordFollowUp)
	v1.Post("/admin/rooms", auth, s.addRoom)
	v1.Get("/sessions", auth, s.weekSessions)
	// The 卷宗.
	v1.Get("/cases/:number/dossier", auth, read("number", s.Med.Dossier))
	v1.Get("/cases/:number/dossier.zip", auth, s.dossierZIP)
	v1.Post("/cases/:number/archive", auth, s.archive)
	v1.Post("/cases/:number/attachments", auth, s.fileAttachments)
	v1.Post("/cases/:number/links", auth, changed("number", s.Svc.Link))
	v1.Delete("/cases/:number/links/:other", auth, s.unlinkCase)
	v1.Post("/cases/:number/merge", auth, changed("number", s.Svc.Merge))                // answers the surviving case
	v1.Post("/cases/:number/corrections", auth, changed("number", s.Svc.Correct))        // a 补正, answered with the corrected case
	v1.Post("/cases/:number/materials", auth, changed("number", s.Svc.ReceiveMaterials)) // 一次性告知 materials received after intake
	v1.Post("/cases/:number/members", auth, s.importMembers)
	v1.Get("/members/template.:format", auth, s.memberTemplate)
	v1.Post("/cases/:number/risk", auth, changed("number", s.Svc.AssessRisk))
	v1.Post("/cases/:number/lead", auth, changed("number", s.Svc.AssignLead))
	v1.Post("/cases/:number/:action", auth, s.caseAction)
	v1.Post("/meetings", auth, s.conveneMeeting)
	v1.Get("/meetings", auth, s.meetings)
	v1.Get("/meetings/:id", auth, s.meeting)
	v1.Post("/meetings/:id/attendance", auth, s.signIn)
	v1.Post("/meetings/:id/minutes", auth, s.recordMinutes)
	v1.Get("/tasks", auth, s.tasks)
	v1.Post("/tasks/:id/done", auth, s.taskDone)
	v1.Post("/desks", auth, s.addDesk)
	v1.Post("/users", auth, s.addUser)
	v1.Get("/notifications", auth, s.notifications)
	v1.Get("/admin/deadline-rules", auth, s.deadlineRules)
	v1.Put("/admin/deadline-rules/:code", auth, changed("code", s.Svc.SaveDeadlineRule))
	v1.Get("/admin/risk-rules", auth, s.riskSettings)
	v1.Post("/admin/risk-rules", auth, s.saveRiskRule)
	v1.Put("/admin/risk-rules/:id", auth, s.saveRiskRule)
	v1.Get("/admin/calendar", auth, s.calendarDays)
	v1.Post("/admin/calendar/import", auth, s.importCalendar)
	v1.Put("/admin/calendar/:date", auth, s.setCalendarDay)
	v1.Delete("/admin/calendar/:date", auth, s.deleteCalendarDay)
	// Other systems following and feeding cases (integration.go).
	v1.Post("/auth/refresh", auth, s.refreshToken)
	v1.Post("/auth/logout", auth, s.logout)
	v1.Get("/events", auth, s.events)
	v1.Post("/webhooks", auth, s.addWebhook)
	v1.Get("/webhooks", auth, s.webhooks)
	v1.Delete("/webhooks/:id", auth, s.deleteWebhook)
	v1.Get("/webhooks/:id/deliveries", auth, s.webhookDeliveries)
	v1.Post("/webhooks/:id/resume", auth, s.resumeWebhook)
	v1.Post("/clients", auth, s.addClient)
	v1.Get("/clients", auth, s.clients)
	v1.Post("/clients/:id/rotate", auth, s.rotateClient)
	v1.Delete("/clients/:id", auth, s.revokeClient)

	app.Use(web.RouteNotFound)
	return app
}

// added serves a POST that makes one thing: the JSON body decoded
// strictly, create called as the signed-in user, and what it made answered
// with 201.
func added[In, Out any](c *fiber.Ctx, create func(context.Context, cases.Actor, In) (Out, error)) error {
	var in In
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	out, err := create(c.UserContext(), web.ActorOf(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// read serves a GET of the one thing the path's param names (a case's
// number), as the signed-in user may see it.
func read[Out any](param string, get func(ctx context.Context, a cases.Actor, key string) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		out, err := get(c.UserContext(), web.ActorOf(c), c.Params(param))
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

// changed serves a write to the one thing the path's param names (a case's
// number, a rule's code), answered with what do returns.
func changed[In, Out any](param string, do func(ctx context.Context, a cases.Actor, key string, in In) (Out, error)) fiber.Handler {
	return decoded(fiber.StatusOK, param, do)
}

// decoded decodes the JSON body strictly into In, calls do as the
// signed-in user on what the path's param names, and answers status with
// what it returns.
func decoded[In, Out any](status int, param string, do func(ctx context.Context, a cases.Actor, key string, in In) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in In
		if err := web.DecodeJSON(c, &in); err != nil {
			return err
		}
		out, err := do(c.UserContext(), web.ActorOf(c), c.Params(param), in)
		if err != nil {
			return err
		}
		return c.Status(status).JSON(out)
	}
}

// listed serves a GET of one list the signed-in user may read, answered
// as {key: [...]}.
func listed[T any](c *fiber.Ctx, key string, list func(context.Context, cases.Actor) (T, error)) error {
	items, err := list(c.UserContext(), web.ActorOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{key: items})
}
