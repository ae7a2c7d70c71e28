package cli

import "testing"

func TestMentionsFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		msg, name string
		want      bool
	}{
		{"invalid --count -5: give 1 or more", "count", true},
		{"bad --schema-dir x", "schema", false},
		{"bad --schema-dir x, and --schema y", "schema", true},
		{"unknown --output format", "output", true},
		{"ends with --to", "to", true},
		{"--token is not --to-do", "to", false},
	} {
		if got := mentionsFlag(tc.msg, tc.name); got != tc.want {
			t.Errorf("mentionsFlag(%q, %q) = %v, want %v", tc.msg, tc.name, got, tc.want)
		}
	}
}
