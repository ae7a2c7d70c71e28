package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Reader reads records one line at a time. Blank lines are skipped; a line
// that is not a record is an error naming its line number.
type Reader struct {
	br   *bufio.Reader
	line int
}

// NewReader reads records from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the next record, or io.EOF after the last.
func (r *Reader) Next() (*Record, error) {
	for {
		b, err := r.br.ReadBytes('\n')
		if len(b) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return nil, io.EOF
			}
			return nil, err
		}
		r.line++
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			if err != nil {
				return nil, io.EOF
			}
			continue
		}
		var rec Record
		if jerr := json.Unmarshal(b, &rec); jerr != nil {
			return nil, fmt.Errorf("line %d is not a record: %w", r.line, jerr)
		}
		if rec.Method == "" {
			return nil, fmt.Errorf("line %d is not a record: no method", r.line)
		}
		return &rec, nil
	}
}

// Line is the number of the line Next last read.
func (r *Reader) Line() int { return r.line }
