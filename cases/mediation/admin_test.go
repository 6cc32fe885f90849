package mediation_test

import (
	"testing"

	"yidi/cases"
	"yidi/cases/mediation"
)

func kindOf(err error) cases.Kind {
	if e := cases.ErrorOf(err); e != nil {
		return e.Kind
	}
	return cases.KindInternal
}

// Settings are an admin's to change, checked field by field, and read back
// as written.
func TestSettingsAreChangedByAdminsOnly(t *testing.T) {
	f := newFixture(t, china(2026, 3, 2, 9, 0))
	want := mediation.Settings{DefaultShortName: "荣", FollowUpDays: 45, CourtDesk: "litigation"}
	if err := f.m.SetSettings(f.ctx, f.leader, want); kindOf(err) != cases.KindForbidden {
		t.Fatalf("leader: %v, want forbidden", err)
	}
	for _, bad := range []mediation.Settings{
		{DefaultShortName: "", FollowUpDays: 30, CourtDesk: "litigation"},
		{DefaultShortName: "荣", FollowUpDays: -1, CourtDesk: "litigation"},
		{DefaultShortName: "荣", FollowUpDays: 30, CourtDesk: "no-such-desk"},
	} {
		if err := f.m.SetSettings(f.ctx, f.admin, bad); kindOf(err) != cases.KindInvalid {
			t.Fatalf("%+v: %v, want invalid", bad, err)
		}
	}
	if err := f.m.SetSettings(f.ctx, f.admin, want); err != nil {
		t.Fatal(err)
	}
	if got, err := f.m.Settings(f.ctx); err != nil || got != want {
		t.Fatalf("settings %+v, %v; want %+v", got, err, want)
	}
}

// A room taken out of use is listed after the active ones and can come
// back; only admins switch rooms, and an unknown room is not found.
func TestRoomsGoOutOfUseAndBack(t *testing.T) {
	f := newFixture(t, china(2026, 3, 2, 9, 0))
	if err := f.m.SetRoomActive(f.ctx, f.med, f.room1, false); kindOf(err) != cases.KindForbidden {
		t.Fatalf("handler: %v, want forbidden", err)
	}
	if err := f.m.SetRoomActive(f.ctx, f.admin, 9999, false); kindOf(err) != cases.KindNotFound {
		t.Fatalf("unknown room: %v, want not found", err)
	}
	if err := f.m.SetRoomActive(f.ctx, f.admin, f.room1, false); err != nil {
		t.Fatal(err)
	}
	rooms, err := f.m.Rooms(f.ctx)
	if err != nil || len(rooms) != 2 || rooms[0].ID != f.room2 || !rooms[0].Active || rooms[1].ID != f.room1 || rooms[1].Active {
		t.Fatalf("rooms %+v, %v; want room 2 active, then room 1 out of use", rooms, err)
	}
	if err := f.m.SetRoomActive(f.ctx, f.admin, f.room1, true); err != nil {
		t.Fatal(err)
	}
	if rooms, _ := f.m.Rooms(f.ctx); !rooms[0].Active || !rooms[1].Active {
		t.Fatalf("rooms %+v, want both active", rooms)
	}
}
