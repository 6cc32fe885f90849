package web

import (
	"errors"
	"log/slog"
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"yidi/cases"
)

// APIError is the JSON API's error handler: every error becomes docs/api.md's
// shape. Internal faults are logged and shown only as "internal".
func APIError(c *fiber.Ctx, err error) error {
	err = Classify(c, err)
	if e := cases.ErrorOf(err); e != nil {
		body := errorBody(e.Code, e.Message, e.Field)
		if e.Case != "" {
			body["case"] = e.Case
		}
		return c.Status(StatusOf(e.Kind)).JSON(fiber.Map{"error": body})
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		if e, ok := fiberErrors[fe.Code]; ok {
			return WriteError(c, fe.Code, e.code, e.message, "")
		}
		if fe.Code < 500 {
			return WriteError(c, fe.Code, "bad_request", "请求有误："+fe.Message, "")
		}
	}
	LogInternal(c, err)
	return WriteError(c, fiber.StatusInternalServerError, "internal", "服务器内部错误，请稍后重试或联系管理员", "")
}

// fiberErrors name the statuses fiber itself answers with.
var fiberErrors = map[int]struct{ code, message string }{
	fiber.StatusRequestEntityTooLarge: {"too_large", "请求内容过大"},
	fiber.StatusNotFound:              {"route_not_found", "没有这个地址"},
	fiber.StatusMethodNotAllowed:      {"method_not_allowed", "不支持该请求方法"},
}

// RouteNotFound is the answer for an address no route takes; an address
// that routes take only with other methods answers 405 with Allow.
func RouteNotFound(c *fiber.Ctx) error {
	if allow := allowedMethods(c.App(), c.Path()); allow != "" {
		c.Set(fiber.HeaderAllow, allow)
		return fiber.ErrMethodNotAllowed
	}
	return &cases.Error{Kind: cases.KindNotFound, Code: "route_not_found", Message: "没有这个地址：" + c.Method() + " " + c.Path()}
}

// LogInternal logs a fault with what identifies its request.
func LogInternal(c *fiber.Ctx, err error) {
	slog.Error("internal error", "method", c.Method(), "path", c.Path(),
		"request_id", c.Locals(requestid.ConfigDefault.ContextKey), "err", err)
}

// WriteError writes docs/api.md's error shape.
func WriteError(c *fiber.Ctx, status int, code, message, field string) error {
	return c.Status(status).JSON(fiber.Map{"error": errorBody(code, message, field)})
}

func errorBody(code, message, field string) fiber.Map {
	body := fiber.Map{"code": code, "message": message}
	if field != "" {
		body["field"] = field
	}
	return body
}

// kindStatus is the HTTP status of each kind of cases error.
var kindStatus = map[cases.Kind]int{
	cases.KindInvalid:      fiber.StatusBadRequest,
	cases.KindNotFound:     fiber.StatusNotFound,
	cases.KindConflict:     fiber.StatusConflict,
	cases.KindForbidden:    fiber.StatusForbidden,
	cases.KindUnauthorized: fiber.StatusUnauthorized,
	cases.KindTooMany:      fiber.StatusTooManyRequests,
	cases.KindStorageFull:  fiber.StatusInsufficientStorage,
}

// StatusOf is the HTTP status of a kind of cases error; an unknown kind is
// an internal fault.
func StatusOf(k cases.Kind) int {
	if status, ok := kindStatus[k]; ok {
		return status
	}
	return fiber.StatusInternalServerError
}

// NotFound answers route_not_found in JSON at once, for the addresses
// outside the pages (health check, static files) that no route takes.
func NotFound(c *fiber.Ctx) error {
	return APIError(c, RouteNotFound(c))
}

// Classify is the first step of every error handler: a domain error's
// wait goes into Retry-After, and a full disk that reached the web layer
// without passing the service's write path becomes storage_full.
func Classify(c *fiber.Ctx, err error) error {
	SetRetryAfter(c, err)
	if storageFull(err) {
		return cases.ErrStorageFull
	}
	return err
}

// storageFull reports whether err is a full disk that reached the web
// layer without passing the service's write path (a safety net).
func storageFull(err error) bool {
	return cases.ErrorOf(err) == nil && cases.IsStorageFull(err)
}

// SetRetryAfter copies a domain error's wait into the Retry-After header.
func SetRetryAfter(c *fiber.Ctx, err error) {
	if e := cases.ErrorOf(err); e != nil && e.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
	}
}
