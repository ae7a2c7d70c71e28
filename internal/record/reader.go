package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Reader reads a record file one line at a time, for every command that
// reads what `listen --record` wrote (replay, verify --recorded).
//
// A line that is not a record (one cut short by a crash, garbage) does not
// stop it: the line is passed over and reported to Skip, and reading goes on.
// Blank lines are passed over without a report: they hold nothing. Only a
// file in which no line is a record is an error: Next then returns a
// *NotRecordError for its first such line instead of io.EOF, and Skip hears
// of none of them (the file as a whole is the problem).
type Reader struct {
	// Skip, when set, hears of each line that is not a record, by its
	// 1-based number. Lines before the first record are reported when that
	// record is read, so for a file without records it is never called.
	Skip func(line int)

	br      *bufio.Reader
	line    int
	off     int64 // bytes read so far
	span    [2]int64
	text    []byte // the line last read as a record
	records int
	skipped int
	first   *NotRecordError // the first line that was not a record
	// pending are the lines passed over before the first record, as runs
	// of consecutive numbers: a long file that is not a record file costs
	// no memory per line.
	pending [][2]int
}

// NotRecordError is a line that is not a record.
type NotRecordError struct {
	Line int
	Err  error
}

func (e *NotRecordError) Error() string {
	return fmt.Sprintf("line %d is not a record: %v", e.Line, e.Err)
}

func (e *NotRecordError) Unwrap() error { return e.Err }

// MaxLineSize is the longest record line read. listen's records are a few
// KB (a body at the 1 MiB --max-body default is at most 1.4 MB as base64);
// 64 MiB leaves room for any --max-body anyone uses while keeping a file
// with no newlines (/dev/zero, a binary) from filling memory.
const MaxLineSize = 64 << 20

// LineTooLongError is a line longer than MaxLineSize: the file is not a
// record file, and reading stops.
type LineTooLongError struct{ Line int }

func (e *LineTooLongError) Error() string {
	return fmt.Sprintf("line %d is longer than %d MB: not a record file", e.Line, MaxLineSize>>20)
}

// errNoMethod is why a JSON object without a method is not a record.
var errNoMethod = errors.New("no method")

// NewReader reads records from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the next record, or io.EOF after the last. A record is a
// JSON object with a method, or a `listen --exec` run (Kind KindExec, which
// has none: a caller that wants requests passes it over).
func (r *Reader) Next() (*Record, error) {
	var rec Record
	err := r.NextFunc(func(line []byte) error {
		rec = Record{}
		if err := json.Unmarshal(line, &rec); err != nil {
			return err
		}
		if rec.Method == "" && rec.Kind != KindExec {
			return errNoMethod
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// NextFunc reads lines until decode accepts one, for a caller that reads
// record lines into a type of its own. decode gets the line without its
// surrounding space and returns an error when it is not a record; such a
// line is passed over as Next passes one over. NextFunc returns io.EOF
// after the last record, or a *NotRecordError when the file held lines but
// no record.
func (r *Reader) NextFunc(decode func(line []byte) error) error {
	for {
		b, err := r.readLine()
		var tl *LineTooLongError
		if errors.As(err, &tl) {
			return err
		}
		if len(b) == 0 && err != nil {
			if !errors.Is(err, io.EOF) {
				return err
			}
			if r.records == 0 && r.first != nil {
				return r.first
			}
			return io.EOF
		}
		r.line++
		r.span = [2]int64{r.off, int64(len(b))}
		r.off += int64(len(b))
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		if derr := notRecord(b, decode); derr != nil {
			r.skip(derr)
			continue
		}
		if r.records == 0 {
			r.flush()
		}
		r.records++
		r.text = b
		return nil
	}
}

// readLine is bufio.Reader.ReadBytes('\n') stopped at MaxLineSize.
func (r *Reader) readLine() ([]byte, error) {
	var line []byte
	for {
		frag, err := r.br.ReadSlice('\n')
		if len(line)+len(frag) > MaxLineSize {
			return nil, &LineTooLongError{Line: r.line + 1}
		}
		if err == nil && line == nil {
			return append([]byte(nil), frag...), nil
		}
		line = append(line, frag...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, err
		}
	}
}

// notRecord is why line is not a record, or nil when decode took it.
func notRecord(line []byte, decode func([]byte) error) error {
	if line[0] != '{' {
		// Not even the start of a JSON object: say so rather than what
		// encoding/json makes of, say, a line of prose.
		if !json.Valid(line) {
			return errors.New("not JSON")
		}
		return errors.New("not a JSON object")
	}
	return decode(line)
}

func (r *Reader) skip(err error) {
	r.skipped++
	if r.first == nil {
		r.first = &NotRecordError{Line: r.line, Err: err}
	}
	switch n := len(r.pending); {
	case r.records > 0:
		if r.Skip != nil {
			r.Skip(r.line)
		}
	case n > 0 && r.pending[n-1][1] == r.line-1:
		r.pending[n-1][1] = r.line
	default:
		r.pending = append(r.pending, [2]int{r.line, r.line})
	}
}

// flush reports the lines passed over before the first record.
func (r *Reader) flush() {
	if r.Skip != nil {
		for _, run := range r.pending {
			for line := run[0]; line <= run[1]; line++ {
				r.Skip(line)
			}
		}
	}
	r.pending = nil
}

// Span is where the line Next last read lies in the input: its byte offset
// and length, newline included. The inspector keeps these instead of the
// records, and reads a record again when it is asked for.
func (r *Reader) Span() (offset, length int64) { return r.span[0], r.span[1] }

// Text is the line Next last read, without its surrounding space: what
// `export --format ndjson` passes on unchanged. It is the caller's to keep.
func (r *Reader) Text() []byte { return r.text }

// Line is the number of the line Next last read.
func (r *Reader) Line() int { return r.line }

// Skipped is how many lines so far were not records (blank lines aside).
func (r *Reader) Skipped() int { return r.skipped }
