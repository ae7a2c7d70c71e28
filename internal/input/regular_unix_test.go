//go:build unix

package input

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A FIFO, or a symbolic link to one, is refused at once by ReadRegular
// instead of being waited on; ReadFile still reads a FIFO it is given.
func TestReadRegularRefusesAFIFO(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "x.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	// Were the FIFO opened for reading, the test would block: after a
	// while, a writer comes, ends the wait, and the checks below fail.
	done := make(chan struct{})
	defer close(done)
	go unblockFIFO(fifo, done)

	for _, p := range []string{fifo, link} {
		_, err := ReadRegular(p, 1<<20)
		var nr *NotRegularError
		if !errors.As(err, &nr) || err.Error() != "not a regular file (a FIFO)" {
			t.Errorf("%s: %v, want not a regular file (a FIFO)", filepath.Base(p), err)
		}
	}
	if _, err := ReadRegular(dir, 1<<20); !errors.Is(err, ErrIsDirectory) {
		t.Errorf("directory: %v", err)
	}
	regular := filepath.Join(dir, "a.json")
	if err := os.WriteFile(regular, []byte(`{"a":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadRegular(regular, 1<<20); err != nil || string(b) != `{"a":1}` {
		t.Errorf("regular file: %q, %v", b, err)
	}
	if _, err := ReadRegular(regular, 3); !isTooLarge(err) {
		t.Errorf("regular file over the limit: %v", err)
	}

	// Named on purpose, a FIFO is read: what a writer sends.
	go func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			_, _ = f.WriteString(`{"b":2}`)
			f.Close()
		}
	}()
	if b, err := ReadFile(fifo, 1<<20); err != nil || string(b) != `{"b":2}` {
		t.Errorf("ReadFile of a FIFO with a writer: %q, %v", b, err)
	}
}

// unblockFIFO, every 5 seconds until done closes, opens path for writing
// when something has it open for reading, and closes it: code that wrongly
// opened the FIFO for reading gets an end of file instead of hanging.
func unblockFIFO(path string, done <-chan struct{}) {
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
