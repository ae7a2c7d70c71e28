package payload

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// The fast path for the bundled schemas. jsonschema/v5 is the reference: it
// decides every invalid payload and writes every error message. The fast
// path may only answer "valid", and only when it can prove it; for anything
// else (a failed keyword, a value it is unsure about, JSON it leaves to
// encoding/json) it answers "don't know" and the payload goes through v5.
//
// It compiles a schema only if every keyword in it is one it implements
// exactly as v5 does (type, enum and const of strings, required,
// properties, items, allOf, if/then/else, local $ref, boolean schemas,
// format through v5's own format functions, pattern through the same Go
// regexp, or a hand-written check for the GUID pattern), and otherwise
// leaves the whole schema to v5. TestFastPathAgreesWithV5 checks its
// verdicts against v5's over generated valid and mutated payloads.

// verdict is a three-valued answer: a keyword can pass, fail, or be beyond
// what the fast path can decide. The third value matters inside "if",
// whose failure is not an error but changes which branch applies.
type verdict uint8

const (
	vPass verdict = iota
	vFail
	vUnsure
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
// its value must match (nil: none) and its bit among the required names
// (-1: not required).
type fkey struct {
	s   *fschema
	req int
}

type fschema struct {
	always   *bool // a boolean schema
	types    uint8 // 0: no "type"
	enum     []string
	hasEnum  bool
	constant *string
	required []string
	keys     map[string]fkey // properties and required, by name
	reqMask  uint64          // the bits of every required name
	items    *fschema
	allOf    []*fschema
	ifS      *fschema
	thenS    *fschema
	elseS    *fschema
	ref      *fschema
	format   func(any) bool
	guid     bool
	pattern  *regexp.Regexp
}

// guidPattern is the bundled schemas' GUID pattern, checked by hand.
const guidPattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

// annotations are keywords that never change a verdict.
var annotations = map[string]bool{
	"$comment": true, "title": true, "description": true, "$defs": true, "examples": true,
	"default": true, "deprecated": true, "readOnly": true, "writeOnly": true,
}

type fastCompiler struct {
	root any
	refs map[string]*fschema
}

// compileFast builds the fast form of a decoded draft 2020-12 schema
// document, or returns an error naming the first thing it does not support.
func compileFast(doc any) (*fschema, error) {
	if m, ok := doc.(map[string]any); ok {
		if s, ok := m["$schema"]; ok && s != "https://json-schema.org/draft/2020-12/schema" {
			return nil, fmt.Errorf("$schema %v", s)
		}
	}
	c := &fastCompiler{root: doc, refs: map[string]*fschema{}}
	return c.compile(doc, true)
}

func (c *fastCompiler) compile(v any, root bool) (*fschema, error) {
	if b, ok := v.(bool); ok {
		return &fschema{always: &b}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema is %T", v)
	}
	s := &fschema{}
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
	// then and else mean nothing without if (v5 ignores them too).
	if s.ifS == nil {
		s.thenS, s.elseS = nil, nil
	}
	return s, nil
}

// compileProperties compiles a properties keyword into s.keys.
func (c *fastCompiler) compileProperties(s *fschema, val any) error {
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
func (c *fastCompiler) compileAll(val any) ([]*fschema, error) {
	list, ok := val.([]any)
	if !ok {
		return nil, fmt.Errorf("allOf is %T", val)
	}
	var out []*fschema
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
func (s *fschema) indexRequired() error {
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
func (c *fastCompiler) resolve(v any) (*fschema, error) {
	ref, _ := v.(string)
	if !strings.HasPrefix(ref, "#/") || strings.ContainsAny(ref, "%~") {
		return nil, fmt.Errorf("$ref %q", ref)
	}
	if s, ok := c.refs[ref]; ok {
		return s, nil
	}
	target, ok := pointerGet(c.root, ref[1:])
	if !ok {
		return nil, fmt.Errorf("$ref %q not found", ref)
	}
	// Reserve the slot before compiling, for a schema that refers to itself.
	s := &fschema{}
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

// and combines the verdicts of keywords that must all pass: one definite
// failure decides, as it does for v5.
func and(a, b verdict) verdict {
	if a == vFail || b == vFail {
		return vFail
	}
	if a == vUnsure || b == vUnsure {
		return vUnsure
	}
	return vPass
}

// eval checks node idx of d against s.
func (s *fschema) eval(d *jdoc, idx int) verdict {
	if s.always != nil {
		if *s.always {
			return vPass
		}
		return vFail
	}
	n := &d.nodes[idx]
	out := vPass
	if s.ref != nil {
		if out = s.ref.eval(d, idx); out == vFail {
			return vFail
		}
	}
	if s.types != 0 {
		if out = and(out, s.evalType(n)); out == vFail {
			return vFail
		}
	}
	if s.hasEnum || s.constant != nil || s.guid || s.pattern != nil {
		if out = and(out, s.evalString(d, idx)); out == vFail {
			return vFail
		}
	}
	if s.format != nil {
		if out = and(out, s.evalFormat(d, idx)); out == vFail {
			return vFail
		}
	}
	switch n.kind {
	case kObject:
		if s.keys == nil {
			break
		}
		// One pass over the members; the parser has ruled out duplicate
		// keys, so each name is seen at most once.
		var seen uint64
		for i := idx + 1; i < int(n.next); i = int(d.nodes[i+1].next) {
			kn := d.nodes[i]
			k, ok := s.keys[string(d.raw[kn.start:kn.end])]
			if !ok {
				continue
			}
			if k.req >= 0 {
				seen |= 1 << k.req
			}
			if k.s != nil {
				if out = and(out, k.s.eval(d, i+1)); out == vFail {
					return vFail
				}
			}
		}
		if seen != s.reqMask {
			return vFail
		}
	case kArray:
		if s.items != nil {
			for i := idx + 1; i < int(n.next); i = int(d.nodes[i].next) {
				if out = and(out, s.items.eval(d, i)); out == vFail {
					return vFail
				}
			}
		}
	}
	for _, sub := range s.allOf {
		if out = and(out, sub.eval(d, idx)); out == vFail {
			return vFail
		}
	}
	if s.ifS != nil {
		var branch *fschema
		switch s.ifS.eval(d, idx) {
		case vPass:
			branch = s.thenS
		case vFail:
			branch = s.elseS
		default:
			return vUnsure
		}
		if branch != nil {
			out = and(out, branch.eval(d, idx))
		}
	}
	return out
}

func (s *fschema) evalType(n *jnode) verdict {
	var have uint8
	switch n.kind {
	case kNull:
		have = tNull
	case kTrue, kFalse:
		have = tBoolean
	case kObject:
		have = tObject
	case kArray:
		have = tArray
	case kString:
		have = tString
	case kNumber:
		have = tNumber
		if s.types&tInteger != 0 && s.types&tNumber == 0 {
			// v5 takes 1.0 and 1e2 as integers; only a plain literal
			// is certain here.
			if n.flags&fInteger != 0 {
				return vPass
			}
			return vUnsure
		}
	}
	if s.types&have != 0 {
		return vPass
	}
	return vFail
}

// evalString applies enum, const and pattern, which in the bundled schemas
// hold only strings: any other kind of value fails enum and const (v5's
// equality needs the same JSON type) and passes pattern.
func (s *fschema) evalString(d *jdoc, idx int) verdict {
	if d.nodes[idx].kind != kString {
		if s.hasEnum || s.constant != nil {
			return vFail
		}
		return vPass
	}
	if s.constant != nil {
		eq, ok := d.strEquals(idx, *s.constant)
		if !ok {
			return vUnsure
		}
		if !eq {
			return vFail
		}
	}
	if s.hasEnum {
		found := false
		for _, e := range s.enum {
			eq, ok := d.strEquals(idx, e)
			if !ok {
				return vUnsure
			}
			if eq {
				found = true
				break
			}
		}
		if !found {
			return vFail
		}
	}
	if s.guid || s.pattern != nil {
		v, ok := d.str(idx)
		if !ok {
			return vUnsure
		}
		if s.guid && !isGUID(v) {
			return vFail
		}
		if s.pattern != nil && !s.pattern.MatchString(v) {
			return vFail
		}
	}
	return vPass
}

// evalFormat hands the value to v5's own format function, as v5 does.
func (s *fschema) evalFormat(d *jdoc, idx int) verdict {
	n := d.nodes[idx]
	var v any
	switch n.kind {
	case kNull:
		v = nil
	case kTrue:
		v = true
	case kFalse:
		v = false
	case kNumber:
		v = json.Number(d.raw[n.start:n.end])
	case kString:
		str, ok := d.str(idx)
		if !ok {
			return vUnsure
		}
		v = str
	default:
		return vUnsure
	}
	if s.format(v) {
		return vPass
	}
	return vFail
}
