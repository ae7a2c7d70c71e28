package export

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/har"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// sniffSize is how much of an input is looked at to tell a HAR document
// from a record file.
const sniffSize = 512

// Input is where export and replay read requests from: the lines of a
// record file `listen --record` wrote, or the entries of a HAR file (this
// tool's export, or a browser's), as records.
type Input struct {
	recs *record.Reader
	har  *har.Reader
}

// OpenInput reads records from r, the input named name: a HAR document's
// entries when r starts as one or name ends in .har, a record file's lines
// otherwise. warn, when set, hears of each line or entry passed over, in a
// sentence that names it.
func OpenInput(r io.Reader, name string, warn func(msg string)) *Input {
	br := bufio.NewReaderSize(r, 64<<10)
	start, _ := br.Peek(sniffSize)
	if har.Sniff(start) || strings.EqualFold(filepath.Ext(name), ".har") {
		hr := har.NewReader(br)
		if warn != nil {
			hr.Skip = func(n int, err error) {
				warn(fmt.Sprintf("%s: entry %d is not a request to send again (%v); skipped", name, n, err))
			}
		}
		return &Input{har: hr}
	}
	rr := record.NewReader(br)
	if warn != nil {
		rr.Skip = func(line int) {
			warn(fmt.Sprintf("%s:%d: not a record (a line cut short by a crash?); skipped", name, line))
		}
	}
	return &Input{recs: rr}
}

// IsHAR reports whether the input is a HAR document.
func (in *Input) IsHAR() bool { return in.har != nil }

// Next returns the next record, or io.EOF after the last. Its errors are
// the record reader's (*record.NotRecordError, *record.LineTooLongError)
// or the HAR reader's (har.ErrNotHAR, *har.EntryTooLargeError).
func (in *Input) Next() (*record.Record, error) {
	if in.har != nil {
		return in.har.Next()
	}
	return in.recs.Next()
}

// Text is the record line Next last read, unchanged; nil for a HAR entry.
func (in *Input) Text() []byte {
	if in.har != nil {
		return nil
	}
	return in.recs.Text()
}

// Skipped is how many lines or entries were passed over.
func (in *Input) Skipped() int {
	if in.har != nil {
		return in.har.Skipped()
	}
	return in.recs.Skipped()
}
