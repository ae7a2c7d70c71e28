package testexec_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/testexec"
)

// runMany writes and runs n scripts from as many goroutines at once, the
// way parallel tests do, and returns how many could not be run.
func runMany(t *testing.T, n int, write func(t *testing.T, path, text string)) int {
	dir := t.TempDir()
	var (
		mu     sync.Mutex
		failed int
		wg     sync.WaitGroup
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := filepath.Join(dir, fmt.Sprintf("s%d.sh", i))
			write(t, p, "#!/bin/sh\nexit 7\n")
			err := exec.Command("/bin/sh", "-c", "'"+p+"'").Run()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 7 {
				mu.Lock()
				failed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return failed
}

// Written with os.WriteFile, a few of 400 fail with exit 126 (text file
// busy) on a 2-core machine; written with Write, none may.
func TestWriteRunsUnderParallelForks(t *testing.T) {
	if n := runMany(t, 400, func(t *testing.T, p, text string) { testexec.Write(t, p, text) }); n > 0 {
		t.Fatalf("%d of 400 scripts could not be run", n)
	}
}
