package report

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"strconv"
	"time"
)

// JUnitWriter writes a JUnit document a testcase at a time, for a run of
// any number of cases (validate of a directory of a hundred thousand files)
// in flat memory. The counts go in the opening tags, so the cases are
// spooled to a temporary file (to memory if none can be made) and copied
// out behind those tags at Close.
type JUnitWriter struct {
	w     io.Writer
	name  string
	stamp time.Time

	spool io.ReadWriter
	file  *os.File // the spool when it is a file
	left  string   // its path, when it could not be removed while open
	buf   *bufio.Writer
	enc   *xml.Encoder
	err   error

	tests, failures, errors, skipped int
}

// NewJUnitWriter returns a JUnitWriter for a suite named name, started at
// timestamp (zero leaves it out), writing the document to w at Close.
func NewJUnitWriter(w io.Writer, name string, timestamp time.Time) *JUnitWriter {
	f, err := os.CreateTemp("", "webhook-tool-junit-*.xml")
	if err != nil {
		return newJUnitWriter(w, name, timestamp, &bytes.Buffer{})
	}
	j := newJUnitWriter(w, name, timestamp, f)
	j.file = f
	// Unlinked at once where the system allows it, so nothing is left
	// behind even if the process is killed; elsewhere at Close.
	if os.Remove(f.Name()) != nil {
		j.left = f.Name()
	}
	return j
}

func newJUnitWriter(w io.Writer, name string, timestamp time.Time, spool io.ReadWriter) *JUnitWriter {
	j := &JUnitWriter{w: w, name: name, stamp: timestamp, spool: spool}
	j.buf = bufio.NewWriterSize(spool, 64<<10)
	j.enc = xml.NewEncoder(j.buf)
	// The cases sit at depth 2, inside <testsuites> and <testsuite>.
	j.enc.Indent("    ", "  ")
	return j
}

// Add writes one testcase. An error (the spool could not be written) is
// kept and returned by Close.
func (j *JUnitWriter) Add(c Case) {
	if j.err != nil {
		return
	}
	switch {
	case c.Failure != nil:
		j.failures++
	case c.Error != nil:
		j.errors++
	case c.Skipped != nil:
		j.skipped++
	}
	j.tests++
	j.err = j.enc.Encode(xmlCase{
		Name: c.Name, Classname: c.Classname, Time: seconds(c.Time),
		Failure: toXML(c.Failure), Error: toXML(c.Error), Skipped: toXML(c.Skipped),
		SystemOut: c.SystemOut,
	})
}

// Close writes the document, the whole run taking total, and releases the
// spool.
func (j *JUnitWriter) Close(total time.Duration) error {
	defer j.release()
	if j.err != nil {
		return j.err
	}
	if err := j.buf.Flush(); err != nil {
		return err
	}
	if _, err := io.WriteString(j.w, xml.Header); err != nil {
		return err
	}
	head := xml.NewEncoder(j.w)
	head.Indent("", "  ")
	counts := []xml.Attr{
		{Name: xml.Name{Local: "name"}, Value: j.name},
		{Name: xml.Name{Local: "tests"}, Value: itoa(j.tests)},
		{Name: xml.Name{Local: "failures"}, Value: itoa(j.failures)},
		{Name: xml.Name{Local: "errors"}, Value: itoa(j.errors)},
		{Name: xml.Name{Local: "skipped"}, Value: itoa(j.skipped)},
		{Name: xml.Name{Local: "time"}, Value: seconds(total)},
	}
	suite := counts
	if !j.stamp.IsZero() {
		suite = append(suite[:len(suite):len(suite)], xml.Attr{Name: xml.Name{Local: "timestamp"}, Value: j.stamp.UTC().Format("2006-01-02T15:04:05")})
	}
	for _, t := range []xml.Token{
		xml.StartElement{Name: xml.Name{Local: "testsuites"}, Attr: counts},
		xml.StartElement{Name: xml.Name{Local: "testsuite"}, Attr: suite},
	} {
		if err := head.EncodeToken(t); err != nil {
			return err
		}
	}
	if err := head.Flush(); err != nil {
		return err
	}
	tail := "</testsuite>\n</testsuites>\n"
	if j.tests > 0 {
		if _, err := io.WriteString(j.w, "\n"); err != nil {
			return err
		}
		if err := j.copySpool(); err != nil {
			return err
		}
		tail = "\n  " + tail
	}
	_, err := io.WriteString(j.w, tail)
	return err
}

// copySpool copies the cases written so far to w.
func (j *JUnitWriter) copySpool() error {
	if j.file != nil {
		if _, err := j.file.Seek(0, io.SeekStart); err != nil {
			return err
		}
	}
	_, err := io.Copy(j.w, j.spool)
	return err
}

// release closes the spool file, and removes it if it could not be
// removed while open. It is scratch space: a failure here loses nothing.
func (j *JUnitWriter) release() {
	if j.file == nil {
		return
	}
	_ = j.file.Close()
	if j.left != "" {
		_ = os.Remove(j.left)
	}
	j.file, j.left = nil, ""
}

func itoa(n int) string { return strconv.Itoa(n) }
