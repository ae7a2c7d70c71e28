package cli

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/listener"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestListenCtrlCWithSlowClient: Ctrl-C while a client is still sending its
// body. After the drain limit listen closes the connection, waits for the
// handler, and only then closes the record: the request is in the file
// (503, why), the summary counts what the file holds, and listen exits 0,
// as nothing was lost. Before, the record writer was closed under the
// handler: the request was NOT RECORDED or silently missing, and exit 1.
func TestListenCtrlCWithSlowClient(t *testing.T) {
	t.Parallel()
	recPath := filepath.Join(t.TempDir(), "rec.ndjson")
	var out, errb lockedBuffer
	app := testListenApp(&out, &errb)
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	ready, done := startListen(t, ctx, app, &ListenOptions{Addr: "127.0.0.1:0", Path: "/", Scheme: "auto",
		MaxBody: "1MiB", Status: 200, Record: recPath, Output: "json", Tolerance: 5 * time.Minute, Drain: 100 * time.Millisecond})
	addr := ready.Addr
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The 100 Continue shows the handler has started reading the body.
	if _, err := c.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	cont, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.Contains(cont, "100 Continue") {
		t.Fatalf("got %q, %v; want 100 Continue", cont, err)
	}
	if _, err := c.Write([]byte("{")); err != nil {
		t.Fatal(err)
	}

	// Ctrl-C: Main cancels the context every command runs under.
	interrupt()
	var runErr error
	select {
	case runErr = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("listen did not stop:\n%s", errb.String())
	}

	stderr := errb.String()
	if runErr != nil {
		t.Errorf("listen returned %v, want success: nothing was lost\n%s", runErr, stderr)
	}
	raw, err := os.ReadFile(recPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(raw) == 0 || len(lines) != 1 || !strings.Contains(lines[0], `"status":503`) {
		t.Fatalf("record file holds %d lines, want the cut-off request (503):\n%s\nstderr:\n%s", len(lines), raw, stderr)
	}
	if out.String() != string(raw) {
		t.Errorf("stdout (json) %q, want the record %q", out.String(), raw)
	}
	for _, want := range []string{"summary: 1 delivery,", ", 1 rejected, 1 cut off at shutdown", "requests were still in flight after 100ms"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "NOT RECORDED") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// testListenApp is an App for listen's tests, writing to out and errb. It
// leaves the test process's GC settings alone, as a user's GOGC and
// GOMEMLIMIT would, so that listens may run in parallel.
func testListenApp(out, errb *lockedBuffer) *App {
	return &App{
		Streams: Streams{In: strings.NewReader(""), Out: out, Err: errb},
		Getenv: func(k string) string {
			if k == "GOGC" || k == "GOMEMLIMIT" {
				return "set"
			}
			return ""
		},
		Now: time.Now,
	}
}

// startListen runs listen with opts until ctx is done, and returns where it
// serves once it is up (from its ready hook, after the banner), and the
// channel its result comes on.
func startListen(t *testing.T, ctx context.Context, app *App, opts *ListenOptions) (listener.Ready, <-chan error) {
	t.Helper()
	ready := make(chan listener.Ready, 1)
	opts.OnReady = func(r listener.Ready) { ready <- r }
	done := make(chan error, 1)
	go func() { done <- listenRun(ctx, app, opts) }()
	select {
	case r := <-ready:
		return r, done
	case err := <-done:
		t.Fatalf("listen did not start: %v\n%s", err, app.Err)
	case <-time.After(30 * time.Second):
		t.Fatalf("listen did not start:\n%s", app.Err)
	}
	return listener.Ready{}, nil
}
