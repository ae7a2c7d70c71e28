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

	"github.com/webhook-tool/webhook-tool/internal/hookexec"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// unreadFIFO makes a FIFO in dir and opens it for reading, as a record's
// reader that then never reads; it is closed when the test ends.
func unreadFIFO(t *testing.T, dir string) (string, *os.File) {
	t.Helper()
	path := filepath.Join(dir, "rec.fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	reader, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reader.Close() })
	return path, reader
}

// --record to a FIFO whose reader stopped reading: once the pipe is full,
// deliveries wait for their record, and no drain limit can end that wait
// (the record comes before the answer). The second Ctrl-C (Config.Quit)
// still ends the run, with the deliveries stuck neither recorded nor
// answered, and says so. Before, Run waited for them for ever.
func TestRunQuitsWithDeliveriesStuckOnTheRecord(t *testing.T) {
	t.Parallel()
	path, reader := unreadFIFO(t, t.TempDir())
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

// The same with --exec: the command's run is recorded through the stuck
// writer too, once the second Ctrl-C has killed it. Run still ends.
func TestRunQuitsWithAnExecRunStuckOnTheRecord(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, reader := unreadFIFO(t, dir) // its pipe: 64 KiB
	quit, quitNow := context.WithCancel(context.Background())
	defer quitNow()
	started := filepath.Join(dir, "started")
	cfg := listener.RunConfig{
		Config: listener.Config{
			Scheme: signature.Auto, Secrets: []string{secret}, Registry: registry, Output: listener.Quiet,
			Out: &bytes.Buffer{}, Diag: render.NewDiag(&syncBuffer{}), Now: func() time.Time { return clock },
			ShutdownTimeout: 50 * time.Millisecond, Quit: quit,
			Exec: &listener.ExecConfig{Config: hookexec.Config{Command: "touch '" + started + "'; sleep 30"}},
		},
		Addr: "127.0.0.1:0", Record: path,
	}
	r, cancel, done := runService(t, cfg)
	defer cancel()
	post := func(body []byte, id string) {
		req, _ := http.NewRequest(http.MethodPost, r.URL, bytes.NewReader(body))
		for _, h := range signed(t, id, body) {
			req.Header.Set(h.Name, h.Value)
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	const id = "dddddddd-0000-4000-8000-000000000001"
	post(paDelivery(t, "permission_assist.access_request_provisioning", id, "https://pa.example.com/webhooks/callback/"), id)
	waitFor(t, "the command to start", func() bool { _, err := os.Stat(started); return err == nil })
	// A 100 KB record: more than the pipe has left. Its write cannot finish.
	go post([]byte(`{"type":"create_user","pad":"`+strings.Repeat("p", 100<<10)+`"}`), "msg_big")
	waitFor(t, "the FIFO to fill", func() bool {
		n, err := unix.IoctlGetInt(int(reader.Fd()), unix.TIOCINQ)
		return err == nil && n >= 32<<10
	})
	cancel()
	quitNow()
	select {
	case res := <-done:
		if !errors.Is(res.sum.Stopped, listener.ErrStuck) {
			t.Errorf("Stopped = %v, want ErrStuck", res.sum.Stopped)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not end at the second Ctrl-C")
	}
}
