package listener_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// --record to a FIFO whose reader stopped reading: once the pipe is full,
// deliveries wait for their record, and no drain limit can end that wait
// (the record comes before the answer). The second Ctrl-C (Config.Quit)
// still ends the run, with the deliveries stuck neither recorded nor
// answered, and says so. Before, Run waited for them for ever.
func TestRunQuitsWithDeliveriesStuckOnTheRecord(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rec.fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	reader, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close() // never read: the pipe fills
	// A pipe of one page: the first 7 KB record fills it, and its write
	// cannot finish.
	if _, err := unix.FcntlInt(reader.Fd(), unix.F_SETPIPE_SZ, 4096); err != nil {
		t.Fatal(err)
	}
	quit, quitNow := context.WithCancel(context.Background())
	defer quitNow()
	var errb syncBuffer
	cfg := listener.RunConfig{
		Config: listener.Config{
			Scheme: signature.Auto, Secrets: []string{secret}, Registry: registry, Output: listener.Quiet,
			Out: &bytes.Buffer{}, Diag: render.NewDiag(&errb), Now: func() time.Time { return clock },
			ShutdownTimeout: 50 * time.Millisecond, Quit: quit,
		},
		Addr: "127.0.0.1:0", Record: path,
	}
	r, cancel, done := runService(t, cfg)
	defer cancel()

	// Three deliveries of 7 KB records.
	pad := strings.Repeat("p", 6000)
	client := &http.Client{Transport: &http.Transport{}}
	for i := range 3 {
		go func() {
			body := []byte(`{"type":"create_user","pad":"` + pad + `"}`)
			req, _ := http.NewRequest(http.MethodPost, r.URL, bytes.NewReader(body))
			for _, h := range sign(t, signature.Standard, secret, "msg_fifo"+string(rune('a'+i)), clock, body) {
				req.Header.Set(h.Name, h.Value)
			}
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	// The pipe is full: a record write is under way that cannot finish.
	waitFor(t, "the FIFO to fill", func() bool {
		n, err := unix.IoctlGetInt(int(reader.Fd()), unix.TIOCINQ)
		return err == nil && n >= 4096
	})
	cancel()  // Ctrl-C: the drain limit passes with the deliveries stuck
	quitNow() // Ctrl-C again
	var res runResult
	select {
	case res = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not end at the second Ctrl-C")
	}
	if res.err != nil {
		t.Fatal(res.err)
	}
	if !errors.Is(res.sum.Stopped, listener.ErrStuck) {
		t.Errorf("Stopped = %v, want ErrStuck", res.sum.Stopped)
	}
	var ended bytes.Buffer
	if err := res.sum.Ended(render.NewDiag(&ended)); err != nil || !strings.Contains(ended.String(), "their senders will deliver them again") {
		t.Errorf("Ended: %v, said %q", err, ended.String())
	}
}
