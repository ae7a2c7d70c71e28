//go:build unix

package cli

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/sigctx"
)

// TestListenQuitKillsRunningCommands: a second Ctrl-C during the drain
// ends listen at once, and a command still running is killed with its
// process group first (the sleep it started too), and recorded so. Before,
// the second Ctrl-C ended the process and left the command running.
func TestListenQuitKillsRunningCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	recPath := filepath.Join(dir, "rec.ndjson")
	pidFile := filepath.Join(dir, "grandchild")
	var out, errb lockedBuffer
	app := testListenApp(&out, &errb)
	hard, quitNow := context.WithCancel(context.Background())
	defer quitNow()
	ctx, interrupt := context.WithCancel(sigctx.WithQuit(context.Background(), hard))
	defer interrupt()
	cmd := "sleep 300 & echo $! > '" + pidFile + ".tmp'; mv '" + pidFile + ".tmp' '" + pidFile + "'; wait"
	ready, done := startListen(t, ctx, app, &ListenOptions{Addr: "127.0.0.1:0", Path: "/", Scheme: "none",
		MaxBody: "1MiB", Status: 200, Record: recPath, Output: "quiet", Tolerance: 5 * time.Minute,
		Exec:  listener.ExecFlags{Command: cmd, Given: true, Concurrency: 1},
		Drain: time.Hour}) // only the quit can end the drain
	addr := ready.Addr
	body, err := fixture.Load("permit.access_request")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post("http://"+addr+"/", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var pid int
	for deadline := time.Now().Add(10 * time.Second); pid == 0; time.Sleep(5 * time.Millisecond) {
		if raw, err := os.ReadFile(pidFile); err == nil {
			if pid, err = strconv.Atoi(strings.TrimSpace(string(raw))); err != nil {
				t.Fatal(err)
			}
		} else if time.Now().After(deadline) {
			t.Fatalf("the command did not start:\n%s", errb.String())
		}
	}
	defer syscall.Kill(pid, syscall.SIGKILL) // whatever happens

	interrupt() // the first Ctrl-C: the drain (an hour) begins
	quitNow()   // the second
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("listen returned %v\n%s", err, errb.String())
		}
	case <-time.After(time.Minute): // the drain is an hour: only the quit ends it
		t.Fatalf("listen did not quit at the second Ctrl-C:\n%s", errb.String())
	}
	// SIGKILL is sent before listen returns, but the kernel may take a
	// moment to end the process.
	gone := processGone(pid)
	for deadline := time.Now().Add(10 * time.Second); !gone && time.Now().Before(deadline); gone = processGone(pid) {
		time.Sleep(5 * time.Millisecond)
	}
	if !gone {
		t.Errorf("the command's child %d is still running 10s after listen quit", pid)
	}
	rec, err := os.ReadFile(recPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rec), `"kind":"exec"`) || !strings.Contains(string(rec), "told to quit (a second Ctrl-C): killed with its process group") {
		t.Errorf("the run is not recorded as killed at the quit:\n%s", rec)
	}
	if !strings.Contains(errb.String(), "1 killed at shutdown") {
		t.Errorf("the summary does not count the kill:\n%s", errb.String())
	}
}

// processGone reports whether pid has ended: no such process, or a zombie
// left for an init that does not reap (as in some containers).
func processGone(pid int) bool {
	err := syscall.Kill(pid, 0)
	if errors.Is(err, syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}
