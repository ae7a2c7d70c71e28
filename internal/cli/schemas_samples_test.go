package cli

import (
	"testing"
	"time"
)

func TestParseSince(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	app := &App{Now: func() time.Time { return now }}
	for in, want := range map[string]time.Time{
		"":    {},
		"90m": now.Add(-90 * time.Minute),
		"36h": now.Add(-36 * time.Hour),
		"7d":  now.AddDate(0, 0, -7),
	} {
		got, err := parseSince(app, in)
		if err != nil || !got.Equal(want) {
			t.Errorf("--since %q: %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"yesterday", "-1h", "0s", "d", "1.5d", "7days"} {
		if _, err := parseSince(app, bad); err == nil {
			t.Errorf("--since %q: no error", bad)
		}
	}
}
