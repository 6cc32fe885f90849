package cases

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"testing"
)

// fieldPath is how an intake error names its field: title, parties[2].phone.
var fieldPath = regexp.MustCompile(`^[a-z_]+(\[\d+\]\.[a-z_]+)?$`)

// An intake body either fails with a 400-kind error that names a field of
// the form, or validates to a normal form that validates again unchanged
// and survives JSON (what is stored and replayed) unchanged.
func FuzzIntakeValidate(f *testing.F) {
	ctx := context.Background()
	store, err := OpenDatabase(ctx, testDatabase(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { store.Close() })
	s := NewService(store) // the categories the migrations seed
	f.Fuzz(func(t *testing.T, body []byte) {
		var in IntakeInput
		if json.Unmarshal(body, &in) != nil {
			return // the decoder's own target covers bodies that are not JSON
		}
		err := s.validateIntake(ctx, &in)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindInvalid || !fieldPath.MatchString(e.Field) || e.Code == "" || e.Message == "" {
				t.Fatalf("error %#v, want an invalid-kind error naming a field", err)
			}
			return
		}
		once := in
		once.Parties = append([]PartyInput(nil), in.Parties...)
		if err := s.validateIntake(ctx, &in); err != nil || !reflect.DeepEqual(in, once) {
			t.Fatalf("validating the normal form again: %v, %+v → %+v", err, once, in)
		}
		raw, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("the valid input does not encode: %v", err)
		}
		var back IntakeInput
		if err := json.Unmarshal(raw, &back); err != nil || back.fingerprint() != in.fingerprint() {
			t.Fatalf("round trip through JSON: %v, %+v → %+v", err, in, back)
		}
		if err := s.validateIntake(ctx, &back); err != nil {
			t.Fatalf("the stored form does not validate: %v", err)
		}
	})
}
