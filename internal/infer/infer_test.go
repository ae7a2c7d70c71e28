package infer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/webhook-tool/webhook-tool/internal/jsonscan"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/payload/paygen"
)

func decode(t testing.TB, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// inferFrom infers with opts from JSON texts, one sample each, read in
// place; it checks that decoded samples give the same schema.
func inferFrom(t testing.TB, o Options, docs ...string) map[string]any {
	t.Helper()
	in, decoded := New(o), New(o)
	var sc jsonscan.Scanner
	for i, d := range docs {
		if err := in.AddJSON(&sc, []byte(d), int64(i)); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		decoded.Add(decode(t, d), int64(i))
	}
	s := in.Schema()
	if !reflect.DeepEqual(s, decoded.Schema()) {
		t.Errorf("AddJSON and Add differ:\n%v\n%v", s, decoded.Schema())
	}
	return s
}

// A key repeated in one object counts once; text that is not JSON adds
// nothing.
func TestRepeatedKeysAndBadText(t *testing.T) {
	t.Parallel()
	in := New(DefaultOptions())
	var sc jsonscan.Scanner
	for i, d := range []string{`{"a":1,"a":2}`, `{}`, `{"a":`, `{"b":"\x"}`} {
		_ = in.AddJSON(&sc, []byte(d), int64(i))
	}
	s := in.Schema()
	if _, ok := s["required"]; ok || in.Samples() != 2 {
		t.Errorf("%v from %d samples", s, in.Samples())
	}
	if _, ok := s["properties"].(map[string]any)["b"]; ok {
		t.Errorf("a sample that is not JSON was learnt from: %v", s)
	}
}

// at walks a schema along property names ("[]" steps into items).
func at(t *testing.T, s map[string]any, path ...string) map[string]any {
	t.Helper()
	cur := s
	for _, p := range path {
		var next any
		if p == "[]" {
			next = cur["items"]
		} else {
			props, _ := cur["properties"].(map[string]any)
			next = props[p]
		}
		m, ok := next.(map[string]any)
		if !ok {
			t.Fatalf("no schema at %v in %v", path, s)
		}
		cur = m
	}
	return cur
}

func TestIntegerVersusNumber(t *testing.T) {
	t.Parallel()
	s := inferFrom(t, DefaultOptions(), `{"a":1,"b":1,"c":2.0,"d":1e2}`, `{"a":7,"b":1.5,"c":3,"d":-4}`)
	for field, want := range map[string]string{"a": "integer", "b": "number", "c": "integer", "d": "integer"} {
		if got := at(t, s, field)["type"]; got != want {
			t.Errorf("%s: type %v, want %s", field, got, want)
		}
	}
}

func TestNullJoined(t *testing.T) {
	t.Parallel()
	s := inferFrom(t, DefaultOptions(), `{"a":"x","b":null}`, `{"a":null,"b":null}`, `{"a":"y","b":null}`)
	if got := at(t, s, "a")["type"]; !reflect.DeepEqual(got, []any{"string", "null"}) {
		t.Errorf("a: type %v, want [string null]", got)
	}
	if got := at(t, s, "b")["type"]; got != "null" {
		t.Errorf("b: type %v, want null", got)
	}
}

func TestRequiredOnlyWhenAlwaysPresent(t *testing.T) {
	t.Parallel()
	s := inferFrom(t, DefaultOptions(),
		`{"id":1,"opt":true,"inner":{"x":1,"y":2}}`,
		`{"id":2,"inner":{"x":1}}`,
		`{"id":3,"opt":null,"inner":{"x":5,"y":null}}`)
	if got := s["required"]; !reflect.DeepEqual(got, []string{"id", "inner"}) {
		t.Errorf("required %v, want [id inner]", got)
	}
	if got := at(t, s, "inner")["required"]; !reflect.DeepEqual(got, []string{"x"}) {
		t.Errorf("inner required %v, want [x]", got)
	}
	if _, ok := s["additionalProperties"]; ok {
		t.Errorf("additionalProperties set without --strict: %v", s["additionalProperties"])
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format string
		good   []string
		bad    string
	}{
		{"date-time", []string{"2025-12-01T14:30:05Z", "2025-01-02T03:04:05.123-07:00"}, "2025-12-01 14:30"},
		{"date", []string{"2025-12-01", "1999-02-28"}, "2025-13-01"},
		{"uuid", []string{"f1e2d3c4-b5a6-7890-abcd-ef1234567890", "00000000-0000-4000-8000-000000000000"}, "f1e2d3c4b5a67890"},
		{"email", []string{"rjohnson@example.com", "a.b@example.org"}, "not an email"},
		{"uri", []string{"https://example.com/x", "http://127.0.0.1:8080/webhooks/callback/1"}, "/relative/path"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var docs []string
			for _, g := range tc.good {
				docs = append(docs, fmt.Sprintf(`{"v":%q}`, g))
			}
			if got := at(t, inferFrom(t, DefaultOptions(), docs...), "v")["format"]; got != tc.format {
				t.Errorf("format %v, want %s", got, tc.format)
			}
			// One value that does not match: no format at all.
			docs = append(docs, fmt.Sprintf(`{"v":%q}`, tc.bad))
			if got, ok := at(t, inferFrom(t, DefaultOptions(), docs...), "v")["format"]; ok {
				t.Errorf("format %v with %q among the values", got, tc.bad)
			}
		})
	}
	// A colon does not make a URI: "Note:x" is a valid absolute URI to the
	// validator, but not a link.
	if got, ok := at(t, inferFrom(t, DefaultOptions(), `{"v":"Note:x"}`, `{"v":"Tag:y"}`), "v")["format"]; ok {
		t.Errorf("format %v for label-like strings", got)
	}
}

func TestEnumThreshold(t *testing.T) {
	t.Parallel()
	o := DefaultOptions()
	var docs []string
	for i := range 12 {
		docs = append(docs, fmt.Sprintf(`{"status":%q,"id":"id-%d","rare":%q}`, []string{"Open", "Closed", "Pending"}[i%3], i, map[bool]string{true: "Once", false: "Often"}[i == 0]))
	}
	s := inferFrom(t, o, docs...)
	if got := at(t, s, "status")["enum"]; !reflect.DeepEqual(got, []any{"Closed", "Open", "Pending"}) {
		t.Errorf("status enum %v, want [Closed Open Pending]", got)
	}
	if got, ok := at(t, s, "id")["enum"]; ok {
		t.Errorf("id: enum %v from 12 distinct values", got)
	}
	// "Once" is seen once: under --enum-min-count 2, no enum.
	if got, ok := at(t, s, "rare")["enum"]; ok {
		t.Errorf("rare: enum %v with a value seen once", got)
	}
	o.EnumMinCount = 1
	if got := at(t, inferFrom(t, o, docs...), "rare")["enum"]; !reflect.DeepEqual(got, []any{"Often", "Once"}) {
		t.Errorf("rare with --enum-min-count 1: enum %v", got)
	}
	// --enum-max 2: three values are too many.
	o = DefaultOptions()
	o.EnumMax = 2
	if got, ok := at(t, inferFrom(t, o, docs...), "status")["enum"]; ok {
		t.Errorf("status with --enum-max 2: enum %v", got)
	}
	// Never from a single sample, however many times a value repeats in it.
	one := inferFrom(t, DefaultOptions(), `{"tags":["a","a","b","b","a"]}`)
	if got, ok := at(t, one, "tags", "[]")["enum"]; ok {
		t.Errorf("enum %v from one sample", got)
	}
	// A null joins the enum as a value; a number among the strings
	// means no enum.
	if got := at(t, inferFrom(t, DefaultOptions(), `{"v":"a"}`, `{"v":"a"}`, `{"v":null}`), "v")["enum"]; !reflect.DeepEqual(got, []any{"a", nil}) {
		t.Errorf("enum with null %v", got)
	}
	if got, ok := at(t, inferFrom(t, DefaultOptions(), `{"v":"a"}`, `{"v":"a"}`, `{"v":1}`), "v")["enum"]; ok {
		t.Errorf("enum %v over strings and a number", got)
	}
}

func TestArraysOfObjects(t *testing.T) {
	t.Parallel()
	s := inferFrom(t, DefaultOptions(),
		`{"items":[{"id":1,"name":"a"},{"id":2}]}`,
		`{"items":[{"id":3,"name":"b","extra":true}]}`,
		`{"items":[]}`)
	items := at(t, s, "items", "[]")
	if items["type"] != "object" {
		t.Fatalf("items %v", items)
	}
	if got := items["required"]; !reflect.DeepEqual(got, []string{"id"}) {
		t.Errorf("items required %v, want [id]", got)
	}
	for _, p := range []string{"id", "name", "extra"} {
		at(t, items, p)
	}
	if got := at(t, s, "items")["type"]; got != "array" {
		t.Errorf("type %v", got)
	}
	// Mixed element types join.
	mixed := at(t, inferFrom(t, DefaultOptions(), `{"a":[1,"x",null]}`), "a", "[]")
	if !reflect.DeepEqual(mixed["type"], []any{"string", "integer", "null"}) {
		t.Errorf("mixed items %v", mixed)
	}
}

func TestStrictAndMaps(t *testing.T) {
	t.Parallel()
	o := DefaultOptions()
	o.Strict = true
	s := inferFrom(t, o, `{"a":{"b":1}}`)
	if s["additionalProperties"] != false || at(t, s, "a")["additionalProperties"] != false {
		t.Errorf("--strict: %v", s)
	}
	o = DefaultOptions()
	o.MaxProperties = 3
	m := inferFrom(t, o, `{"byId":{"k1":{"n":1},"k2":{"n":2}}}`, `{"byId":{"k3":{"n":3},"k4":{"n":4}}}`)
	by := at(t, m, "byId")
	if _, ok := by["properties"]; ok {
		t.Fatalf("an object with 4 keys under --max-properties 3 kept its properties: %v", by)
	}
	val, _ := by["additionalProperties"].(map[string]any)
	if val["type"] != "object" || !reflect.DeepEqual(val["required"], []string{"n"}) {
		t.Errorf("map values %v", val)
	}
}

// paSamples are realistic Permission Assist deliveries, a few mutated so
// that the schema has nulls, optional fields and floats to find.
func paSamples(t testing.TB, n int) [][]byte {
	r := rand.New(rand.NewPCG(7, 11))
	out := make([][]byte, n)
	for i := range out {
		p := paygen.PermissionAssist(r)
		if i%5 == 0 {
			p["score"] = json.Number("0.5")
		} else {
			p["score"] = json.Number("3")
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out
}

// Every sample satisfies the schema inferred from it, by the validator the
// tool uses, formats asserted.
func TestEverySampleSatisfies(t *testing.T) {
	t.Parallel()
	docs := paSamples(t, 300)
	in := New(DefaultOptions())
	for i, d := range docs {
		in.Add(decode(t, string(d)), int64(i))
	}
	out, err := Marshal(in.Document("Permission Assist (inferred)"))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	if err := c.AddResource("inferred.json", bytes.NewReader(out)); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("inferred.json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for i, d := range docs {
		if err := sch.Validate(decode(t, string(d))); err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
	}
	s := in.Schema()
	if got := at(t, s, "event", "name")["enum"]; len(got.([]any)) != paEvents() {
		t.Errorf("event.name enum %v", got)
	}
	if got := at(t, s, "score")["type"]; got != "number" {
		t.Errorf("score %v", got)
	}
	if got := at(t, s, "createdDate")["format"]; got != "date-time" {
		t.Errorf("createdDate %v", got)
	}
	if got := at(t, s, "callback")["format"]; got != "uri" {
		t.Errorf("callback %v", got)
	}
	if !strings.Contains(in.Description(), "from 300 samples") {
		t.Errorf("description %q", in.Description())
	}
}

// The same samples give the same bytes: in another order, and split over
// Inferrers that are merged.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	docs := paSamples(t, 200)
	one := New(DefaultOptions())
	for i, d := range docs {
		one.Add(decode(t, string(d)), int64(i))
	}
	want, _ := Marshal(one.Document("t"))

	parts := []*Inferrer{New(DefaultOptions()), New(DefaultOptions()), New(DefaultOptions())}
	var sc jsonscan.Scanner
	for _, i := range rand.New(rand.NewPCG(1, 2)).Perm(len(docs)) {
		if err := parts[i%3].AddJSON(&sc, docs[i], int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	parts[2].Merge(parts[0])
	parts[2].Merge(parts[1])
	got, _ := Marshal(parts[2].Document("t"))
	if !bytes.Equal(got, want) {
		t.Errorf("merged partitions differ from one pass:\n%s\nvs\n%s", got, want)
	}
	again := New(DefaultOptions())
	for i, d := range docs {
		again.Add(decode(t, string(d)), int64(i))
	}
	if b, _ := Marshal(again.Document("t")); !bytes.Equal(b, want) {
		t.Error("two runs over the same samples differ")
	}
}

// paEvents counts the Permission Assist events the bundled profile knows.
func paEvents() int {
	n := 0
	for _, e := range payload.BundledEvents() {
		if e.Profile == "permission_assist" {
			n++
		}
	}
	return n
}
