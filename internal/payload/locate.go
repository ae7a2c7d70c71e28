package payload

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// locator finds where a JSON Pointer's value starts in an already-valid JSON
// text. It scans iteratively, so deeply nested input cannot exhaust the stack,
// and only runs for payloads that have errors.
//
// Each object or array is scanned once, on its first visit, and its members
// kept: a payload with thousands of errors in one long array costs one pass
// over the array, not one per error.
type locator struct {
	raw     []byte
	members map[int]*members // by the offset of the container's '{' or '['
}

// members of one container: for an object its keys (decoded; the last of
// duplicate keys, as the decoder keeps) to the offsets of their values, for an
// array the offsets of its elements.
type members struct {
	keys  map[string]int
	elems []int
}

func newLocator(raw []byte) *locator { return &locator{raw: raw, members: map[int]*members{}} }

// offset returns the byte offset of the value at ptr, or of the deepest
// ancestor that exists when the path does not (a missing property is
// reported at its parent).
func (l *locator) offset(ptr string) int {
	pos := l.ws(0)
	if ptr == "" {
		return pos
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		next, ok := l.child(pos, tok)
		if !ok {
			return pos
		}
		pos = next
	}
	return pos
}

// child returns the offset of member tok of the object or array at pos.
func (l *locator) child(pos int, tok string) (int, bool) {
	if pos >= len(l.raw) || (l.raw[pos] != '{' && l.raw[pos] != '[') {
		return 0, false
	}
	m := l.members[pos]
	if m == nil {
		m = l.scan(pos)
		l.members[pos] = m
	}
	if m.keys != nil {
		at, ok := m.keys[tok]
		return at, ok
	}
	idx, err := strconv.Atoi(tok)
	if err != nil || idx < 0 || idx >= len(m.elems) {
		return 0, false
	}
	return m.elems[idx], true
}

// scan lists the members of the object or array at pos.
func (l *locator) scan(pos int) *members {
	raw := l.raw
	m := &members{}
	if raw[pos] == '{' {
		m.keys = map[string]int{}
		pos = l.ws(pos + 1)
		for pos < len(raw) && raw[pos] == '"' {
			end := l.skipString(pos)
			key := decodeKey(raw[pos:end])
			pos = l.ws(end)
			if pos < len(raw) && raw[pos] == ':' {
				pos = l.ws(pos + 1)
			}
			m.keys[key] = pos
			pos = l.ws(l.skipValue(pos))
			if pos < len(raw) && raw[pos] == ',' {
				pos = l.ws(pos + 1)
			}
		}
		return m
	}
	pos = l.ws(pos + 1)
	for pos < len(raw) && raw[pos] != ']' {
		m.elems = append(m.elems, pos)
		pos = l.ws(l.skipValue(pos))
		if pos < len(raw) && raw[pos] == ',' {
			pos = l.ws(pos + 1)
		}
	}
	return m
}

// decodeKey turns a quoted object key into the string it stands for.
func decodeKey(quoted []byte) string {
	if bytes.IndexByte(quoted, '\\') < 0 {
		if len(quoted) < 2 {
			return ""
		}
		return string(quoted[1 : len(quoted)-1])
	}
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return ""
	}
	return s
}

func (l *locator) ws(pos int) int {
	for pos < len(l.raw) && isSpace(l.raw[pos]) {
		pos++
	}
	return pos
}

// skipString returns the offset just past the string starting at pos.
func (l *locator) skipString(pos int) int {
	raw := l.raw
	for i := pos + 1; i < len(raw); i++ {
		switch raw[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(raw)
}

// skipValue returns the offset just past the value starting at pos, tracking
// depth with a counter instead of recursion.
func (l *locator) skipValue(pos int) int {
	raw := l.raw
	depth := 0
	for pos < len(raw) {
		switch c := raw[pos]; c {
		case '"':
			pos = l.skipString(pos)
			if depth == 0 {
				return pos
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth <= 0 {
				return pos + 1
			}
		case ',':
			if depth == 0 {
				return pos
			}
		default:
			if depth == 0 && !isSpace(c) {
				// A scalar: runs until a delimiter.
				for pos < len(raw) && !isSpace(raw[pos]) && raw[pos] != ',' && raw[pos] != '}' && raw[pos] != ']' {
					pos++
				}
				return pos
			}
		}
		pos++
	}
	return pos
}

// lineCol turns a byte offset into a 1-based line and a 1-based column
// counted in characters, as editors show them.
func lineCol(raw []byte, off int) (int, int) {
	if off > len(raw) {
		off = len(raw)
	}
	if off < 0 {
		off = 0
	}
	before := raw[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

// lineCols is lineCol for many offsets in one pass over raw: the offsets are
// visited in order, so k positions in an n-byte text cost O(n + k log k)
// rather than O(n·k) (a minified payload is one long line).
func lineCols(raw []byte, offs []int) [][2]int {
	order := make([]int, len(offs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return offs[a] - offs[b] })
	out := make([][2]int, len(offs))
	pos, line, col := 0, 1, 1
	for _, i := range order {
		off := min(max(offs[i], 0), len(raw))
		for pos < off {
			if raw[pos] == '\n' {
				line, col = line+1, 1
				pos++
				continue
			}
			_, n := utf8.DecodeRune(raw[pos:])
			if pos+n > off {
				break // off is inside this character: stay on its start
			}
			pos += n
			col++
		}
		out[i] = [2]int{line, col + utf8.RuneCount(raw[pos:off])}
	}
	return out
}
