package record

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"github.com/webhook-tool/webhook-tool/internal/writeback"
)

// File is a record file opened for appending that notices what a plain
// *os.File does not: on Unix, writing to a file that was removed succeeds and
// the lines vanish. Before each write File checks that its path still names
// the file it holds; if not, the write fails (the caller answers 500, so
// the sender retries) and the path is opened afresh for the next write.
//
// A write that fails part-way is cut back, so the file only ever holds whole
// lines. File is used by one goroutine at a time (the Writer's).
//
// What File appends leaves the page cache once written (writeback): a
// record grows by hundreds of MB a minute under load, and nobody reads it
// back but a follower of its tail.
type File struct {
	path    string
	f       *os.File
	wb      *writeback.File // writes to f
	info    os.FileInfo
	lastSeq int64
}

// OpenFile opens path for appending, creating it when it does not exist.
// When the file already holds records, it finds the last one's seq (reading
// only the end of the file, see LastSeq), and a Writer over the File numbers
// on from there: restarting listen on the same file does not repeat seqs.
func OpenFile(path string) (*File, error) {
	f := &File{path: path}
	if err := f.open(); err != nil {
		return nil, err
	}
	if f.info.Mode().IsRegular() && f.info.Size() > 0 {
		seq, cut, err := lastSeqOf(path, f.info)
		if err == nil && cut {
			// A crash left the last line without its newline: end it, so
			// the next record starts a line of its own instead of being
			// glued to the broken one.
			_, err = f.wb.Write([]byte{'\n'})
		}
		if err != nil {
			f.closeFile()
			return nil, err
		}
		f.lastSeq = seq
	}
	return f, nil
}

// lastSeqOf reads the last seq of the file at path, which must still be the
// file info describes, and whether the file ends in a cut-off line (no final
// newline).
func lastSeqOf(path string, info os.FileInfo) (int64, bool, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, false, fmt.Errorf("cannot read record file to number on from its last record: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil || !os.SameFile(st, info) {
		return 0, false, fmt.Errorf("record file %s was replaced while being opened", path)
	}
	seq, err := LastSeq(fh, st.Size())
	if err != nil {
		return 0, false, fmt.Errorf("cannot read record file to number on from its last record: %w", err)
	}
	last := make([]byte, 1)
	if _, err := fh.ReadAt(last, st.Size()-1); err != nil {
		return 0, false, fmt.Errorf("cannot read record file to number on from its last record: %w", err)
	}
	return seq, last[0] != '\n', nil
}

// LastSeq is the seq of the last record the file held when it was opened,
// 0 when it was new or held none. A Writer over the File starts after it.
func (f *File) LastSeq() int64 { return f.lastSeq }

// FileMode is the mode a new record file is created with: owner read and
// write only. Records hold whole payloads (names, emails, access requests)
// and header values, so other users of the machine have no business reading
// them. An existing file keeps the mode it has.
const FileMode = 0o600

// ErrNoFIFOReader is a record FIFO that nothing reads yet.
var ErrNoFIFOReader = errors.New("nothing is reading this FIFO; start its reader first")

func (f *File) open() error {
	flags := os.O_CREATE | os.O_WRONLY | os.O_APPEND
	fifo := false
	if st, err := os.Stat(f.path); err == nil && st.Mode()&os.ModeNamedPipe != 0 {
		// Opening a FIFO for writing blocks until something reads it, and
		// listen would hang before it starts; fail at once instead.
		flags, fifo = flags|syscall.O_NONBLOCK, true
	}
	fh, err := os.OpenFile(f.path, flags, FileMode)
	if fifo && errors.Is(err, syscall.ENXIO) {
		return fmt.Errorf("cannot open record file %s: %w", f.path, ErrNoFIFOReader)
	}
	if err != nil {
		return fmt.Errorf("cannot open record file: %w", err)
	}
	info, err := fh.Stat()
	if err != nil {
		fh.Close()
		return fmt.Errorf("cannot open record file: %w", err)
	}
	f.f, f.wb, f.info = fh, writeback.New(fh, writeback.Options{}), info
	return nil
}

// closeFile stops the advice on the open file and closes it.
func (f *File) closeFile() error {
	f.wb.Stop()
	err := f.f.Close()
	f.f, f.wb = nil, nil
	return err
}

// Path is the file's name as given.
func (f *File) Path() string { return f.path }

// Write appends p, all of it or none of it.
func (f *File) Write(p []byte) (int, error) {
	if f.f == nil {
		if err := f.open(); err != nil {
			return 0, err
		}
	}
	st, err := os.Stat(f.path)
	if err != nil || !os.SameFile(st, f.info) {
		f.closeFile()
		what := "was replaced"
		if errors.Is(err, fs.ErrNotExist) {
			what = "was removed"
		}
		if oerr := f.open(); oerr != nil {
			return 0, fmt.Errorf("record file %s %s and cannot be created again: %w", f.path, what, oerr)
		}
		return 0, fmt.Errorf("record file %s %s; started a new one, without these deliveries", f.path, what)
	}
	n, err := f.wb.Write(p)
	if err != nil {
		if n > 0 && st.Mode().IsRegular() {
			// Drop the torn line so the next batch does not start mid-line.
			_ = f.f.Truncate(st.Size())
		}
		return 0, fmt.Errorf("cannot write record file %s: %w", f.path, unwrapPathError(err))
	}
	return n, nil
}

// Close closes the file.
func (f *File) Close() error {
	if f.f == nil {
		return nil
	}
	return f.closeFile()
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
