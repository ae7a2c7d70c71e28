package har

import (
	"bytes"
	"encoding/json"
	"io"
)

// Writer streams a HAR document: the log's head, then each entry as it is
// added, then the end, so a record file of any size is exported in the
// memory of one entry. The document is indented as browsers write theirs.
type Writer struct {
	w       io.Writer
	creator Creator
	started bool
	n       int
	buf     bytes.Buffer
	enc     *json.Encoder
	err     error
}

// NewWriter writes a HAR document to w whose log.creator is creator.
func NewWriter(w io.Writer, creator Creator) *Writer {
	hw := &Writer{w: w, creator: creator}
	hw.enc = json.NewEncoder(&hw.buf)
	hw.enc.SetEscapeHTML(false)
	hw.enc.SetIndent("      ", "  ")
	return hw
}

// Add writes one entry.
func (hw *Writer) Add(e *Entry) error {
	if err := hw.start(); err != nil {
		return err
	}
	hw.buf.Reset()
	if hw.n > 0 {
		hw.buf.WriteByte(',')
	}
	hw.buf.WriteString("\n      ")
	if err := hw.enc.Encode(e); err != nil {
		return err
	}
	hw.buf.Truncate(hw.buf.Len() - 1) // Encode's newline: the separator decides
	hw.n++
	return hw.write(hw.buf.Bytes())
}

// Count is how many entries were added.
func (hw *Writer) Count() int { return hw.n }

// Close ends the document (an empty entries list when nothing was added).
// It does not close the underlying writer.
func (hw *Writer) Close() error {
	if err := hw.start(); err != nil {
		return err
	}
	end := "]\n  }\n}\n"
	if hw.n > 0 {
		end = "\n    " + end
	}
	return hw.write([]byte(end))
}

func (hw *Writer) start() error {
	if hw.started {
		return hw.err
	}
	hw.started = true
	creator, err := json.Marshal(hw.creator)
	if err != nil {
		hw.err = err
		return err
	}
	head := `{
  "log": {
    "version": "` + Version + `",
    "creator": ` + string(creator) + `,
    "entries": [`
	return hw.write([]byte(head))
}

func (hw *Writer) write(p []byte) error {
	if hw.err != nil {
		return hw.err
	}
	_, hw.err = hw.w.Write(p)
	return hw.err
}
