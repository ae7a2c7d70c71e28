// Package testlisten starts the real listener (internal/listener) on a
// loopback port for tests of the packages that read what it records: a
// delivery sent to it in a test goes through the same handler `webhook-tool
// listen` runs, and its record file is the one listen writes.
package testlisten

import (
	"context"
	"net"
	"path/filepath"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Listen is a running listener.
type Listen struct {
	URL    string // http://127.0.0.1:PORT/
	Record string // the record file it appends to
	stop   func()
}

// Start runs a listener on 127.0.0.1 that verifies with secrets (refusing
// a bad signature with 401; none: signatures are not checked), validates
// against the bundled schemas and records to a file in t's temporary
// directory. It stops when the test ends, or at Stop.
func Start(t testing.TB, secrets ...string) *Listen {
	t.Helper()
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "deliveries.ndjson")
	f, err := record.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w := record.NewWriter(f, record.Options{})
	l, err := listener.New(listener.Config{Scheme: signature.Auto, Secrets: secrets, Registry: reg, Records: w, Output: listener.Quiet})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = l.Serve(ctx, ln)
		_ = w.Close()
		_ = f.Close()
	}()
	s := &Listen{URL: "http://" + ln.Addr().String() + "/", Record: path}
	s.stop = func() {
		cancel()
		<-done
	}
	t.Cleanup(s.Stop)
	return s
}

// Stop shuts the listener down and closes its record file; every request
// answered before is in the file. Stopping twice is stopping once.
func (s *Listen) Stop() {
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}
