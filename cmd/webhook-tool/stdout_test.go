package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// listenProc is the real binary running `listen` with its stdout on a pipe
// the test controls, as `listen | head -n 2` or a stalled `| jq` have it.
type listenProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdout *os.File // the pipe's read end
	stderr *lockedBuf
	url    string
	rec    string
}

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startListen runs this test binary as webhook-tool (testscript.Main picks
// the command by the name it is run under).
func startListen(t *testing.T, args ...string) *listenProc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin", "webhook-tool")
	if err := os.Mkdir(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(exe, bin); err != nil {
		t.Fatal(err)
	}
	p := &listenProc{t: t, stderr: &lockedBuf{}, rec: filepath.Join(dir, "rec.ndjson")}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p.stdout = r
	p.cmd = exec.Command(bin, append([]string{"listen", "--addr", "127.0.0.1:0", "--record", p.rec}, args...)...)
	p.cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "HOME="+dir)
	p.cmd.Stdout, p.cmd.Stderr = w, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
		r.Close()
	})
	re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)/`)
	for deadline := time.Now().Add(20 * time.Second); p.url == ""; time.Sleep(5 * time.Millisecond) {
		if m := re.FindStringSubmatch(p.stderr.String()); m != nil {
			p.url = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("listen did not start:\n%s", p.stderr)
		}
	}
	return p
}

func (p *listenProc) post(body string) error {
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Post(p.url+"/", "application/json", strings.NewReader(body))
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// stop sends SIGTERM and waits for the exit, failing (rather than hanging
// the suite) if listen is still running a minute later.
func (p *listenProc) stop() error {
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		p.cmd.Process.Kill()
		<-done
		p.t.Fatalf("listen did not end on SIGTERM:\n%s", p.stderr)
		return nil
	}
}

func (p *listenProc) recordLines() int {
	b, err := os.ReadFile(p.rec)
	if err != nil {
		p.t.Fatal(err)
	}
	return bytes.Count(b, []byte{'\n'})
}

// `listen --output json | head -n 2`: stdout closes after two lines. Every
// later delivery is still answered and recorded; listen says once that its
// output is gone, and SIGTERM ends it with its summary, exit 0. Before, the
// third delivery killed it with SIGPIPE, recorded but never answered.
func TestListenStdoutClosed(t *testing.T) {
	t.Parallel()
	p := startListen(t, "--output", "json")
	br := bufio.NewReader(p.stdout)
	for i := range 10 {
		if err := p.post(`{"type":"create_user"}`); err != nil {
			t.Fatalf("delivery %d: %v\n%s", i+1, err, p.stderr)
		}
		if i == 1 {
			br.ReadString('\n')
			br.ReadString('\n')
			p.stdout.Close()
		}
	}
	if err := p.stop(); err != nil {
		t.Fatalf("exit: %v\n%s", err, p.stderr)
	}
	errs := p.stderr.String()
	if n := strings.Count(errs, "cannot write to standard output"); n != 1 {
		t.Errorf("the closed stdout was reported %d times:\n%s", n, errs)
	}
	if !regexp.MustCompile(`summary: 10 deliveries.*, \d+ output lines dropped`).MatchString(errs) {
		t.Errorf("no summary with the dropped lines:\n%s", errs)
	}
	if n := p.recordLines(); n != 10 {
		t.Errorf("%d records, want 10", n)
	}
}

// A reader that never reads: the pipe fills after a dozen lines, yet every
// delivery is answered and recorded, and SIGTERM still ends listen. Before,
// deliveries hung unanswered once the pipe was full and SIGTERM did nothing.
func TestListenStdoutStalled(t *testing.T) {
	t.Parallel()
	for _, output := range []string{"json", "pretty"} {
		t.Run(output, func(t *testing.T) {
			p := startListen(t, "--output", output)
			body := `{"type":"create_user","pad":"` + strings.Repeat("p", 6000) + `"}`
			for i := range 40 {
				if err := p.post(body); err != nil {
					t.Fatalf("delivery %d: %v", i+1, err)
				}
			}
			if err := p.stop(); err != nil {
				t.Fatalf("exit: %v\n%s", err, p.stderr)
			}
			if n := p.recordLines(); n != 40 {
				t.Errorf("%d records, want 40", n)
			}
			if !strings.Contains(p.stderr.String(), "output lines dropped") {
				t.Errorf("the summary does not count the lines never shown:\n%s", p.stderr)
			}
		})
	}
}

// `listen --output json --expect ... | jq` with jq stalled: listen still
// ends by itself once the expectation is decided (exit 1 here: --within ran
// out), the verdict line waiting for stdout no longer than any other line.
// Before, the verdict was written to stdout directly after the run, and
// listen hung on the full pipe.
func TestListenExpectStdoutStalled(t *testing.T) {
	t.Parallel()
	p := startListen(t, "--output", "json", "--expect", "AccessRequestApproved=1", "--within", "5s")
	body := `{"type":"create_user","pad":"` + strings.Repeat("p", 6000) + `"}`
	for i := range 20 { // 140 KB of record lines: more than the pipe holds
		if err := p.post(body); err != nil {
			t.Fatalf("delivery %d: %v", i+1, err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("exit: %v, want 1\n%s", err, p.stderr)
		}
	case <-time.After(time.Minute):
		t.Fatalf("listen did not end by itself with its stdout stalled:\n%s", p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "expectation not met within 5s") {
		t.Errorf("no verdict on stderr:\n%s", p.stderr)
	}
}
