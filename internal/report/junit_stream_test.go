package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The document is the same byte for byte whether the cases come as a
// Suite (WriteJUnit) or one at a time through a JUnitWriter spooling to a
// file, and as encoding/xml wrote it for a whole Suite before cases were
// streamed.
func TestJUnitWriterDocument(t *testing.T) {
	t.Parallel()
	ts := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		suite Suite
		want  string
	}{
		{
			Suite{Name: "webhook-tool validate", Timestamp: ts, Time: 1500 * time.Millisecond},
			`<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="webhook-tool validate" tests="0" failures="0" errors="0" skipped="0" time="1.500">
  <testsuite name="webhook-tool validate" tests="0" failures="0" errors="0" skipped="0" time="1.500" timestamp="2026-12-01T08:00:00"></testsuite>
</testsuites>
`,
		},
		{
			Suite{Name: "n\"<&>\n'", Time: time.Millisecond, Cases: []Case{{Name: "a\n\x1b.json", Classname: "c<"}}},
			`<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="n&#34;&lt;&amp;&gt;&#xA;&#39;" tests="1" failures="0" errors="0" skipped="0" time="0.001">
  <testsuite name="n&#34;&lt;&amp;&gt;&#xA;&#39;" tests="1" failures="0" errors="0" skipped="0" time="0.001">
    <testcase name="a&#xA;` + "\ufffd" + `.json" classname="c&lt;" time="0.000"></testcase>
  </testsuite>
</testsuites>
`,
		},
		{
			Suite{Name: "webhook-tool probe", Timestamp: ts, Time: 1234 * time.Millisecond, Cases: []Case{
				{Name: "valid", Classname: "probe", Time: 3 * time.Millisecond},
				{Name: "unsigned", Classname: "probe", Failure: &Message{Message: "answered 200 <OK> & \"more\"", Type: "invalid", Text: "body \x1b[31m\x00 excerpt\nline 2\n"}},
				{Name: "stale", Classname: "probe", Skipped: &Message{Message: "the github scheme signs no timestamp"}},
				{Name: "broken.json", Classname: "validate", Error: &Message{Message: "cannot read file", Type: "not checked"}},
				{Name: "malformed-json", Classname: "probe", SystemOut: "warn: answered 200 OK"},
			}},
			`<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="webhook-tool probe" tests="5" failures="1" errors="1" skipped="1" time="1.234">
  <testsuite name="webhook-tool probe" tests="5" failures="1" errors="1" skipped="1" time="1.234" timestamp="2026-12-01T08:00:00">
    <testcase name="valid" classname="probe" time="0.003"></testcase>
    <testcase name="unsigned" classname="probe" time="0.000">
      <failure message="answered 200 &lt;OK&gt; &amp; &#34;more&#34;" type="invalid">body ` + "\ufffd" + `[31m` + "\ufffd" + ` excerpt&#xA;line 2&#xA;</failure>
    </testcase>
    <testcase name="stale" classname="probe" time="0.000">
      <skipped message="the github scheme signs no timestamp"></skipped>
    </testcase>
    <testcase name="broken.json" classname="validate" time="0.000">
      <error message="cannot read file" type="not checked"></error>
    </testcase>
    <testcase name="malformed-json" classname="probe" time="0.000">
      <system-out>warn: answered 200 OK</system-out>
    </testcase>
  </testsuite>
</testsuites>
`,
		},
	}
	for _, tt := range tests {
		var whole, streamed bytes.Buffer
		if err := WriteJUnit(&whole, tt.suite); err != nil {
			t.Fatal(err)
		}
		if whole.String() != tt.want {
			t.Errorf("WriteJUnit:\n%s\nwant\n%s", whole.String(), tt.want)
		}
		j := NewJUnitWriter(&streamed, tt.suite.Name, tt.suite.Timestamp)
		if j.file == nil {
			t.Fatal("no spool file")
		}
		for _, c := range tt.suite.Cases {
			j.Add(c)
		}
		if err := j.Close(tt.suite.Time); err != nil {
			t.Fatal(err)
		}
		if streamed.String() != tt.want {
			t.Errorf("JUnitWriter:\n%s\nwant\n%s", streamed.String(), tt.want)
		}
	}
}

// The cases go to the spool as they come, not to memory: what the writer
// holds does not grow with their number.
func TestJUnitWriterSpools(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	j := NewJUnitWriter(&out, "s", time.Time{})
	c := Case{Name: strings.Repeat("x", 100), Classname: "c"}
	for range 10000 {
		j.Add(c)
	}
	if err := j.buf.Flush(); err != nil {
		t.Fatal(err)
	}
	if st, err := j.file.Stat(); err != nil || st.Size() < 10000*100 {
		t.Fatalf("spool %v, %v: want every case in the file", st, err)
	}
	if err := j.Close(0); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "<testcase "); n != 10000 {
		t.Errorf("%d testcases in the document", n)
	}
	if j.file != nil {
		t.Error("spool not released")
	}
}
