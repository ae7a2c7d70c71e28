//go:build unix

package record_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// A FIFO nobody reads fails at once instead of blocking listen's start-up;
// with a reader it is written to like a file.
func TestOpenFIFO(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rec.fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := record.OpenFile(path); !errors.Is(err, record.ErrNoFIFOReader) || !strings.Contains(err.Error(), "nothing is reading this FIFO") {
		t.Fatalf("err = %v, want one about the missing reader", err)
	}
	r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := record.OpenFile(path)
	if err != nil {
		t.Fatalf("with a reader: %v", err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("{}\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if n, _ := r.Read(buf); string(buf[:n]) != "{}\n" {
		t.Errorf("reader got %q", buf[:n])
	}
}
