package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/payload"
)

// The CI forms of validate's verdict on each file, for `validate --output
// github|junit`.

// CIWriter writes verdicts in a CI format as validate reports them:
// "github" prints each file's annotations at once, "junit" writes the
// report at Close. NewCIWriter returns nil for any other format, and a nil
// CIWriter does nothing.
type CIWriter struct {
	github bool
	w      io.Writer
	now    func() time.Time
	start  time.Time
	suite  Suite
}

// NewCIWriter returns a CIWriter for format "github" or "junit" writing to w.
func NewCIWriter(format string, w io.Writer, now func() time.Time) *CIWriter {
	if format != "github" && format != "junit" {
		return nil
	}
	start := now()
	return &CIWriter{github: format == "github", w: w, now: now, start: start,
		suite: Suite{Name: "webhook-tool validate", Timestamp: start}}
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
		c.suite.Cases = append(c.suite.Cases, FileCase(fr))
	}
}

// Close writes the JUnit
func (c *CIWriter) Close() error {
	if c == nil || c.github {
		return nil
	}
	c.suite.Time = c.now().Sub(c.start)
	return WriteJUnit(c.w, c.suite)
}

// FileAnnotations returns one GitHub Actions annotation per error in fr, each
// on its line and column, titled with the schema (nothing for a valid file).
func FileAnnotations(fr payload.FileResult) []Annotation {
	if fr.Err != nil {
		return []Annotation{{File: fr.Name, Title: "not checked", Message: flatten(fr.Err.Error())}}
	}
	if fr.Result.Valid {
		return nil
	}
	out := make([]Annotation, 0, len(fr.Result.Errors))
	for _, e := range fr.Result.Errors {
		a := Annotation{File: fr.Name, Line: e.Line, Col: e.Column, Title: fr.Result.Schema, Message: e.Message}
		if fr.Result.Schema == "" {
			a.Title = "not JSON"
		} else {
			a.Message = pointer(e) + ": " + e.Message
		}
		out = append(out, a)
	}
	if n := fr.Result.Omitted; n > 0 {
		out = append(out, Annotation{Level: "notice", File: fr.Name, Title: fr.Result.Schema,
			Message: fmt.Sprintf("... and %d more errors (--max-errors 0 lists all)", n)})
	}
	return out
}

// FileCase returns fr as a JUnit testcase named by the file: a failure
// for an invalid file, listing its errors as validate's text does; an
// error for a file that could not be checked.
func FileCase(fr payload.FileResult) Case {
	c := Case{Name: fr.Name, Classname: "webhook-tool.validate"}
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
			fmt.Fprintf(&text, "%s:%d:%d: %s%s\n", fr.Name, e.Line, e.Column, p, e.Message)
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
