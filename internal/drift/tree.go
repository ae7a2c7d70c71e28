package drift

import (
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"sort"
	"strconv"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/jsonscan"
)

// dnode is what a schema declares at one place in the payloads, named by
// a pointer pattern (/event/request/privileges/*/action): the schema
// objects that apply there, the property names they declare, and what the
// payloads have shown of it. Nodes are made as payloads reach them, so a
// recursive schema costs only as deep as the payloads go.
type dnode struct {
	pattern string
	srcs    []src
	// objOpen and arrOpen: the schema names nothing inside an object
	// (no properties, patternProperties or additionalProperties) or an
	// array (no items or prefixItems) here, so whatever it holds is
	// declared.
	objOpen, arrOpen bool
	names            map[string]bool   // declared property names -> required
	named            map[string]*dnode // the declared names seen, by name
	mapped           map[string]*dnode // map keys' nodes, by the schemas that apply
	items            *dnode

	objSeen bool // an object was seen here
}

// tree is the declared tree of one schema.
type tree struct {
	doc   *schemaDoc
	root  *dnode
	nodes int
}

// maxNodes bounds a tree: a schema and payloads that would need more are
// taken as declaring everything past it.
const maxNodes = 20000

func newTree(doc *schemaDoc) *tree {
	t := &tree{doc: doc}
	t.root = t.node("", doc.expand([]src{doc.srcAt("")}))
	return t
}

func (t *tree) node(pattern string, srcs []src) *dnode {
	n := &dnode{pattern: pattern, srcs: srcs, names: map[string]bool{}}
	t.nodes++
	if t.nodes > maxNodes {
		n.objOpen, n.arrOpen = true, true
		return n
	}
	objKw, arrKw := false, false
	for _, s := range srcs {
		if s.open {
			n.objOpen, n.arrOpen = true, true
			return n
		}
		if s.m == nil {
			continue
		}
		for _, k := range []string{"properties", "patternProperties", "additionalProperties"} {
			if _, ok := s.m[k]; ok {
				objKw = true
			}
		}
		for _, k := range []string{"items", "prefixItems", "additionalItems"} {
			if _, ok := s.m[k]; ok {
				arrKw = true
			}
		}
		props, _ := s.m["properties"].(map[string]any)
		for k := range props {
			if !n.names[k] {
				n.names[k] = false
			}
		}
	}
	for _, s := range srcs {
		if s.m == nil || s.cond {
			continue
		}
		req, _ := s.m["required"].([]any)
		for _, r := range req {
			if name, ok := r.(string); ok {
				n.names[name] = true
			}
		}
	}
	n.objOpen, n.arrOpen = !objKw, !arrKw
	return n
}

// child is the node for key inside an object at n. mapKey says the
// pattern names it "*": a map key (patternProperties, or an
// additionalProperties schema), not a name a schema gives. declared is
// false when no schema there says anything of the key.
func (t *tree) child(n *dnode, key string) (c *dnode, mapKey, declared bool) {
	if c := n.named[key]; c != nil {
		return c, false, true
	}
	if _, named := n.names[key]; named {
		var srcs []src
		for _, s := range n.srcs {
			props, _ := s.m["properties"].(map[string]any)
			if _, ok := props[key]; ok {
				srcs = append(srcs, t.doc.srcAt(s.ptr+"/properties/"+escape(key)))
			}
			srcs = append(srcs, t.patternSrcs(s, key)...)
		}
		if len(srcs) == 0 { // named only by required: anything goes
			srcs = []src{{ptr: n.pattern, open: true}}
		}
		if n.named == nil {
			n.named = map[string]*dnode{}
		}
		c := t.node(n.pattern+"/"+escape(key), t.doc.expand(srcs))
		n.named[key] = c
		return c, false, true
	}
	var srcs []src
	for _, s := range n.srcs {
		if s.m == nil {
			continue
		}
		ps := t.patternSrcs(s, key)
		srcs = append(srcs, ps...)
		if len(ps) > 0 {
			continue
		}
		switch a := s.m["additionalProperties"].(type) {
		case map[string]any:
			srcs = append(srcs, t.doc.srcAt(s.ptr+"/additionalProperties"))
		case bool:
			_, hasProps := s.m["properties"]
			_, hasPats := s.m["patternProperties"]
			if a && !hasProps && !hasPats { // a map of anything
				srcs = append(srcs, src{ptr: s.ptr + "/additionalProperties", open: true})
			}
		}
	}
	if len(srcs) == 0 {
		return nil, false, false
	}
	ptrs := make([]string, len(srcs))
	for i, s := range srcs {
		ptrs[i] = s.ptr
	}
	memo := strings.Join(ptrs, "\x00")
	if c := n.mapped[memo]; c != nil {
		return c, true, true
	}
	if n.mapped == nil {
		n.mapped = map[string]*dnode{}
	}
	c = t.node(n.pattern+"/*", t.doc.expand(srcs))
	n.mapped[memo] = c
	return c, true, true
}

func (t *tree) patternSrcs(s src, key string) []src {
	pats, _ := s.m["patternProperties"].(map[string]any)
	if len(pats) == 0 {
		return nil
	}
	keys := make([]string, 0, len(pats))
	for p := range pats {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	var out []src
	for _, p := range keys {
		if re := t.doc.pattern(p); re != nil && re.MatchString(key) {
			out = append(out, t.doc.srcAt(s.ptr+"/patternProperties/"+escape(p)))
		}
	}
	return out
}

// itemsOf is the node for the elements of an array at n.
func (t *tree) itemsOf(n *dnode) *dnode {
	if n.items != nil {
		return n.items
	}
	var srcs []src
	for _, s := range n.srcs {
		if s.m == nil {
			continue
		}
		switch it := s.m["items"].(type) {
		case map[string]any, bool:
			if it != false {
				srcs = append(srcs, t.doc.srcAt(s.ptr+"/items"))
			}
		case []any: // draft 2019-09 and before: a tuple
			srcs = append(srcs, srcsOfList(t.doc, s.ptr+"/items", len(it))...)
		}
		if pre, ok := s.m["prefixItems"].([]any); ok {
			srcs = append(srcs, srcsOfList(t.doc, s.ptr+"/prefixItems", len(pre))...)
		}
		if _, ok := s.m["additionalItems"].(map[string]any); ok {
			srcs = append(srcs, t.doc.srcAt(s.ptr+"/additionalItems"))
		}
	}
	n.items = t.node(n.pattern+"/*", t.doc.expand(srcs))
	return n.items
}

func srcsOfList(d *schemaDoc, ptr string, n int) []src {
	out := make([]src, n)
	for i := range out {
		out[i] = d.srcAt(ptr + "/" + strconv.Itoa(i))
	}
	return out
}

// walk reads a payload value at n and calls undeclared, with the value's
// text, for each key no schema declares (not going below it: what is
// under an undeclared field is undeclared too), marking what it sees.
func (t *tree) walk(sc *jsonscan.Scanner, n *dnode, undeclared func(parent *dnode, pattern string, raw []byte)) {
	switch sc.Peek() {
	case jsonscan.Object:
		if n.objOpen {
			sc.Skip()
			return
		}
		n.objSeen = true
		sc.Object(func(k []byte) {
			c := n.named[string(k)]
			if c == nil {
				var ok bool
				if c, _, ok = t.child(n, string(k)); !ok {
					undeclared(n, n.pattern+"/"+escape(string(k)), sc.Raw())
					return
				}
			}
			t.walk(sc, c, undeclared)
		})
	case jsonscan.Array:
		if n.arrOpen {
			sc.Skip()
			return
		}
		c := t.itemsOf(n)
		sc.Array(func() { t.walk(sc, c, undeclared) })
	default:
		sc.Skip()
	}
}

// patternOf turns an instance location into its pointer pattern: array
// indexes and map keys become "*".
func (t *tree) patternOf(doc any, ptr string) string {
	if ptr == "" {
		return ""
	}
	var b strings.Builder
	cur, n := doc, t.root
	for _, tok := range strings.Split(ptr[1:], "/") {
		key := jsonptr.Unescape(tok)
		switch c := cur.(type) {
		case []any:
			b.WriteString("/*")
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(c) {
				cur = nil
			} else {
				cur = c[i]
			}
			if n != nil && !n.arrOpen {
				n = t.itemsOf(n)
			} else {
				n = nil
			}
		case map[string]any:
			cur = c[key]
			if n == nil || n.objOpen {
				b.WriteString("/" + tok)
				n = nil
				continue
			}
			next, mapKey, ok := t.child(n, key)
			if mapKey {
				b.WriteString("/*")
			} else {
				b.WriteString("/" + tok)
			}
			if !ok {
				next = nil
			}
			n = next
		default:
			b.WriteString("/" + tok)
			cur, n = nil, nil
		}
	}
	return b.String()
}

// optional calls fn with the pattern of each declared, optional property
// of an object seen somewhere, and whether it was seen.
func (t *tree) optional(fn func(pattern string, seen bool)) {
	var visit func(n *dnode)
	visit = func(n *dnode) {
		if n.objSeen {
			for name, req := range n.names {
				if !req {
					fn(n.pattern+"/"+escape(name), n.named[name] != nil)
				}
			}
		}
		for _, c := range n.named {
			visit(c)
		}
		for _, c := range n.mapped {
			visit(c)
		}
		if n.items != nil {
			visit(n.items)
		}
	}
	visit(t.root)
}
