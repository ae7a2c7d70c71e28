package inspect

import (
	"encoding/json"
	"math/big"
	"slices"
	"strings"
	"unicode/utf8"
)

// The Diff of two bodies, computed here and not in the page: JavaScript
// reads JSON into numbers that round past 2^53 (and make 1e400 null) and
// into objects that keep one of two repeated keys and take "__proto__" for
// their prototype, so two different bodies could be called the same. A
// body is read here without loss: each number, string and key as written,
// each member of an object in its order, repeats kept.

// jnode is a JSON value as written.
type jnode struct {
	kind byte     // '{', '[', '"', 'n' (a number) or 'l' (true, false or null)
	raw  string   // a scalar as written: a string with its quotes and escapes
	str  string   // a string's value
	keys []*jnode // an object's member names, in order
	kids []*jnode // an object's values, or an array's elements
}

// parseJSON reads b when it is JSON; ok is false when it is not.
func parseJSON(b []byte) (n *jnode, ok bool) {
	if !json.Valid(b) {
		return nil, false
	}
	p := &jparser{s: b}
	return p.value(), true
}

// jparser reads JSON that json.Valid took: it needs no error handling,
// and the nesting is bounded by json.Valid's own limit.
type jparser struct {
	s []byte
	i int
}

func (p *jparser) ws() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *jparser) value() *jnode {
	p.ws()
	switch c := p.s[p.i]; {
	case c == '{' || c == '[':
		n := &jnode{kind: c}
		p.i++
		p.ws()
		if p.s[p.i] == '}' || p.s[p.i] == ']' {
			p.i++
			return n
		}
		for {
			if c == '{' {
				p.ws()
				n.keys = append(n.keys, p.string())
				p.ws()
				p.i++ // :
			}
			n.kids = append(n.kids, p.value())
			p.ws()
			p.i++ // , or the end
			if p.s[p.i-1] != ',' {
				return n
			}
		}
	case c == '"':
		return p.string()
	case c == 't' || c == 'n':
		p.i += 4
		return &jnode{kind: 'l', raw: string(p.s[p.i-4 : p.i])}
	case c == 'f':
		p.i += 5
		return &jnode{kind: 'l', raw: "false"}
	default:
		start := p.i
		for p.i < len(p.s) && strings.IndexByte("+-.0123456789eE", p.s[p.i]) >= 0 {
			p.i++
		}
		return &jnode{kind: 'n', raw: string(p.s[start:p.i])}
	}
}

func (p *jparser) string() *jnode {
	start := p.i
	for p.i++; p.s[p.i] != '"'; p.i++ {
		if p.s[p.i] == '\\' {
			p.i++
		}
	}
	p.i++
	n := &jnode{kind: '"', raw: string(p.s[start:p.i])}
	_ = json.Unmarshal(p.s[start:p.i], &n.str)
	return n
}

// same reports whether two scalars are the same value: strings by their
// value (by how they are written too, when an escape that is no character
// made it U+FFFD), numbers by their exact decimal value, whatever their
// size or spelling (1.0 and 1, 1e2 and 100).
func same(a, b *jnode) bool {
	switch {
	case a.kind != b.kind:
		return false
	case a.kind == '"':
		return a.str == b.str && (a.raw == b.raw || !strings.ContainsRune(a.str, utf8.RuneError))
	case a.kind == 'n':
		return numberKey(a.raw) == numberKey(b.raw)
	}
	return a.raw == b.raw
}

// numberKey is a JSON number's exact value as a string: its sign, its
// significant digits and the power of ten they are multiplied by.
func numberKey(lit string) string {
	sign := ""
	if strings.HasPrefix(lit, "-") {
		sign, lit = "-", lit[1:]
	}
	mant, expText, _ := strings.Cut(strings.ToLower(lit), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	exp := new(big.Int)
	if expText != "" {
		exp.SetString(strings.TrimPrefix(expText, "+"), 10)
	}
	exp.Sub(exp, big.NewInt(int64(len(frac))))
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return "0" // -0 too
	}
	trimmed := strings.TrimRight(digits, "0")
	exp.Add(exp, big.NewInt(int64(len(digits)-len(trimmed))))
	return sign + trimmed + "e" + exp.String()
}

// change is one JSON Pointer at which two bodies differ, with each side's
// value as written (nil where it has none).
type change struct {
	Path string  `json:"path"`
	Kind string  `json:"kind"` // added, removed or changed
	A    *string `json:"a,omitempty"`
	B    *string `json:"b,omitempty"`
}

func pointer(path, key string) string {
	return path + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(key)
}

// diff appends the pointers at which a and b differ. An object's members
// are paired by name, a repeated name by its occurrence; an array's
// elements by index.
func diff(a, b *jnode, path string, out []change) []change {
	switch {
	case a.kind == '{' && b.kind == '{':
		bi := byName(b)
		seen := map[string]int{}
		for _, i := range sortedMembers(a) {
			k := a.keys[i].str
			j := bi[k]
			if seen[k] < len(j) {
				out = diff(a.kids[i], b.kids[j[seen[k]]], pointer(path, k), out)
			} else {
				out = append(out, change{Path: pointer(path, k), Kind: "removed", A: compact(a.kids[i])})
			}
			seen[k]++
		}
		for _, j := range sortedMembers(b) {
			k := b.keys[j].str
			if seen[k] > 0 {
				seen[k]--
				continue
			}
			out = append(out, change{Path: pointer(path, k), Kind: "added", B: compact(b.kids[j])})
		}
	case a.kind == '[' && b.kind == '[':
		for i := range max(len(a.kids), len(b.kids)) {
			p := pointer(path, itoa(i))
			switch {
			case i >= len(b.kids):
				out = append(out, change{Path: p, Kind: "removed", A: compact(a.kids[i])})
			case i >= len(a.kids):
				out = append(out, change{Path: p, Kind: "added", B: compact(b.kids[i])})
			default:
				out = diff(a.kids[i], b.kids[i], p, out)
			}
		}
	case a.kind == '{' || a.kind == '[' || b.kind == '{' || b.kind == '[' || !same(a, b):
		if path == "" {
			path = "/"
		}
		out = append(out, change{Path: path, Kind: "changed", A: compact(a), B: compact(b)})
	}
	return out
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

// byName is where each member name of an object occurs, in order.
func byName(n *jnode) map[string][]int {
	m := map[string][]int{}
	for _, i := range sortedMembers(n) {
		m[n.keys[i].str] = append(m[n.keys[i].str], i)
	}
	return m
}

// sortedMembers is the order in which an object's members are compared and
// shown: by name, a repeated name in the order it occurs.
func sortedMembers(n *jnode) []int {
	idx := make([]int, len(n.keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int { return strings.Compare(n.keys[x].str, n.keys[y].str) })
	return idx
}

// compact is n written on one line, each scalar as written.
func compact(n *jnode) *string {
	var b strings.Builder
	writeCompact(&b, n)
	s := b.String()
	return &s
}

func writeCompact(b *strings.Builder, n *jnode) {
	if n.kind != '{' && n.kind != '[' {
		b.WriteString(n.raw)
		return
	}
	b.WriteByte(n.kind)
	for i, kid := range n.kids {
		if i > 0 {
			b.WriteByte(',')
		}
		if n.kind == '{' {
			b.WriteString(n.keys[i].raw)
			b.WriteByte(':')
		}
		writeCompact(b, kid)
	}
	b.WriteByte(n.kind + 2) // } follows { as ] follows [
}

// diffLine is a line of a side of the Diff: the body indented, members in
// the order they are compared, and whether the line is at or below a
// pointer that changed.
type diffLine struct {
	Text    string `json:"text"`
	Changed bool   `json:"changed,omitempty"`
}

// lines prints n indented, marking what is at or below a changed pointer.
func lines(n *jnode, changed map[string]bool) []diffLine {
	var out []diffLine
	var walk func(n *jnode, path string, indent int, key string, last, hit bool)
	walk = func(n *jnode, path string, indent int, key string, last, hit bool) {
		hit = hit || changed[path] || (path == "" && changed["/"])
		pad := strings.Repeat("  ", min(indent, maxIndentDepth))
		if key != "" {
			pad += key + ": "
		}
		comma := ","
		if last {
			comma = ""
		}
		if (n.kind != '{' && n.kind != '[') || len(n.kids) == 0 {
			out = append(out, diffLine{Text: pad + *compact(n) + comma, Changed: hit})
			return
		}
		out = append(out, diffLine{Text: pad + string(n.kind), Changed: hit})
		var order []int
		if n.kind == '{' {
			order = sortedMembers(n)
		} else {
			for i := range n.kids {
				order = append(order, i)
			}
		}
		for k, i := range order {
			if n.kind == '{' {
				walk(n.kids[i], pointer(path, n.keys[i].str), indent+1, n.keys[i].raw, k == len(order)-1, hit)
			} else {
				walk(n.kids[i], pointer(path, itoa(i)), indent+1, "", k == len(order)-1, hit)
			}
		}
		out = append(out, diffLine{Text: strings.Repeat("  ", min(indent, maxIndentDepth)) + string(n.kind+2) + comma, Changed: hit})
	}
	walk(n, "", 0, "", true, false)
	return out
}

// diffCost is about the bytes a side of the Diff makes of n: its lines, as
// lines indents them, and the JSON Pointer of each value, which lines looks
// up and a change carries. Pointers grow with the nesting and with the
// names on the way: they are what makes a Diff of a deep body large.
func diffCost(n *jnode) int {
	var walk func(n *jnode, depth, pointerLen int) int
	walk = func(n *jnode, depth, pointerLen int) int {
		pad := 2 * min(depth, maxIndentDepth)
		c := pointerLen + pad + len(n.raw) + 2
		if len(n.kids) > 0 {
			c += pad + 2 // the closing line
		}
		for i, kid := range n.kids {
			step := 1 + digits(i)
			if n.kind == '{' {
				step = 1 + len(n.keys[i].raw)
				c += len(n.keys[i].raw) + 2
			}
			c += walk(kid, depth+1, pointerLen+step)
		}
		return c
	}
	return walk(n, 0, 0)
}

// digits is the length of i written in decimal.
func digits(i int) int {
	n := 1
	for ; i >= 10; i /= 10 {
		n++
	}
	return n
}
