package suggest

import "testing"

func TestDistance(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"lisen", "listen", 1},
		{"actoin", "action", 1},
		{"kitten", "sitting", 3},
		{"max_body", "max-body", 1},
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	t.Parallel()
	fixtures := []string{"permit.create_user", "permit.invite_user", "permit.invite_user_rebac", "permit.role_assignment"}
	commands := []string{"listen", "send", "sign", "verify", "validate", "replay"}
	for _, tc := range []struct {
		word  string
		cands []string
		want  string
	}{
		{"lisen", commands, "listen"},
		{"sned", commands, "send"},
		{"permit.createuser", fixtures, "permit.create_user"},
		{"permit.create-user", fixtures, "permit.create_user"},
		{"Permit.Create_User", fixtures, "permit.create_user"},
		{"sing", commands, "sign"}, // one swap; send is two edits away
		{"xyz", commands, ""},      // nothing near
		{"deploy", commands, ""},   // replay is two edits away: too far for six letters
	} {
		if got := Closest(tc.word, tc.cands); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestClosestTie(t *testing.T) {
	t.Parallel()
	if got := Closest("ab", []string{"ax", "ay"}); got != "" {
		t.Errorf("a tie gave %q, want none", got)
	}
}
