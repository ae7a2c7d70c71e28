package drift

import (
	"encoding/json"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// schemaDoc is one schema document, decoded, with what resolving its
// references needs.
type schemaDoc struct {
	root    any
	id      string            // its $id, without fragment
	anchors map[string]string // $anchor and $dynamicAnchor names -> JSON Pointer
	re      map[string]*regexp.Regexp
}

func newSchemaDoc(raw []byte) (*schemaDoc, error) {
	var root any
	if err := json.Unmarshal(raw, &root); err != nil {
		return nil, err
	}
	d := &schemaDoc{root: root, anchors: map[string]string{}, re: map[string]*regexp.Regexp{}}
	if m, ok := root.(map[string]any); ok {
		d.id, _ = m["$id"].(string)
		d.id, _, _ = strings.Cut(d.id, "#")
	}
	d.indexAnchors(root, "")
	return d, nil
}

func (d *schemaDoc) indexAnchors(v any, ptr string) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range []string{"$anchor", "$dynamicAnchor"} {
			if a, ok := x[k].(string); ok {
				if _, dup := d.anchors[a]; !dup {
					d.anchors[a] = ptr
				}
			}
		}
		for k, e := range x {
			if k == "enum" || k == "const" || k == "examples" || k == "default" {
				continue // values, not schemas
			}
			d.indexAnchors(e, ptr+"/"+escape(k))
		}
	case []any:
		for i, e := range x {
			d.indexAnchors(e, ptr+"/"+strconv.Itoa(i))
		}
	}
}

// at is the value at a JSON Pointer in the document.
func (d *schemaDoc) at(ptr string) (any, bool) { return jsonptr.Get(d.root, ptr) }

// resolve turns a $ref into a pointer in this document; ok is false for
// a reference to another document, which the walk cannot follow.
func (d *schemaDoc) resolve(ref string) (string, bool) {
	base, frag, _ := strings.Cut(ref, "#")
	if base != "" && base != d.id && !strings.HasSuffix(d.id, "/"+base) {
		return "", false
	}
	if frag == "" || strings.HasPrefix(frag, "/") {
		p, err := unescapeURIFragment(frag)
		if err != nil {
			return "", false
		}
		if _, ok := d.at(p); !ok {
			return "", false
		}
		return p, true
	}
	p, ok := d.anchors[frag]
	return p, ok
}

func unescapeURIFragment(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	return url.PathUnescape(s)
}

// src is one schema object that applies at a place in the payload.
type src struct {
	ptr  string
	m    map[string]any // nil for a boolean schema
	open bool           // declares anything: `true`, or a $ref the walk cannot follow
	cond bool           // applies only under a condition (anyOf, oneOf, if/then/else)
}

func (d *schemaDoc) srcAt(ptr string) src {
	v, _ := d.at(ptr)
	switch x := v.(type) {
	case map[string]any:
		return src{ptr: ptr, m: x}
	case bool:
		return src{ptr: ptr, open: x}
	}
	return src{ptr: ptr, open: true}
}

// edges are the subschemas that apply to the same value as their parent;
// cond marks those that apply only sometimes.
var edges = []struct {
	kw    string
	list  bool
	cond  bool
	isMap bool
}{
	{"allOf", true, false, false},
	{"anyOf", true, true, false},
	{"oneOf", true, true, false},
	{"if", false, true, false},
	{"then", false, true, false},
	{"else", false, true, false},
	{"dependentSchemas", false, true, true},
}

// expand adds to roots every schema object that applies to the same value
// through $ref, $dynamicRef, allOf, anyOf, oneOf, if/then/else and
// dependentSchemas, each once: a cycle of references ends there. Objects
// reached unconditionally are found first, so one also reached through a
// condition keeps its required.
func (d *schemaDoc) expand(roots []src) []src {
	var out []src
	idx := map[string]int{}
	push := func(s src) {
		if i, ok := idx[s.ptr]; ok {
			out[i].cond = out[i].cond && s.cond
			return
		}
		idx[s.ptr] = len(out)
		out = append(out, s)
	}
	for _, r := range roots {
		push(r)
	}
	for pass := 0; pass < 2; pass++ {
		for i := 0; i < len(out); i++ {
			s := out[i]
			if s.m == nil {
				continue
			}
			for _, kw := range []string{"$ref", "$dynamicRef"} {
				if ref, ok := s.m[kw].(string); ok {
					if p, ok := d.resolve(ref); ok {
						t := d.srcAt(p)
						t.cond = s.cond
						push(t)
					} else {
						push(src{ptr: s.ptr + "/" + kw, open: true, cond: s.cond})
					}
				}
			}
			for _, e := range edges {
				if e.cond && pass == 0 {
					continue
				}
				for _, p := range subPointers(s.m[e.kw], s.ptr+"/"+e.kw, e.list, e.isMap) {
					t := d.srcAt(p)
					t.cond = s.cond || e.cond
					push(t)
				}
			}
		}
	}
	return out
}

// subPointers are the pointers of the schemas under a keyword: one, a
// list, or a map's values, in a stable order.
func subPointers(v any, ptr string, list, isMap bool) []string {
	switch {
	case list:
		a, _ := v.([]any)
		out := make([]string, len(a))
		for i := range a {
			out[i] = ptr + "/" + strconv.Itoa(i)
		}
		return out
	case isMap:
		m, _ := v.(map[string]any)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = ptr + "/" + escape(k)
		}
		return out
	case v != nil:
		return []string{ptr}
	}
	return nil
}

// pattern compiles a patternProperties key once; nil when it does not
// compile in Go's syntax (it then matches nothing here).
func (d *schemaDoc) pattern(p string) *regexp.Regexp {
	re, ok := d.re[p]
	if !ok {
		re, _ = regexp.Compile(p)
		d.re[p] = re
	}
	return re
}

// escape is a JSON Pointer token for a key.
func escape(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}
