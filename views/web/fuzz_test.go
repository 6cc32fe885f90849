package web

// Fuzz target (issue 15): go test -run '^$' -fuzz '^FuzzDecodeIntake$' ./views/web.

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"yidi/cases"
)

// decodeField is how a decoding error names its field: "", title,
// parties[2].phone — never the decoder's own "parties.phone".
var decodeField = regexp.MustCompile(`^([a-z_]+(\[\d+\]\.[a-z_]+)?)?$`)

// An intake body either decodes, and then reads the same when encoded
// again, or fails with a 400 that names the field as the form does.
func FuzzDecodeIntake(f *testing.F) {
	app := fiber.New()
	f.Fuzz(func(t *testing.T, body []byte) {
		fctx := &fasthttp.RequestCtx{}
		fctx.Request.SetBody(body)
		c := app.AcquireCtx(fctx)
		defer app.ReleaseCtx(c)
		var in cases.IntakeInput
		err := DecodeIntake(c, &in)
		if err != nil {
			e := cases.ErrorOf(err)
			// An unknown field is named as the client sent it (an empty
			// name said "“”"); a wrong type as the form names the field.
			if e == nil || e.Kind != cases.KindInvalid || e.Message == "" ||
				!(e.Code == "invalid_json" && decodeField.MatchString(e.Field) || e.Code == "unknown_field" && !strings.Contains(e.Message, "“”")) {
				t.Fatalf("body %q: error %#v, want invalid_json naming the field as the form does, or unknown_field", body, err)
			}
			return
		}
		raw, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("decoded %+v does not encode: %v", in, err)
		}
		var back cases.IntakeInput
		if err := decodeStrict(raw, &back); err != nil || !reflect.DeepEqual(back, in) {
			t.Fatalf("round trip: %v, %+v → %+v", err, in, back)
		}
	})
}
