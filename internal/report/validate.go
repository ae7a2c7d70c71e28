package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// The CI forms of a file's verdict, for `validate --output github|junit`.

// CIWriter writes verdicts in a CI format as validate reports them:
// "github" prints each file's annotations at once, "junit" writes the
// report at Close. NewCIWriter returns nil for any other format, and a nil
// CIWriter does nothing.
type CIWriter struct {
	github bool
	w      io.Writer
	now    func() time.Time
	start  time.Time
	junit  *JUnitWriter
}

// NewCIWriter returns a CIWriter for format "github" or "junit" writing to w.
func NewCIWriter(format string, w io.Writer, now func() time.Time) *CIWriter {
	if format != "github" && format != "junit" {
		return nil
	}
	c := &CIWriter{github: format == "github", w: w, now: now, start: now()}
	if !c.github {
		// A testcase per file, spooled as it comes: a walk of any size
		// is reported in flat memory.
		c.junit = NewJUnitWriter(w, "webhook-tool validate", c.start)
	}
	return c
}

// Add reports one file.
func (c *CIWriter) Add(fr payload.FileResult) {
	switch {
	case c == nil:
	case c.github:
		for _, a := range FileAnnotations(fr) {
			fmt.Fprintln(c.w, a)
		}
	default:
		c.junit.Add(FileCase(fr))
	}
}

// Close writes the JUnit
func (c *CIWriter) Close() error {
	if c == nil || c.github {
		return nil
	}
	return c.junit.Close(c.now().Sub(c.start))
}

// Annotations returns one GitHub Actions annotation per error in fr, each
// on its line and column, titled with the schema (nothing for a valid file).
// The file is named as render.Escape shows it: a control character in a
// name (ESC, or a line break before "::error::") cannot reach the log.
func FileAnnotations(fr payload.FileResult) []Annotation {
	name := render.Escape(fr.Name)
	if fr.Err != nil {
		return []Annotation{{File: name, Title: "not checked", Message: flatten(fr.Err.Error())}}
	}
	if fr.Result.Valid {
		return nil
	}
	out := make([]Annotation, 0, len(fr.Result.Errors))
	for _, e := range fr.Result.Errors {
		a := Annotation{File: name, Line: e.Line, Col: e.Column, Title: fr.Result.Schema, Message: e.Message}
		if fr.Result.Schema == "" {
			a.Title = "not JSON"
		} else {
			a.Message = pointer(e) + ": " + e.Message
		}
		out = append(out, a)
	}
	if n := fr.Result.Omitted; n > 0 {
		out = append(out, Annotation{Level: "notice", File: name, Title: fr.Result.Schema,
			Message: fmt.Sprintf("... and %d more errors (--max-errors 0 lists all)", n)})
	}
	return out
}

// JUnitCase returns fr as a JUnit testcase named by the file: a failure
// for an invalid file, listing its errors as validate's text does; an
// error for a file that could not be checked. The name is escaped as in
// FileAnnotations.
func FileCase(fr payload.FileResult) Case {
	name := render.Escape(fr.Name)
	c := Case{Name: name, Classname: "webhook-tool.validate"}
	if fr.Result.Schema != "" {
		c.Classname = fr.Result.Schema
	}
	switch {
	case fr.Err != nil:
		c.Error = &Message{Message: flatten(fr.Err.Error()), Type: "not checked"}
	case fr.Result.Valid:
		c.SystemOut = fmt.Sprintf("valid (%s)", fr.Result.Schema)
	default:
		var text strings.Builder
		for _, e := range fr.Result.Errors {
			p := ""
			if fr.Result.Schema != "" {
				p = pointer(e) + ": "
			}
			fmt.Fprintf(&text, "%s:%d:%d: %s%s\n", name, e.Line, e.Column, p, e.Message)
		}
		if fr.Result.Omitted > 0 {
			fmt.Fprintf(&text, "... and %d more errors (--max-errors 0 lists all)\n", fr.Result.Omitted)
		}
		msg := "not JSON"
		if fr.Result.Schema != "" {
			n := len(fr.Result.Errors) + fr.Result.Omitted
			msg = fmt.Sprintf("invalid against %s: %d %s", fr.Result.Schema, n, map[bool]string{true: "error", false: "errors"}[n == 1])
		}
		c.Failure = &Message{Message: msg, Type: "invalid", Text: text.String()}
	}
	return c
}

// pointer is the error's instance location, "/" for the document itself.
func pointer(e payload.Error) string {
	if e.InstanceLocation == "" {
		return "/"
	}
	return e.InstanceLocation
}

// flatten keeps a message to one line.
func flatten(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ")), " ")
}
