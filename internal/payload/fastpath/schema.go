package fastpath

import (
	"fmt"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

const (
	tNull uint8 = 1 << iota
	tBoolean
	tObject
	tArray
	tNumber
	tString
	tInteger
)

// fkey is what an object schema says about one property name: the schema
// its value must match (nil: none) and its index among the required names
// (-1: not required). link adds what evalMembers reads on its inner loop:
// the index as a bit, and, when the schema is a type alone, the node
// kinds it passes, so that most members take no call to eval.
type fkey struct {
	s    *Schema
	req  int
	bit  uint64 // 1<<req, 0 when not required
	leaf uint8  // s.kinds when s is a type alone, else 0
}

// Schema is a schema in the fast path's form, built by Compile; its Valid
// is the fast path's one verdict.
type Schema struct {
	kw       uint16 // the keyword groups it has: kw bits
	kinds    uint8  // with kwType: the node kinds that pass "type" outright, a bit each
	leaf     uint8  // its leaf shape, leafNone for the rest
	always   bool   // with kwBool: the boolean schema's verdict
	types    uint8  // 0: no "type"
	enum     []string
	enumSet  *nameTable // enum, for unescaped strings
	hasEnum  bool
	constant *string
	required []string
	keys     map[string]fkey // properties and required, by name, while compiling
	names    *nameTable      // keys, for eval
	reqMask  uint64          // the bits of every required name
	items    *Schema
	allOf    []*Schema
	cases    *caseSwitch // allOf, when it is a switch of cases
	ifS      *Schema
	thenS    *Schema
	elseS    *Schema
	ref      *Schema
	format   func(any) bool    // v5's own format function
	quick    func(string) bool // a hand-written check for it, or nil
	guid     bool
	pattern  *regexp.Regexp
}

// The keyword groups a schema has, so that eval tests one word to know
// which to skip.
const (
	kwBool   uint16 = 1 << iota // a boolean schema
	kwRef                       // $ref
	kwType                      // type
	kwString                    // enum, const, pattern
	kwFormat                    // format
	kwNames                     // properties, required
	kwItems                     // items
	kwAllOf                     // allOf
	kwIf                        // if, with then and else
)

// finish derives kw, kinds and the lookup tables from the keywords.
func (s *Schema) finish() error {
	if s.keys != nil {
		if len(s.keys) > maxTableNames {
			return fmt.Errorf("more than %d property names", maxTableNames)
		}
		s.names, s.keys = newNameTable(s.keys), nil
		s.kw |= kwNames
	}
	if s.hasEnum && len(s.enum) <= maxTableNames {
		set := make(map[string]fkey, len(s.enum))
		for _, e := range s.enum {
			set[e] = fkey{}
		}
		s.enumSet = newNameTable(set)
	}
	// then and else mean nothing without if (v5 ignores them too).
	if s.ifS == nil {
		s.thenS, s.elseS = nil, nil
	}
	for _, g := range []struct {
		has bool
		kw  uint16
	}{
		{s.ref != nil, kwRef}, {s.types != 0, kwType}, {s.format != nil, kwFormat}, {s.items != nil, kwItems},
		{s.hasEnum || s.constant != nil || s.guid || s.pattern != nil, kwString},
		{len(s.allOf) > 0, kwAllOf}, {s.ifS != nil, kwIf},
	} {
		if g.has {
			s.kw |= g.kw
		}
	}
	s.leaf = s.leafShape()
	for kind, t := range [...]uint8{kNull: tNull, kFalse: tBoolean, kTrue: tBoolean, kNumber: tNumber, kString: tString, kObject: tObject, kArray: tArray} {
		if s.types&t != 0 {
			s.kinds |= 1 << kind
		}
	}
	return nil
}

// link replaces every reference to a schema that is only a $ref by its
// target, once the whole document is compiled, to save eval a call.
func link(s *Schema, seen map[*Schema]bool) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	for _, p := range []**Schema{&s.ref, &s.items, &s.ifS, &s.thenS, &s.elseS} {
		*p = bypassRefs(*p)
		link(*p, seen)
	}
	for i := range s.allOf {
		s.allOf[i] = bypassRefs(s.allOf[i])
		link(s.allOf[i], seen)
	}
	if s.names != nil {
		for i := range s.names.entries {
			k := &s.names.entries[i].key
			k.s = bypassRefs(k.s)
			link(k.s, seen)
			if k.req >= 0 {
				k.bit = 1 << k.req
			}
			if k.s != nil && k.s.kw == kwType {
				k.leaf = k.s.kinds
			}
		}
	}
	if len(s.allOf) > 1 {
		s.cases = newCaseSwitch(s.allOf)
	}
}

// bypassRefs follows s while it is a schema with nothing but a $ref; a
// cycle of such schemas is left as it is.
func bypassRefs(s *Schema) *Schema {
	for range 64 {
		if s == nil || s.kw != kwRef {
			return s
		}
		s = s.ref
	}
	return s
}

// annotations are keywords that never change a verdict.
var annotations = map[string]bool{
	"$comment": true, "title": true, "description": true, "$defs": true, "examples": true,
	"default": true, "deprecated": true, "readOnly": true, "writeOnly": true,
}

type compiler struct {
	root any
	refs map[string]*Schema
}

// Compile builds the fast form of a decoded draft 2020-12 schema document
// (as encoding/json decodes it into any), or returns an error naming the
// first keyword or value it does not implement exactly as v5 does; such a
// schema is left to v5 whole.
func Compile(doc any) (*Schema, error) {
	if m, ok := doc.(map[string]any); ok {
		if s, ok := m["$schema"]; ok && s != "https://json-schema.org/draft/2020-12/schema" {
			return nil, fmt.Errorf("$schema %v", s)
		}
	}
	c := &compiler{root: doc, refs: map[string]*Schema{}}
	s, err := c.compile(doc, true)
	if err != nil {
		return nil, err
	}
	s = bypassRefs(s)
	link(s, map[*Schema]bool{})
	return s, nil
}

func (c *compiler) compile(v any, root bool) (*Schema, error) {
	if b, ok := v.(bool); ok {
		return &Schema{kw: kwBool, always: b}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema is %T", v)
	}
	s := &Schema{}
	for k, val := range m {
		var err error
		switch {
		case annotations[k]:
		case root && (k == "$schema" || k == "$id"):
		case k == "type":
			s.types, err = fastTypes(val)
		case k == "enum":
			s.hasEnum = true
			s.enum, err = stringList(val)
		case k == "const":
			str, ok := val.(string)
			if !ok {
				err = fmt.Errorf("non-string const")
			}
			s.constant = &str
		case k == "required":
			s.required, err = stringList(val)
		case k == "properties":
			err = c.compileProperties(s, val)
		case k == "items":
			s.items, err = c.compile(val, false)
		case k == "allOf":
			s.allOf, err = c.compileAll(val)
		case k == "if":
			s.ifS, err = c.compile(val, false)
		case k == "then":
			s.thenS, err = c.compile(val, false)
		case k == "else":
			s.elseS, err = c.compile(val, false)
		case k == "$ref":
			s.ref, err = c.resolve(val)
		case k == "format":
			name, _ := val.(string)
			if s.format = jsonschema.Formats[name]; s.format == nil {
				err = fmt.Errorf("format %q", name)
			}
			s.quick = quickFormats[name]
		case k == "pattern":
			p, _ := val.(string)
			if p == guidPattern {
				s.guid = true
			} else {
				s.pattern, err = regexp.Compile(p)
			}
		default:
			err = fmt.Errorf("keyword %q", k)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := s.indexRequired(); err != nil {
		return nil, err
	}
	if err := s.finish(); err != nil {
		return nil, err
	}
	return s, nil
}

// compileProperties compiles a properties keyword into s.keys.
func (c *compiler) compileProperties(s *Schema, val any) error {
	props, ok := val.(map[string]any)
	if !ok {
		return fmt.Errorf("properties is %T", val)
	}
	for name, sub := range props {
		fs, err := c.compile(sub, false)
		if err != nil {
			return err
		}
		if s.keys == nil {
			s.keys = map[string]fkey{}
		}
		k, ok := s.keys[name]
		if !ok {
			k.req = -1
		}
		k.s = fs
		s.keys[name] = k
	}
	return nil
}

// compileAll compiles an allOf list.
func (c *compiler) compileAll(val any) ([]*Schema, error) {
	list, ok := val.([]any)
	if !ok {
		return nil, fmt.Errorf("allOf is %T", val)
	}
	var out []*Schema
	for _, sub := range list {
		fs, err := c.compile(sub, false)
		if err != nil {
			return nil, err
		}
		out = append(out, fs)
	}
	return out, nil
}

// indexRequired gives each required name its bit in reqMask.
func (s *Schema) indexRequired() error {
	if len(s.required) > 64 {
		return fmt.Errorf("more than 64 required properties")
	}
	for i, name := range s.required {
		if s.keys == nil {
			s.keys = map[string]fkey{}
		}
		k, ok := s.keys[name]
		if !ok {
			k.req = -1
		}
		if k.req < 0 { // a name listed twice keeps its first bit
			k.req = i
			s.reqMask |= 1 << i
		}
		s.keys[name] = k
	}
	return nil
}

// resolve compiles a $ref to a JSON Pointer in the same document, once,
// so recursive references end.
func (c *compiler) resolve(v any) (*Schema, error) {
	ref, _ := v.(string)
	if !strings.HasPrefix(ref, "#/") || strings.ContainsAny(ref, "%~") {
		return nil, fmt.Errorf("$ref %q", ref)
	}
	if s, ok := c.refs[ref]; ok {
		return s, nil
	}
	target, ok := jsonptr.Get(c.root, ref[1:])
	if !ok {
		return nil, fmt.Errorf("$ref %q not found", ref)
	}
	// Reserve the slot before compiling, for a schema that refers to itself.
	s := &Schema{}
	c.refs[ref] = s
	compiled, err := c.compile(target, false)
	if err != nil {
		return nil, err
	}
	*s = *compiled
	return s, nil
}

func fastTypes(v any) (uint8, error) {
	var names []string
	switch t := v.(type) {
	case string:
		names = []string{t}
	case []any:
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				return 0, fmt.Errorf("type %v", v)
			}
			names = append(names, s)
		}
	default:
		return 0, fmt.Errorf("type %v", v)
	}
	var bits uint8
	for _, n := range names {
		switch n {
		case "null":
			bits |= tNull
		case "boolean":
			bits |= tBoolean
		case "object":
			bits |= tObject
		case "array":
			bits |= tArray
		case "number":
			bits |= tNumber
		case "string":
			bits |= tString
		case "integer":
			bits |= tInteger
		default:
			return 0, fmt.Errorf("type %q", n)
		}
	}
	if bits == 0 {
		return 0, fmt.Errorf("empty type")
	}
	return bits, nil
}

func stringList(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%T is not a list", v)
	}
	out := make([]string, len(list))
	for i, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("non-string %v in list", x)
		}
		out[i] = s
	}
	return out, nil
}
