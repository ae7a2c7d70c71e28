// Package report writes the machine-readable reports CI systems read: JUnit
// XML (probe's checks, validate's files) and GitHub Actions workflow
// commands (validate's errors as annotations on their lines), so every
// command shares one writer and one escaping. It also owns validate's CI
// forms (CIWriter: a payload.FileResult as annotations or a JUnit case),
// so that the payload package holds no report format; probe turns its own
// checks into a Suite.
package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// Suite is one JUnit testsuite: what a command checked in one run.
type Suite struct {
	Name      string // e.g. "webhook-tool probe"
	Timestamp time.Time
	Time      time.Duration // the whole run
	Cases     []Case
}

// Case is one testcase: a check, a file.
type Case struct {
	Name      string
	Classname string
	Time      time.Duration
	// At most one of Failure, Error and Skipped is set; none means passed.
	Failure *Message // the thing checked failed
	Error   *Message // it could not be checked at all
	Skipped *Message
	// SystemOut is shown beside a passing case, e.g. a warning.
	SystemOut string
}

// Message is a failure, error or skip: a one-line message and a longer text.
type Message struct {
	Message string
	Type    string
	Text    string
}

// Counts returns how many cases failed, errored and were skipped.
func (s Suite) Counts() (failures, errors, skipped int) {
	for _, c := range s.Cases {
		switch {
		case c.Failure != nil:
			failures++
		case c.Error != nil:
			errors++
		case c.Skipped != nil:
			skipped++
		}
	}
	return failures, errors, skipped
}

// The XML shapes: <testsuites> around one <testsuite>, which is what Jenkins,
// GitLab, Azure DevOps and the GitHub JUnit report actions all read. The two
// wrapping elements are written by JUnitWriter, a testcase at a time.
type xmlCase struct {
	XMLName   xml.Name    `xml:"testcase"`
	Name      string      `xml:"name,attr"`
	Classname string      `xml:"classname,attr"`
	Time      string      `xml:"time,attr"`
	Failure   *xmlMessage `xml:"failure,omitempty"`
	Error     *xmlMessage `xml:"error,omitempty"`
	Skipped   *xmlMessage `xml:"skipped,omitempty"`
	SystemOut string      `xml:"system-out,omitempty"`
}

type xmlMessage struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func toXML(m *Message) *xmlMessage {
	if m == nil {
		return nil
	}
	return &xmlMessage{Message: m.Message, Type: m.Type, Text: m.Text}
}

// seconds is a JUnit time attribute: seconds with millisecond precision.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}

// WriteJUnit writes s as a JUnit XML document. encoding/xml escapes the
// text, and replaces characters XML 1.0 cannot hold (a hostile receiver's
// control bytes in a response excerpt), so the document always parses.
func WriteJUnit(w io.Writer, s Suite) error {
	j := newJUnitWriter(w, s.Name, s.Timestamp, &bytes.Buffer{})
	for _, c := range s.Cases {
		j.Add(c)
	}
	return j.Close(s.Time)
}
