package inspect

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/fixtures"
)

// indentJSON writes what json.Indent writes, as long as nothing is nested
// deeper than maxIndentDepth.
func TestIndentJSONIsJSONIndent(t *testing.T) {
	t.Parallel()
	bodies := []string{
		`{}`, `[]`, `{"a":[]}`, `[{},[],{"b":{}}]`, `"x"`, `1e400`, ` true `, "\n\t{ \"a\" : 1 ,\"b\":[ 1 , 2 ]}\r\n",
		`{"s":"a \"quoted\" \\ , : { [ string","n":-0.5E+3,"u":"\u00e9\ud800"}`,
		`{"id":9007199254740993,"big":1e400,"dup":1,"dup":2}`,
		strings.Repeat("[", maxIndentDepth-1) + "1,{\"k\":[]}" + strings.Repeat("]", maxIndentDepth-1),
	}
	for _, path := range fixtures.Files() {
		bodies = append(bodies, string(mustFixture(t, path)))
	}
	for _, body := range bodies {
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(body), "", "  "); err != nil {
			t.Fatalf("%.60s: %v", body, err)
		}
		got, err := indentJSON([]byte(body), answerBound(len(body)))
		if err != nil || string(got) != want.String() {
			t.Errorf("indentJSON(%.60q): %v\n%s\nwant\n%s", body, err, got, want.String())
		}
	}
	if _, err := indentJSON([]byte(`{"a":`), 1<<20); err == nil || errors.Is(err, errTooLarge) {
		t.Errorf("a body that is not JSON: %v", err)
	}
}

// Past maxIndentDepth a line is indented no further, and an indented form
// that would pass the limit is refused.
func TestIndentJSONIsBounded(t *testing.T) {
	t.Parallel()
	const depth = 3000
	body := strings.Repeat("[", depth) + strings.Repeat("1,", 999) + "1" + strings.Repeat("]", depth)
	got, err := indentJSON([]byte(body), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	widest := 0
	for _, l := range strings.Split(string(got), "\n") {
		widest = max(widest, len(l)-len(strings.TrimLeft(l, " ")))
	}
	if widest != 2*maxIndentDepth {
		t.Errorf("the deepest line is indented %d spaces, want %d", widest, 2*maxIndentDepth)
	}
	var compacted bytes.Buffer
	if err := json.Compact(&compacted, got); err != nil || compacted.String() != body {
		t.Errorf("indented, the body is another value (%v)", err)
	}
	if _, err := indentJSON([]byte(body), answerBound(len(body))); !errors.Is(err, errTooLarge) {
		t.Errorf("%d bytes nested %d deep: %v, want errTooLarge", len(body), depth, err)
	}
}

// FuzzIndentJSON: within the depth json.Indent and indentJSON write the
// same; at any depth, indentJSON's output is the same value.
func FuzzIndentJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":"c\"d"}],"e":{}}`, ` [ ] `, `"\\"`, strings.Repeat("[", 40) + strings.Repeat("]", 40)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := indentJSON(b, answerBound(len(b)))
		if !json.Valid(b) {
			if err == nil {
				t.Fatal("indented what is not JSON")
			}
			return
		}
		if errors.Is(err, errTooLarge) {
			return
		}
		var want, a, c bytes.Buffer
		_ = json.Indent(&want, b, "", "  ")
		if bytes.Count(b, []byte("["))+bytes.Count(b, []byte("{")) <= maxIndentDepth && string(got) != want.String() {
			t.Fatalf("got\n%s\nwant\n%s", got, want.String())
		}
		_ = json.Compact(&a, b)
		_ = json.Compact(&c, got)
		if a.String() != c.String() {
			t.Fatalf("indented %s as %s", a.String(), c.String())
		}
	})
}

// A side of the Diff whose pointers would make it quadratic costs more
// than answerBound of the body; an ordinary body costs less.
func TestDiffCost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		body string
		over bool
	}{
		{"a fixture", string(mustFixture(t, fixtures.Path("permission_assist.access_request_created"))), false},
		{"deep", strings.Repeat("[", 2000) + strings.Repeat("1,", 4999) + "1" + strings.Repeat("]", 2000), true},
		{"a long key", `{"` + strings.Repeat("k", 4096) + `":[` + strings.Repeat("1,", 1999) + `1]}`, true},
	} {
		n, ok := parseJSON([]byte(tc.body))
		if !ok {
			t.Fatalf("%s: not JSON", tc.name)
		}
		if got := diffCost(n) > answerBound(len(tc.body)); got != tc.over {
			t.Errorf("%s: cost %d over %d is %v, want %v", tc.name, diffCost(n), answerBound(len(tc.body)), got, tc.over)
		}
	}
}

func mustFixture(t *testing.T, path string) []byte {
	t.Helper()
	b, err := fixtures.FS.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
