package inspect

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
)

func TestNumbersCompareByExactValue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"9007199254740993", "9007199254740992", false},
		{"1e400", "1e401", false},
		{"1e400", "10e399", true},
		{"1.0", "1", true},
		{"1E+2", "100", true},
		{"100e-2", "1", true},
		{"-0", "0.000", true},
		{"0.1", "0.10", true},
		{"-1", "1", false},
		{"123456789012345678901234567890", "123456789012345678901234567891", false},
		{"1e99999999999999999999", "1e99999999999999999998", false},
	} {
		if got := numberKey(tc.a) == numberKey(tc.b); got != tc.same {
			t.Errorf("%s and %s: same %v, want %v (%s, %s)", tc.a, tc.b, got, tc.same, numberKey(tc.a), numberKey(tc.b))
		}
	}
}

func TestDiffKeepsKeysAndNumbers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want []string // path kind
	}{
		{`{"__proto__":{"x":1},"k":1}`, `{"k":1}`, []string{"/__proto__ removed"}},
		{`{"id":9007199254740993}`, `{"id":9007199254740992}`, []string{"/id changed"}},
		{`{"a":1,"a":2}`, `{"a":1}`, []string{"/a removed"}},
		{`{"a":1,"a":2}`, `{"a":1,"a":3}`, []string{"/a changed"}},
		{`{"b":[1,2],"a":"x"}`, `{"a":"x","b":[1,2]}`, nil},
		{`{"s":"\u0041","n":1.0}`, `{"s":"A","n":1}`, nil},
		{`{"s":"\ud800"}`, `{"s":"\udc00"}`, []string{"/s changed"}},
		{`[1,{"a/b~":true}]`, `[1,{"a/b~":false},null]`, []string{"/1/a~1b~0 changed", "/2 added"}},
		{`1e400`, `1e401`, []string{"/ changed"}},
		{`{"a":{}}`, `{"a":[]}`, []string{"/a changed"}},
	} {
		a, okA := parseJSON([]byte(tc.a))
		b, okB := parseJSON([]byte(tc.b))
		if !okA || !okB {
			t.Fatalf("%s or %s is not JSON", tc.a, tc.b)
		}
		var got []string
		for _, c := range diff(a, b, "", nil) {
			got = append(got, c.Path+" "+c.Kind)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s vs %s: %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

// FuzzLosslessRead: any JSON is read back as written (compact, it is what
// json.Compact makes of it) and is the same as itself.
func FuzzLosslessRead(f *testing.F) {
	for _, s := range []string{`{"id":9007199254740993,"big":1e400,"a":1,"a":2,"__proto__":{}}`, `[1.0,"\ud800",true,null,-0]`, `"x"`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, ok := parseJSON(b)
		if !ok {
			return
		}
		var want bytes.Buffer
		if err := json.Compact(&want, b); err != nil {
			t.Fatal(err)
		}
		if got := *compact(n); got != want.String() {
			t.Fatalf("read back as\n%s\nnot\n%s", got, want.String())
		}
		if d := diff(n, n, "", nil); len(d) > 0 {
			t.Fatalf("differs from itself at %+v", d)
		}
		lines(n, map[string]bool{"/": true})
	})
}
