package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

func TestAnnotation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    Annotation
		want string
	}{
		{
			"all properties",
			Annotation{File: "payloads/a.json", Line: 12, Col: 19, Title: "permission_assist.access_request",
				Message: `/event/request/action: must be one of Add, Change; got "Delete"`},
			`::error file=payloads/a.json,line=12,col=19,title=permission_assist.access_request::/event/request/action: must be one of Add, Change; got "Delete"`,
		},
		{
			"properties escape percent, CR, LF, colon and comma; the message percent, CR and LF",
			Annotation{Level: "warning", File: "C:\\dir,1/100%.json", Title: "a:b,c\r\nd",
				Message: "50% done\r\nnext: line, too"},
			`::warning file=C%3A\dir%2C1/100%25.json,title=a%3Ab%2Cc%0D%0Ad::50%25 done%0D%0Anext: line, too`,
		},
		{
			"no line or column",
			Annotation{File: "x.json", Message: "cannot read file"},
			`::error file=x.json::cannot read file`,
		},
		{
			"nothing but a message",
			Annotation{Level: "notice", Message: "m"},
			`::notice::m`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.String(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// parsed is the document as a JUnit reader sees it.
type parsed struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Time     string `xml:"time,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Time    string `xml:"time,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error   *struct{} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestWriteJUnit(t *testing.T) {
	t.Parallel()
	s := Suite{
		Name:      "webhook-tool probe",
		Timestamp: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC),
		Time:      1234 * time.Millisecond,
		Cases: []Case{
			{Name: "valid", Classname: "probe", Time: 3 * time.Millisecond},
			{Name: "unsigned", Classname: "probe", Failure: &Message{Message: "answered 200 <OK> & \"more\"", Text: "body \x1b[31m\x00 excerpt"}},
			{Name: "stale", Classname: "probe", Skipped: &Message{Message: "the github scheme signs no timestamp"}},
			{Name: "broken.json", Classname: "validate", Error: &Message{Message: "cannot read file"}},
			{Name: "malformed-json", Classname: "probe", SystemOut: "warn: answered 200 OK"},
		},
	}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, s); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration:\n%s", buf.String())
	}
	var p parsed
	if err := xml.Unmarshal(buf.Bytes(), &p); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	if p.Tests != 5 || p.Failures != 1 || p.Skipped != 1 || p.Errors != 1 || len(p.Suites) != 1 {
		t.Fatalf("counts: %+v", p)
	}
	su := p.Suites[0]
	if su.Name != "webhook-tool probe" || su.Tests != 5 || su.Failures != 1 || su.Time != "1.234" {
		t.Errorf("suite: %+v", su)
	}
	c := su.Cases
	if c[0].Name != "valid" || c[0].Time != "0.003" || c[0].Failure != nil || c[0].Skipped != nil {
		t.Errorf("passing case: %+v", c[0])
	}
	if c[1].Failure == nil || c[1].Failure.Message != `answered 200 <OK> & "more"` {
		t.Errorf("failure: %+v", c[1].Failure)
	}
	if c[1].Failure != nil && strings.ContainsAny(c[1].Failure.Text, "\x1b\x00") {
		t.Errorf("control characters reached the XML: %q", c[1].Failure.Text)
	}
	if c[2].Skipped == nil || c[2].Skipped.Message != "the github scheme signs no timestamp" {
		t.Errorf("skipped: %+v", c[2])
	}
	if c[3].Error == nil {
		t.Errorf("error: %+v", c[3])
	}
	if c[4].SystemOut != "warn: answered 200 OK" || c[4].Failure != nil {
		t.Errorf("warning: %+v", c[4])
	}
}
