package jsonscan

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// tree builds what encoding/json (UseNumber) decodes, from the scanner.
func tree(s *Scanner) any {
	switch s.Peek() {
	case Null:
		s.Null()
		return nil
	case Bool:
		return s.Bool()
	case Number:
		return json.Number(s.Num())
	case String:
		return string(s.Str())
	case Object:
		m := map[string]any{}
		s.Object(func(k []byte) {
			key := string(k)
			m[key] = tree(s)
		})
		return m
	case Array:
		a := []any{}
		s.Array(func() { a = append(a, tree(s)) })
		return a
	}
	return nil
}

// check holds the scanner to encoding/json on one input: the same verdict
// (strings must also be UTF-8, as payload.Decode asks), the same value.
func check(t *testing.T, in []byte) {
	var s Scanner
	s.Reset(in)
	got := tree(&s)
	err := s.End()
	want := json.Valid(in) && utf8.Valid(in)
	if (err == nil) != want {
		t.Fatalf("%q: scanner error %v, encoding/json valid %v", in, err, want)
	}
	if err != nil {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, v) {
		t.Fatalf("%q: scanner read %#v, encoding/json %#v", in, got, v)
	}
	// Skip and Raw read the same text.
	s.Reset(in)
	if raw := s.Raw(); s.End() != nil || !bytes.Equal(bytes.TrimSpace(raw), bytes.TrimSpace(in)) {
		t.Fatalf("%q: Raw %q, %v", in, raw, s.Err())
	}
}

var seeds = []string{
	`null`, `true`, `false`, `0`, `-0`, `1.5e-3`, `-12E+2`, `01`, `1.`, `.5`, `1e`, `-`, `+1`,
	`""`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u20AC"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`, `"\ud83d\u0041"`,
	`"\ud83d\uzzzz"`, `"\x"`, "\"a\tb\"", "\"\xff\"", "\"é\"", `"abc`, `"\u12"`,
	`{}`, `[]`, `{"a":1,"b":[true,null,{"c":"d"}],"a":2}`, `{"a" 1}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{1:2}`,
	` [ 1 , 2 ] `, `[1]x`, `{"a":{"b":{"c":[[[]]]}}}`, "\xef\xbb\xbf{}", ``, ` `, `nul`, `truex`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat("[", 100) + strings.Repeat("]", 100),
}

func TestAgainstEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range seeds {
		check(t, []byte(s))
	}
}

func FuzzAgainstEncodingJSON(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(check)
}

func TestKeysAndStringsSurviveAsDocumented(t *testing.T) {
	t.Parallel()
	var s Scanner
	s.Reset([]byte(`{"k\u0065y":"v\u0061l","plain":"x"}`))
	var keys, vals []string
	s.Object(func(k []byte) {
		keys = append(keys, string(k))
		vals = append(vals, string(s.Str()))
	})
	if err := s.End(); err != nil || !reflect.DeepEqual(keys, []string{"key", "plain"}) || !reflect.DeepEqual(vals, []string{"val", "x"}) {
		t.Errorf("%v %v %v", keys, vals, err)
	}
}
