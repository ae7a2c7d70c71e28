package yamlcheck

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// root parses text and returns its top value.
func root(t *testing.T, text string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	return doc.Content[0]
}

// writeJSON is JSON of text into an empty buffer.
func writeJSON(t *testing.T, text string, opts JSONOptions) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	err := JSON(&buf, root(t, text), opts)
	return buf.String(), err
}

// jsonError is err as a *JSONError, failing the test when it is not one.
func jsonError(t *testing.T, err error) *JSONError {
	t.Helper()
	var je *JSONError
	if !errors.As(err, &je) {
		t.Fatalf("error %v, want a *JSONError", err)
	}
	return je
}

func TestJSONScalarsByPolicy(t *testing.T) {
	t.Parallel()
	text := "[1.0, 1e3, 0x1F, 1e21, 123456789.0, 18446744073709551615, ~, !!null x, yes, true, 2001-12-14, !!binary aGk=, <&>]"
	for _, c := range []struct {
		name string
		opts JSONOptions
		want string
	}{
		{"as written", JSONOptions{}, `[1.0,1e3,31,1e21,123456789.0,18446744073709551615,null,null,"yes",true,"2001-12-14","aGk=","<&>"]`},
		{"html", JSONOptions{EscapeHTML: true}, `[1.0,1e3,31,1e21,123456789.0,18446744073709551615,null,null,"yes",true,"2001-12-14","aGk=","\u003c\u0026\u003e"]`},
		{"json", JSONOptions{Numbers: NumbersJSON}, `[1,1000,31,1e+21,123456789,18446744073709551615,null,null,"yes",true,"2001-12-14","aGk=","<&>"]`},
	} {
		if got, err := writeJSON(t, text, c.opts); got != c.want || err != nil {
			t.Errorf("%s: got %s, %v; want %s", c.name, got, err, c.want)
		}
	}
	got, err := writeJSON(t, "[1.0, 1e3, 1e21, 123456789.0, 9223372036854775807]", JSONOptions{Numbers: NumbersShortest})
	if want := "[1,1000,1e+21,1.23456789e+08,9223372036854775807]"; got != want || err != nil {
		t.Errorf("shortest: got %s, %v; want %s", got, err, want)
	}
	got, err = writeJSON(t, "[2001-12-14, !!binary aGk=, 1]", JSONOptions{DecodeScalars: true})
	if want := `["2001-12-14T00:00:00Z","hi",1]`; got != want || err != nil {
		t.Errorf("decoded: got %s, %v; want %s", got, err, want)
	}
}

// What JSON cannot carry: a number past a policy, a scalar its tag does
// not fit. The error names the node, the YAML library's error wrapped.
func TestJSONRefusedScalars(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text string
		opts JSONOptions
		kind JSONErrorKind
		msg  string
	}{
		{"[1, .inf]", JSONOptions{Numbers: NumbersJSON}, JSONValue, ".inf is not a value JSON can carry"},
		{"[1, .nan]", JSONOptions{Numbers: NumbersShortest}, JSONValue, ".nan is not a value JSON can carry"},
		{"[1, 18446744073709551615]", JSONOptions{Numbers: NumbersShortest}, JSONValue, "18446744073709551615 is not a value JSON can carry"},
		{"[1, !!int 1.5]", JSONOptions{Numbers: NumbersJSON}, JSONDecode, "yaml: cannot decode !!float `1.5` as a !!int"},
		{"[1, !!bool yes]", JSONOptions{}, JSONDecode, "yaml: cannot decode !!str `yes` as a !!bool"},
		{"[1, !!null x]", JSONOptions{DecodeScalars: true}, JSONDecode, "yaml: cannot decode !!str `x` as a !!null"},
	} {
		_, err := writeJSON(t, c.text, c.opts)
		je := jsonError(t, err)
		if je.Kind != c.kind || je.Node.Column != 5 || err.Error() != c.msg {
			t.Errorf("%s: kind %d at column %d, %q; want %d at 5, %q", c.text, je.Kind, je.Node.Column, err, c.kind, c.msg)
		}
		if (je.Kind == JSONDecode) != (errors.Unwrap(err) != nil) {
			t.Errorf("%s: Unwrap = %v", c.text, errors.Unwrap(err))
		}
	}
	if got, err := writeJSON(t, "[.inf, !!int 1.5]", JSONOptions{}); got != `[".inf","1.5"]` || err != nil {
		t.Errorf("as written: got %s, %v", got, err)
	}
}

// The limits refuse the first value past them, not the one at them.
func TestJSONLimits(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		text string
		opts JSONOptions
		kind JSONErrorKind // 0: written whole
		line int
	}{
		{"depth at", "[\n[\n[1]]]", JSONOptions{MaxDepth: 3}, 0, 0},
		{"depth past", "[\n[\n[1]]]", JSONOptions{MaxDepth: 2}, JSONDepth, 3},
		{"values at", "[1, [2, 3]]", JSONOptions{MaxValues: 5}, 0, 0},
		{"values past", "[1,\n[2,\n 3]]", JSONOptions{MaxValues: 4}, JSONValues, 3},
		{"keys are no values", "{a: 1, b: 2}", JSONOptions{MaxValues: 3}, 0, 0},
		{"bytes at", "[12,\n 3]", JSONOptions{MaxBytes: 4}, 0, 0}, // [12, is 4 bytes when 3 begins
		{"bytes past", "[12,\n 3]", JSONOptions{MaxBytes: 3}, JSONBytes, 2},
		{"bytes past at the end", "[12, 3]", JSONOptions{MaxBytes: 5}, 0, 0}, // the caller checks the whole
		{"negative bytes", "[]", JSONOptions{MaxBytes: -1}, 0, 0},
		{"negative bytes past", "[1]", JSONOptions{MaxBytes: -1}, JSONBytes, 1},
		// An alias is the value it names, at the alias's level; the
		// value is at its anchor's line.
		{"alias", "- &a [1]\n- [*a]", JSONOptions{MaxDepth: 3}, 0, 0},
		{"alias past", "- &a [1]\n- [*a]", JSONOptions{MaxDepth: 2}, JSONDepth, 1},
		{"alias values", "- &a x\n- *a", JSONOptions{MaxValues: 2}, JSONValues, 1},
		{"alias level", "- &a [1]\n- [*a]", JSONOptions{MaxDepth: 3, AliasLevel: true}, JSONDepth, 1},
		{"alias level past", "- &a 1\n- [\n  [\n   [*a]]]", JSONOptions{MaxDepth: 3, AliasLevel: true}, JSONDepth, 4},
		{"alias level values", "- &a x\n- *a", JSONOptions{MaxValues: 3, AliasLevel: true}, 0, 0},
		{"contains itself", "&a [1, *a]", JSONOptions{MaxDepth: 10}, JSONDepth, 1},
	} {
		got, err := writeJSON(t, c.text, c.opts)
		if c.kind == 0 {
			if err != nil || got == "" {
				t.Errorf("%s: got %s, %v", c.name, got, err)
			}
			continue
		}
		if je := jsonError(t, err); je.Kind != c.kind || je.Node.Line != c.line {
			t.Errorf("%s: kind %d at line %d, want %d at %d", c.name, je.Kind, je.Node.Line, c.kind, c.line)
		}
	}
}

// MaxBytes counts what JSON writes, not what dst held before.
func TestJSONBytesFromStart(t *testing.T) {
	t.Parallel()
	buf := bytes.NewBufferString("prefix:")
	if err := JSON(buf, root(t, "[1, 2]"), JSONOptions{MaxBytes: 3}); err != nil || buf.String() != "prefix:[1,2]" {
		t.Errorf("got %s, %v", buf, err)
	}
}

func TestJSONKeys(t *testing.T) {
	t.Parallel()
	text := "{a: &k key, *k : 1, [x]: 2, 3: 4, <<: {m: 5}}"
	if got, err := writeJSON(t, text, JSONOptions{}); got != `{"a":"key","k":1,"":2,"3":4,"<<":{"m":5}}` || err != nil {
		t.Errorf("as written: got %s, %v", got, err)
	}
	_, err := writeJSON(t, text, JSONOptions{StrictKeys: true})
	if je := jsonError(t, err); je.Kind != JSONKey || je.Node.Kind != yaml.SequenceNode || err.Error() != "a key that is not a scalar" {
		t.Errorf("strict: %v at %+v", err, je.Node)
	}
	got, err := writeJSON(t, "{a: &k key, *k : 1}", JSONOptions{StrictKeys: true})
	if got != `{"a":"key","key":1}` || err != nil {
		t.Errorf("strict alias key: got %s, %v", got, err)
	}
}

// The String hook writes every !!str, an alias's included, and nothing
// else; its error is JSON's as it is.
func TestJSONStringHook(t *testing.T) {
	t.Parallel()
	stop := errors.New("stop")
	var seen []string
	hook := func(dst *bytes.Buffer, n *yaml.Node) error {
		seen = append(seen, n.Value)
		if n.Value == "stop" {
			return stop
		}
		dst.WriteString("<" + n.Value + ">")
		return nil
	}
	got, err := writeJSON(t, "{k: &s a, l: [*s, !!str 1, 2, !x b]}", JSONOptions{String: hook})
	if want := `{"k":<a>,"l":[<a>,<1>,2,"b"]}`; got != want || err != nil {
		t.Errorf("got %s, %v; want %s", got, err, want)
	}
	if strings.Join(seen, ",") != "a,a,1" {
		t.Errorf("hook saw %q", seen)
	}
	if _, err := writeJSON(t, "[a, stop, b]", JSONOptions{String: hook}); err != stop {
		t.Errorf("error %v, want the hook's", err)
	}
}

func TestWriteJSONString(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s    string
		html bool
		want string
	}{
		{"a\"b\\c\n\x01\u2028", false, `"a\"b\\c\n\u0001\u2028"`},
		{"<a&b>\xff", false, `"<a&b>\ufffd"`},
		{"<a&b>\xff", true, `"\u003ca\u0026b\u003e\ufffd"`},
	} {
		var buf bytes.Buffer
		buf.WriteString("x")
		WriteJSONString(&buf, c.s, c.html)
		if buf.String() != "x"+c.want {
			t.Errorf("%q html %v: got %s, want %s", c.s, c.html, buf.String()[1:], c.want)
		}
	}
}
