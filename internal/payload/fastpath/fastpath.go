// Package fastpath proves payloads valid against the bundled schemas
// without jsonschema/v5, which stays the reference: v5 decides every
// invalid payload and writes every error message. The fast path may only
// answer "valid", and only when it can prove it; for anything else (a
// failed keyword, a value it is unsure about, JSON it leaves to
// encoding/json) it answers "don't know" and the caller goes through v5.
//
// It owns two pieces. A JSON reader parses a payload into a flat slice of
// nodes that point into the raw bytes, reused between payloads, instead of
// building map[string]any: decoding into any was a third of validate's
// time and most of its garbage. It accepts only what encoding/json
// accepts, and gives up on anything it is not sure about, such as an
// escaped object key or a duplicate key. An evaluator checks that tree
// against a schema compiled only if every keyword in it is one it
// implements exactly as v5 does (type, enum and const of strings,
// required, properties, items, allOf, if/then/else, local $ref, boolean
// schemas, format through v5's own format functions, pattern through the
// same Go regexp, or a hand-written check for the GUID pattern).
//
// The payload registry is its one caller: Compile once per bundled schema,
// then per payload Parse, Schema.Valid and the Doc's Str and Has for
// detection and fields. TestFastPathAgreesWithV5 and
// FuzzFastPathAgreesWithV5 hold its verdicts to v5's.
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
