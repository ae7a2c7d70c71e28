package listener_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// leaveGC reads GOGC and GOMEMLIMIT as set, as a user's would be, so that
// a run leaves the test process's GC settings alone.
func leaveGC(k string) string {
	if k == "GOGC" || k == "GOMEMLIMIT" {
		return "set"
	}
	return ""
}

// runService starts Run with cfg until the returned cancel, and returns
// where it serves (from the Ready hook) and the channel its result comes
// on.
func runService(t *testing.T, cfg listener.RunConfig) (listener.Ready, context.CancelFunc, <-chan runResult) {
	t.Helper()
	ready := make(chan listener.Ready, 1)
	cfg.Ready = func(r listener.Ready) { ready <- r }
	cfg.Getenv = leaveGC
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan runResult, 1)
	go func() {
		sum, err := listener.Run(ctx, cfg)
		done <- runResult{sum, err}
	}()
	select {
	case r := <-ready:
		return r, cancel, done
	case res := <-done:
		cancel()
		t.Fatalf("Run returned before it was ready: %v", res.err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("Run did not get ready")
	}
	return listener.Ready{}, cancel, nil
}

type runResult struct {
	sum listener.Summary
	err error
}

// A run serves at the address its Ready hook reports until its context is
// done; then it says it is shutting down, closes the record with every
// delivery in it, writes out the output (the record lines, for JSON
// output) and returns the counts.
func TestRunServesRecordsAndDrains(t *testing.T) {
	t.Parallel()
	recPath := filepath.Join(t.TempDir(), "rec.ndjson")
	var out, errb syncBuffer
	cfg := listener.RunConfig{
		Config: listener.Config{
			Scheme: signature.Auto, Secrets: []string{secret}, Registry: registry, Output: listener.JSON,
			Out: &out, Diag: render.NewDiag(&errb), Now: func() time.Time { return clock }, PathPrefix: "/hooks",
		},
		Addr: "127.0.0.1:0", Record: recPath,
	}
	r, cancel, done := runService(t, cfg)
	defer cancel()
	if !strings.HasPrefix(r.URL, "http://127.0.0.1:") || r.URL != r.Base+"/hooks/" || r.Base != "http://"+r.Addr {
		t.Errorf("ready %+v", r)
	}
	if r.UI != "" || r.UIErr != nil {
		t.Errorf("an inspector without UIConfig: %+v", r)
	}
	body := fixture(t, "permit.create_user")
	req, _ := http.NewRequest(http.MethodPost, r.URL, bytes.NewReader(body))
	for _, h := range sign(t, signature.Standard, secret, "msg_run1", clock, body) {
		req.Header.Set(h.Name, h.Value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	cancel()
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.sum.Deliveries != 1 || res.sum.Dropped != 0 || res.sum.Drain != listener.DefaultShutdownTimeout {
		t.Errorf("summary %+v", res.sum)
	}
	if err := res.sum.Ended(render.NewDiag(&errb)); err != nil {
		t.Errorf("Ended: %v", err)
	}
	raw, err := os.ReadFile(recPath)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(raw, []byte("\n")); n != 1 || !bytes.Contains(raw, []byte(`"delivery_id":"msg_run1"`)) {
		t.Fatalf("record file:\n%s", raw)
	}
	if out.String() != string(raw) {
		t.Errorf("JSON output %q, want the record %q", out.String(), raw)
	}
	if s := errb.String(); s != "shutting down: finishing the deliveries in flight (Ctrl-C again to quit now)\n" {
		t.Errorf("stderr %q", s)
	}
}

// A run that cannot have what it was given fails before serving, with an
// *InputError saying what to do: an address already taken, a record file
// in a directory that does not exist.
func TestRunInputErrors(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	for _, tc := range []struct {
		name, addr, record, want, hint string
	}{
		{"address taken", taken.Addr().String(), "", "cannot listen on " + taken.Addr().String() + ": ", "choose another --addr"},
		{"no such directory", "127.0.0.1:0", filepath.Join(t.TempDir(), "none", "rec.ndjson"), "no such file or directory", "check that the directory exists"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ready bool
			_, err := listener.Run(context.Background(), listener.RunConfig{
				Config: listener.Config{Registry: registry, Output: listener.Quiet},
				Addr:   tc.addr, Record: tc.record, Getenv: leaveGC,
				Ready: func(listener.Ready) { ready = true },
			})
			var ie *listener.InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(ie.Hint, tc.hint) {
				t.Fatalf("got %v (%#v), want an InputError with %q and hint %q", err, err, tc.want, tc.hint)
			}
			if ready {
				t.Error("Ready was called for a run that did not start")
			}
		})
	}
}

// With --ui and --record a regular file, the inspector indexes the record
// file and says so; its page answers at the URL Ready reports.
func TestRunServesTheInspector(t *testing.T) {
	t.Parallel()
	var errb syncBuffer
	r, cancel, done := runService(t, listener.RunConfig{
		Config: listener.Config{Registry: registry, Output: listener.Quiet, Diag: render.NewDiag(&errb)},
		Addr:   "127.0.0.1:0", Record: filepath.Join(t.TempDir(), "rec.ndjson"),
		UI: &listener.UIConfig{Addr: "127.0.0.1:0", Given: true},
	})
	defer cancel()
	if r.UIErr != nil || !strings.HasPrefix(r.UI, "http://127.0.0.1:") || r.UIHolds != "the --record file" {
		t.Fatalf("ready %+v", r)
	}
	resp, err := http.Get(r.UI)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("the page answered %d", resp.StatusCode)
	}
	cancel()
	if res := <-done; res.err != nil {
		t.Fatal(res.err)
	}
}

// How serving ended is said after the summary: a drain cut short is a
// warning, a request that could not be recorded a failure with a hint.
func TestSummaryEnded(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		sum    listener.Summary
		stderr string
		err    string
	}{
		{"clean", listener.Summary{Stopped: http.ErrServerClosed}, "", ""},
		{"quit", listener.Summary{Stopped: context.Canceled},
			"webhook-tool: warning: told to quit: the connections still open were closed (their requests recorded, see the summary)\n", ""},
		{"drain limit", listener.Summary{Stopped: context.DeadlineExceeded, Drain: 100 * time.Millisecond},
			"webhook-tool: warning: requests were still in flight after 100ms; their connections were closed (recorded, see the summary)\n", ""},
		{"not recorded", listener.Summary{Stats: listener.Stats{RecordFailures: 2}}, "", "2 requests could not be recorded and were answered 500"},
		{"server failed", listener.Summary{Stopped: errors.New("accept: boom")}, "", "listener stopped: accept: boom"},
	} {
		var errb bytes.Buffer
		err := tc.sum.Ended(render.NewDiag(&errb))
		if errb.String() != tc.stderr {
			t.Errorf("%s: stderr %q, want %q", tc.name, errb.String(), tc.stderr)
		}
		var re *listener.RunError
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err != "" && (!errors.As(err, &re) || err.Error() != tc.err):
			t.Errorf("%s: got %v, want the RunError %q", tc.name, err, tc.err)
		}
	}
}
