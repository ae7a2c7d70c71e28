package jsonptr

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestGet(t *testing.T) {
	t.Parallel()
	var doc any
	if err := json.Unmarshal([]byte(`{"a":{"b/c":[10,{"m~n":"x"}]},"":1}`), &doc); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ptr  string
		want any
		ok   bool
	}{
		{"", doc, true},
		{"/a/b~1c/0", 10.0, true},
		{"/a/b~1c/1/m~0n", "x", true},
		{"/", 1.0, true},
		{"/a/b~1c/2", nil, false},
		{"/a/b~1c/-1", nil, false},
		{"/a/b~1c/01", nil, false}, // RFC 6901: no leading zeros
		{"/a/missing", nil, false},
		{"a", nil, false},
	} {
		got, ok := Get(doc, c.ptr)
		if ok != c.ok || (ok && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("Get(%q) = %v, %v; want %v, %v", c.ptr, got, ok, c.want, c.ok)
		}
	}
}

func TestSplitEscapeRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tok := range []string{"plain", "a/b", "m~n", "~1", "/~0/"} {
		toks, err := Split("/" + Escape(tok))
		if err != nil || len(toks) != 1 || toks[0] != tok {
			t.Errorf("Split(Escape(%q)) = %q, %v", tok, toks, err)
		}
	}
	for _, bad := range []string{"x", "/a~", "/a~2"} {
		if _, err := Split(bad); err == nil {
			t.Errorf("Split(%q): no error", bad)
		}
	}
	if toks, err := Split(""); err != nil || toks != nil {
		t.Errorf(`Split("") = %q, %v`, toks, err)
	}
}
