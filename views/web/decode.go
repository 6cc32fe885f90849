package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
)

// DecodeJSON reads the body strictly into v: a wrong type, an unknown field
// or broken JSON is a 400 that names the field. An empty body is {}.
func DecodeJSON(c *fiber.Ctx, v any) error {
	return decodeStrict(c.Body(), v)
}

func decodeStrict(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			return badJSON("", "请求体应为一个JSON对象")
		}
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		return badJSON(field, fmt.Sprintf("字段“%s”的类型不对：应为%s", field, jsonTypeName(typeErr.Type.Kind().String())))
	case errors.As(err, &syntaxErr):
		return badJSON("", fmt.Sprintf("请求体不是有效的JSON（第%d字节附近）", syntaxErr.Offset))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		msg := fmt.Sprintf("不认识的字段“%s”", field)
		if field == "" {
			msg = "不认识的字段（字段名为空）" // found by FuzzDecodeIntake: “” read as a typo of the quotes
		}
		return &cases.Error{Kind: cases.KindInvalid, Code: "unknown_field", Message: msg, Field: field}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badJSON("", "请求体不是完整的JSON")
	}
	return badJSON("", "请求体不是有效的JSON")
}

func badJSON(field, msg string) error {
	return &cases.Error{Kind: cases.KindInvalid, Code: "invalid_json", Message: msg, Field: field}
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "字符串"
	case "int", "int64", "float64":
		return "数字"
	case "bool":
		return "true或false"
	case "slice":
		return "数组"
	case "struct", "map":
		return "对象"
	}
	return kind
}

// DecodeIntake is DecodeJSON for an intake body, with errors inside a party
// named by its index (parties[1].id_number), as validation names them.
func DecodeIntake(c *fiber.Ctx, in *cases.IntakeInput) error {
	err := DecodeJSON(c, in)
	e := cases.ErrorOf(err)
	if e == nil || (!strings.HasPrefix(e.Field, "parties.") && e.Code != "unknown_field") {
		return err
	}
	var probe struct {
		Parties []json.RawMessage `json:"parties"`
	}
	if json.Unmarshal(c.Body(), &probe) != nil {
		return err
	}
	for i, raw := range probe.Parties {
		var p cases.PartyInput
		if pe := cases.ErrorOf(decodeStrict(raw, &p)); pe != nil {
			pe.Field = fmt.Sprintf("parties[%d].%s", i, strings.TrimPrefix(pe.Field, "parties."))
			if pe.Code == "unknown_field" {
				pe.Message = fmt.Sprintf("当事人中不认识的字段“%s”", pe.Field)
			}
			return pe
		}
	}
	return err
}
