package scenario

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// toJSONGolden is what value.toJSON makes of the value of v in "v: " and
// each input, with at most 1000 bytes and the references resolved by
// fakeResolve, as recorded before the YAML to JSON writer moved to
// yamlcheck: integers within int64 and floats in strconv's shortest form,
// Inf, NaN and larger integers refused, strings escaped as encoding/json
// does (HTML too), a key written as it is (an alias key as its anchor's
// name), an alias counting as a level of depth.
var toJSONGolden = []struct{ in, want, err string }{
	{"1", "1", ""},
	{"-1", "-1", ""},
	{"-0", "0", ""},
	{"0", "0", ""},
	{"1.0", "1", ""},
	{"-0.0", "-0", ""},
	{"1e3", "1000", ""},
	{"1E3", "1000", ""},
	{"1e+3", "1000", ""},
	{"1.5e-3", "0.0015", ""},
	{".5", "0.5", ""},
	{"-.5", "-0.5", ""},
	{"5.", "5", ""},
	{"+1", "1", ""},
	{"+1.5", "1.5", ""},
	{"007", "7", ""},
	{"017", "15", ""},
	{"08", "8", ""},
	{"0x1F", "31", ""},
	{"0X1f", "31", ""},
	{"0o17", "15", ""},
	{"0O17", "15", ""},
	{"0b101", "5", ""},
	{"0x_1F", "31", ""},
	{"1_000", "1000", ""},
	{"1_000.5", "1000.5", ""},
	{"1:20", `"1:20"`, ""},
	{".inf", "", ".inf is not a number JSON can carry"},
	{"-.Inf", "", "-.Inf is not a number JSON can carry"},
	{"+.INF", "", "+.INF is not a number JSON can carry"},
	{".nan", "", ".nan is not a number JSON can carry"},
	{".NaN", "", ".NaN is not a number JSON can carry"},
	{".NAN", "", ".NAN is not a number JSON can carry"},
	{"9223372036854775807", "9223372036854775807", ""},
	{"9223372036854775808", "", "9223372036854775808 is out of range for a JSON integer"},
	{"-9223372036854775808", "-9223372036854775808", ""},
	{"-9223372036854775809", "-9.223372036854776e+18", ""},
	{"18446744073709551615", "", "18446744073709551615 is out of range for a JSON integer"},
	{"18446744073709551616", "1.8446744073709552e+19", ""},
	{"99999999999999999999999", "1e+23", ""},
	{"0xFFFFFFFFFFFFFFFFF", `"0xFFFFFFFFFFFFFFFFF"`, ""},
	{"1e308", "1e+308", ""},
	{"1e309", `"1e309"`, ""},
	{"-1e400", `"-1e400"`, ""},
	{"1e-400", "0", ""},
	{"4.9e-324", "5e-324", ""},
	{"1e21", "1e+21", ""},
	{"1e20", "1e+20", ""},
	{"123456789.0", "1.23456789e+08", ""},
	{"0.000001", "1e-06", ""},
	{"0.0000001", "1e-07", ""},
	{"3.14159265358979323846264338327950288", "3.141592653589793", ""},
	{"100000000000000000000000.0", "1e+23", ""},
	{"!!float 1", "1", ""},
	{"!!float 1e3", "1000", ""},
	{"!!float .inf", "", ".inf is not a number JSON can carry"},
	{"!!float abc", "", "abc is not a number JSON can carry"},
	{"!!int 1.5", "", "1.5 is out of range for a JSON integer"},
	{`!!int "12"`, "12", ""},
	{"!!int abc", "", "abc is out of range for a JSON integer"},
	{"!!int 0x10", "16", ""},
	{"!!int 99999999999999999999", "", "99999999999999999999 is out of range for a JSON integer"},
	{`!!float "2.50"`, "2.5", ""},
	{`"12"`, `"12"`, ""},
	{"'1.5'", `"1.5"`, ""},
	{"true", "true", ""},
	{"True", "true", ""},
	{"TRUE", "true", ""},
	{"false", "false", ""},
	{"yes", `"yes"`, ""},
	{"no", `"no"`, ""},
	{"on", `"on"`, ""},
	{"off", `"off"`, ""},
	{"y", `"y"`, ""},
	{"n", `"n"`, ""},
	{"!!bool yes", "", "yaml: cannot decode !!str `yes` as a !!bool"},
	{"!!bool true", "true", ""},
	{`!!bool "false"`, "false", ""},
	{"!!bool 1", "", "yaml: cannot decode !!int `1` as a !!bool"},
	{`"true"`, `"true"`, ""},
	{"~", "null", ""},
	{"null", "null", ""},
	{"Null", "null", ""},
	{"NULL", "null", ""},
	{"", "null", ""},
	{`!!null ""`, "null", ""},
	{"!!null x", "null", ""},
	{`"null"`, `"null"`, ""},
	{"[~, null, ]", "[null,null]", ""},
	{"{a: , b: ~}", `{"a":null,"b":null}`, ""},
	{"hello", `"hello"`, ""},
	{"hello world", `"hello world"`, ""},
	{`"quote \" backslash \\ slash /"`, `"quote \" backslash \\ slash /"`, ""},
	{`"tab\there"`, `"tab\there"`, ""},
	{`"nl\nx\r"`, `"nl\nx\r"`, ""},
	{`"ctl \x01 \x1f \x7f \0 \b \f \e"`, "\"ctl \\u0001 \\u001f \x7f \\u0000 \\b \\f \\u001b\"", ""},
	{`"é ünï 日本 🎉"`, `"é ünï 日本 🎉"`, ""},
	{"é ünï 日本 🎉", `"é ünï 日本 🎉"`, ""},
	{`"\u2028 \u2029 \u00a0"`, "\"\\u2028 \\u2029 \u00a0\"", ""},
	{`"<a href='x'>&amp;</a>"`, `"\u003ca href='x'\u003e\u0026amp;\u003c/a\u003e"`, ""},
	{"<b>&</b>", `"\u003cb\u003e\u0026\u003c/b\u003e"`, ""},
	{`"\U0001F600"`, `"😀"`, ""},
	{`"\xff"`, `"ÿ"`, ""},
	{"'single ''quoted'''", `"single 'quoted'"`, ""},
	{`""`, `""`, ""},
	{"''", `""`, ""},
	{"'${a:x}'", `"a|x|${a:x}"`, ""},
	{`"${x}"`, `"${x}"`, ""},
	{`"a: b"`, `"a: b"`, ""},
	{"'#not comment'", `"#not comment"`, ""},
	{"x # comment", `"x"`, ""},
	{"|\n  line1\n  line2\n", `"line1\nline2\n"`, ""},
	{"|-\n  line1\n  line2\n", `"line1\nline2"`, ""},
	{"|+\n  line1\n\n", `"line1\n\n"`, ""},
	{">\n  folded\n  text\n\n  para\n", `"folded text\npara\n"`, ""},
	{">-\n  folded\n  text\n", `"folded text"`, ""},
	{"plain\n  continued\n  lines", `"plain continued lines"`, ""},
	{"\"double\n  continued\"", `"double continued"`, ""},
	{"!!str 123", `"123"`, ""},
	{"!!str true", `"true"`, ""},
	{"!!str ~", `"~"`, ""},
	{"!!str", `""`, ""},
	{"!!binary aGVsbG8=", `"aGVsbG8="`, ""},
	{`!!binary "not base64!"`, `"not base64!"`, ""},
	{"!!binary |\n  aGVs\n  bG8=\n", `"aGVs\nbG8=\n"`, ""},
	{"!!binary /w==", `"/w=="`, ""},
	{"!!timestamp 2001-12-14t21:59:43.10-05:00", `"2001-12-14t21:59:43.10-05:00"`, ""},
	{"2001-12-14", `"2001-12-14"`, ""},
	{"2001-12-14T21:59:43Z", `"2001-12-14T21:59:43Z"`, ""},
	{"2001-12-14 21:59:43.10 -5", `"2001-12-14 21:59:43.10 -5"`, ""},
	{"!!timestamp 2001-12-14", `"2001-12-14"`, ""},
	{"!!timestamp x", `"x"`, ""},
	{`"2001-12-14"`, `"2001-12-14"`, ""},
	{"!custom x", `"x"`, ""},
	{"!custom {a: 1}", `{"a":1}`, ""},
	{"!custom [1]", "[1]", ""},
	{"!custom 12", `"12"`, ""},
	{"!!map {a: 1}", `{"a":1}`, ""},
	{"!!seq [1]", "[1]", ""},
	{"!!set {a, b}", `{"a":null,"b":null}`, ""},
	{"!!omap [a: 1]", `[{"a":1}]`, ""},
	{"!<tag:yaml.org,2002:str> 12", `"12"`, ""},
	{"!<tag:example.com,2000:x> 12", `"12"`, ""},
	{"{}", "{}", ""},
	{"[]", "[]", ""},
	{"{a: 1, b: [1, 2, {c: d}]}", `{"a":1,"b":[1,2,{"c":"d"}]}`, ""},
	{"[[], {}, [[1]]]", "[[],{},[[1]]]", ""},
	{"\n  - 1\n  - [a, b]\n  - k: v\n", `[1,["a","b"],{"k":"v"}]`, ""},
	{"\n  k: v\n  l:\n    - 1\n    - m: n\n", `{"k":"v","l":[1,{"m":"n"}]}`, ""},
	{"{a: 1, a: 2}", `{"a":1,"a":2}`, ""},
	{"{1: a, true: b, null: c, 1.5: d, ~: e, 0x10: f}", `{"1":"a","true":"b","null":"c","1.5":"d","~":"e","0x10":"f"}`, ""},
	{"{[1, 2]: x}", `{"":"x"}`, ""},
	{"{{a: 1}: x}", `{"":"x"}`, ""},
	{"{? [a]\n  : b}", `{"":"b"}`, ""},
	{`{"<k>": v, "k\n": w, "é": x}`, `{"\u003ck\u003e":"v","k\n":"w","é":"x"}`, ""},
	{`{"": 1}`, `{"":1}`, ""},
	{"{!!str 1: a, !custom k: b}", `{"1":"a","k":"b"}`, ""},
	{"\n  ? |\n    multi\n  : x\n  ? [1, 2]\n  : y\n", `{"multi\n":"x","":"y"}`, ""},
	{"{a: &x 1, b: *x}", `{"a":1,"b":1}`, ""},
	{"{a: &m {k: v}, b: *m}", `{"a":{"k":"v"},"b":{"k":"v"}}`, ""},
	{"[&s [1, 2], *s, *s]", "[[1,2],[1,2],[1,2]]", ""},
	{"{base: &b {x: 1}, ext: {<<: *b, y: 2}}", `{"base":{"x":1},"ext":{"\u003c\u003c":{"x":1},"y":2}}`, ""},
	{"{<<: {x: 1}, y: 2}", `{"\u003c\u003c":{"x":1},"y":2}`, ""},
	{"{a: &a {p: 1}, b: &b {q: 2}, c: {<<: [*a, *b]}}", `{"a":{"p":1},"b":{"q":2},"c":{"\u003c\u003c":[{"p":1},{"q":2}]}}`, ""},
	{"{a: &k key, *k : v}", `{"a":"key","k":"v"}`, ""},
	{"{a: &n ~, b: *n}", `{"a":null,"b":null}`, ""},
	{"{a: &t !!str 5, b: *t}", `{"a":"5","b":"5"}`, ""},
	{"{a: &f 1.0, b: *f}", `{"a":1,"b":1}`, ""},
	{"[&i .inf, *i]", "", ".inf is not a number JSON can carry"},
	{"{a: &s '${a:x}', b: *s}", `{"a":"a|x|${a:x}","b":"a|x|${a:x}"}`, ""},
	{"&a [*a]", "", "a value nested more than 64 levels deep"},
	{"&a {k: *a}", "", "a value nested more than 64 levels deep"},
	{"<<", `"\u003c\u003c"`, ""},
	{"!!merge <<", `"\u003c\u003c"`, ""},
	{"\n  a: 1\n  b:\n    - .inf\n", "", ".inf is not a number JSON can carry"},
	{"\n  a: 1\n  b: !!bool x\n", "", "yaml: cannot decode !!str `x` as a !!bool"},
	{"\n  a: &x {k: 1}\n  b:\n    c: *x\n", `{"a":{"k":1},"b":{"c":{"k":1}}}`, ""},
	{"\n  a: 1\n  b:\n    [1, 2]: x\n", `{"a":1,"b":{"":"x"}}`, ""},
	{"\n  a: &k [1]\n  b:\n    *k : x\n", `{"a":[1],"b":{"k":"x"}}`, ""},
	{"${obj:p}", `{"k":[1,"<x>"]}`, ""},
	{"'${obj:p}'", `{"k":[1,"<x>"]}`, ""},
	{`"${ obj : p }"`, `{"k":[1,"<x>"]}`, ""},
	{"pre ${obj:p} post", `"pre {\"k\":[1,\"\u003cx\u003e\"]} post"`, ""},
	{"${str:p}", `"text \"q\" <b>"`, ""},
	{"pre ${str:p} post", `"pre text \"q\" \u003cb\u003e post"`, ""},
	{"${num:p}", "12.5", ""},
	{"x${num:p}y", `"x12.5y"`, ""},
	{"${bad:p}", "", "${bad:p}: no such path"},
	{"pre ${bad:p}", "", "${bad:p}: no such path"},
	{"${str:p}${num:p}", `"text \"q\" \u003cb\u003e12.5"`, ""},
	{"${:x}", `"|x|${:x}"`, ""},
	{"${a:}", `"a||${a:}"`, ""},
	{"$ {a:b}", `"$ {a:b}"`, ""},
	{"${a:b", `"${a:b"`, ""},
	{`{"${obj:p}": 1}`, `{"${obj:p}":1}`, ""},
	{`['${obj:p}', '${str:p}', "<${str:p}>"]`, `[{"k":[1,"<x>"]},"text \"q\" <b>","\u003ctext \"q\" \u003cb\u003e\u003e"]`, ""},
	{"!!str ${num:p}", "12.5", ""},
	{"|\n  ${obj:p}\n", `"{\"k\":[1,\"\u003cx\u003e\"]}\n"`, ""},
	{"!custom ${obj:p}", `"${obj:p}"`, ""},
	{"{a: &r '${obj:p}', b: *r}", `{"a":{"k":[1,"<x>"]},"b":{"k":[1,"<x>"]}}`, ""},
}

// toJSONLimits is each value at the largest limit it is refused at and
// the smallest it is written at: the limit holds for what is written and
// for a reference's JSON before it is spliced into a string.
var toJSONLimits = []struct {
	in    string
	limit int
	want  string
	err   string
}{
	{"${bad:p}", 0, "", "${bad:p}: no such path"},
	{"['${bad:p}']", 0, "", "too large"},
	{"!!bool x", 0, "", "yaml: cannot decode !!str `x` as a !!bool"},
	{"1", 0, "", "too large"},
	{"1", 1, "1", ""},
	{"12", 1, "", "too large"},
	{"12", 2, "12", ""},
	{"[1, 2, 3]", 6, "", "too large"},
	{"[1, 2, 3]", 7, "[1,2,3]", ""},
	{"[123, [4, 5], {a: b}]", 20, "", "too large"},
	{"[123, [4, 5], {a: b}]", 21, `[123,[4,5],{"a":"b"}]`, ""},
	{"${obj:p}", 14, "", "too large"},
	{"${obj:p}", 15, `{"k":[1,"<x>"]}`, ""},
	{"['${num:p}']", 5, "", "too large"},
	{"['${num:p}']", 6, "[12.5]", ""},
	{"['${obj:p}', 1]", 18, "", "too large"},
	{"['${obj:p}', 1]", 19, `[{"k":[1,"<x>"]},1]`, ""},
	{"'ab ${str:p}'", 28, "", "too large"},
	{"'ab ${str:p}'", 29, `"ab text \"q\" \u003cb\u003e"`, ""},
	{"'${str:p}${str:p}'", 49, "", "too large"},
	{"'${str:p}${str:p}'", 50, `"text \"q\" \u003cb\u003etext \"q\" \u003cb\u003e"`, ""},
	{"'${obj:p} x ${obj:p}'", 62, "", "too large"},
	{"'${obj:p} x ${obj:p}'", 63, `"{\"k\":[1,\"\u003cx\u003e\"]} x {\"k\":[1,\"\u003cx\u003e\"]}"`, ""},
	{"{a: &x [1, 2], b: *x, c: *x}", 30, "", "too large"},
	{"{a: &x [1, 2], b: *x, c: *x}", 31, `{"a":[1,2],"b":[1,2],"c":[1,2]}`, ""},
	{"'<<<>>>'", 37, "", "too large"},
	{"'<<<>>>'", 38, `"\u003c\u003c\u003c\u003e\u003e\u003e"`, ""},
	{"'x${esc:p}'", 14, "", "too large"},
	{"'x${esc:p}'", 15, `"xAB"`, ""},
	{"'${esc:p}'", 13, "", "too large"},
	{"'${esc:p}'", 14, `"\u0041\u0042"`, ""},
}

func TestValueToJSONGolden(t *testing.T) {
	t.Parallel()
	for _, c := range toJSONGolden {
		checkToJSON(t, c.in, 1000, c.want, c.err)
	}
	for _, c := range toJSONLimits {
		checkToJSON(t, c.in, c.limit, c.want, c.err)
	}
	const deep = "a value nested more than 64 levels deep"
	for k, err := range map[int]string{63: "", 64: "", 65: deep, 66: deep} {
		checkToJSON(t, nested(k), 1000, ifNoErr(err, nested(k)), err)
	}
	for k, err := range map[int]string{60: "", 61: "", 62: "", 63: deep, 64: deep} {
		checkToJSON(t, "[&d "+nested(k)+", *d]", 1000, ifNoErr(err, "["+nested(k)+","+nested(k)+"]"), err)
	}
}

func checkToJSON(t *testing.T, in string, limit int, want, wantErr string) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("v: "+in), &doc); err != nil {
		t.Fatalf("%q: %v", in, err)
	}
	got, err := value{doc.Content[0].Content[1]}.toJSON(fakeResolve, limit)
	msg := ""
	if err != nil {
		got, msg = nil, err.Error() // what was written before the error is dropped
	}
	if string(got) != want || msg != wantErr {
		t.Errorf("toJSON(%q, %d) = %q, %q; want %q, %q", in, limit, got, msg, want, wantErr)
	}
}

// fakeResolve resolves ${obj:...}, ${str:...}, ${num:...} and ${esc:...}
// to fixed JSON, fails ${bad:...}, and gives any other reference as a
// string of its parts.
func fakeResolve(r ref) ([]byte, error) {
	switch r.Step {
	case "obj":
		return []byte(`{"k":[1,"<x>"]}`), nil
	case "str":
		return []byte(`"text \"q\" <b>"`), nil
	case "num":
		return []byte(`12.5`), nil
	case "esc":
		return []byte(`"\u0041\u0042"`), nil
	case "bad":
		return nil, fmt.Errorf("%s: no such path", r.Text)
	}
	return []byte(strconv.Quote(r.Step + "|" + r.Path + "|" + r.Text)), nil
}

func ifNoErr(err, s string) string {
	if err != "" {
		return ""
	}
	return s
}

// nested is k lists, one inside the other, around a 1.
func nested(k int) string { return strings.Repeat("[", k) + "1" + strings.Repeat("]", k) }
