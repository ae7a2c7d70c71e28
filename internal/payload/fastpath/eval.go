package fastpath

import "encoding/json"

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
func (s *Schema) eval(d *Doc, idx int) verdict {
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
		if s.names == nil {
			break
		}
		// One pass over the members; the parser has ruled out duplicate
		// keys, so each name is seen at most once.
		var seen uint64
		for i := idx + 1; i < int(n.next); i = int(d.nodes[i+1].next) {
			kn := d.nodes[i]
			k, ok := s.names.lookup(d.raw[kn.start:kn.end])
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
			out = and(out, branch.eval(d, idx))
		}
	}
	return out
}

func (s *Schema) evalType(n *jnode) verdict {
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
func (s *Schema) evalString(d *Doc, idx int) verdict {
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
		if n.kind != kString {
			return vPass
		}
		if str, ok := d.view(idx); ok && s.quick(str) {
			return vPass
		}
	}
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
