package profile

import (
	"strings"
	"testing"
)

// toJSONGolden is what toJSON makes of "v: " followed by each input, as
// recorded before the YAML to JSON writer moved to yamlcheck: numbers as
// written when that is JSON, Inf and NaN and ill-typed scalars as text,
// strings escaped as encoding/json does (HTML too), aliases refused.
var toJSONGolden = []struct{ in, want, err string }{
	{"1", `{"v":1}`, ""},
	{"-1", `{"v":-1}`, ""},
	{"-0", `{"v":-0}`, ""},
	{"0", `{"v":0}`, ""},
	{"1.0", `{"v":1.0}`, ""},
	{"-0.0", `{"v":-0.0}`, ""},
	{"1e3", `{"v":1e3}`, ""},
	{"1E3", `{"v":1E3}`, ""},
	{"1e+3", `{"v":1e+3}`, ""},
	{"1.5e-3", `{"v":1.5e-3}`, ""},
	{".5", `{"v":0.5}`, ""},
	{"-.5", `{"v":-0.5}`, ""},
	{"5.", `{"v":5}`, ""},
	{"+1", `{"v":1}`, ""},
	{"+1.5", `{"v":1.5}`, ""},
	{"007", `{"v":7}`, ""},
	{"017", `{"v":15}`, ""},
	{"08", `{"v":8}`, ""},
	{"0x1F", `{"v":31}`, ""},
	{"0X1f", `{"v":31}`, ""},
	{"0o17", `{"v":15}`, ""},
	{"0O17", `{"v":15}`, ""},
	{"0b101", `{"v":5}`, ""},
	{"0x_1F", `{"v":31}`, ""},
	{"1_000", `{"v":1000}`, ""},
	{"1_000.5", `{"v":1000.5}`, ""},
	{"1:20", `{"v":"1:20"}`, ""},
	{".inf", `{"v":".inf"}`, ""},
	{"-.Inf", `{"v":"-.Inf"}`, ""},
	{"+.INF", `{"v":"+.INF"}`, ""},
	{".nan", `{"v":".nan"}`, ""},
	{".NaN", `{"v":".NaN"}`, ""},
	{".NAN", `{"v":".NAN"}`, ""},
	{"9223372036854775807", `{"v":9223372036854775807}`, ""},
	{"9223372036854775808", `{"v":9223372036854775808}`, ""},
	{"-9223372036854775808", `{"v":-9223372036854775808}`, ""},
	{"-9223372036854775809", `{"v":-9223372036854775809}`, ""},
	{"18446744073709551615", `{"v":18446744073709551615}`, ""},
	{"18446744073709551616", `{"v":18446744073709551616}`, ""},
	{"99999999999999999999999", `{"v":99999999999999999999999}`, ""},
	{"0xFFFFFFFFFFFFFFFFF", `{"v":"0xFFFFFFFFFFFFFFFFF"}`, ""},
	{"1e308", `{"v":1e308}`, ""},
	{"1e309", `{"v":"1e309"}`, ""},
	{"-1e400", `{"v":"-1e400"}`, ""},
	{"1e-400", `{"v":1e-400}`, ""},
	{"4.9e-324", `{"v":4.9e-324}`, ""},
	{"1e21", `{"v":1e21}`, ""},
	{"1e20", `{"v":1e20}`, ""},
	{"123456789.0", `{"v":123456789.0}`, ""},
	{"0.000001", `{"v":0.000001}`, ""},
	{"0.0000001", `{"v":0.0000001}`, ""},
	{"3.14159265358979323846264338327950288", `{"v":3.14159265358979323846264338327950288}`, ""},
	{"100000000000000000000000.0", `{"v":100000000000000000000000.0}`, ""},
	{"!!float 1", `{"v":1}`, ""},
	{"!!float 1e3", `{"v":1e3}`, ""},
	{"!!float .inf", `{"v":".inf"}`, ""},
	{"!!float abc", `{"v":"abc"}`, ""},
	{"!!int 1.5", `{"v":"1.5"}`, ""},
	{`!!int "12"`, `{"v":12}`, ""},
	{"!!int abc", `{"v":"abc"}`, ""},
	{"!!int 0x10", `{"v":16}`, ""},
	{"!!int 99999999999999999999", `{"v":"99999999999999999999"}`, ""},
	{`!!float "2.50"`, `{"v":2.50}`, ""},
	{`"12"`, `{"v":"12"}`, ""},
	{"'1.5'", `{"v":"1.5"}`, ""},
	{"true", `{"v":true}`, ""},
	{"True", `{"v":true}`, ""},
	{"TRUE", `{"v":true}`, ""},
	{"false", `{"v":false}`, ""},
	{"yes", `{"v":"yes"}`, ""},
	{"no", `{"v":"no"}`, ""},
	{"on", `{"v":"on"}`, ""},
	{"off", `{"v":"off"}`, ""},
	{"y", `{"v":"y"}`, ""},
	{"n", `{"v":"n"}`, ""},
	{"!!bool yes", "", "yaml: cannot decode !!str `yes` as a !!bool"},
	{"!!bool true", `{"v":true}`, ""},
	{`!!bool "false"`, `{"v":false}`, ""},
	{"!!bool 1", "", "yaml: cannot decode !!int `1` as a !!bool"},
	{`"true"`, `{"v":"true"}`, ""},
	{"~", `{"v":null}`, ""},
	{"null", `{"v":null}`, ""},
	{"Null", `{"v":null}`, ""},
	{"NULL", `{"v":null}`, ""},
	{"", `{"v":null}`, ""},
	{`!!null ""`, `{"v":null}`, ""},
	{"!!null x", `{"v":null}`, ""},
	{`"null"`, `{"v":"null"}`, ""},
	{"[~, null, ]", `{"v":[null,null]}`, ""},
	{"{a: , b: ~}", `{"v":{"a":null,"b":null}}`, ""},
	{"hello", `{"v":"hello"}`, ""},
	{"hello world", `{"v":"hello world"}`, ""},
	{`"quote \" backslash \\ slash /"`, `{"v":"quote \" backslash \\ slash /"}`, ""},
	{`"tab\there"`, `{"v":"tab\there"}`, ""},
	{`"nl\nx\r"`, `{"v":"nl\nx\r"}`, ""},
	{`"ctl \x01 \x1f \x7f \0 \b \f \e"`, "{\"v\":\"ctl \\u0001 \\u001f \x7f \\u0000 \\b \\f \\u001b\"}", ""},
	{`"é ünï 日本 🎉"`, `{"v":"é ünï 日本 🎉"}`, ""},
	{"é ünï 日本 🎉", `{"v":"é ünï 日本 🎉"}`, ""},
	{`"\u2028 \u2029 \u00a0"`, "{\"v\":\"\\u2028 \\u2029 \u00a0\"}", ""},
	{`"<a href='x'>&amp;</a>"`, `{"v":"\u003ca href='x'\u003e\u0026amp;\u003c/a\u003e"}`, ""},
	{"<b>&</b>", `{"v":"\u003cb\u003e\u0026\u003c/b\u003e"}`, ""},
	{`"\U0001F600"`, `{"v":"😀"}`, ""},
	{`"\xff"`, `{"v":"ÿ"}`, ""},
	{"'single ''quoted'''", `{"v":"single 'quoted'"}`, ""},
	{`""`, `{"v":""}`, ""},
	{"''", `{"v":""}`, ""},
	{"'${a:x}'", `{"v":"${a:x}"}`, ""},
	{`"${x}"`, `{"v":"${x}"}`, ""},
	{`"a: b"`, `{"v":"a: b"}`, ""},
	{"'#not comment'", `{"v":"#not comment"}`, ""},
	{"x # comment", `{"v":"x"}`, ""},
	{"|\n  line1\n  line2\n", `{"v":"line1\nline2\n"}`, ""},
	{"|-\n  line1\n  line2\n", `{"v":"line1\nline2"}`, ""},
	{"|+\n  line1\n\n", `{"v":"line1\n\n"}`, ""},
	{">\n  folded\n  text\n\n  para\n", `{"v":"folded text\npara\n"}`, ""},
	{">-\n  folded\n  text\n", `{"v":"folded text"}`, ""},
	{"plain\n  continued\n  lines", `{"v":"plain continued lines"}`, ""},
	{"\"double\n  continued\"", `{"v":"double continued"}`, ""},
	{"!!str 123", `{"v":"123"}`, ""},
	{"!!str true", `{"v":"true"}`, ""},
	{"!!str ~", `{"v":"~"}`, ""},
	{"!!str", `{"v":""}`, ""},
	{"!!binary aGVsbG8=", `{"v":"aGVsbG8="}`, ""},
	{`!!binary "not base64!"`, `{"v":"not base64!"}`, ""},
	{"!!binary |\n  aGVs\n  bG8=\n", `{"v":"aGVs\nbG8=\n"}`, ""},
	{"!!binary /w==", `{"v":"/w=="}`, ""},
	{"!!timestamp 2001-12-14t21:59:43.10-05:00", `{"v":"2001-12-14t21:59:43.10-05:00"}`, ""},
	{"2001-12-14", `{"v":"2001-12-14"}`, ""},
	{"2001-12-14T21:59:43Z", `{"v":"2001-12-14T21:59:43Z"}`, ""},
	{"2001-12-14 21:59:43.10 -5", `{"v":"2001-12-14 21:59:43.10 -5"}`, ""},
	{"!!timestamp 2001-12-14", `{"v":"2001-12-14"}`, ""},
	{"!!timestamp x", `{"v":"x"}`, ""},
	{`"2001-12-14"`, `{"v":"2001-12-14"}`, ""},
	{"!custom x", `{"v":"x"}`, ""},
	{"!custom {a: 1}", `{"v":{"a":1}}`, ""},
	{"!custom [1]", `{"v":[1]}`, ""},
	{"!custom 12", `{"v":"12"}`, ""},
	{"!!map {a: 1}", `{"v":{"a":1}}`, ""},
	{"!!seq [1]", `{"v":[1]}`, ""},
	{"!!set {a, b}", `{"v":{"a":null,"b":null}}`, ""},
	{"!!omap [a: 1]", `{"v":[{"a":1}]}`, ""},
	{"!<tag:yaml.org,2002:str> 12", `{"v":"12"}`, ""},
	{"!<tag:example.com,2000:x> 12", `{"v":"12"}`, ""},
	{"{}", `{"v":{}}`, ""},
	{"[]", `{"v":[]}`, ""},
	{"{a: 1, b: [1, 2, {c: d}]}", `{"v":{"a":1,"b":[1,2,{"c":"d"}]}}`, ""},
	{"[[], {}, [[1]]]", `{"v":[[],{},[[1]]]}`, ""},
	{"\n  - 1\n  - [a, b]\n  - k: v\n", `{"v":[1,["a","b"],{"k":"v"}]}`, ""},
	{"\n  k: v\n  l:\n    - 1\n    - m: n\n", `{"v":{"k":"v","l":[1,{"m":"n"}]}}`, ""},
	{"{a: 1, a: 2}", `{"v":{"a":1,"a":2}}`, ""},
	{"{1: a, true: b, null: c, 1.5: d, ~: e, 0x10: f}", `{"v":{"1":"a","true":"b","null":"c","1.5":"d","~":"e","0x10":"f"}}`, ""},
	{"{[1, 2]: x}", `{"v":{"":"x"}}`, ""},
	{"{{a: 1}: x}", `{"v":{"":"x"}}`, ""},
	{"{? [a]\n  : b}", `{"v":{"":"b"}}`, ""},
	{`{"<k>": v, "k\n": w, "é": x}`, `{"v":{"\u003ck\u003e":"v","k\n":"w","é":"x"}}`, ""},
	{`{"": 1}`, `{"v":{"":1}}`, ""},
	{"{!!str 1: a, !custom k: b}", `{"v":{"1":"a","k":"b"}}`, ""},
	{"\n  ? |\n    multi\n  : x\n  ? [1, 2]\n  : y\n", `{"v":{"multi\n":"x","":"y"}}`, ""},
	{"{a: &x 1, b: *x}", "", "line 1: YAML aliases are not allowed"},
	{"{a: &m {k: v}, b: *m}", "", "line 1: YAML aliases are not allowed"},
	{"[&s [1, 2], *s, *s]", "", "line 1: YAML aliases are not allowed"},
	{"{base: &b {x: 1}, ext: {<<: *b, y: 2}}", "", "line 1: YAML aliases are not allowed"},
	{"{<<: {x: 1}, y: 2}", `{"v":{"\u003c\u003c":{"x":1},"y":2}}`, ""},
	{"{a: &a {p: 1}, b: &b {q: 2}, c: {<<: [*a, *b]}}", "", "line 1: YAML aliases are not allowed"},
	{"{a: &k key, *k : v}", "", "line 1: YAML aliases are not allowed"},
	{"{a: &n ~, b: *n}", "", "line 1: YAML aliases are not allowed"},
	{"{a: &t !!str 5, b: *t}", "", "line 1: YAML aliases are not allowed"},
	{"{a: &f 1.0, b: *f}", "", "line 1: YAML aliases are not allowed"},
	{"[&i .inf, *i]", "", "line 1: YAML aliases are not allowed"},
	{"{a: &s '${a:x}', b: *s}", "", "line 1: YAML aliases are not allowed"},
	{"\n  a: 1\n  b:\n    - .inf\n", `{"v":{"a":1,"b":[".inf"]}}`, ""},
	{"\n  a: 1\n  b: !!bool x\n", "", "yaml: cannot decode !!str `x` as a !!bool"},
	{"\n  a: &x {k: 1}\n  b:\n    c: *x\n", "", "line 4: YAML aliases are not allowed"},
	{"\n  a: 1\n  b:\n    [1, 2]: x\n", `{"v":{"a":1,"b":{"":"x"}}}`, ""},
	{"\n  a: &k [1]\n  b:\n    *k : x\n", "", "line 4: YAML aliases are not allowed"},
}

func TestToJSONGolden(t *testing.T) {
	t.Parallel()
	for _, c := range toJSONGolden {
		checkToJSON(t, c.in, c.want, c.err)
	}
	for _, k := range []int{63, 64, 65, 66} {
		checkToJSON(t, nested(k), `{"v":`+nested(k)+"}", "")
	}
	for _, k := range []int{60, 61, 62, 63, 64} {
		checkToJSON(t, "[&d "+nested(k)+", *d]", "", "line 1: YAML aliases are not allowed")
	}
}

func checkToJSON(t *testing.T, in, want, wantErr string) {
	t.Helper()
	got, err := toJSON([]byte("v: " + in))
	if msg := errText(err); string(got) != want || msg != wantErr {
		t.Errorf("toJSON(v: %q) = %q, %q; want %q, %q", in, got, msg, want, wantErr)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// nested is k lists, one inside the other, around a 1.
func nested(k int) string { return strings.Repeat("[", k) + "1" + strings.Repeat("]", k) }
