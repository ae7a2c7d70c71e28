package input

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An endless stream ends with a *TooLargeError after limit bytes, not with
// the process out of memory; what fits is read whole.
func TestBoundedReads(t *testing.T) {
	t.Parallel()
	if _, err := ReadFile("/dev/zero", 1<<20); !isTooLarge(err) {
		t.Errorf("/dev/zero: %v", err)
	}
	if b, err := ReadAll(strings.NewReader("abc"), "x", 3); err != nil || string(b) != "abc" {
		t.Errorf("3 of 3 bytes: %q, %v", b, err)
	}
	if _, err := ReadAll(strings.NewReader("abcd"), "x", 3); !isTooLarge(err) {
		t.Errorf("4 of 3 bytes: %v", err)
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 2000), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(big, 1000); !isTooLarge(err) || !strings.Contains(err.Error(), "larger than 1000B") {
		t.Errorf("big file: %v", err)
	}
	if _, err := ReadFile(dir, 1000); !errors.Is(err, ErrIsDirectory) {
		t.Errorf("directory: %v", err)
	}
}

func isTooLarge(err error) bool {
	var tl *TooLargeError
	return errors.As(err, &tl)
}
