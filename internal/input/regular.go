package input

import (
	"io/fs"
	"os"
)

// NotRegularError is a path that names a FIFO, a socket or a device where
// only a regular file is read: one found by walking a directory or
// expanding a glob, which nobody named on purpose. Reading a FIFO that no
// one writes to would block for ever.
type NotRegularError struct {
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string { return "not a regular file (" + fileKind(e.Mode) + ")" }

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a plain file"
}

// ReadRegular is ReadFile for a file nobody named on purpose: it reads
// path only when it is a regular file (after symbolic links), and fails
// with a *NotRegularError for a FIFO, socket or device, without blocking on
// it or reading it.
func ReadRegular(path string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(st); err != nil {
		return nil, err
	}
	f, err := openNoBlock(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Checked again on what was opened: the path may have been replaced
	// since it was looked at.
	st, err = f.Stat()
	if err != nil {
		return nil, err
	}
	if err := checkRegular(st); err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, &TooLargeError{Name: path, Limit: limit}
	}
	return ReadAll(f, path, limit)
}

func checkRegular(st fs.FileInfo) error {
	switch m := st.Mode(); {
	case m.IsDir():
		return ErrIsDirectory
	case !m.IsRegular():
		return &NotRegularError{Mode: m}
	}
	return nil
}
