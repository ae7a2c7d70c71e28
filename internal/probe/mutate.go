package probe

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"sync"
)

// tampered is a body with one byte changed after signing.
type tampered struct {
	body     []byte
	offset   int
	from, to byte
}

// tamper changes one byte of body: the first character of the first string
// value that starts with a letter or digit, rotated within its class (a hex
// digit stays a hex digit), so the body is still JSON of the same shape,
// still valid against its schema in most cases, and only its signature
// tells it apart. A receiver that rejects it has checked the signature over
// the bytes, not over something that happened to look the same.
func tamper(body []byte) tampered {
	if len(body) == 0 {
		return tampered{body: []byte(" "), to: ' '}
	}
	off := firstValueChar(body)
	if off < 0 {
		off = len(body) / 2 // not JSON with strings: any byte will do
	}
	out := bytes.Clone(body)
	out[off] = rotate(out[off])
	return tampered{body: out, offset: off, from: body[off], to: out[off]}
}

// firstValueChar is the offset of the first character of the first string
// value (not an object key) that starts with a letter or digit, -1 if none.
func firstValueChar(body []byte) int {
	type frame struct{ object, wantKey bool }
	var stack []frame
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return -1
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{object: true, wantKey: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
				stack[n-1].wantKey = false
				continue
			}
			if q := quoteAfter(body, before); q >= 0 && t != "" && isAlnum(body[q+1]) {
				return q + 1
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// quoteAfter is the offset of the first '"' at or after from, -1 if none.
func quoteAfter(body []byte, from int) int {
	i := bytes.IndexByte(body[from:], '"')
	if i < 0 || from+i+1 >= len(body) {
		return -1
	}
	return from + i
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// rotate moves c to the next character of its class, wrapping: 0-9, a-f,
// g-z, A-F, G-Z. Anything else becomes a space, or a space a tab.
func rotate(c byte) byte {
	for _, r := range [][2]byte{{'0', '9'}, {'a', 'f'}, {'g', 'z'}, {'A', 'F'}, {'G', 'Z'}} {
		if c >= r[0] && c <= r[1] {
			if c == r[1] {
				return r[0]
			}
			return c + 1
		}
	}
	if c == ' ' {
		return '\t'
	}
	return ' '
}

// unknownField is the member probe adds; its name says where it came from.
const unknownField = "probe_unknown_field"

// plainKey is a key a --set style path can name.
var plainKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

// unknownFieldSets returns fixture.Render overrides that add a member no
// schema knows to the top-level object and to nested objects, up to three
// levels down (following the first object-valued member in key order,
// through arrays' first elements), with values of several JSON types. It
// returns the JSON Pointers of the added members too, for the report.
func unknownFieldSets(raw []byte) (sets, pointers []string) {
	top := `{"added_by":"webhook-tool probe","nested":{"list":[1,"two",null,true],"number":1.5}}`
	sets = []string{unknownField + "=" + top}
	pointers = []string{"/" + unknownField}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return sets, pointers
	}
	values := []string{`"added by webhook-tool probe"`, `12345`, `[{"x":true}]`}
	path, ptr := "", ""
	for depth := 0; depth < len(values); depth++ {
		key, next, ok := firstObjectMember(doc)
		if !ok {
			break
		}
		path += key + "."
		ptr += "/" + key
		if idx, ok := next.(indexed); ok {
			path += "0."
			ptr += "/0"
			next = idx.v
		}
		doc = next
		sets = append(sets, path+unknownField+"="+values[depth])
		pointers = append(pointers, ptr+"/"+unknownField)
	}
	return sets, pointers
}

// indexed marks an object found as the first element of an array member.
type indexed struct{ v map[string]any }

// firstObjectMember is the first member of the object v, in key order,
// whose value is an object or an array starting with one.
func firstObjectMember(v any) (string, any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return "", nil, false
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !plainKey().MatchString(k) || k == unknownField {
			continue
		}
		switch c := m[k].(type) {
		case map[string]any:
			return k, c, true
		case []any:
			if len(c) > 0 {
				if o, ok := c[0].(map[string]any); ok {
					return k, indexed{o}, true
				}
			}
		}
	}
	return "", nil, false
}

// notJSON cuts body in half: signed as it is, it is a correctly signed
// delivery whose body does not parse.
func notJSON(body []byte) []byte {
	cut := bytes.Clone(body[:len(body)/2])
	if json.Valid(cut) || len(bytes.TrimSpace(cut)) == 0 {
		return []byte(`{"truncated": `)
	}
	return cut
}
