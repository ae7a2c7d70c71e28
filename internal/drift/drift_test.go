package drift

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/payload/paygen"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/samples"
)

// orders is a schema of the test's own: an order with an optional note,
// a status enum, lines of items, and a map of labels.
const orders = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["id", "status", "lines"],
  "properties": {
    "id": {"type": "integer"},
    "status": {"enum": ["open", "paid"]},
    "note": {"type": "string"},
    "lines": {"type": "array", "items": {"$ref": "#/$defs/line"}},
    "labels": {"type": "object", "additionalProperties": {"$ref": "#/$defs/label"}},
    "tree": {"$ref": "#/$defs/node"}
  },
  "$defs": {
    "line": {"type": "object", "required": ["sku"], "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}}},
    "label": {"type": "object", "properties": {"text": {"type": "string"}}},
    "node": {"type": "object", "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}
  }
}`

func ordersRegistry(t testing.TB) *payload.Registry {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "orders.json"), []byte(orders), 0o644); err != nil {
		t.Fatal(err)
	}
	reg, err := payload.NewRegistry(dir)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// check runs bodies, as records seq 1.., through Checkers split n ways
// and merged.
func check(t testing.TB, r Resolver, o Options, n int, bodies ...string) *Checker {
	t.Helper()
	cs := make([]*Checker, n)
	for i := range cs {
		cs[i] = New(r, o)
	}
	for i, b := range bodies {
		s := &samples.Sample{Index: int64(i), Source: "rec.ndjson", Record: true, Seq: int64(i + 1), Body: []byte(b)}
		if err := cs[i%n].Add(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cs[1:] {
		cs[0].Merge(c)
	}
	return cs[0]
}

func pointers(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Pointer+" "+f.Keyword)
	}
	return out
}

func TestOneUndeclaredFieldOneNewEnumValueOneNeverSeen(t *testing.T) {
	t.Parallel()
	bodies := []string{
		`{"id":1,"status":"open","lines":[{"sku":"a","qty":1}]}`,
		`{"id":2,"status":"paid","lines":[{"sku":"b"},{"sku":"c","gift":true}]}`,
		`{"id":3,"status":"refunded","lines":[]}`,
		`{"id":4,"status":"open","lines":[{"sku":"d","gift":false}],"labels":{"x":{"text":"t","color":"red"}},"tree":{"name":"r","children":[{"name":"c","extra":1}]}}`,
	}
	rep := check(t, RegistryResolver(ordersRegistry(t), "orders"), Options{}, 1, bodies...).Report()
	if len(rep.Schemas) != 1 {
		t.Fatalf("schemas %+v", rep.Schemas)
	}
	s := rep.Schemas[0]
	if want := []string{"/labels/*/color ", "/lines/*/gift ", "/tree/children/*/extra "}; !reflect.DeepEqual(pointers(s.Undeclared), want) {
		t.Errorf("undeclared %v, want %v", pointers(s.Undeclared), want)
	}
	gift := s.Undeclared[1]
	if gift.Deliveries != 2 || gift.FirstSeq != 2 || gift.Example != "true" {
		t.Errorf("gift %+v: want 2 deliveries (once each however many lines), first seq 2, example true", gift)
	}
	if want := []string{"/status enum"}; !reflect.DeepEqual(pointers(s.Rejected), want) {
		t.Fatalf("rejected %v, want %v", pointers(s.Rejected), want)
	}
	if r := s.Rejected[0]; r.Deliveries != 1 || r.FirstSeq != 3 || r.Example != `"refunded"` || !strings.Contains(r.Message, "must be one of open, paid") {
		t.Errorf("rejected %+v", r)
	}
	// qty, labels and tree were seen; the recursive node's children only
	// at the top.
	if want := []string{"/note ", "/tree/children/*/children "}; !reflect.DeepEqual(pointers(s.NeverSeen), want) {
		t.Errorf("never seen %v, want %v", pointers(s.NeverSeen), want)
	}
	if !s.Drift() || s.Drifted != 3 || s.Deliveries != 4 {
		t.Errorf("verdict %q: drifted %d of %d", s.Verdict(), s.Drifted, s.Deliveries)
	}

	// Only a never-seen field is not drift.
	clean := check(t, RegistryResolver(ordersRegistry(t), "orders"), Options{}, 1, bodies[0]).Report()
	if clean.Drift() || len(clean.Schemas[0].NeverSeen) == 0 {
		t.Errorf("clean report %+v", clean.Schemas[0])
	}
	if v := clean.Schemas[0].Verdict(); !strings.HasPrefix(v, "orders: no drift in 1 delivery (") {
		t.Errorf("verdict %q", v)
	}
}

func TestMissingRequiredAndNull(t *testing.T) {
	t.Parallel()
	rep := check(t, RegistryResolver(ordersRegistry(t), "orders"), Options{}, 1,
		`{"id":1,"lines":[{"qty":2}]}`, `{"id":null,"status":"open","lines":[]}`).Report()
	want := []string{"/id type", "/lines/*/sku required", "/status required"}
	if got := pointers(rep.Schemas[0].Rejected); !reflect.DeepEqual(got, want) {
		t.Errorf("rejected %v, want %v", got, want)
	}
}

// paBodies are Permission Assist deliveries; one carries an undeclared
// field and one an action the schema does not list.
func paBodies(t testing.TB, n int) []string {
	r := rand.New(rand.NewPCG(3, 4))
	out := make([]string, n)
	for i := range out {
		p := paygen.PermissionAssist(r)
		req := p["event"].(map[string]any)["request"].(map[string]any)
		switch i {
		case 5:
			req["priority"] = "urgent"
		case 9:
			req["action"] = "Delete"
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(b)
	}
	return out
}

func TestPermissionAssistDrift(t *testing.T) {
	t.Parallel()
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	bodies := paBodies(t, 40)
	c := check(t, RegistryResolver(reg, ""), Options{Suggest: true}, 3, bodies...)
	rep := c.Report()
	s := rep.Schemas[0]
	if s.Schema != "permission_assist.access_request" || s.Deliveries != 40 || s.Drifted != 2 {
		t.Fatalf("%s", s.Verdict())
	}
	if got := pointers(s.Undeclared); !reflect.DeepEqual(got, []string{"/event/request/priority "}) || s.Undeclared[0].FirstSeq != 6 {
		t.Errorf("undeclared %v %+v", got, s.Undeclared)
	}
	if got := pointers(s.Rejected); !reflect.DeepEqual(got, []string{"/event/request/action enum"}) || s.Rejected[0].Example != `"Delete"` {
		t.Errorf("rejected %v %+v", got, s.Rejected)
	}
	var text, js, md bytes.Buffer
	if err := WriteText(&text, rep, render.NewPalette(false)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"drift in 2 of 40 deliveries", "/event/request/priority", "first rec.ndjson seq 6", `e.g. "urgent"`, "/event/request/action", "enum", `got "Delete"`} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(js.String()), "\n")
	var last map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last["finding"] != "verdict" || last["drift"] != true {
		t.Errorf("json verdict line %s (%v)", lines[len(lines)-1], err)
	}
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| undeclared | `/event/request/priority` |  | 1 | rec.ndjson seq 6 | `\"urgent\"` |") {
		t.Errorf("markdown:\n%s", md.String())
	}

	// --suggest: the adjusted schema accepts every delivery.
	doc, notes, err := c.Suggest("permission_assist.access_request")
	if err != nil || len(notes) > 0 {
		t.Fatalf("suggest: %v %v", err, notes)
	}
	assertAccepts(t, doc, bodies)
}

// assertAccepts validates every body against a schema document through
// the tool's own registry, loaded from a file as --schema PATH loads it.
func assertAccepts(t *testing.T, doc map[string]any, bodies []string) {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "suggested.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	name, err := reg.Resolve(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, body := range bodies {
		res, err := reg.Check([]byte(body), name)
		if err != nil || !res.Valid {
			t.Fatalf("body %d not accepted: %v %+v", i, err, res.Errors)
		}
	}
}

func TestSuggestAcceptsOwnSchema(t *testing.T) {
	t.Parallel()
	bodies := []string{
		`{"id":1.5,"status":"refunded","lines":[{"qty":2,"gift":true}],"labels":{"a":{"color":"red"}}}`,
		`{"id":2,"status":"void","lines":[{"sku":"x"}],"tree":{"children":[{"extra":[1,2]}]}}`,
	}
	c := check(t, RegistryResolver(ordersRegistry(t), "orders"), Options{Suggest: true}, 2, bodies...)
	doc, notes, err := c.Suggest("orders")
	if err != nil || len(notes) > 0 {
		t.Fatalf("suggest: %v %v", err, notes)
	}
	assertAccepts(t, doc, bodies)
	st := doc["properties"].(map[string]any)["status"].(map[string]any)
	if got := st["enum"]; !reflect.DeepEqual(got, []any{"open", "paid", "refunded", "void"}) {
		t.Errorf("status enum %v", got)
	}
}

// The report does not depend on how the deliveries were split.
func TestMergeIsDeterministic(t *testing.T) {
	t.Parallel()
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	bodies := paBodies(t, 60)
	var want bytes.Buffer
	_ = WriteJSON(&want, check(t, RegistryResolver(reg, ""), Options{}, 1, bodies...).Report())
	for _, n := range []int{2, 5} {
		var got bytes.Buffer
		_ = WriteJSON(&got, check(t, RegistryResolver(reg, ""), Options{}, n, bodies...).Report())
		if got.String() != want.String() {
			t.Errorf("split %d ways:\n%s\nwant\n%s", n, got.String(), want.String())
		}
	}
}

func TestUnmatchedAndNotJSON(t *testing.T) {
	t.Parallel()
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	rep := check(t, RegistryResolver(reg, ""), Options{}, 1, `{"hello":1}`, `not json`).Report()
	if rep.Unmatched.Deliveries != 1 || rep.Unmatched.FirstSeq != 1 || rep.NotJSON.Deliveries != 1 || rep.Drift() {
		t.Errorf("%+v", rep)
	}
	c := New(RegistryResolver(reg, ""), Options{})
	err = c.Add(&samples.Sample{Source: "a.json", Body: []byte("{")})
	if _, ok := err.(*NotJSONError); !ok {
		t.Errorf("a payload file that is not JSON: %v", err)
	}
}

// With additionalProperties false, an extra field is undeclared, and
// rejected at its own pointer.
func TestClosedSchema(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const closed = `{"type":"object","additionalProperties":false,"properties":{"a":{"type":"object","additionalProperties":false,"properties":{"b":{}}}}}`
	if err := os.WriteFile(filepath.Join(dir, "closed.json"), []byte(closed), 0o644); err != nil {
		t.Fatal(err)
	}
	reg, err := payload.NewRegistry(dir)
	if err != nil {
		t.Fatal(err)
	}
	bodies := []string{`{"a":{"b":1,"x":2,"y's":3},"z":true}`}
	c := check(t, RegistryResolver(reg, "closed"), Options{Suggest: true}, 1, bodies...)
	s := c.Report().Schemas[0]
	if got, want := pointers(s.Undeclared), []string{"/a/x ", "/a/y's ", "/z "}; !reflect.DeepEqual(got, want) {
		t.Errorf("undeclared %v, want %v", got, want)
	}
	// A name with a quote makes the validator's list unsure to split: the
	// error stays at its object.
	if got, want := pointers(s.Rejected), []string{"/a additionalProperties", "/z additionalProperties"}; !reflect.DeepEqual(got, want) {
		t.Errorf("rejected %v, want %v", got, want)
	}
	doc, notes, err := c.Suggest("closed")
	if err != nil || len(notes) > 0 {
		t.Fatalf("%v %v", err, notes)
	}
	assertAccepts(t, doc, bodies)
}
