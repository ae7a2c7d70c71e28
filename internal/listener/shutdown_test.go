package listener_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// gateWriter holds the first record write until Serve has returned (or, at
// most, hold has passed), and notes whether that write was done before Serve
// returned.
type gateWriter struct {
	dst     io.Writer
	served  chan struct{} // closed by the test when Serve has returned
	hold    time.Duration
	once    sync.Once
	written atomic.Bool
}

func (g *gateWriter) Write(p []byte) (int, error) {
	g.once.Do(func() {
		select {
		case <-g.served:
		case <-time.After(g.hold): // bounded: never a deadlock
		}
	})
	n, err := g.dst.Write(p)
	g.written.Store(true)
	return n, err
}

// TestShutdownWaitsForSlowClientAndRecordsIt: a client still sending its
// body when the drain limit is reached is cut off, and Serve returns only
// after its handler has recorded it, so the caller can close the record
// writer then without losing it. Before the fix Serve returned while the
// handler was still running, and listen's Close lost the record.
//
// The second Ctrl-C (Config.Quit) cuts the wait short the same way, and the
// record says so rather than naming a drain limit that never passed.
func TestShutdownWaitsForSlowClientAndRecordsIt(t *testing.T) {
	t.Parallel()
	for _, quit := range []bool{false, true} {
		t.Run(map[bool]string{false: "drain limit", true: "second Ctrl-C"}[quit], func(t *testing.T) {
			t.Parallel()
			shutdownCutsSlowClient(t, quit)
		})
	}
}

func shutdownCutsSlowClient(t *testing.T, quit bool) {
	recPath := filepath.Join(t.TempDir(), "rec.ndjson")
	f, err := record.OpenFile(recPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gate := &gateWriter{dst: f, served: make(chan struct{}), hold: time.Second}
	records := record.NewWriter(gate, record.Options{})
	errOut := &syncBuffer{}
	cfg := listener.Config{
		Scheme: signature.Auto, Secrets: []string{secret}, Registry: registry, Records: records,
		Output: listener.Quiet, Diag: render.NewDiag(errOut), Now: func() time.Time { return clock },
		ShutdownTimeout: 50 * time.Millisecond,
	}
	quitCtx, quitNow := context.WithCancel(context.Background())
	defer quitNow()
	wantErr, wantWhy := error(context.DeadlineExceeded), "the connection was closed after waiting 50ms for it"
	if quit {
		cfg.ShutdownTimeout, cfg.Quit = time.Hour, quitCtx
		wantErr, wantWhy = context.Canceled, "the connection was closed at the second Ctrl-C"
		// A record write 100 ms slow, well within what Serve still waits
		// for once told to quit (2 s): it is waited for, not abandoned.
		gate.hold = 100 * time.Millisecond
	}
	l, err := listener.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- l.Serve(ctx, ln) }()

	// A client that sends its headers and 1 of 10 body bytes, then stalls.
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{")); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); l.Stats().Deliveries == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the request never reached the handler")
		}
		time.Sleep(time.Millisecond)
	}

	cancel()
	if quit {
		quitNow()
	}
	var serveErr error
	select {
	case serveErr = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return")
	}
	writtenBeforeReturn := gate.written.Load()
	close(gate.served)
	records.Close() // as listen does once Serve has returned

	if !errors.Is(serveErr, wantErr) {
		t.Errorf("Serve returned %v, want %v", serveErr, wantErr)
	}
	if !writtenBeforeReturn {
		t.Error("Serve returned before the in-flight request's record was written")
	}
	st := l.Stats()
	if st.Deliveries != 1 || st.CutOff != 1 || st.Rejected != 1 || st.RecordFailures != 0 {
		t.Errorf("stats %+v, want 1 delivery, cut off and recorded", st)
	}
	if strings.Contains(errOut.String(), "NOT RECORDED") {
		t.Errorf("stderr: %s", errOut)
	}
	raw, err := os.ReadFile(recPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("record holds %d lines, want 1:\n%s", len(lines), raw)
	}
	for _, want := range []string{`"seq":1,`, `"status":503`, `listen shut down before the whole body arrived (1 bytes read)`, wantWhy} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("record line lacks %s:\n%s", want, lines[0])
		}
	}
}

// TestShutdownDrainsWithinLimit: a request that finishes within the drain
// limit is answered as usual and Serve returns nil.
func TestShutdownDrainsWithinLimit(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.Secrets = nil })
	if status, _ := e.post("/", fixture(t, "permit.create_user")); status != 200 {
		t.Fatal(status)
	}
	recs := e.records() // stop: Serve must return nil (checked by stop)
	if len(recs) != 1 || e.l.Stats().CutOff != 0 {
		t.Fatalf("records %v, stats %+v", recs, e.l.Stats())
	}
}
