package views

// Request bodies of the public routes, for the OpenAPI schema check.
type (
	RatingRequest  = ratingRequest
	MessageRequest = messageRequest
)
