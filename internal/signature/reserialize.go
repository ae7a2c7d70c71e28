package signature

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/internal/jsonstr"
)

// This file re-serialises a JSON body the ways senders and receivers
// commonly write JSON, so the doctor can ask "does the signature match the
// body as a different JSON writer would have written it?". It keeps every
// number and, unless told otherwise, every string literal exactly as
// received: only layout, key order and string escaping change.

// escaping says how string literals are written.
type escaping int

const (
	escKeep  escaping = iota // each literal exactly as received
	escPlain                 // decoded, then only what JSON requires escaped (JavaScript's JSON.stringify, jq)
	escASCII                 // non-ASCII as \uXXXX too (Python's json.dumps, PHP's json_encode)
	escHTML                  // <, > and & as \u003c... too (Go's encoding/json)
)

// layout says where whitespace goes.
type layout struct {
	indent string // "" for one line
	spaced bool   // one line with ", " and ": " (Python's json.dumps default)
}

// jsonNode is a parsed value that keeps its source text: scalars (and
// string keys) as the exact bytes received.
type jsonNode struct {
	raw     []byte     // a scalar's literal
	str     string     // a string's value, decoded once
	members []jsonPair // an object's members, in received order
	sorted  []jsonPair // the same, sorted by key (members itself when it already is)
	elems   []jsonNode // an array's elements
	kind    byte       // '{', '[' or 0 for a scalar
}

type jsonPair struct {
	key   []byte // the key's literal, quotes included
	name  string // the key decoded, for sorting
	value jsonNode
}

// parseJSON reads body, which the caller has checked with json.Valid, into
// a jsonNode tree.
func parseJSON(body []byte) jsonNode {
	p := jsonParser{data: body}
	return p.value()
}

type jsonParser struct {
	data []byte
	pos  int
}

func (p *jsonParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\r', '\n':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value() jsonNode {
	p.space()
	switch p.data[p.pos] {
	case '{':
		p.pos++
		n := jsonNode{kind: '{'}
		for {
			p.space()
			if p.data[p.pos] == '}' {
				p.pos++
				n.sorted = sortedMembers(n.members)
				return n
			}
			if p.data[p.pos] == ',' {
				p.pos++
				p.space()
			}
			key := p.stringLit()
			p.space()
			p.pos++ // ':'
			n.members = append(n.members, jsonPair{key: key, name: decodeString(key), value: p.value()})
		}
	case '[':
		p.pos++
		n := jsonNode{kind: '['}
		for {
			p.space()
			if p.data[p.pos] == ']' {
				p.pos++
				return n
			}
			if p.data[p.pos] == ',' {
				p.pos++
			}
			n.elems = append(n.elems, p.value())
		}
	case '"':
		lit := p.stringLit()
		return jsonNode{raw: lit, str: decodeString(lit)}
	}
	start := p.pos
	for p.pos < len(p.data) && !strings.ContainsRune(" \t\r\n,]}", rune(p.data[p.pos])) {
		p.pos++
	}
	return jsonNode{raw: p.data[start:p.pos]}
}

func comparePairs(a, b jsonPair) int { return strings.Compare(a.name, b.name) }

func sortedMembers(ms []jsonPair) []jsonPair {
	if slices.IsSortedFunc(ms, comparePairs) {
		return ms
	}
	ms = slices.Clone(ms)
	slices.SortStableFunc(ms, comparePairs)
	return ms
}

// stringLit returns the string literal at pos, quotes included.
func (p *jsonParser) stringLit() []byte {
	start := p.pos
	p.pos++
	for p.data[p.pos] != '"' {
		if p.data[p.pos] == '\\' {
			p.pos++
		}
		p.pos++
	}
	p.pos++
	return p.data[start:p.pos]
}

// writeJSON appends n laid out and escaped as asked.
func writeJSON(dst []byte, n jsonNode, lay layout, esc escaping, sorted bool, depth int) []byte {
	switch n.kind {
	case '{':
		if len(n.members) == 0 {
			return append(dst, "{}"...)
		}
		members := n.members
		if sorted {
			members = n.sorted
		}
		dst = append(dst, '{')
		for i, m := range members {
			dst = separator(dst, i, lay, depth+1)
			dst = writeString(dst, m.key, m.name, esc)
			dst = append(dst, ':')
			if lay.indent != "" || lay.spaced {
				dst = append(dst, ' ')
			}
			dst = writeJSON(dst, m.value, lay, esc, sorted, depth+1)
		}
		return closing(dst, '}', lay, depth)
	case '[':
		if len(n.elems) == 0 {
			return append(dst, "[]"...)
		}
		dst = append(dst, '[')
		for i, e := range n.elems {
			dst = separator(dst, i, lay, depth+1)
			dst = writeJSON(dst, e, lay, esc, sorted, depth+1)
		}
		return closing(dst, ']', lay, depth)
	}
	if len(n.raw) > 0 && n.raw[0] == '"' {
		return writeString(dst, n.raw, n.str, esc)
	}
	return append(dst, n.raw...)
}

// separator writes what goes before the i-th member or element.
func separator(dst []byte, i int, lay layout, depth int) []byte {
	if i > 0 {
		dst = append(dst, ',')
		if lay.spaced && lay.indent == "" {
			dst = append(dst, ' ')
		}
	}
	if lay.indent != "" {
		dst = append(dst, '\n')
		for range depth {
			dst = append(dst, lay.indent...)
		}
	}
	return dst
}

func closing(dst []byte, c byte, lay layout, depth int) []byte {
	if lay.indent != "" {
		dst = append(dst, '\n')
		for range depth {
			dst = append(dst, lay.indent...)
		}
	}
	return append(dst, c)
}

// decodeString returns the value of a valid string literal.
func decodeString(lit []byte) string {
	inner := lit[1 : len(lit)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner)
	}
	var s string
	_ = json.Unmarshal(lit, &s)
	return s
}

// writeString appends the string literal lit (quotes included), whose value
// is s, escaped as asked.
func writeString(dst, lit []byte, s string, esc escaping) []byte {
	switch esc {
	case escKeep:
		return append(dst, lit...)
	case escASCII:
		return appendASCII(dst, s)
	case escHTML:
		// What encoding/json writes by default: its HTML-safe form, which
		// is jsonstr's with <, > and & escaped as well.
		start := len(dst)
		dst = jsonstr.Append(dst, s)
		if bytes.ContainsAny(dst[start:], "<>&") {
			out := dst[start:]
			out = bytes.ReplaceAll(out, []byte("<"), []byte(`\u003c`))
			out = bytes.ReplaceAll(out, []byte(">"), []byte(`\u003e`))
			out = bytes.ReplaceAll(out, []byte("&"), []byte(`\u0026`))
			dst = append(dst[:start], out...)
		}
		return dst
	}
	return jsonstr.Append(dst, s)
}

// appendASCII writes s as Python's json.dumps does by default: every
// character outside ASCII as \uXXXX (a surrogate pair above U+FFFF), in
// lowercase hex.
func appendASCII(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	u4 := func(dst []byte, r rune) []byte {
		return append(dst, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
	}
	dst = append(dst, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r == '\n':
			dst = append(dst, `\n`...)
		case r == '\r':
			dst = append(dst, `\r`...)
		case r == '\t':
			dst = append(dst, `\t`...)
		case r == '\b':
			dst = append(dst, `\b`...)
		case r == '\f':
			dst = append(dst, `\f`...)
		case r < 0x20 || (r >= utf8.RuneSelf && r <= 0xffff):
			dst = u4(dst, r)
		case r > 0xffff:
			r -= 0x10000
			dst = u4(dst, 0xd800+(r>>10))
			dst = u4(dst, 0xdc00+(r&0x3ff))
		default:
			dst = append(dst, byte(r))
		}
	}
	return append(dst, '"')
}

// reescape rewrites only the string literals of body (valid JSON), leaving
// every other byte, whitespace included, as it is.
func reescape(body []byte, esc escaping) []byte {
	out := make([]byte, 0, len(body)+len(body)/8)
	p := jsonParser{data: body}
	for p.pos < len(body) {
		if body[p.pos] != '"' {
			out = append(out, body[p.pos])
			p.pos++
			continue
		}
		lit := p.stringLit()
		out = writeString(out, lit, decodeString(lit), esc)
	}
	return out
}
