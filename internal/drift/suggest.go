package drift

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// removable are the assertion keywords --suggest drops when a delivery
// failed one: without it the schema accepts what was seen, and with it no
// value would (a value outside a range, a string not matching a pattern).
var removable = map[string]bool{
	"format": true, "pattern": true, "minimum": true, "maximum": true, "exclusiveMinimum": true,
	"exclusiveMaximum": true, "multipleOf": true, "minLength": true, "maxLength": true, "minItems": true,
	"maxItems": true, "uniqueItems": true, "minProperties": true, "maxProperties": true, "contains": true,
	"minContains": true, "maxContains": true, "dependentRequired": true, "propertyNames": true, "not": true,
}

// Suggest is the schema named name changed to accept what the deliveries
// showed: each undeclared field added as a property (its schema inferred
// from the values seen), each rejected value allowed (an enum or const
// widened with the values seen, a type joined with theirs, a missing
// property no longer required, a failing format or bound dropped). notes
// say what it could not change. The schema's $id is left out, so the file
// loads beside the original; everything else is kept.
func (c *Checker) Suggest(name string) (doc map[string]any, notes []string, err error) {
	st := c.schemas[name]
	if st == nil {
		return nil, nil, fmt.Errorf("no delivery was checked against %s", name)
	}
	raw, err := c.r.Source(name)
	if err != nil {
		return nil, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, err
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("schema %s is not an object", name)
	}
	sd := &schemaDoc{root: doc, id: st.tree.doc.id, anchors: st.tree.doc.anchors}
	rep := st.report()
	for _, f := range rep.Rejected {
		fd := st.rejected[f.Pointer+"\x00"+f.Keyword]
		notes = append(notes, sd.allow(fd)...)
	}
	for _, f := range rep.Undeclared {
		notes = append(notes, sd.declare(st.undeclared[f.Pointer])...)
	}
	if st.overflowU+st.overflowR > 0 {
		notes = append(notes, fmt.Sprintf("%d deliveries had findings past the %d kept per kind: check again after adopting this", st.overflowU+st.overflowR, c.o.MaxFindings))
	}
	delete(doc, "$id")
	doc["$comment"] = fmt.Sprintf("Adjusted by webhook-tool schemas drift --suggest to accept the %d deliveries checked: %s added, %s allowed.",
		st.deliveries, count(int64(len(rep.Undeclared)), "undeclared field", "undeclared fields"), count(int64(len(rep.Rejected)), "kind of rejected value", "kinds of rejected value"))
	return doc, notes, nil
}

// allow widens the schema where f's keyword rejected values.
func (d *schemaDoc) allow(f *finding) []string {
	var notes []string
	for _, loc := range f.kwLocs {
		abs, ok := d.follow(loc)
		if !ok {
			notes = append(notes, fmt.Sprintf("%s %s: cannot find %s in the schema", orRoot(f.pattern), f.keyword, loc))
			continue
		}
		if f.keyword == "false" {
			setAt(d.root, abs, true)
			continue
		}
		i := strings.LastIndexByte(abs, '/')
		parent, _ := d.at(abs[:i])
		s, ok := parent.(map[string]any)
		if !ok {
			continue
		}
		kw := jsonptr.Unescape(abs[i+1:])
		if n := d.widen(s, kw, f); n != "" {
			notes = append(notes, fmt.Sprintf("%s %s: %s", orRoot(f.pattern), f.keyword, n))
		}
	}
	return notes
}

// widen changes schema object s so its keyword kw accepts f's values; it
// returns a note when it cannot.
func (d *schemaDoc) widen(s map[string]any, kw string, f *finding) string {
	switch {
	case kw == "enum" || kw == "const":
		if f.capped {
			delete(s, "enum")
			delete(s, "const")
			return ""
		}
		vals, _ := s["enum"].([]any)
		if c, ok := s["const"]; ok {
			vals = append(vals, c)
			delete(s, "const")
		}
		have := map[string]bool{}
		for _, v := range vals {
			b, _ := json.Marshal(v)
			have[string(b)] = true
		}
		for _, k := range sortedKeys(f.values) {
			if !have[k] {
				var v any
				dec := json.NewDecoder(strings.NewReader(k))
				dec.UseNumber()
				_ = dec.Decode(&v)
				vals = append(vals, v)
			}
		}
		s["enum"] = vals
	case kw == "type":
		s["type"] = joinTypes(s["type"], f.types)
	case kw == "required":
		req, _ := s["required"].([]any)
		s["required"] = slices.DeleteFunc(slices.Clone(req), func(v any) bool { return v == f.missing })
	case kw == "additionalProperties":
		// The undeclared fields are added as properties.
	case removable[kw]:
		delete(s, kw)
	default:
		return fmt.Sprintf("not changed: --suggest does not widen %q", kw)
	}
	return ""
}

func joinTypes(cur any, seen map[string]bool) any {
	var types []string
	switch t := cur.(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				types = append(types, s)
			}
		}
	}
	for _, t := range sortedKeys(seen) {
		if t == "integer" && slices.Contains(types, "number") {
			continue
		}
		if t == "number" {
			types = slices.DeleteFunc(types, func(s string) bool { return s == "integer" })
		}
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	if len(types) == 1 {
		return types[0]
	}
	out := make([]any, len(types))
	for i, t := range types {
		out[i] = t
	}
	return out
}

// declare adds an undeclared field's property where its parent's schema
// lists its properties.
func (d *schemaDoc) declare(f *finding) []string {
	name := jsonptr.Unescape(f.pattern[strings.LastIndexByte(f.pattern, '/')+1:])
	target, _ := d.at(f.addAt)
	s, ok := target.(map[string]any)
	if !ok || !f.hasAddAt {
		return []string{fmt.Sprintf("%s: no schema object to declare it in", f.pattern)}
	}
	props, _ := s["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		s["properties"] = props
	}
	if _, exists := props[name]; exists {
		return nil
	}
	var schema any = map[string]any{}
	if f.inf != nil && f.inf.Samples() > 0 {
		schema = f.inf.Schema()
	}
	props[name] = schema
	return nil
}

// follow turns a keyword location (an evaluation path through $ref) into a
// pointer in the document.
func (d *schemaDoc) follow(loc string) (string, bool) {
	if loc == "" {
		return "", true
	}
	abs := ""
	for _, tok := range strings.Split(loc[1:], "/") {
		if tok == "$ref" || tok == "$dynamicRef" {
			node, _ := d.at(abs)
			m, _ := node.(map[string]any)
			ref, _ := m[tok].(string)
			p, ok := d.resolve(ref)
			if !ok {
				return "", false
			}
			abs = p
			continue
		}
		abs += "/" + tok
	}
	_, ok := d.at(abs)
	return abs, ok
}

// setAt replaces the value at ptr (not the root).
func setAt(doc any, ptr string, v any) {
	i := strings.LastIndexByte(ptr, '/')
	parent, ok := jsonptr.Get(doc, ptr[:i])
	if !ok {
		return
	}
	tok := jsonptr.Unescape(ptr[i+1:])
	switch p := parent.(type) {
	case map[string]any:
		p[tok] = v
	case []any:
		if n, err := strconv.Atoi(tok); err == nil && n >= 0 && n < len(p) {
			p[n] = v
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
