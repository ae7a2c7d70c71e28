package testexec

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// Written with os.WriteFile and run at once from as many goroutines, the
// way parallel tests do, a few of 400 scripts fail with exit 126 (text file
// busy) on a 2-core machine; written by write, none may. (The goroutines
// call write, not Write: a test may only be stopped from its own.)
func TestWriteRunsUnderParallelForks(t *testing.T) {
	const n = 400
	dir := t.TempDir()
	var failed atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			p := filepath.Join(dir, fmt.Sprintf("s%d.sh", i))
			if err := write(p, "#!/bin/sh\nexit 7\n"); err != nil {
				t.Error(err)
				failed.Add(1)
				return
			}
			err := exec.Command("/bin/sh", "-c", "'"+p+"'").Run()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 7 {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		t.Fatalf("%d of %d scripts could not be run", f, n)
	}
}
