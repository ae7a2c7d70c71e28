package respond

import (
	"strings"
	"testing"
)

// bodyJSONGolden is the body of a rule whose body is a mapping of v to
// each input, as recorded before the YAML to JSON writer moved to
// yamlcheck: scalars as YAML decodes them (timestamps as encoding/json
// writes a time, binary decoded), numbers as encoding/json writes them,
// Inf and NaN refused, strings escaped without HTML escapes, keys that are
// not scalars refused, an alias key as what it names, errors at the line
// of the value (for an alias, the value it names).
var bodyJSONGolden = []struct{ in, want, err string }{
	{"1", `{"v":1}`, ""},
	{"-1", `{"v":-1}`, ""},
	{"-0", `{"v":0}`, ""},
	{"0", `{"v":0}`, ""},
	{"1.0", `{"v":1}`, ""},
	{"-0.0", `{"v":-0}`, ""},
	{"1e3", `{"v":1000}`, ""},
	{"1E3", `{"v":1000}`, ""},
	{"1e+3", `{"v":1000}`, ""},
	{"1.5e-3", `{"v":0.0015}`, ""},
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
	{".inf", "", "r.yaml:2: body: .inf is not a JSON number"},
	{"-.Inf", "", "r.yaml:2: body: -.Inf is not a JSON number"},
	{"+.INF", "", "r.yaml:2: body: +.INF is not a JSON number"},
	{".nan", "", "r.yaml:2: body: .nan is not a JSON number"},
	{".NaN", "", "r.yaml:2: body: .NaN is not a JSON number"},
	{".NAN", "", "r.yaml:2: body: .NAN is not a JSON number"},
	{"9223372036854775807", `{"v":9223372036854775807}`, ""},
	{"9223372036854775808", `{"v":9223372036854775808}`, ""},
	{"-9223372036854775808", `{"v":-9223372036854775808}`, ""},
	{"-9223372036854775809", `{"v":-9223372036854776000}`, ""},
	{"18446744073709551615", `{"v":18446744073709551615}`, ""},
	{"18446744073709551616", `{"v":18446744073709552000}`, ""},
	{"99999999999999999999999", `{"v":1e+23}`, ""},
	{"0xFFFFFFFFFFFFFFFFF", `{"v":"0xFFFFFFFFFFFFFFFFF"}`, ""},
	{"1e308", `{"v":1e+308}`, ""},
	{"1e309", `{"v":"1e309"}`, ""},
	{"-1e400", `{"v":"-1e400"}`, ""},
	{"1e-400", `{"v":0}`, ""},
	{"4.9e-324", `{"v":5e-324}`, ""},
	{"1e21", `{"v":1e+21}`, ""},
	{"1e20", `{"v":100000000000000000000}`, ""},
	{"123456789.0", `{"v":123456789}`, ""},
	{"0.000001", `{"v":0.000001}`, ""},
	{"0.0000001", `{"v":1e-7}`, ""},
	{"3.14159265358979323846264338327950288", `{"v":3.141592653589793}`, ""},
	{"100000000000000000000000.0", `{"v":1e+23}`, ""},
	{"!!float 1", `{"v":1}`, ""},
	{"!!float 1e3", `{"v":1000}`, ""},
	{"!!float .inf", "", "r.yaml:2: body: .inf is not a JSON number"},
	{"!!float abc", "", "r.yaml:2: body: yaml: cannot decode !!str `abc` as a !!float"},
	{"!!int 1.5", "", "r.yaml:2: body: yaml: cannot decode !!float `1.5` as a !!int"},
	{`!!int "12"`, `{"v":12}`, ""},
	{"!!int abc", "", "r.yaml:2: body: yaml: cannot decode !!str `abc` as a !!int"},
	{"!!int 0x10", `{"v":16}`, ""},
	{"!!int 99999999999999999999", "", "r.yaml:2: body: yaml: cannot decode !!float `99999999999999999999` as a !!int"},
	{`!!float "2.50"`, `{"v":2.5}`, ""},
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
	{"!!bool yes", "", "r.yaml:2: body: yaml: cannot decode !!str `yes` as a !!bool"},
	{"!!bool true", `{"v":true}`, ""},
	{`!!bool "false"`, `{"v":false}`, ""},
	{"!!bool 1", "", "r.yaml:2: body: yaml: cannot decode !!int `1` as a !!bool"},
	{`"true"`, `{"v":"true"}`, ""},
	{"~", `{"v":null}`, ""},
	{"null", `{"v":null}`, ""},
	{"Null", `{"v":null}`, ""},
	{"NULL", `{"v":null}`, ""},
	{"", `{"v":null}`, ""},
	{`!!null ""`, `{"v":null}`, ""},
	{"!!null x", "", "r.yaml:2: body: yaml: cannot decode !!str `x` as a !!null"},
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
	{`"<a href='x'>&amp;</a>"`, `{"v":"<a href='x'>&amp;</a>"}`, ""},
	{"<b>&</b>", `{"v":"<b>&</b>"}`, ""},
	{`"\U0001F600"`, `{"v":"😀"}`, ""},
	{`"\xff"`, `{"v":"ÿ"}`, ""},
	{"'single ''quoted'''", `{"v":"single 'quoted'"}`, ""},
	{`""`, `{"v":""}`, ""},
	{"''", `{"v":""}`, ""},
	{"'${a:x}'", "", "r.yaml:2: unknown placeholder ${a:x} in the body; the placeholders are ${delivery.id}, ${delivery.seq}, ${delivery.event}"},
	{`"${x}"`, "", "r.yaml:2: unknown placeholder ${x} in the body; the placeholders are ${delivery.id}, ${delivery.seq}, ${delivery.event}"},
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
	{"!!binary aGVsbG8=", `{"v":"hello"}`, ""},
	{`!!binary "not base64!"`, "", "r.yaml:2: body: yaml: !!binary value contains invalid base64 data"},
	{"!!binary |\n  aGVs\n  bG8=\n", `{"v":"hello"}`, ""},
	{"!!binary /w==", `{"v":"\ufffd"}`, ""},
	{"!!timestamp 2001-12-14t21:59:43.10-05:00", `{"v":"2001-12-14T21:59:43.1-05:00"}`, ""},
	{"2001-12-14", `{"v":"2001-12-14T00:00:00Z"}`, ""},
	{"2001-12-14T21:59:43Z", `{"v":"2001-12-14T21:59:43Z"}`, ""},
	{"2001-12-14 21:59:43.10 -5", `{"v":"2001-12-14 21:59:43.10 -5"}`, ""},
	{"!!timestamp 2001-12-14", `{"v":"2001-12-14T00:00:00Z"}`, ""},
	{"!!timestamp x", "", "r.yaml:2: body: yaml: cannot decode !!str `x` as a !!timestamp"},
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
	{"{[1, 2]: x}", "", "r.yaml:2: a JSON body's keys must be plain strings"},
	{"{{a: 1}: x}", "", "r.yaml:2: a JSON body's keys must be plain strings"},
	{"{? [a]\n  : b}", "", "r.yaml:2: a JSON body's keys must be plain strings"},
	{`{"<k>": v, "k\n": w, "é": x}`, `{"v":{"<k>":"v","k\n":"w","é":"x"}}`, ""},
	{`{"": 1}`, `{"v":{"":1}}`, ""},
	{"{!!str 1: a, !custom k: b}", `{"v":{"1":"a","k":"b"}}`, ""},
	{"\n  ? |\n    multi\n  : x\n  ? [1, 2]\n  : y\n", "", "r.yaml:6: a JSON body's keys must be plain strings"},
	{"{a: &x 1, b: *x}", `{"v":{"a":1,"b":1}}`, ""},
	{"{a: &m {k: v}, b: *m}", `{"v":{"a":{"k":"v"},"b":{"k":"v"}}}`, ""},
	{"[&s [1, 2], *s, *s]", `{"v":[[1,2],[1,2],[1,2]]}`, ""},
	{"{base: &b {x: 1}, ext: {<<: *b, y: 2}}", `{"v":{"base":{"x":1},"ext":{"<<":{"x":1},"y":2}}}`, ""},
	{"{<<: {x: 1}, y: 2}", `{"v":{"<<":{"x":1},"y":2}}`, ""},
	{"{a: &a {p: 1}, b: &b {q: 2}, c: {<<: [*a, *b]}}", `{"v":{"a":{"p":1},"b":{"q":2},"c":{"<<":[{"p":1},{"q":2}]}}}`, ""},
	{"{a: &k key, *k : v}", `{"v":{"a":"key","key":"v"}}`, ""},
	{"{a: &n ~, b: *n}", `{"v":{"a":null,"b":null}}`, ""},
	{"{a: &t !!str 5, b: *t}", `{"v":{"a":"5","b":"5"}}`, ""},
	{"{a: &f 1.0, b: *f}", `{"v":{"a":1,"b":1}}`, ""},
	{"[&i .inf, *i]", "", "r.yaml:2: body: .inf is not a JSON number"},
	{"{a: &s '${a:x}', b: *s}", "", "r.yaml:2: unknown placeholder ${a:x} in the body; the placeholders are ${delivery.id}, ${delivery.seq}, ${delivery.event}"},
	{"&a [*a]", "", "r.yaml:2: the body is larger than a rule's body may be (10000 values, 64 levels, 1024 KiB)"},
	{"&a {k: *a}", "", "r.yaml:2: the body is larger than a rule's body may be (10000 values, 64 levels, 1024 KiB)"},
	{"<<", `{"v":"<<"}`, ""},
	{"!!merge <<", `{"v":"<<"}`, ""},
	{"\n  a: 1\n  b:\n    - .inf\n", "", "r.yaml:5: body: .inf is not a JSON number"},
	{"\n  a: 1\n  b: !!bool x\n", "", "r.yaml:4: body: yaml: cannot decode !!str `x` as a !!bool"},
	{"\n  a: &x {k: 1}\n  b:\n    c: *x\n", `{"v":{"a":{"k":1},"b":{"c":{"k":1}}}}`, ""},
	{"\n  a: 1\n  b:\n    [1, 2]: x\n", "", "r.yaml:5: a JSON body's keys must be plain strings"},
	{"\n  a: &k [1]\n  b:\n    *k : x\n", "", "r.yaml:3: a JSON body's keys must be plain strings"},
	{"'${delivery.id}'", `{"v":"ID<&>"}`, ""},
	{"{id: '${delivery.id}', n: 1}", `{"v":{"id":"ID<&>","n":1}}`, ""},
	{"{[1]: x}", "", "r.yaml:2: a JSON body's keys must be plain strings"},
	{"{a: &k key, *k : v}", `{"v":{"a":"key","key":"v"}}`, ""},
	{"{? {a: 1} : x}", "", "r.yaml:2: a JSON body's keys must be plain strings"},
	{"{a: &k [1], *k : v}", "", "r.yaml:2: a JSON body's keys must be plain strings"},
}

func TestBodyJSONGolden(t *testing.T) {
	t.Parallel()
	for _, c := range bodyJSONGolden {
		checkBody(t, c.in, c.want, c.err)
	}
	const large = "the body is larger than a rule's body may be (10000 values, 64 levels, 1024 KiB)"
	checkBody(t, nested(63), `{"v":`+nested(63)+"}", "")
	for _, k := range []int{64, 65, 66} {
		checkBody(t, nested(k), "", "r.yaml:2: "+large)
	}
	for _, k := range []int{60, 61, 62} { // an alias is no level of its own
		checkBody(t, "[&d "+nested(k)+", *d]", `{"v":[`+nested(k)+","+nested(k)+"]}", "")
	}
	for _, k := range []int{63, 64} {
		checkBody(t, "[&d "+nested(k)+", *d]", "", "r.yaml:2: "+large)
	}
}

// The limits on a body: 10000 values, counted after aliases, the error at
// the line of the value past the limit; 1 MiB checked as each value is
// begun and once the body is written, each with its own message.
func TestBodyJSONLimits(t *testing.T) {
	t.Parallel()
	const large = "the body is larger than a rule's body may be (10000 values, 64 levels, 1024 KiB)"
	checkBody(t, ones(9998), `{"v":[`+strings.Repeat("1,", 9997)+"1]}", "")
	checkBody(t, ones(9999), "", "r.yaml:2: "+large)
	alias := func(k int) string { return "\n  - &a x\n  - " + ones(k) + "\n  - *a\n" }
	checkBody(t, alias(9995), `{"v":["x",[`+strings.Repeat("1,", 9994)+`1],"x"]}`, "")
	checkBody(t, alias(9996), "", "r.yaml:3: "+large)
	checkBody(t, alias(9997), "", "r.yaml:4: "+large)

	text := strings.Repeat("t", 262130)
	big := func(p int, tail string) string {
		return "[&t " + text + ", *t, *t, *t, '" + strings.Repeat("p", p) + "'" + tail + "]"
	}
	checkBody(t, big(34, ""), `{"v":[`+strings.Repeat(`"`+text+`",`, 4)+`"`+strings.Repeat("p", 34)+`"]}`, "")
	checkBody(t, big(35, ""), "", "r.yaml:2: the body is larger than 1024 KiB as JSON")
	checkBody(t, big(35, ", 1"), "", "r.yaml:2: the body is larger than 1024 KiB as JSON")
	checkBody(t, big(36, ", 1"), "", "r.yaml:2: "+large)
}

func checkBody(t *testing.T, in, want, wantErr string) {
	t.Helper()
	text := "- body:\n    v: " + strings.ReplaceAll(in, "\n", "\n    ")
	got, msg := "", ""
	rules, err := Parse([]byte(text), "r.yaml")
	if err != nil {
		msg = err.Error()
	} else {
		got = string(rules[0].Body(View{ID: "ID<&>", Seq: 3, Event: "e"}))
	}
	if got != want || msg != wantErr {
		if len(got) > 200 {
			got = got[:200] + "..."
		}
		t.Errorf("body v: %.200q = %q, %q; want %.200q, %q", in, got, msg, want, wantErr)
	}
}

// nested is k lists, one inside the other, around a 1.
func nested(k int) string { return strings.Repeat("[", k) + "1" + strings.Repeat("]", k) }

// ones is a list of k ones.
func ones(k int) string { return "[" + strings.Repeat("1, ", k-1) + "1]" }
