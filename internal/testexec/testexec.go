// Package testexec writes executables for tests that run them.
//
// A test that writes a script with os.WriteFile and then runs it can fail
// with "text file busy" (exit 126 from sh): while the file is open for
// writing, a parallel test may fork, and the child holds the descriptor
// until it execs (golang.org/issue/22315). Here a child process writes the
// file, so the test process never has it open for writing and no fork of
// it can.
package testexec

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// Write creates path with text, executable, and fails the test on error.
// Call it from the test's own goroutine, as it may stop the test.
func Write(t testing.TB, path, text string) {
	t.Helper()
	if err := write(path, text); err != nil {
		t.Fatal(err)
	}
}

func write(path, text string) error {
	cmd := exec.Command("/bin/sh", "-c", `cat > "$1" && chmod 755 "$1"`, "sh", path)
	cmd.Stdin = strings.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("writing %s: %v: %s", path, err, out)
	}
	return nil
}
