//go:build !unix && !windows

package hookexec

import (
	"context"
	"os/exec"
)

// shellCommand runs command through /bin/sh -c; without process groups,
// a timeout kills the shell alone.
func shellCommand(ctx context.Context, command string) *exec.Cmd {
	return exec.CommandContext(ctx, "/bin/sh", "-c", command)
}
