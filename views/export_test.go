package views

import (
	"yidi/views/api"
	"yidi/views/web"
)

// Request bodies of the public routes, for the OpenAPI schema check.
type (
	RatingRequest  = api.RatingRequest
	MessageRequest = web.MessageRequest
)
