package fastpath

import (
	"encoding/json"
	"unsafe"
)

const (
	kNull uint8 = iota
	kFalse
	kTrue
	kNumber
	kString
	kObject
	kArray
)

const (
	fEscaped uint8 = 1 << iota // a string with backslash escapes
	fInteger                   // a number written without fraction or exponent
)

func (n jnode) kind() uint8  { return uint8(n.tag) }
func (n jnode) flags() uint8 { return uint8(n.tag >> 8) }

// tag packs a node's kind and flags.
func tag(kind, flags uint8) uint16 { return uint16(kind) | uint16(flags)<<8 }

// maxFastDepth bounds nesting; deeper documents take the slow path, which
// has its own limit and error message.
const maxFastDepth = 256

type jnode struct {
	// tag is the node's kind in the low byte and its flags in the high:
	// with four fields the compiler builds a node in registers, where
	// with five it builds it on the stack and copies it, and that copy
	// waits on the narrower stores before it, once for every node.
	tag uint16
	// start and end delimit a scalar's text in raw: a string's without its
	// quotes, a number's literal.
	start, end int32
	// next is the index of the node after this one's subtree; for a
	// container the members follow it, an object's as key, value pairs.
	// A member's name is never walked past, so its next holds instead
	// the name's slot input for the name tables (nameSlotInput).
	next int32
}

// Doc is a JSON document as the fast reader parsed it: a flat slice of
// nodes that point into the raw bytes. Parse hands one out; Release
// returns it for reuse.
type Doc struct {
	raw   []byte
	nodes []jnode
	// While parsing: the containers open around the current value, by
	// depth, and for an object the filter of its key names so far.
	open [maxFastDepth]int32
	seen [maxFastDepth]uint64
}

// parse reads raw into d. It reports false for invalid JSON and for JSON it
// leaves to the slow path.
func (d *Doc) parse(raw []byte) bool {
	d.raw = raw
	d.nodes = d.nodes[:0]
	// UTF-8 is checked in strings, the only place JSON allows other than
	// ASCII: anywhere else such a byte fails the grammar.
	if len(raw) > 1<<30 {
		return false
	}
	nodes, ok := d.tree(raw, d.nodes)
	d.nodes = nodes
	return ok
}

// tree appends the nodes of the JSON text raw to nodes. It is one loop
// over the tokens with an explicit stack of open containers, and the
// usual string scanned in place, rather than a call per value or key: a
// call makes the loop spill and reload its registers, which cost more
// than most tokens' own work. A string whose plain bytes end other than
// at a quote goes to scanString, which checks escapes and UTF-8.
//
// Its indexes are compared with len(raw) as unsigned numbers, and depth-1
// masked to the stack's size, which lets the compiler drop its own bounds
// checks on the loads that follow: they were a tenth of the work.
func (d *Doc) tree(raw []byte, nodes []jnode) ([]jnode, bool) {
	depth, pos := 0, skipWS(raw, 0)
	wantKey := false // the token at pos must be a member's name
	for {
		if uint(pos) >= uint(len(raw)) {
			return nodes, false
		}
		idx := len(nodes)
		switch c := raw[pos]; {
		case c == '"':
			end, flags := plainEnd(raw, pos+1), uint8(0)
			if uint(end) < uint(len(raw)) && raw[end] == '"' {
				end++
			} else {
				var ok bool
				if end, flags, ok = scanString(raw, pos); !ok {
					return nodes, false
				}
			}
			next := int32(idx + 1)
			var x uint32
			if wantKey {
				if flags != 0 {
					return nodes, false
				}
				x = nameSlotInputAt(raw, pos+1, end-pos-2)
				next = int32(x)
			}
			nodes = append(nodes, jnode{tag: tag(kString, flags), start: int32(pos + 1), end: int32(end - 1), next: next})
			if wantKey {
				bit, top := uint64(1)<<(x*0x9e3779b1>>26), (depth-1)&(maxFastDepth-1)
				if d.seen[top]&bit != 0 && d.duplicate(raw, nodes, depth) {
					return nodes, false
				}
				d.seen[top] |= bit
				pos = end
				if uint(pos) >= uint(len(raw)) || raw[pos] != ':' {
					if pos = skipWS(raw, pos); uint(pos) >= uint(len(raw)) || raw[pos] != ':' {
						return nodes, false
					}
				}
				if pos++; uint(pos) < uint(len(raw)) && raw[pos] == ' ' {
					pos++
				}
				wantKey = false
				continue
			}
			pos = end
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			pos = skipWS(raw, pos)
			continue
		case (c == '}' || c == ']') && depth > 0 && int(d.open[(depth-1)&(maxFastDepth-1)]) == idx-1:
			wantKey = false // an empty container, closed below
		case wantKey:
			return nodes, false
		case c == '{' || c == '[':
			if uint(depth) >= maxFastDepth {
				return nodes, false
			}
			kind := kArray - c>>5&1 // '{' is 0x7b, '[' 0x5b
			nodes = append(nodes, jnode{tag: tag(kind, 0), start: int32(pos)})
			d.open[depth], d.seen[depth] = int32(idx), 0
			depth++
			pos, wantKey = skipWS(raw, skipNewline(raw, pos+1)), kind == kObject
			continue
		default:
			var ok bool
			if nodes, pos, ok = scalar(raw, nodes, pos); !ok {
				return nodes, false
			}
		}
		// After a value: close the containers that end here, then move
		// to the next value, past a comma.
		for {
			if uint(pos) < uint(len(raw)) && raw[pos] <= ' ' {
				pos = skipWS(raw, pos)
			}
			if depth == 0 {
				return nodes, pos == len(raw)
			}
			if uint(pos) >= uint(len(raw)) {
				return nodes, false
			}
			top := d.open[(depth-1)&(maxFastDepth-1)]
			kind := nodes[top].kind()
			if raw[pos] == ',' {
				pos = skipWS(raw, skipNewline(raw, pos+1))
				wantKey = kind == kObject
				break
			}
			if (kind == kObject && raw[pos] != '}') || (kind == kArray && raw[pos] != ']') {
				return nodes, false
			}
			pos++
			nodes[top].end, nodes[top].next = int32(pos), int32(len(nodes))
			depth--
		}
	}
}

// duplicate reports whether the name last appended to nodes is a name
// of an earlier member of the object innermost of depth open containers.
func (d *Doc) duplicate(raw []byte, nodes []jnode, depth int) bool {
	k := nodes[len(nodes)-1]
	key := raw[k.start:k.end]
	for i := int(d.open[depth-1]) + 1; i < len(nodes)-1; i = int(nodes[i+1].next) {
		if nodes[i].next == k.next && string(raw[nodes[i].start:nodes[i].end]) == string(key) {
			return true
		}
	}
	return false
}

// scalar appends the number, true, false or null at pos.
func scalar(raw []byte, nodes []jnode, pos int) ([]jnode, int, bool) {
	idx := len(nodes)
	if kind, n := literal(raw[pos:]); n > 0 {
		return append(nodes, jnode{tag: tag(kind, 0), start: int32(pos), end: int32(pos + n), next: int32(idx + 1)}), pos + n, true
	}
	if c := raw[pos]; c != '-' && !isDigit(c) {
		return nodes, pos, false
	}
	end, integer, ok := scanNumber(raw, pos)
	if !ok {
		return nodes, pos, false
	}
	var flags uint8
	if integer {
		flags = fInteger
	}
	return append(nodes, jnode{tag: tag(kNumber, flags), start: int32(pos), end: int32(end), next: int32(idx + 1)}), end, true
}

// member returns the index of the value of key in the object at idx, or -1.
func (d *Doc) member(idx int, key string) int {
	for i := idx + 1; i < int(d.nodes[idx].next); i = int(d.nodes[i+1].next) {
		k := d.nodes[i]
		if string(d.raw[k.start:k.end]) == key {
			return i + 1
		}
	}
	return -1
}

// str returns a string node's decoded value.
func (d *Doc) str(idx int) (string, bool) {
	n := d.nodes[idx]
	if n.flags()&fEscaped == 0 {
		return string(d.raw[n.start:n.end]), true
	}
	// Decoding escapes the way encoding/json does is what the slow path
	// sees, so use it for the rare escaped string.
	var s string
	if err := json.Unmarshal(d.raw[n.start-1:n.end+1], &s); err != nil {
		return "", false
	}
	return s, true
}

// view is string node idx like str, but without a copy when it has no
// escapes: for a check that does not keep the string (a format, a GUID, a
// pattern), since its bytes are the caller's, often a pooled request body.
// A payload's strings are most of its bytes; copying each one to check it
// was the fast path's largest allocation.
func (d *Doc) view(idx int) (string, bool) {
	n := d.nodes[idx]
	if n.flags()&fEscaped == 0 {
		b := d.raw[n.start:n.end]
		if len(b) == 0 {
			return "", true
		}
		return unsafe.String(&b[0], len(b)), true
	}
	return d.str(idx)
}

// strEquals reports whether string node idx decodes to s, without
// allocating for the usual unescaped string.
func (d *Doc) strEquals(idx int, s string) (bool, bool) {
	n := d.nodes[idx]
	if n.flags()&fEscaped == 0 {
		return string(d.raw[n.start:n.end]) == s, true
	}
	v, ok := d.str(idx)
	return v == s, ok
}
