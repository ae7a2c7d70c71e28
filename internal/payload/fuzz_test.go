package payload

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// pointers lists the JSON Pointer of every value in doc, and the value.
func pointers(doc any, prefix string, out map[string]any) {
	out[prefix] = doc
	switch v := doc.(type) {
	case map[string]any:
		for k, e := range v {
			pointers(e, prefix+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"), out)
		}
	case []any:
		for i, e := range v {
			pointers(e, prefix+"/"+strconv.Itoa(i), out)
		}
	}
}

// FuzzLocate: for every value of any JSON text, the locator's offset is
// where that value's text starts (decoding from there gives the value), and
// lineCol and lineCols agree on the line and column of that offset.
func FuzzLocate(f *testing.F) {
	for _, s := range []string{
		`{"a":1}`, "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c\": null\n}", `[[],[[]],{"":{"/":{"~":1}}}]`,
		`{"a":1,"a":2}`, `{"é":"ü","k\u00e9y":true}`, `"s"`, "  \t\r\n 12.5e3", `{"a":{"b":{"c":[0,1,2,{"d":"\"}"}]}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		doc, serr := Decode(raw)
		if serr != nil || len(raw) > 1<<16 {
			return
		}
		all := map[string]any{}
		pointers(doc, "", all)
		loc := newLocator(raw)
		var offs []int
		var ptrs []string
		for ptr, want := range all {
			off := loc.offset(ptr)
			dec := json.NewDecoder(bytes.NewReader(raw[off:]))
			dec.UseNumber()
			var got any
			if err := dec.Decode(&got); err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: offset %d of %q holds %v (%v), want %v", raw, off, ptr, got, err, want)
			}
			offs, ptrs = append(offs, off), append(ptrs, ptr)
		}
		for i, lc := range lineCols(raw, offs) {
			if l, c := lineCol(raw, offs[i]); l != lc[0] || c != lc[1] {
				t.Fatalf("%q at %q: lineCol %d:%d, lineCols %d:%d", raw, ptrs[i], l, c, lc[0], lc[1])
			}
		}
	})
}
