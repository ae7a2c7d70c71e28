// Package jsonptr owns JSON Pointers (RFC 6901) over decoded JSON: reading
// one into its tokens, escaping a token, and walking a pointer through a
// document decoded by encoding/json. Profiles, the schema walkers, drift and
// the error explainer all resolve pointers through it.
package jsonptr

import (
	"fmt"
	"strconv"
	"strings"
)

// Split reads ptr into its unescaped tokens: "" is the whole document (no
// tokens); anything else must start with "/", and a "~" must be written
// "~0" (and a "/" inside a token "~1").
func Split(ptr string) ([]string, error) {
	if ptr == "" {
		return nil, nil
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, fmt.Errorf("%q does not start with /", ptr)
	}
	toks := strings.Split(ptr[1:], "/")
	for i, t := range toks {
		if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(t, "~0", ""), "~1", ""), "~") {
			return nil, fmt.Errorf("%q: ~ must be written ~0 (and / as ~1)", ptr)
		}
		toks[i] = Unescape(t)
	}
	return toks, nil
}

// Escape writes one token for a pointer: "~" as "~0", "/" as "~1".
func Escape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// Unescape reads one token of a pointer: "~1" as "/", then "~0" as "~".
func Unescape(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
}

// Get is the value at ptr in doc; ok is false when there is none, or when
// ptr is not a pointer ("" is doc itself).
func Get(doc any, ptr string) (any, bool) {
	if ptr == "" {
		return doc, true
	}
	if ptr[0] != '/' {
		return nil, false
	}
	cur := doc
	for tok := range strings.SplitSeq(ptr[1:], "/") {
		var ok bool
		if cur, ok = step(cur, Unescape(tok)); !ok {
			return nil, false
		}
	}
	return cur, true
}

// Walk is the value at the unescaped tokens toks in doc.
func Walk(doc any, toks []string) (any, bool) {
	cur := doc
	for _, tok := range toks {
		var ok bool
		if cur, ok = step(cur, tok); !ok {
			return nil, false
		}
	}
	return cur, true
}

// step goes one token down: a member of an object, an index of an array.
func step(cur any, tok string) (any, bool) {
	switch c := cur.(type) {
	case map[string]any:
		v, ok := c[tok]
		return v, ok
	case []any:
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || i >= len(c) || (len(tok) > 1 && tok[0] == '0') {
			return nil, false
		}
		return c[i], true
	}
	return nil, false
}
