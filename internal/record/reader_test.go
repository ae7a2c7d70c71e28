package record_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// readAll reads every record of text and returns their seqs, the lines
// Skip heard of, and the error that ended the reading (nil for io.EOF).
func readAll(t *testing.T, text string) (seqs []int64, skipped []int, err error) {
	t.Helper()
	r := record.NewReader(strings.NewReader(text))
	r.Skip = func(line int) { skipped = append(skipped, line) }
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			if r.Skipped() != len(skipped) {
				t.Errorf("Skipped() = %d, Skip heard of %d lines", r.Skipped(), len(skipped))
			}
			return seqs, skipped, nil
		}
		if err != nil {
			return seqs, skipped, err
		}
		seqs = append(seqs, rec.Seq)
	}
}

func TestReaderSkipsLinesThatAreNotRecords(t *testing.T) {
	t.Parallel()
	const (
		rec1 = `{"seq":1,"method":"POST","path":"/","headers":{},"body":""}`
		rec2 = `{"seq":2,"method":"POST","path":"/","headers":{},"body":""}`
		rec3 = `{"seq":3,"method":"POST","path":"/","headers":{},"body":""}`
	)
	for _, tc := range []struct {
		name    string
		text    string
		seqs    string
		skipped string
	}{
		{"whole", rec1 + "\n" + rec2 + "\n", "[1 2]", "[]"},
		{"torn in the middle, ended by listen", rec1 + "\n" + `{"seq":2,"meth` + "\n" + rec3 + "\n", "[1 3]", "[2]"},
		{"torn at the end, no newline", rec1 + "\n" + rec2 + "\n" + `{"seq":3,"rec`, "[1 2]", "[3]"},
		{"torn at the end, with newline", rec1 + "\n" + `{"seq":2,"rec` + "\n", "[1]", "[2]"},
		{"blank lines are no news", "\n" + rec1 + "\n\n  \n" + rec2 + "\n\n", "[1 2]", "[]"},
		{"garbage, a JSON value, an object without method", rec1 + "\nhello\n42\n{\"seq\":2}\n" + rec3 + "\n", "[1 3]", "[2 3 4]"},
		// Lines before the first record are reported once it is read.
		{"before the first record", "hello\n\nworld\n" + rec1 + "\n", "[1]", "[1 3]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seqs, skipped, err := readAll(t, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(seqs); got != tc.seqs {
				t.Errorf("seqs = %s, want %s", got, tc.seqs)
			}
			if got := fmt.Sprint(skipped); got != tc.skipped {
				t.Errorf("skipped lines = %s, want %s", got, tc.skipped)
			}
		})
	}
}

func TestReaderRefusesAFileWithoutRecords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text string
		line       int
	}{
		{"prose", "hello\nworld\n", 1},
		{"torn only", "\n" + `{"seq":1,"method":"PO`, 2},
		{"JSON but no records", "[1,2]\n{\"a\":1}\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seqs, skipped, err := readAll(t, tc.text)
			var nre *record.NotRecordError
			if !errors.As(err, &nre) {
				t.Fatalf("err = %v, want a NotRecordError", err)
			}
			if nre.Line != tc.line {
				t.Errorf("NotRecordError names line %d, want %d", nre.Line, tc.line)
			}
			if want := fmt.Sprintf("line %d is not a record: ", tc.line); !strings.HasPrefix(err.Error(), want) {
				t.Errorf("err = %q, want it to start %q", err, want)
			}
			if len(seqs) != 0 || len(skipped) != 0 {
				t.Errorf("read %v and reported %v, want neither", seqs, skipped)
			}
		})
	}
	// An empty file (or only blank lines) is not refused here: it holds no
	// records, and each command says so in its own words.
	if _, _, err := readAll(t, "\n\n"); err != nil {
		t.Errorf("blank file: err = %v, want io.EOF", err)
	}
}

// TestReaderNextFunc: a caller with its own idea of a record line (verify
// reads header values that may be lists) gets the same skipping.
func TestReaderNextFunc(t *testing.T) {
	t.Parallel()
	r := record.NewReader(strings.NewReader("{\"a\":1}\n{\"a\":\"x\"}\n{\"a\":\n{\"a\":2}\n"))
	var skipped []int
	r.Skip = func(line int) { skipped = append(skipped, line) }
	var got []string
	for {
		var v struct{ A int }
		err := r.NextFunc(func(line []byte) error { return json.Unmarshal(line, &v) })
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d@%d", v.A, r.Line()))
	}
	if fmt.Sprint(got) != "[1@1 2@4]" || fmt.Sprint(skipped) != "[2 3]" {
		t.Errorf("read %v, skipped %v; want [1@1 2@4], [2 3]", got, skipped)
	}
}

// Header values may be strings (listen --record) or lists of strings (an
// http.Header as another receiver marshals it); both read into one value
// per name, and HTTPHeader gives them back for a verifier.
func TestReaderHeaderForms(t *testing.T) {
	t.Parallel()
	in := `{"method":"POST","headers":{"Webhook-Id":"msg_1","X-Many":["a","b"],"X-One":["c"]},"body":"{}"}
{"method":"POST","headers":{"X-Bad":5}}
{"method":"POST","headers":null}
`
	r := record.NewReader(strings.NewReader(in))
	var skipped []int
	r.Skip = func(line int) { skipped = append(skipped, line) }
	rec, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	want := record.Headers{"Webhook-Id": "msg_1", "X-Many": "a, b", "X-One": "c"}
	if len(rec.Headers) != len(want) {
		t.Fatalf("headers %v", rec.Headers)
	}
	for k, v := range want {
		if rec.Headers[k] != v {
			t.Errorf("%s = %q, want %q", k, rec.Headers[k], v)
		}
	}
	if h := rec.HTTPHeader(); h.Get("webhook-id") != "msg_1" || h.Get("X-Many") != "a, b" {
		t.Errorf("HTTPHeader %v", h)
	}
	rec, err = r.Next()
	if err != nil || rec.Headers != nil || len(skipped) != 1 || skipped[0] != 2 {
		t.Errorf("null headers: %v, %v; skipped %v (want line 2: a header that is neither)", rec, err, skipped)
	}
}

func TestRedacted(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{"****": true, "Bearer ****": true, "Basic ****": true, "tok-****x": false, "Bearer tok": false, "": false} {
		if record.Redacted(v) != want {
			t.Errorf("Redacted(%q) = %v", v, !want)
		}
	}
}

// Text is the line a record was read from, as it stands in the file.
func TestReaderText(t *testing.T) {
	t.Parallel()
	in := "  {\"seq\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"x\"}  \nnot a record\n{\"seq\":2, \"method\":\"PUT\"}\n"
	r := record.NewReader(strings.NewReader(in))
	for _, want := range []string{`{"seq":1,"method":"POST","path":"/","body":"x"}`, `{"seq":2, "method":"PUT"}`} {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		if got := string(r.Text()); got != want {
			t.Errorf("Text() = %q, want %q", got, want)
		}
	}
}
