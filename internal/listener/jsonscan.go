package listener

import (
	"bytes"
	"encoding/json"
)

// topLevel returns the raw value of key in the JSON object raw, without
// decoding the rest: the listener needs one or two fields (the Permission
// Assist id, user_invite_id, event.name) from a payload the validator has
// already decoded once, and decoding it again would double the work on the
// hot path. Nesting is skipped iteratively, so depth costs no stack.
func topLevel(raw []byte, key string) ([]byte, bool) {
	i := skipWS(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, false
	}
	i++
	for {
		i = skipWS(raw, i)
		if i >= len(raw) || raw[i] != '"' {
			return nil, false
		}
		ks := i
		i = skipString(raw, i)
		if i < 0 {
			return nil, false
		}
		k := raw[ks+1 : i-1]
		i = skipWS(raw, i)
		if i >= len(raw) || raw[i] != ':' {
			return nil, false
		}
		i = skipWS(raw, i+1)
		vs := i
		i = skipValue(raw, i)
		if i < 0 {
			return nil, false
		}
		if keyIs(k, key) {
			return raw[vs:i], true
		}
		i = skipWS(raw, i)
		if i >= len(raw) || raw[i] != ',' {
			return nil, false
		}
		i++
	}
}

// topLevelString is topLevel for a value that must be a string.
func topLevelString(raw []byte, key string) (string, bool) {
	v, ok := topLevel(raw, key)
	if !ok || len(v) < 2 || v[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1]), true
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", false
	}
	return s, true
}

func keyIs(raw []byte, key string) bool {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw) == key
	}
	var s string
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	return json.Unmarshal(q, &s) == nil && s == key
}

func skipWS(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at raw[i] == '"',
// or -1 when it does not end.
func skipString(raw []byte, i int) int {
	for i++; i < len(raw); i++ {
		switch raw[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// skipValue returns the index after the value starting at raw[i], or -1.
func skipValue(raw []byte, i int) int {
	if i >= len(raw) {
		return -1
	}
	switch raw[i] {
	case '"':
		return skipString(raw, i)
	case '{', '[':
		depth := 0
		for i < len(raw) {
			switch raw[i] {
			case '"':
				i = skipString(raw, i)
				if i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	for i < len(raw) {
		switch raw[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}
