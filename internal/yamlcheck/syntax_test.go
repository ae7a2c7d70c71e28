package yamlcheck

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The line reported is the line after the longest prefix that parses,
// whichever way the library itself counts.
func TestSyntaxLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text string
		line       int
	}{
		{"unclosed flow list", "output: json\nschema: [\n  bad\nfoo: : :\n", 2},
		{"unclosed flow list at the end", "# line 1\noutput: json\nschema-dir: [schemas,\nschema: strict\n", 3},
		{"bad indentation", "output: json\n  schema: x\n", 2},
		{"tab on first line", "\t- x\n", 1},
		{"closed list then error", "list: [a,\n  b]\nother: : bad\n", 3},
		{"unclosed quote", "a: \"unclosed\nb: c\n", 1},
		{"flow list inside a step", "name: x\nsteps:\n  - name: a\n    fixture: [a, b\n", 4},
		{"no line from the library", "name: x\nsteps:\n  - name: a: b\n", 3},
		{"a bad indent under a list", "name: x\nsteps:\n  - name: a\n   fixture: b\n", 4},
		{"an unclosed list a later line does not close", "name: [x,\n  y]\nsteps:\n  - name: [a\n    fixture: b\n", 4},
		{"a scenario step out of line", "name: broken\nsteps:\n  - name: a\n   fixture: permit.create_user\n", 4},
		{"no newline at the end", "a: b\nc: : d", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.text))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a *SyntaxError", err)
			}
			if se.Line != tc.line {
				t.Errorf("line %d, want %d (library: %v)", se.Line, tc.line, err)
			}
		})
	}
}

// Finding the line of a long file takes a handful of parses, not one per
// line (nor one per halving), and still names the line.
func TestSyntaxLineParsesAFewTimes(t *testing.T) {
	t.Parallel()
	var local strings.Builder
	for i := range 5000 {
		if i == 2500 {
			local.WriteString("bad: : :\n")
			continue
		}
		fmt.Fprintf(&local, "k%d: v\n", i)
	}
	// An unclosed flow list on line 2 that runs to the end of the file:
	// every prefix from line 2 on fails, so a search from the end parses
	// the whole file for each line.
	var open strings.Builder
	open.WriteString("to: x\nsecret: [a,\n")
	for range 2000 {
		open.WriteString("  " + strings.Repeat("y, ", 160) + "\n")
	}
	for _, tc := range []struct {
		name, text string
		line       int
	}{
		{"an error in the middle", local.String(), 2501},
		{"an unclosed list", open.String(), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSearch([]byte(tc.text))
			_, stop, eof, err := s.parse(len(s.ends) - 1)
			if err == nil {
				t.Fatal("the text parses")
			}
			if got := s.line(err, stop, eof); got != tc.line {
				t.Errorf("line %d, want %d", got, tc.line)
			}
			if s.parses > 3 {
				t.Errorf("%d parses", s.parses)
			}
		})
	}
}

// Parse fails where yaml.Unmarshal does; then the line is in the text and
// the lines before it parse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"a: [b,\n", "a: b\n  c: d\n", "\t- x\n", "a: \"b\nc: d\n", "- [a, {b: c\n- d\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var doc yaml.Node
		want := yaml.Unmarshal([]byte(text), &doc)
		_, err := Parse([]byte(text))
		if (err == nil) != (want == nil) {
			t.Fatalf("Parse: %v, yaml.Unmarshal: %v", err, want)
		}
		var se *SyntaxError
		if err == nil {
			return
		} else if !errors.As(err, &se) || se.Err.Error() != want.Error() {
			t.Fatalf("Parse: %v, yaml.Unmarshal: %v", err, want)
		}
		got := se.Line
		lines := strings.SplitAfter(text, "\n")
		if lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if got < 1 || got > max(1, len(lines)) {
			t.Fatalf("line %d of %d", got, len(lines))
		}
		before := []byte(strings.Join(lines[:got-1], ""))
		if bytes.Equal(before, []byte(text)) {
			t.Fatalf("line %d: the lines before it are the whole text", got)
		}
		if yaml.Unmarshal(before, &doc) != nil {
			t.Fatalf("line %d: the lines before it do not parse", got)
		}
	})
}
