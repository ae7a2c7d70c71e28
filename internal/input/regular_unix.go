//go:build unix

package input

import (
	"os"
	"syscall"
)

// openNoBlock opens path for reading without waiting: opening a FIFO
// blocks until a writer comes, and a terminal must not become this
// process's controlling terminal. Reads of a regular file are not changed
// by O_NONBLOCK.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}
