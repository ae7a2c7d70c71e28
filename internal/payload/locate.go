package payload

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// locator finds where a JSON Pointer's value starts in an already-valid JSON
// text. It scans iteratively, so deeply nested input cannot exhaust the stack,
// and only runs for payloads that have errors.
type locator struct{ raw []byte }

func newLocator(raw []byte) locator { return locator{raw: raw} }

// find returns the 1-based line and column of the value at ptr, or of the
// deepest ancestor that exists when the path does not (a missing property is
// reported at its parent).
func (l locator) find(ptr string) (int, int) {
	off := l.offset(ptr)
	return lineCol(l.raw, off)
}

func (l locator) offset(ptr string) int {
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
func (l locator) child(pos int, tok string) (int, bool) {
	raw := l.raw
	if pos >= len(raw) {
		return 0, false
	}
	switch raw[pos] {
	case '{':
		found, at := false, 0
		pos = l.ws(pos + 1)
		for pos < len(raw) && raw[pos] == '"' {
			end := l.skipString(pos)
			key := raw[pos:end]
			pos = l.ws(end)
			if pos < len(raw) && raw[pos] == ':' {
				pos = l.ws(pos + 1)
			}
			if keyEquals(key, tok) {
				// The decoder keeps the last of duplicate keys; so do we.
				found, at = true, pos
			}
			pos = l.ws(l.skipValue(pos))
			if pos < len(raw) && raw[pos] == ',' {
				pos = l.ws(pos + 1)
			}
		}
		return at, found
	case '[':
		idx, err := strconv.Atoi(tok)
		if err != nil || idx < 0 {
			return 0, false
		}
		pos = l.ws(pos + 1)
		for i := 0; pos < len(raw) && raw[pos] != ']'; i++ {
			if i == idx {
				return pos, true
			}
			pos = l.ws(l.skipValue(pos))
			if pos < len(raw) && raw[pos] == ',' {
				pos = l.ws(pos + 1)
			}
		}
	}
	return 0, false
}

func keyEquals(quoted []byte, tok string) bool {
	if bytes.IndexByte(quoted, '\\') < 0 {
		return len(quoted) >= 2 && string(quoted[1:len(quoted)-1]) == tok
	}
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return false
	}
	return s == tok
}

func (l locator) ws(pos int) int {
	for pos < len(l.raw) && isSpace(l.raw[pos]) {
		pos++
	}
	return pos
}

// skipString returns the offset just past the string starting at pos.
func (l locator) skipString(pos int) int {
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
func (l locator) skipValue(pos int) int {
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
