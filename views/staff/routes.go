package staff

import "github.com/gofiber/fiber/v2"

// pageRoutes registers the staff pages (HTML, session + CSRF). Other parts
// add their pages here; each handler lives in its own file.
func (s *server) pageRoutes(app *fiber.App) {
	app.Get("/", s.home)
	app.Get("/login", s.loginPage)
	app.Post("/login", s.login)
	in := s.requireLogin
	app.Post("/logout", in, s.logout)

	app.Get("/intake", in, s.intakePage)
	app.Post("/intake", in, s.intakeSubmit)
	app.Post("/intake/check", in, s.intakeCheck)
	app.Get("/intake/person", in, s.intakePerson)

	app.Get("/desk", in, s.deskPage)
	app.Get("/cases", in, s.casesPage)
	// Before /cases/:number, which would take "export.csv" for a number.
	app.Get("/cases/export.csv", in, s.casesExport("csv"))
	app.Get("/cases/export.xlsx", in, s.casesExport("xlsx"))
	app.Get("/cases/members-template.:format", in, s.memberTemplate)
	app.Get("/cases/:number", in, s.casePage)
	app.Get("/cases/:number/receipt", in, s.receiptAgain)
	app.Post("/cases/:number/correction", in, s.caseCorrect)
	app.Post("/cases/:number/act/reissue_code", in, s.caseReissue) // answers the new code
	app.Post("/cases/:number/act/:action", in, s.caseAct)
	app.Post("/cases/:number/links", in, s.caseLink)
	app.Post("/cases/:number/links/:other/delete", in, s.caseUnlink)
	app.Post("/cases/:number/merge", in, s.caseMerge)
	app.Post("/cases/:number/materials", in, s.caseMaterials)
	app.Post("/cases/:number/members", in, s.caseMembers)
	app.Post("/cases/:number/risk", in, s.caseRisk)
	app.Post("/cases/:number/lead", in, s.caseLead)
	app.Get("/cases/:number/attachments/:id", in, s.attachment)
	app.Get("/cases/:number/dossier", in, s.dossierPage)
	app.Get("/cases/:number/dossier.zip", in, s.dossierZIP)
	app.Get("/cases/:number/dossier/print", in, s.dossierBundle)
	app.Get("/cases/:number/dossier/docs/:code", in, s.dossierDocument)
	app.Post("/cases/:number/dossier/archive", in, s.dossierArchive)
	app.Post("/cases/:number/dossier/files", in, s.dossierFile)
	app.Post("/cases/:number/reveal", in, s.caseReveal)
	// Mediation on the case page (mediation_forms.go).
	app.Post("/cases/:number/mediation/:step", in, s.mediationAct)
	app.Post("/cases/:number/mediation/:step/:id", in, s.mediationAct)

	app.Get("/search", in, s.searchPage)
	app.Get("/leader", in, s.leaderPage)
	app.Get("/leader/stats", in, s.statsPage)
	app.Get("/leader/stats/export.csv", in, s.statsExport("csv"))
	app.Get("/leader/stats/export.xlsx", in, s.statsExport("xlsx"))
	// 日程: the week calendars of the desks and rooms.
	app.Get("/calendar", in, s.weekPage)

	// 会商 and 交办 (meetings_page.go, tasks_page.go).
	app.Get("/meetings", in, s.meetingsPage)
	app.Post("/meetings", in, s.meetingCreate)
	app.Get("/meetings/:id", in, s.meetingPage)
	app.Get("/meetings/:id/print", in, s.meetingPrint)
	app.Post("/meetings/:id/attendance", in, s.meetingSignIn)
	app.Post("/meetings/:id/minutes", in, s.meetingMinutes)
	app.Get("/tasks", in, s.tasksPage)
	app.Get("/tasks/:id/print", in, s.taskPrint)
	app.Post("/tasks/:id/done", in, s.taskDone)

	app.Get("/notifications", in, s.notificationsPage)
	app.Post("/notifications/read", in, s.notificationsRead)

	app.Get("/admin/users", in, s.adminUsers)
	app.Post("/admin/users", in, s.adminUserCreate)
	app.Post("/admin/users/:id", in, s.adminUserUpdate)
	app.Get("/admin/desks", in, s.adminDesks)
	app.Post("/admin/desks", in, s.adminDeskSave)
	app.Get("/admin/categories", in, s.adminCategories)
	app.Post("/admin/categories", in, s.adminCategorySave)
	app.Get("/admin/deadline-rules", in, s.adminDeadlineRules)
	app.Post("/admin/deadline-rules", in, s.adminDeadlineRuleSave)
	app.Get("/admin/calendar", in, s.adminCalendar)
	app.Post("/admin/calendar", in, s.adminCalendarSave)
	app.Get("/admin/vocab", in, s.adminVocab)
	app.Post("/admin/vocab", in, s.adminVocabDecide)
	app.Get("/admin/settings", in, s.adminSettings)
	app.Post("/admin/settings", in, s.adminSettingsSave)
	app.Get("/admin/materials", in, s.adminMaterials)
	app.Post("/admin/materials", in, s.adminMaterialSave)
	app.Get("/admin/risk-rules", in, s.adminRiskRules)
	app.Post("/admin/risk-rules", in, s.adminRiskRuleSave)
	app.Get("/admin/integration", in, s.adminIntegration)
	app.Post("/admin/integration", in, s.adminIntegrationSave)
	app.Get("/admin/integration/webhooks/:id", in, s.adminWebhookLog)
}
