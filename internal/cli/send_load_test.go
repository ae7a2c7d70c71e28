package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
)

// Ctrl-C on a terminal echoes ^C where the cursor is; the summary starts on
// a line of its own, so it never reads "^Csent 12 deliveries".
func TestLoadSummaryAfterInterruptStartsOnANewLine(t *testing.T) {
	for _, tc := range []struct {
		tty, interrupted bool
		wantFirst        string
	}{
		{true, true, ""},
		{true, false, "sent 12 deliveries"},
		{false, true, "sent 12 deliveries"},
	} {
		var out bytes.Buffer
		app := &App{Streams: Streams{Out: &out, OutTTY: tc.tty}, Getenv: func(string) string { return "" }}
		rep := loadReport{URL: "http://127.0.0.1:8080/", Sent: 12, OK: 12, Interrupted: tc.interrupted}
		writeLoadSummary(app, rep, delivery.Summary{Sent: 12, OK: 12})
		first, _, _ := strings.Cut(out.String(), "\n")
		if !strings.HasPrefix(first, tc.wantFirst) || (tc.wantFirst == "") != (first == "") {
			t.Errorf("tty %v interrupted %v: first line %q, want %q", tc.tty, tc.interrupted, first, tc.wantFirst)
		}
	}
}
