//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const validPayload = `{"email": "ann@example.com", "tenant_key": "acme", "role": "viewer", "permission_level": "member", "type": "create_user"}`

// A FIFO named x.json in a walked directory or matched by a glob is
// skipped with a warning, not waited on; the other files are checked as
// usual. Were it opened for reading, a writer comes after a while to end
// the wait, and the checks fail instead of the test hanging.
func TestValidateSkipsAFIFOItFinds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.json", []byte(validPayload))
	fifo := filepath.Join(dir, "x.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	defer close(done)
	go unblockFIFOAfter(fifo, done)

	for _, arg := range []string{dir, filepath.Join(dir, "*.json")} {
		out, errOut, code := runValidateCLI(t, false, nil, "validate", arg)
		if code != ExitOK {
			t.Errorf("%s: exit %d, want 0; stderr %q", arg, code, errOut)
		}
		if want := filepath.Join(dir, "a.json") + ": valid (permit.create_user)\n"; out != want {
			t.Errorf("%s: stdout %q, want %q", arg, out, want)
		}
		if want := "webhook-tool: warning: " + fifo + ": not a regular file (a FIFO); skipped\n"; errOut != want {
			t.Errorf("%s: stderr %q, want %q", arg, errOut, want)
		}
	}

	// Nothing but the FIFO: nothing validated is a usage error.
	only := filepath.Join(dir, "x*.json")
	out, errOut, code := runValidateCLI(t, false, nil, "validate", "--output", "json", only)
	if code != ExitUsage || out != "" || !strings.Contains(errOut, "webhook-tool: nothing was validated: 1 path was skipped\n") {
		t.Errorf("only a FIFO: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// A FIFO named as an argument is read, as it always was: a named pipe a
// script feeds, or a shell's process substitution (`validate <(cat x.json)`,
// which names /dev/fd/N).
func TestValidateReadsAFIFOItIsGiven(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "x.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			_, _ = f.WriteString(validPayload)
			f.Close()
		}
	}()
	out, errOut, code := runValidateCLI(t, false, nil, "validate", fifo)
	if code != ExitOK || out != fifo+": valid (permit.create_user)\n" {
		t.Errorf("named FIFO: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		_, _ = w.WriteString(validPayload)
		w.Close()
	}()
	name := "/dev/fd/" + strconv.Itoa(int(r.Fd()))
	out, errOut, code = runValidateCLI(t, false, nil, "validate", name)
	if code != ExitOK || out != name+": valid (permit.create_user)\n" {
		t.Errorf("process substitution: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// unblockFIFOAfter, every 5 seconds until done closes, opens path for
// writing when something has it open for reading, and closes it: code that
// wrongly opened the FIFO for reading gets an end of file instead of
// hanging the test.
func unblockFIFOAfter(path string, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case <-time.After(5 * time.Second):
			if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
		}
	}
}
