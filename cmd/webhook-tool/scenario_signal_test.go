//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestScenarioRunEndsOnSIGTERM: SIGTERM ends `scenario run` while it is
// still reading or checking its file, before anything is sent: the real
// binary, given the scenario through a FIFO (so the test knows when it has
// started reading), exits 1 saying nothing was sent. It used to go on
// until the file ended (never, for a FIFO held open) or was checked
// (seconds, for 500 steps), and then claim a step was in flight.
func TestScenarioRunEndsOnSIGTERM(t *testing.T) {
	t.Parallel()
	var big strings.Builder
	big.WriteString("steps:\n")
	events := []string{"created", "assigned", "approved", "provisioning", "resolved", "completed"}
	for i := range 500 {
		fmt.Fprintf(&big, "  - name: s%d\n    fixture: permission_assist.access_request_%s\n", i, events[i%len(events)])
	}
	for _, tc := range []struct {
		name, text string
		keepOpen   bool
	}{
		{"reading a file that does not end", "steps:\n  - name: a\n", true},
		{"checking 500 steps", big.String(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { got.Add(1) }))
			defer srv.Close()

			dir := t.TempDir()
			fifo := filepath.Join(dir, "flow.yaml")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd := exec.Command(webhookTool(t, dir), "scenario", "run", fifo, "--to", srv.URL+"/", "--scheme", "none", "--retries", "0")
			cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "HOME="+dir)
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			t.Cleanup(func() {
				if cmd.ProcessState == nil {
					cmd.Process.Kill()
					<-exited
				}
			})

			// Opening the FIFO for writing returns once the command has
			// opened it for reading: it is running, its signals handled.
			opened := make(chan *os.File, 1)
			go func() {
				if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
					opened <- w
				}
			}()
			var w *os.File
			select {
			case w = <-opened:
			case err := <-exited:
				t.Fatalf("exited before reading its file: %v\n%s", err, &stderr)
			case <-time.After(time.Minute):
				t.Fatalf("did not open its file within a minute\n%s", &stderr)
			}
			defer w.Close()
			if _, err := w.WriteString(tc.text); err != nil {
				t.Fatal(err)
			}
			if !tc.keepOpen {
				w.Close()
			}

			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			var err error
			select {
			case err = <-exited:
			case <-time.After(time.Minute):
				t.Fatalf("still running a minute after SIGTERM\n%s", &stderr)
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Errorf("exit: %v, want exit status 1", err)
			}
			if want := "webhook-tool: interrupted: nothing was sent\n"; stderr.String() != want {
				t.Errorf("stderr:\n%s\nwant:\n%s", &stderr, want)
			}
			if n := got.Load(); n != 0 {
				t.Errorf("the receiver got %d deliveries", n)
			}
		})
	}
}

// webhookTool is this test binary under the name webhook-tool in dir, so
// that it runs as the real command (testscript.Main picks the command by
// the name it is run under).
func webhookTool(t *testing.T, dir string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin", "webhook-tool")
	if err := os.Mkdir(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(exe, bin); err != nil {
		t.Fatal(err)
	}
	return bin
}
