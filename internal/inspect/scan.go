package inspect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// scan is what scanIndex found in a part of a record file.
type scan struct {
	lines *lineIndex // where the lines found are appended
	from  int        // lines.len() before
	// read are the lines read whole (callbacks, exec runs, lines not as
	// listen writes them), by their index in lines, to link.
	read    []readLine
	skipped int // lines that are not records
	// tooLong counts lines longer than record.MaxLineSize, which replay
	// and verify refuse: passed over unread, never held in memory whole.
	tooLong int
	first   *record.NotRecordError // the first line that is not a record
	events  EventReader            // reads a delivery's event
}

type readLine struct {
	i int
	l *line
}

// errTooLong is why a line longer than record.MaxLineSize is no record.
var errTooLong = fmt.Errorf("longer than %d MiB", record.MaxLineSize>>20)

func (sc *scan) notRecord(line int, err error) {
	if sc.first == nil {
		sc.first = &record.NotRecordError{Line: line, Err: err}
	}
}

// take takes in what a scan found, its lines in s.lines: it adds up what
// it passed over and links the lines it read. s.mu is held.
func (s *Store) take(sc scan) {
	s.skipped += sc.skipped
	s.tooLong += sc.tooLong
	s.noteSeqs(sc.from)
	for _, r := range sc.read {
		s.link(s.base+r.i, r.l)
	}
}

// scanIndex reads n bytes of whole lines of f from off, as fast as the disk
// gives them, and appends them to into: it keeps each line's offset and
// seq, and reads whole only the lines that are not as listen writes them,
// and callbacks and exec runs (to link them to their deliveries). Other
// summaries are read when asked for.
func scanIndex(f *os.File, off, n int64, into *lineIndex, events EventReader) (scan, error) {
	return scanIndexBuf(f, off, n, make([]byte, 0, min(n, 1<<20)), into, events)
}

// scanIndexBuf is scanIndex reading through buf (its capacity), which a
// store following its file reuses. The buffer grows to hold a long line,
// up to record.MaxLineSize: a longer line is read through without being
// kept, and counted.
func scanIndexBuf(f *os.File, off, n int64, buf []byte, into *lineIndex, events EventReader) (scan, error) {
	sc := scan{lines: into, from: into.len(), events: events}
	buf = buf[:0]
	if cap(buf) == 0 {
		buf = make([]byte, 0, 4096)
	}
	lineNo := 0
	long := false // in a line longer than record.MaxLineSize
	pos := off    // file offset of buf[0]
	for read := int64(0); read < n; {
		if len(buf) == cap(buf) {
			// A line longer than the buffer.
			buf = slices.Grow(buf, min(len(buf), record.MaxLineSize+1-len(buf)))
		}
		m, err := f.ReadAt(buf[len(buf):min(int64(cap(buf)), int64(len(buf))+n-read)], off+read)
		buf = buf[:len(buf)+m]
		read += int64(m)
		if err != nil && !errors.Is(err, io.EOF) {
			return scan{}, err
		}
		if m == 0 {
			break
		}
		rest := buf
		if long {
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				pos += int64(len(buf))
				buf = buf[:0]
				continue
			}
			long = false
			rest = rest[i+1:]
		}
		for {
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				break
			}
			raw := rest[:i+1]
			at := pos + int64(len(buf)-len(rest))
			rest = rest[i+1:]
			lineNo++
			sc.line(raw, at, lineNo)
		}
		if len(rest) >= record.MaxLineSize {
			// No newline in MaxLineSize bytes: with its newline the
			// line is longer than that.
			lineNo++
			sc.tooLong++
			sc.notRecord(lineNo, errTooLong)
			long, rest = true, rest[len(rest):]
		}
		pos += int64(len(buf) - len(rest))
		buf = append(buf[:0], rest...)
	}
	return sc, nil
}

// line indexes the line raw (its newline included), at offset at.
func (sc *scan) line(raw []byte, at int64, lineNo int) {
	if len(raw) > record.MaxLineSize {
		sc.tooLong++
		sc.notRecord(lineNo, errTooLong)
		return
	}
	line := bytes.TrimSpace(raw)
	if len(line) == 0 {
		return
	}
	e := slot{off: at, n: uint32(len(raw))}
	if v, ok := seqPrefix(line); ok && !linked(line) {
		e.seq = v
	} else if l, err := parseLine(line, sc.events); err == nil {
		e.seq, e.flags = l.Seq, slotRead|slotOK|kindFlags(l.Kind)
		sc.read = append(sc.read, readLine{sc.lines.len(), &l})
	} else {
		sc.skipped++
		sc.notRecord(lineNo, err)
		return
	}
	sc.lines.push(e)
}
