package listener_test

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// TestServeForProfile is not a test but a harness for profiling the
// listener under real load without a debug endpoint in the product: with
// WEBHOOK_TOOL_PROFILE_ADDR=127.0.0.1:PORT set it serves like
// `listen --secret S --record FILE --output json > FILE2` for
// WEBHOOK_TOOL_PROFILE_SECONDS (default 15) and stops; drive it with wrk and
// pass -cpuprofile/-memprofile to go test. Without the variable it is
// skipped.
func TestServeForProfile(t *testing.T) {
	t.Parallel()
	addr := os.Getenv("WEBHOOK_TOOL_PROFILE_ADDR")
	if addr == "" {
		t.Skip("set WEBHOOK_TOOL_PROFILE_ADDR to profile the listener under load")
	}
	secs := 15 * time.Second
	if s := os.Getenv("WEBHOOK_TOOL_PROFILE_SECONDS"); s != "" {
		d, err := time.ParseDuration(s + "s")
		if err != nil {
			t.Fatal(err)
		}
		secs = d
	}
	dir := t.TempDir()
	f, err := record.OpenFile(filepath.Join(dir, "rec.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := os.Create(filepath.Join(dir, "out.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cf := &countingWriter{w: f}
	w := record.NewWriter(cf, record.Options{Mirror: out})
	l, err := listener.New(listener.Config{
		Scheme: signature.Auto, Secrets: []string{os.Getenv("WEBHOOK_TOOL_PROFILE_SECRET")}, Registry: registry,
		Records: w, Output: listener.JSON, Out: out,
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), secs)
	defer cancel()
	if err := l.Serve(ctx, ln); err != nil {
		t.Log(err)
	}
	w.Close()
	t.Logf("recorded %d in %d writes of the record file (%.1f lines a write)", w.Count(), cf.writes, float64(w.Count())/float64(max(cf.writes, 1)))
}

// countingWriter counts the writes that reach the record file, to show how
// well the group commit batches.
type countingWriter struct {
	w      io.Writer
	writes int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes++
	return c.w.Write(p)
}
