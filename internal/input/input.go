// Package input reads what a user hands the tool: payload files, standard
// input, header files, certificates, record files. Every read is bounded, so
// an endless stream (/dev/zero, a runaway pipe) or a huge file ends with one
// clear error instead of the process running out of memory.
package input

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// DefaultMaxSize is the most read from one payload file or stream unless
// --max-size says otherwise. Webhook payloads are kilobytes (Permission
// Assist's largest are about 7 KB) and listen takes 1 MiB bodies by
// default; 64 MiB leaves room for any test corpus file while keeping a
// mistaken /dev/zero from taking more than that.
const DefaultMaxSize = 64 << 20

// MaxSmallFileSize bounds the files that are never payloads: certificates
// and keys (a chain of a dozen certificates is tens of KB) and -H @FILE
// header lists.
const MaxSmallFileSize = 1 << 20

// TooLargeError is input that goes on past its limit. Its message leaves
// the name out: callers say what they were reading.
type TooLargeError struct {
	Name  string // the file, or "standard input"
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("larger than %s, the most read from one input", FormatSize(e.Limit))
}

// ErrIsDirectory is a path that names a directory where a file is wanted.
var ErrIsDirectory = errors.New("is a directory")

// ReadAll reads r to its end, or fails with a *TooLargeError as soon as it
// has gone past limit bytes. name says where r came from.
func ReadAll(r io.Reader, name string, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{Name: name, Limit: limit}
	}
	return b, nil
}

// ReadFile reads the file at path, at most limit bytes: a larger file, or a
// device or FIFO that goes on past it, fails with a *TooLargeError; a
// directory with ErrIsDirectory. A regular file larger than limit fails
// before anything is read.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, ErrIsDirectory
	}
	if st.Mode().IsRegular() && st.Size() > limit {
		return nil, &TooLargeError{Name: path, Limit: limit}
	}
	return ReadAll(f, path, limit)
}
