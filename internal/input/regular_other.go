//go:build !unix

package input

import "os"

// openNoBlock opens path for reading. Outside unix a file system holds no
// FIFO to block on.
func openNoBlock(path string) (*os.File, error) { return os.Open(path) }
