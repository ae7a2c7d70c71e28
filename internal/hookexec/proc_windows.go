//go:build windows

package hookexec

import (
	"context"
	"os/exec"
	"strconv"
	"syscall"
)

// shellCommand runs command through cmd /C. The command line is passed to
// cmd as typed: cmd parses its own command line rather than the escaped
// argument list Go would build. A timeout or shutdown ends the whole tree
// of processes with taskkill /T, Windows' nearest thing to a process group.
func shellCommand(ctx context.Context, command string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "cmd")
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: "cmd /C " + command}
	cmd.Cancel = func() error {
		kill := exec.Command("taskkill", "/T", "/F", "/PID", strconv.Itoa(cmd.Process.Pid))
		if err := kill.Run(); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	return cmd
}
