package profile

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"net/url"
	"strings"
	"time"
)

// Generate makes a minimal payload the schema s accepts, for an OpenAPI
// webhook that gives no example: its required properties only, each the
// first of its const or enum, else its default, else a value of its type
// that keeps its format, minLength, minItems and minimum. A pattern is not
// followed; a schema that has one may still reject the result.
func Generate(set *SchemaSet, s Schema) ([]byte, error) {
	base, frag, _ := strings.Cut(s.URL, "#")
	var raw []byte
	for _, r := range set.Resources {
		if r.URL == base {
			raw = r.Raw
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("schema %s: %w", s.Name, err)
	}
	ptr, err := url.PathUnescape(frag)
	if err != nil {
		return nil, err
	}
	sch, ok := jsonptr.Get(doc, ptr)
	if !ok {
		return nil, fmt.Errorf("schema %s: %s not found", s.Name, ptr)
	}
	g := &generator{doc: doc, now: time.Now().UTC()}
	var buf bytes.Buffer
	writeValue(&buf, g.value(sch, 0), 0)
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

type generator struct {
	doc any
	now time.Time
}

// object keeps its keys in the order they were made.
type object struct {
	keys []string
	vals map[string]any
}

func (o *object) set(k string, v any) {
	if o.vals == nil {
		o.vals = map[string]any{}
	}
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

const maxDepth = 32

// value makes a value the schema v accepts.
func (g *generator) value(v any, depth int) any {
	m, ok := v.(map[string]any)
	if !ok || depth > maxDepth {
		return nil
	}
	if ref, ok := m["$ref"].(string); ok && strings.HasPrefix(ref, "#") {
		if p, err := url.PathUnescape(ref[1:]); err == nil {
			if t, ok := jsonptr.Get(g.doc, p); ok {
				return g.value(t, depth+1)
			}
		}
	}
	if c, ok := m["const"]; ok {
		return c
	}
	if enum, ok := m["enum"].([]any); ok {
		for _, e := range enum {
			if e != nil {
				return e
			}
		}
	}
	if d, ok := m["default"]; ok {
		return d
	}
	if all, ok := m["allOf"].([]any); ok {
		merged := &object{}
		var last any
		for _, sub := range all {
			last = g.value(sub, depth+1)
			if o, ok := last.(*object); ok {
				for _, k := range o.keys {
					merged.set(k, o.vals[k])
				}
			}
		}
		if len(merged.keys) > 0 || typeOf(m) == "object" {
			return g.object(m, merged, depth)
		}
		return last
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if alts, ok := m[k].([]any); ok {
			for _, a := range alts {
				if am, ok := a.(map[string]any); !ok || am["type"] != "null" {
					return g.value(a, depth+1)
				}
			}
		}
	}
	switch typeOf(m) {
	case "object":
		return g.object(m, &object{}, depth)
	case "array":
		n := intKeyword(m, "minItems")
		items := []any{}
		for range n {
			items = append(items, g.value(m["items"], depth+1))
		}
		return items
	case "string":
		return g.str(m)
	case "integer":
		return json.Number(fmt.Sprint(g.minimum(m)))
	case "number":
		return json.Number(fmt.Sprint(g.minimum(m)))
	case "boolean":
		return false
	case "null":
		return nil
	}
	return nil
}

// object fills o with the required properties of m.
func (g *generator) object(m map[string]any, o *object, depth int) *object {
	props, _ := m["properties"].(map[string]any)
	req, _ := m["required"].([]any)
	for _, r := range req {
		name, ok := r.(string)
		if !ok {
			continue
		}
		if _, done := o.vals[name]; done {
			continue
		}
		o.set(name, g.value(props[name], depth+1))
	}
	return o
}

// typeOf is the schema's type, the first that is not "null" when it
// lists several; guessed from other keywords when there is none.
func typeOf(m map[string]any) string {
	switch t := m["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && s != "null" {
				return s
			}
		}
		return "null"
	}
	switch {
	case m["properties"] != nil || m["required"] != nil:
		return "object"
	case m["items"] != nil:
		return "array"
	case m["format"] != nil || m["minLength"] != nil:
		return "string"
	}
	return ""
}

func intKeyword(m map[string]any, k string) int {
	if n, ok := m[k].(json.Number); ok {
		if i, err := n.Int64(); err == nil && i > 0 && i < 1000 {
			return int(i)
		}
	}
	return 0
}

func (g *generator) minimum(m map[string]any) int64 {
	var lo int64
	if n, ok := m["minimum"].(json.Number); ok {
		if f, err := n.Float64(); err == nil {
			lo = int64(f)
			if float64(lo) < f {
				lo++
			}
			if m["exclusiveMinimum"] == true {
				lo++
			}
		}
	}
	if n, ok := m["exclusiveMinimum"].(json.Number); ok {
		if f, err := n.Float64(); err == nil {
			lo = int64(f) + 1
		}
	}
	return lo
}

func (g *generator) str(m map[string]any) string {
	f, _ := m["format"].(string)
	var s string
	switch f {
	case "date-time":
		s = g.now.Format(time.RFC3339)
	case "date":
		s = g.now.Format(time.DateOnly)
	case "time":
		s = g.now.Format("15:04:05Z")
	case "uuid":
		s = newUUID()
	case "email", "idn-email":
		s = "user@example.com"
	case "uri", "url", "iri", "uri-reference", "iri-reference":
		s = "https://example.com/"
	case "hostname", "idn-hostname":
		s = "example.com"
	case "ipv4":
		s = "192.0.2.1"
	case "ipv6":
		s = "2001:db8::1"
	default:
		s = "string"
	}
	for n := intKeyword(m, "minLength"); len([]rune(s)) < n; {
		s += "x"
	}
	if n := intKeyword(m, "maxLength"); n > 0 && len(s) > n && f == "" {
		s = s[:n]
	}
	return s
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// writeValue writes v as indented JSON, objects' keys in their order.
func writeValue(buf *bytes.Buffer, v any, depth int) {
	ind := func(d int) { buf.WriteString("\n" + strings.Repeat("  ", d)) }
	switch x := v.(type) {
	case *object:
		if len(x.keys) == 0 {
			buf.WriteString("{}")
			return
		}
		buf.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			ind(depth + 1)
			kb, _ := json.Marshal(k)
			buf.Write(kb)
			buf.WriteString(": ")
			writeValue(buf, x.vals[k], depth+1)
		}
		ind(depth)
		buf.WriteByte('}')
	case []any:
		if len(x) == 0 {
			buf.WriteString("[]")
			return
		}
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			ind(depth + 1)
			writeValue(buf, e, depth+1)
		}
		ind(depth)
		buf.WriteByte(']')
	default:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(x); err != nil {
			buf.WriteString("null")
			return
		}
		var out bytes.Buffer
		if json.Indent(&out, bytes.TrimSpace(b.Bytes()), strings.Repeat("  ", depth), "  ") != nil {
			buf.Write(bytes.TrimSpace(b.Bytes()))
			return
		}
		buf.Write(out.Bytes())
	}
}
