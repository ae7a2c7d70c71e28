// Package fastpath proves payloads valid against the bundled schemas
// without jsonschema/v5, which stays the reference: v5 decides every
// invalid payload and writes every error message. The fast path may only
// answer "valid", and only when it can prove it; for anything else (a
// failed keyword, a value it is unsure about, JSON it leaves to
// encoding/json) it answers "don't know" and the caller goes through v5.
//
// It owns two pieces. A JSON reader (parse.go, scan.go) parses a payload
// into a flat slice of nodes that point into the raw bytes, reused
// between payloads, instead of building map[string]any. It accepts only
// what encoding/json accepts, and gives up on anything it is not sure
// about, such as an escaped object key, a duplicate key or invalid UTF-8.
// An evaluator (eval.go, leaf.go, cases.go) checks that tree against a
// schema compiled (schema.go) only if every keyword in it is one it
// implements exactly as v5 does: type, enum and const of strings,
// required, properties, items, allOf, if/then/else, local $ref, boolean
// schemas, format and pattern.
//
// Both run once per delivery, so they are written for instructions per
// byte, measured by BenchmarkParseValid:
//   - The reader is one loop over the tokens with an explicit stack of
//     open containers; it scans strings and skips indentation 8 bytes at
//     a time with word tests (stringStops, skipWS), checks UTF-8 only
//     inside strings, and compares its offsets so that the compiler can
//     drop its own bounds checks. A call per token would spill the loop's
//     registers, which cost more than most tokens' own work.
//   - An object schema finds a member's name in a small table (names.go)
//     keyed by the name's first bytes and length, which the reader works
//     out as it reads the name and keeps in the name's node; names of up
//     to 16 bytes are compared as two masked words.
//   - Compiling marks what eval would otherwise work out per value: a
//     word of keyword groups, schemas that are only a $ref bypassed, the
//     common leaf shapes (a type alone, a GUID, an enum or const of
//     strings, a format) checked in one call, and an allOf of if/then
//     pairs on one member's string evaluated as a switch on it.
//   - Formats and the GUID pattern have hand-written checks (formats.go)
//     that answer "passes" only for the plain shapes they can prove v5's
//     function accepts (2025-03-07T02:50:00Z, a dot-atom address,
//     https://host/path); anything else still goes to v5's own function.
//
// The payload registry is its one caller: Compile once per bundled schema,
// then per payload Parse, Schema.Valid and the Doc's Str and Has for
// detection and fields. TestFastPathAgreesWithV5 and
// FuzzFastPathAgreesWithV5 hold its verdicts to v5's, and each of the
// pieces above has a differential test of its own against v5 or the
// definition it stands for.
package fastpath

import (
	"encoding/json"
	"sync"
)

var docs = sync.Pool{New: func() any { return &Doc{nodes: make([]jnode, 0, 1024)} }}

// Parse reads raw with the fast reader. ok is false for invalid JSON and
// for JSON the reader leaves to encoding/json; otherwise the caller owns
// d, which refers to raw, until it calls d.Release.
func Parse(raw []byte) (d *Doc, ok bool) {
	d = docs.Get().(*Doc)
	if !d.parse(raw) {
		d.Release()
		return nil, false
	}
	return d, true
}

// Release returns d for reuse by a later Parse.
func (d *Doc) Release() {
	d.raw = nil
	docs.Put(d)
}

// Str returns the string at path, a chain of object keys from the root,
// decoded: "" when there is none (a key missing, a value on the way not an
// object, the value not a string). ok is false only when the string's
// escapes do not decode, and then nothing about it is certain.
func (d *Doc) Str(path ...string) (s string, ok bool) {
	idx := 0
	for _, key := range path {
		if d.nodes[idx].kind() != kObject {
			return "", true
		}
		if idx = d.member(idx, key); idx < 0 {
			return "", true
		}
	}
	if d.nodes[idx].kind() != kString {
		return "", true
	}
	return d.str(idx)
}

// Has reports whether the document is an object with a member named key.
func (d *Doc) Has(key string) bool {
	return d.nodes[0].kind() == kObject && d.member(0, key) >= 0
}

// Composite stands for an object or an array in Value's results: the fast
// path's tree does not build them.
type Composite struct{}

// Value returns the value at path, a chain of object keys from the root:
// a decoded string, a json.Number with the number's text, a bool, nil for
// null, or Composite{} for an object or array. found is false when there
// is none; ok is false only when a string's escapes do not decode, and then
// nothing about it is certain.
func (d *Doc) Value(path ...string) (v any, found, ok bool) {
	idx := 0
	for _, key := range path {
		if d.nodes[idx].kind() != kObject {
			return nil, false, true
		}
		if idx = d.member(idx, key); idx < 0 {
			return nil, false, true
		}
	}
	n := d.nodes[idx]
	switch n.kind() {
	case kNull:
		return nil, true, true
	case kFalse:
		return false, true, true
	case kTrue:
		return true, true, true
	case kNumber:
		return json.Number(d.raw[n.start:n.end]), true, true
	case kString:
		s, ok := d.str(idx)
		return s, ok, ok
	}
	return Composite{}, true, true
}

// find returns the index of the value at path, or -1.
func (d *Doc) find(path []string) int {
	idx := 0
	for _, key := range path {
		if d.nodes[idx].kind() != kObject {
			return -1
		}
		if idx = d.member(idx, key); idx < 0 {
			return -1
		}
	}
	return idx
}

// Exists reports whether the document has a value at path.
func (d *Doc) Exists(path ...string) bool { return d.find(path) >= 0 }

// StrIs reports whether the value at path is the string s, without
// allocating for an unescaped string; ok is false when the string's
// escapes do not decode.
func (d *Doc) StrIs(s string, path ...string) (eq, ok bool) {
	idx := d.find(path)
	if idx < 0 || d.nodes[idx].kind() != kString {
		return false, true
	}
	return d.strEquals(idx, s)
}
