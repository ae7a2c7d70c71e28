//go:build unix

package hookexec

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// shellCommand runs command through /bin/sh -c in a process group of its
// own, so that a timeout or shutdown kills every process it started, not
// only the shell. (A process that leaves the group on purpose, with setsid,
// is beyond reach, as it is for any supervisor that is not its init.)
func shellCommand(ctx context.Context, command string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// The group's id is the shell's pid, and the shell is not yet
		// reaped (Wait has not returned), so the id is still the group's.
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone
		}
		return err
	}
	return cmd
}
