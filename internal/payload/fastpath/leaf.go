package fastpath

import "unsafe"

// The leaf shapes: the schemas most of a payload's checked values meet,
// besides a type alone (which evalMembers checks itself). evalLeaf checks
// them in one call where eval would go through every keyword group and
// call evalString or evalFormat besides.
const (
	leafNone   uint8 = iota
	leafGUID         // {"type": "string", "pattern": the GUID pattern}
	leafEnum         // {"enum": [strings]}
	leafConst        // {"const": string}
	leafFormat       // {"type": string and/or null, "format": f}, f with a hand-written check
)

// leafShape returns the leaf shape s has, or leafNone.
func (s *Schema) leafShape() uint8 {
	onlyGUID := s.guid && !s.hasEnum && s.constant == nil && s.pattern == nil
	onlyEnum := s.hasEnum && s.enumSet != nil && s.constant == nil && !s.guid && s.pattern == nil
	onlyConst := s.constant != nil && !s.hasEnum && !s.guid && s.pattern == nil
	switch {
	case s.kw == kwType|kwString && s.types == tString && onlyGUID:
		return leafGUID
	case s.kw == kwString && onlyEnum:
		return leafEnum
	case s.kw == kwString && onlyConst:
		return leafConst
	case s.kw == kwType|kwFormat && s.quick != nil && s.types&^(tString|tNull) == 0:
		return leafFormat
	}
	return leafNone
}

// evalLeaf checks node idx against s, a leaf shape, as eval would; ok is
// false when eval has to (an escaped string, or a format the hand-written
// check cannot prove).
func (s *Schema) evalLeaf(d *Doc, idx int) (v verdict, ok bool) {
	n := &d.nodes[idx]
	if n.kind() != kString {
		// A GUID must be a string; an enum or const of strings fails any
		// other JSON type (v5's equality needs the same type); a format
		// passes what is not a string, so its type decides.
		if s.leaf == leafFormat && s.kinds&(1<<n.kind()) != 0 {
			return vPass, true
		}
		return vFail, true
	}
	if n.flags()&fEscaped != 0 {
		return vUnsure, false
	}
	// The string's bytes without a copy, as view has them (inlined here).
	b := d.raw[n.start:n.end]
	str := unsafe.String(unsafe.SliceData(b), len(b))
	var pass bool
	switch s.leaf {
	case leafGUID:
		pass = isGUID(str)
	case leafEnum:
		_, pass = s.enumSet.lookup(b)
	case leafConst:
		pass = str == *s.constant
	case leafFormat:
		if s.types&tString == 0 {
			return vFail, true
		}
		if !s.quick(str) {
			return vUnsure, false
		}
		pass = true
	}
	if !pass {
		return vFail, true
	}
	return vPass, true
}
