package fastpath

import (
	"encoding/binary"
	"encoding/json"
)

// verdict is a three-valued answer: a keyword can pass, fail, or be beyond
// what the fast path can decide. The third value matters inside "if",
// whose failure is not an error but changes which branch applies.
type verdict uint8

const (
	vPass verdict = iota
	vFail
	vUnsure
)

// Valid reports whether the fast path proves d valid against s. false is
// "don't know": the payload may still be valid, and v5 decides.
func (s *Schema) Valid(d *Doc) bool { return s.eval(d, 0) == vPass }

// eval checks node idx of d against s. Each keyword either passes, or
// fails (and one failure decides, as it does for v5), or is unsure, and
// then so is the whole unless another keyword fails.
func (s *Schema) eval(d *Doc, idx int) verdict {
	kw := s.kw
	if kw&kwBool != 0 {
		if s.always {
			return vPass
		}
		return vFail
	}
	n := &d.nodes[idx]
	out := vPass
	if kw&kwRef != 0 {
		if out = s.ref.eval(d, idx); out == vFail {
			return vFail
		}
	}
	if kw&kwType != 0 && s.kinds&(1<<n.kind()) == 0 {
		// v5 takes 1.0 and 1e2 as integers; only a plain literal is
		// certain here.
		if n.kind() != kNumber || s.types&tInteger == 0 {
			return vFail
		}
		if n.flags()&fInteger == 0 {
			out = vUnsure
		}
	}
	if kw&kwString != 0 {
		if v := s.evalString(d, idx); v != vPass {
			if v == vFail {
				return vFail
			}
			out = vUnsure
		}
	}
	if kw&kwFormat != 0 {
		if v := s.evalFormat(d, idx); v != vPass {
			if v == vFail {
				return vFail
			}
			out = vUnsure
		}
	}
	var v verdict
	switch {
	case kw&kwNames != 0 && n.kind() == kObject:
		v = s.evalMembers(d, idx, int(n.next))
	case kw&kwItems != 0 && n.kind() == kArray:
		v = s.evalItems(d, idx, int(n.next))
	}
	if v != vPass {
		if v == vFail {
			return vFail
		}
		out = vUnsure
	}
	if kw&(kwAllOf|kwIf) != 0 {
		if v := s.evalApplicators(d, idx); v != vPass {
			if v == vFail {
				return vFail
			}
			out = vUnsure
		}
	}
	return out
}

// evalValue is eval, through evalLeaf for a leaf shape.
func (s *Schema) evalValue(d *Doc, idx int) verdict {
	if s.leaf != leafNone {
		if v, ok := s.evalLeaf(d, idx); ok {
			return v
		}
	}
	return s.eval(d, idx)
}

// passesType reports whether s is a schema with nothing but a type that
// node n has outright: the commonest leaf, checked without a call to eval.
func (s *Schema) passesType(n *jnode) bool {
	return s.kw == kwType && s.kinds&(1<<n.kind()) != 0
}

// evalMembers applies properties and required to the object at idx whose
// subtree ends before node end: one pass over the members, since the
// parser has ruled out duplicate keys, so each name is seen at most once.
func (s *Schema) evalMembers(d *Doc, idx, end int) verdict {
	out := vPass
	var seen uint64
	nodes, raw, t := d.nodes, d.raw, s.names
	for i := idx + 1; i < end; i = int(nodes[i+1].next) {
		// The name's entry in the table, written out here, the inner
		// loop, where a call would cost more than the lookup: the parser
		// left the name's slot input in its next; a name of up to 16
		// bytes is compared as two masked words.
		kn := &nodes[i]
		n, start := int(kn.end-kn.start), int(kn.start)
		var e *nameEntry
		for j := t.slots[t.slot(uint32(kn.next))]; j != 0; {
			c := &t.entries[j-1]
			if n != len(c.name) {
				j = c.next
				continue
			}
			if n <= 16 && start+16 <= len(raw) {
				b := raw[start : start+16]
				if binary.LittleEndian.Uint64(b)&c.m0 == c.w0 && binary.LittleEndian.Uint64(b[8:])&c.m1 == c.w1 {
					e = c
					break
				}
			} else if isNameSlow(raw, kn, c) {
				e = c
				break
			}
			j = c.next
		}
		if e == nil {
			continue
		}
		k := &e.key
		seen |= k.bit
		if k.leaf&(1<<nodes[i+1].kind()) != 0 || k.s == nil {
			continue
		}
		v, ok := vPass, false
		if k.s.leaf != leafNone {
			v, ok = k.s.evalLeaf(d, i+1)
		}
		if !ok {
			v = k.s.eval(d, i+1)
		}
		if v != vPass {
			if v == vFail {
				return vFail
			}
			out = vUnsure
		}
	}
	if seen != s.reqMask {
		return vFail
	}
	return out
}

// evalItems applies items to the array at idx whose subtree ends before
// node end.
func (s *Schema) evalItems(d *Doc, idx, end int) verdict {
	out := vPass
	nodes := d.nodes
	for i := idx + 1; i < end; i = int(nodes[i].next) {
		if s.items.passesType(&nodes[i]) {
			continue
		}
		if v := s.items.evalValue(d, i); v != vPass {
			if v == vFail {
				return vFail
			}
			out = vUnsure
		}
	}
	return out
}

// evalApplicators applies allOf and if/then/else to node idx; an allOf
// that is a switch of cases, to an object, through the switch.
func (s *Schema) evalApplicators(d *Doc, idx int) verdict {
	out := vPass
	allOf := s.allOf
	if s.cases != nil && d.nodes[idx].kind() == kObject {
		v, ok := s.cases.eval(d, idx)
		if v == vFail {
			return vFail
		}
		if ok {
			out, allOf = v, nil
		}
	}
	for _, sub := range allOf {
		if v := sub.eval(d, idx); v != vPass {
			if v == vFail {
				return vFail
			}
			out = vUnsure
		}
	}
	if s.ifS == nil {
		return out
	}
	var branch *Schema
	switch s.ifS.eval(d, idx) {
	case vPass:
		branch = s.thenS
	case vFail:
		branch = s.elseS
	default:
		return vUnsure
	}
	if branch != nil {
		if v := branch.eval(d, idx); v != vPass {
			return v
		}
	}
	return out
}

// evalString applies enum, const and pattern, which in the bundled schemas
// hold only strings: any other kind of value fails enum and const (v5's
// equality needs the same JSON type) and passes pattern.
func (s *Schema) evalString(d *Doc, idx int) verdict {
	if d.nodes[idx].kind() != kString {
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
	if n := &d.nodes[idx]; s.enumSet != nil && n.flags()&fEscaped == 0 {
		if _, found := s.enumSet.lookup(d.raw[n.start:n.end]); !found {
			return vFail
		}
	} else if s.hasEnum {
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
		v, ok := d.view(idx)
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

// evalFormat hands the value to v5's own format function, as v5 does,
// unless a hand-written check proves it passes first. v5's date-time,
// email and uri functions pass any value that is not a string.
func (s *Schema) evalFormat(d *Doc, idx int) verdict {
	n := d.nodes[idx]
	if s.quick != nil {
		if n.kind() != kString {
			return vPass
		}
		if str, ok := d.view(idx); ok && s.quick(str) {
			return vPass
		}
	}
	var v any
	switch n.kind() {
	case kNull:
		v = nil
	case kTrue:
		v = true
	case kFalse:
		v = false
	case kNumber:
		v = json.Number(d.raw[n.start:n.end])
	case kString:
		str, ok := d.view(idx) // v5's format functions keep nothing of it
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
