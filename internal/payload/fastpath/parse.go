package fastpath

import (
	"encoding/json"
	"unicode/utf8"
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

// maxFastDepth bounds nesting; deeper documents take the slow path, which
// has its own limit and error message.
const maxFastDepth = 256

type jnode struct {
	kind  uint8
	flags uint8
	// start and end delimit a scalar's text in raw: a string's without its
	// quotes, a number's literal.
	start, end int32
	// next is the index of the node after this one's subtree; for a
	// container the members follow it, an object's as key, value pairs.
	next int32
}

// Doc is a JSON document as the fast reader parsed it: a flat slice of
// nodes that point into the raw bytes. Parse hands one out; Release
// returns it for reuse.
type Doc struct {
	raw   []byte
	nodes []jnode
	depth int
}

// parse reads raw into d. It reports false for invalid JSON and for JSON it
// leaves to the slow path.
func (d *Doc) parse(raw []byte) bool {
	d.raw = raw
	d.nodes = d.nodes[:0]
	d.depth = 0
	if len(raw) > 1<<30 || !utf8.Valid(raw) {
		return false
	}
	pos, ok := d.value(skipWS(raw, 0))
	if !ok {
		return false
	}
	return skipWS(raw, pos) == len(raw)
}

func skipWS(raw []byte, pos int) int {
	for pos < len(raw) {
		switch raw[pos] {
		case ' ', '\t', '\n', '\r':
			pos++
		default:
			return pos
		}
	}
	return pos
}

func (d *Doc) value(pos int) (int, bool) {
	raw := d.raw
	if pos >= len(raw) {
		return pos, false
	}
	idx := len(d.nodes)
	switch c := raw[pos]; {
	case c == '{':
		return d.object(pos, idx)
	case c == '[':
		return d.array(pos, idx)
	case c == '"':
		end, flags, ok := scanString(raw, pos)
		if !ok {
			return pos, false
		}
		d.nodes = append(d.nodes, jnode{kind: kString, flags: flags, start: int32(pos + 1), end: int32(end - 1), next: int32(idx + 1)})
		return end, true
	case c == 't':
		return d.literal(pos, "true", kTrue)
	case c == 'f':
		return d.literal(pos, "false", kFalse)
	case c == 'n':
		return d.literal(pos, "null", kNull)
	case c == '-' || (c >= '0' && c <= '9'):
		end, integer, ok := scanNumber(raw, pos)
		if !ok {
			return pos, false
		}
		var flags uint8
		if integer {
			flags = fInteger
		}
		d.nodes = append(d.nodes, jnode{kind: kNumber, flags: flags, start: int32(pos), end: int32(end), next: int32(idx + 1)})
		return end, true
	}
	return pos, false
}

func (d *Doc) literal(pos int, word string, kind uint8) (int, bool) {
	if len(d.raw)-pos < len(word) || string(d.raw[pos:pos+len(word)]) != word {
		return pos, false
	}
	idx := len(d.nodes)
	d.nodes = append(d.nodes, jnode{kind: kind, start: int32(pos), end: int32(pos + len(word)), next: int32(idx + 1)})
	return pos + len(word), true
}

func (d *Doc) object(pos, idx int) (int, bool) {
	if d.depth++; d.depth > maxFastDepth {
		return pos, false
	}
	raw := d.raw
	d.nodes = append(d.nodes, jnode{kind: kObject, start: int32(pos)})
	var seen uint64
	pos = skipWS(raw, pos+1)
	if pos < len(raw) && raw[pos] == '}' {
		pos++
	} else {
		for {
			if pos >= len(raw) || raw[pos] != '"' {
				return pos, false
			}
			end, flags, ok := scanString(raw, pos)
			if !ok || flags&fEscaped != 0 {
				// An escaped key would need decoding to compare; rare
				// enough to leave to the slow path.
				return pos, false
			}
			key := raw[pos+1 : end-1]
			// encoding/json keeps the last of duplicate keys; rather
			// than mirror that, leave such documents to it. A 64-bit
			// filter on length and last byte keeps the full comparison
			// for the rare candidates.
			bit := uint64(1) << ((uint(len(key))*7 + uint(lastByte(key))) & 63)
			if seen&bit != 0 {
				for i := idx + 1; i < len(d.nodes); i = int(d.nodes[i+1].next) {
					k := d.nodes[i]
					if string(raw[k.start:k.end]) == string(key) {
						return pos, false
					}
				}
			}
			seen |= bit
			kidx := len(d.nodes)
			d.nodes = append(d.nodes, jnode{kind: kString, start: int32(pos + 1), end: int32(end - 1), next: int32(kidx + 1)})
			pos = skipWS(raw, end)
			if pos >= len(raw) || raw[pos] != ':' {
				return pos, false
			}
			if pos, ok = d.value(skipWS(raw, pos+1)); !ok {
				return pos, false
			}
			pos = skipWS(raw, pos)
			if pos < len(raw) && raw[pos] == ',' {
				pos = skipWS(raw, pos+1)
				continue
			}
			if pos < len(raw) && raw[pos] == '}' {
				pos++
				break
			}
			return pos, false
		}
	}
	d.depth--
	d.nodes[idx].end = int32(pos)
	d.nodes[idx].next = int32(len(d.nodes))
	return pos, true
}

func (d *Doc) array(pos, idx int) (int, bool) {
	if d.depth++; d.depth > maxFastDepth {
		return pos, false
	}
	raw := d.raw
	d.nodes = append(d.nodes, jnode{kind: kArray, start: int32(pos)})
	pos = skipWS(raw, pos+1)
	if pos < len(raw) && raw[pos] == ']' {
		pos++
	} else {
		for {
			var ok bool
			if pos, ok = d.value(pos); !ok {
				return pos, false
			}
			pos = skipWS(raw, pos)
			if pos < len(raw) && raw[pos] == ',' {
				pos = skipWS(raw, pos+1)
				continue
			}
			if pos < len(raw) && raw[pos] == ']' {
				pos++
				break
			}
			return pos, false
		}
	}
	d.depth--
	d.nodes[idx].end = int32(pos)
	d.nodes[idx].next = int32(len(d.nodes))
	return pos, true
}

// scanString returns the offset just past the string starting at the quote
// at pos. Like encoding/json it rejects control characters and unknown
// escapes; UTF-8 was checked for the whole text up front.
func scanString(raw []byte, pos int) (end int, flags uint8, ok bool) {
	for i := pos + 1; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '"':
			return i + 1, flags, true
		case c < 0x20:
			return 0, 0, false
		case c == '\\':
			flags |= fEscaped
			i++
			if i >= len(raw) {
				return 0, 0, false
			}
			switch raw[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(raw) {
					return 0, 0, false
				}
				for _, h := range raw[i+1 : i+5] {
					if !isHex(h) {
						return 0, 0, false
					}
				}
				i += 4
			default:
				return 0, 0, false
			}
		}
	}
	return 0, 0, false
}

func lastByte(b []byte) byte {
	if len(b) == 0 {
		return 0
	}
	return b[len(b)-1]
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanNumber checks the JSON number grammar from pos and reports whether
// the literal has neither fraction nor exponent.
func scanNumber(raw []byte, pos int) (end int, integer, ok bool) {
	i := pos
	if raw[i] == '-' {
		i++
	}
	switch {
	case i < len(raw) && raw[i] == '0':
		i++
	case i < len(raw) && raw[i] >= '1' && raw[i] <= '9':
		for i < len(raw) && isDigit(raw[i]) {
			i++
		}
	default:
		return 0, false, false
	}
	integer = true
	if i < len(raw) && raw[i] == '.' {
		integer = false
		i++
		if i >= len(raw) || !isDigit(raw[i]) {
			return 0, false, false
		}
		for i < len(raw) && isDigit(raw[i]) {
			i++
		}
	}
	if i < len(raw) && (raw[i] == 'e' || raw[i] == 'E') {
		integer = false
		i++
		if i < len(raw) && (raw[i] == '+' || raw[i] == '-') {
			i++
		}
		if i >= len(raw) || !isDigit(raw[i]) {
			return 0, false, false
		}
		for i < len(raw) && isDigit(raw[i]) {
			i++
		}
	}
	return i, integer, true
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
	if n.flags&fEscaped == 0 {
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
	if n.flags&fEscaped == 0 {
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
	if n.flags&fEscaped == 0 {
		return string(d.raw[n.start:n.end]) == s, true
	}
	v, ok := d.str(idx)
	return v == s, ok
}
