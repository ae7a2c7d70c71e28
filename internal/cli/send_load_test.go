package cli

import (
	"bytes"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/listener"
)

// Ctrl-C on a terminal echoes ^C where the cursor is; the summary starts on
// a line of its own, so it never reads "^Csent 12 deliveries".
func TestLoadSummaryAfterInterruptStartsOnANewLine(t *testing.T) {
	t.Parallel()
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

// Without --to, send delivers to listen's address; when nothing listens
// there, the hint says so and how to start it.
func TestDefaultToHint(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	o := delivery.Outgoing{Req: delivery.Request{URL: defaultTo}}
	err := deliveryFailure(o, delivery.Response{Attempts: 1}, refused, &client{ToDefault: true})
	var ee *ExitError
	if !errors.As(err, &ee) || !strings.Contains(ee.Hint, "nothing listens at http://127.0.0.1:8080/, where send delivers without --to: start `webhook-tool listen`") {
		t.Errorf("hint = %q", ee.Hint)
	}
	err = deliveryFailure(o, delivery.Response{Attempts: 1}, refused, &client{})
	if !errors.As(err, &ee) || !strings.Contains(ee.Hint, "webhook-tool listen --addr 127.0.0.1:8080") {
		t.Errorf("hint with --to given = %q", ee.Hint)
	}
	if defaultTo != "http://"+listener.DefaultAddr+"/" {
		t.Errorf("defaultTo %q is not listen's default address", defaultTo)
	}
}
