package probe

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/report"
)

func sampleReport() *Report {
	return &Report{
		URL: "http://127.0.0.1:3000/hooks", Scheme: "standard", Fixtures: []string{"a", "b"},
		CallbackURL: "http://127.0.0.1:41234/webhooks/callback/",
		Started:     time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), Elapsed: 1500 * time.Millisecond,
		Checks: []Check{
			{ID: CheckValid, Result: Pass, Detail: "2 of 2 correctly signed deliveries answered 2xx",
				Requests: []Exchange{{Status: 200, DurationMS: 3.1}, {Status: 200, DurationMS: 2}}, Duration: 5 * time.Millisecond},
			{ID: CheckUnsigned, Result: Fail, Detail: `sent a with no signature header; answered 200 OK "ok"`,
				Hint: "verify webhook-signature", Requests: []Exchange{{Status: 200, DurationMS: 1}}},
			{ID: CheckMalformedJSON, Result: Warn, Detail: "answered 200 OK", Hint: "answer 400", Requests: []Exchange{{Status: 200}}},
			{ID: CheckCallback, Result: Skip, Detail: "Permit deliveries carry no callback URL", Requests: []Exchange{}},
			{ID: CheckDuplicate, Result: Fail, Detail: "no answer", Requests: []Exchange{{Error: "connection reset", DurationMS: 0.5}}},
		},
	}
}

func TestWriteText(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteText(&buf, sampleReport(), render.NewPalette(false)); err != nil {
		t.Fatal(err)
	}
	want := `probe http://127.0.0.1:3000/hooks (scheme standard, 2 fixtures, callbacks on http://127.0.0.1:41234)

CHECK           RESULT  DETAIL
valid           pass    2 of 2 correctly signed deliveries answered 2xx
unsigned        fail    sent a with no signature header; answered 200 OK "ok"
                        hint: verify webhook-signature
malformed-json  warn    answered 200 OK
                        hint: answer 400
callback        skip    Permit deliveries carry no callback URL
duplicate       fail    no answer

5 checks: 1 pass, 2 fail, 1 warn, 1 skip in 1.5s
`
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}

	buf.Reset()
	WriteText(&buf, sampleReport(), render.NewPalette(true))
	if !strings.Contains(buf.String(), "\x1b[31mfail  \x1b[0m") || !strings.Contains(buf.String(), "\x1b[32mpass  \x1b[0m") {
		t.Errorf("no colour on a terminal:\n%q", buf.String())
	}
}

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want one per check:\n%s", len(lines), buf.String())
	}
	if want := `{"check":"valid","result":"pass","detail":"2 of 2 correctly signed deliveries answered 2xx","requests":[{"status":200,"duration_ms":3.1},{"status":200,"duration_ms":2}]}`; lines[0] != want {
		t.Errorf("line 1:\n got %s\nwant %s", lines[0], want)
	}
	var c struct {
		Check, Result, Detail, Hint string
		Requests                    []map[string]any
	}
	if err := json.Unmarshal([]byte(lines[4]), &c); err != nil {
		t.Fatal(err)
	}
	if c.Check != "duplicate" || c.Result != "fail" || c.Requests[0]["error"] != "connection reset" {
		t.Errorf("line 5: %+v", c)
	}
	if err := json.Unmarshal([]byte(lines[3]), &c); err != nil || c.Requests == nil || len(c.Requests) != 0 {
		t.Errorf("a check without requests has requests: [] (%s)", lines[3])
	}
}

func TestJUnit(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := report.WriteJUnit(&buf, Suite(sampleReport())); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Skipped  int `xml:"skipped,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Skipped   *struct{} `xml:"skipped"`
				SystemOut string    `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d testsuites, want 1", len(doc.Suites))
	}
	s := doc.Suites[0]
	if s.Tests != 5 || s.Failures != 2 || s.Skipped != 1 {
		t.Errorf("counts: tests %d failures %d skipped %d", s.Tests, s.Failures, s.Skipped)
	}
	names := []string{}
	for _, c := range s.Cases {
		names = append(names, c.Name)
	}
	if strings.Join(names, " ") != "valid unsigned malformed-json callback duplicate" {
		t.Errorf("testcase names: %v", names)
	}
	u := s.Cases[1]
	if u.Failure == nil || u.Failure.Message != `sent a with no signature header; answered 200 OK "ok"` || !strings.Contains(u.Failure.Text, "hint: verify webhook-signature") {
		t.Errorf("unsigned: %+v", u.Failure)
	}
	if s.Cases[2].Failure != nil || !strings.HasPrefix(s.Cases[2].SystemOut, "warn: ") {
		t.Errorf("a warning is a passing case with a note: %+v", s.Cases[2])
	}
	if s.Cases[3].Skipped == nil {
		t.Errorf("skip: %+v", s.Cases[3])
	}
}
