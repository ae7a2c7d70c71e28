// Package yamlcheck guards the tool's two readers of YAML a user hands it,
// the config file and scenario files, against what a small file can cost:
// aliases that expand a few kilobytes into gigabytes (Bound), and finding
// the line of a syntax error (SyntaxLine) without re-parsing the file once
// per line. It works on the yaml.Node tree, before anything is decoded.
// It also writes such a tree as JSON (JSON), once for the three readers
// that turn YAML into JSON: OpenAPI documents, a scenario's set values and
// a response rule's body, each with the limits and typing it asks for.
package yamlcheck

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// A Bound adds up what YAML values come to once every alias is replaced by
// the value it names, and refuses them past Limit bytes. A value counts the
// length of its text plus one byte (so that a list of empty strings still
// costs something); an alias counts what it names, each time it is used;
// a key counts as a value. One Bound can be fed several values (the set
// values of every step of a scenario): Limit holds for them together.
//
// The walk memoises what each anchored value expands to, so it costs one
// visit per node of the file however deep the aliases of aliases go, and
// it stops as soon as the total passes Limit: a file that would expand to
// gigabytes is refused after reading it once.
type Bound struct {
	Limit int64

	total    int64
	size     map[*yaml.Node]int64 // what an anchored node expands to
	open     map[*yaml.Node]bool  // anchored nodes being walked
	failLine int                  // where the total passed Limit
}

// LimitError is a document that expands past its Bound: Line is where
// the total passed the limit (the alias being expanded, or the value).
type LimitError struct {
	Line  int
	Limit int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("line %d: more than %d bytes once aliases are expanded", e.Line, e.Limit)
}

// Add adds what n expands to, and fails with a *LimitError once the values
// added so far come to more than Limit. An alias that names a value
// containing itself adds nothing: the decoder refuses it on its own.
func (b *Bound) Add(n *yaml.Node) error {
	if b.size == nil {
		b.size, b.open = map[*yaml.Node]int64{}, map[*yaml.Node]bool{}
	}
	if b.walk(n, 0) {
		return nil
	}
	return &LimitError{Line: b.failLine, Limit: b.Limit}
}

// Total is what the values added so far come to.
func (b *Bound) Total() int64 { return b.total }

// walk adds n's expanded size to the total and reports whether it is still
// within the limit; at is the line of the outermost alias being expanded,
// 0 when n is walked where it is written.
func (b *Bound) walk(n *yaml.Node, at int) bool {
	if n == nil {
		return true
	}
	if s, ok := b.size[n]; ok {
		return b.spend(s, at, n)
	}
	if b.open[n] {
		return true // a value containing itself: the decoder says so
	}
	start := b.total
	if n.Anchor != "" {
		b.open[n] = true
		defer delete(b.open, n)
	}
	if n.Kind == yaml.AliasNode {
		if at == 0 {
			at = n.Line
		}
		if !b.walk(n.Alias, at) {
			return false
		}
	} else if !b.spend(int64(len(n.Value))+1, at, n) {
		return false
	}
	for _, c := range n.Content {
		if !b.walk(c, at) {
			return false
		}
	}
	if n.Anchor != "" {
		b.size[n] = b.total - start
	}
	return true
}

// spend adds s bytes of n (expanded at the alias on line at, when not 0)
// and reports whether the total is still within the limit.
func (b *Bound) spend(s int64, at int, n *yaml.Node) bool {
	b.total += s
	if b.total <= b.Limit {
		return true
	}
	b.failLine = at
	if at == 0 {
		b.failLine = n.Line
	}
	return false
}
