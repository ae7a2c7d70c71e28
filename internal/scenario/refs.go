package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// refPattern is a reference to an earlier step's rendered payload,
// ${STEP:PATH}, the syntax Stripe's fixtures use; PATH is written as for
// --set.
var refPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{([^{}:]*):([^{}]*)\}`) })

// ref is one ${STEP:PATH} in a set value.
type ref struct {
	Step, Path string
	Text       string // as written
	Line       int
}

// value is a set value as the YAML file has it, references unresolved.
type value struct{ n *yaml.Node }

// Set values are bounded: YAML aliases let a small file describe a huge
// value (each alias of an alias doubles it), so both the depth and the
// number of values a set expands to are capped.
const (
	maxValueDepth = 64
	maxValueNodes = 10000
)

func (sc *Scenario) collectRefs(n *yaml.Node) ([]ref, error) {
	var refs []ref
	nodes := 0
	var walk func(n *yaml.Node, depth int) error
	walk = func(n *yaml.Node, depth int) error {
		if nodes++; nodes > maxValueNodes {
			return sc.errorf(n.Line, "", "a set value of more than %d values", maxValueNodes)
		}
		if depth > maxValueDepth {
			return sc.errorf(n.Line, "", "a set value nested more than %d levels deep", maxValueDepth)
		}
		switch n.Kind {
		case yaml.AliasNode:
			return walk(n.Alias, depth+1)
		case yaml.ScalarNode:
			if n.ShortTag() != "!!str" {
				return nil
			}
			for _, m := range refPattern().FindAllStringSubmatch(n.Value, -1) {
				r := ref{Step: strings.TrimSpace(m[1]), Path: strings.TrimSpace(m[2]), Text: m[0], Line: n.Line}
				if r.Step == "" || r.Path == "" {
					return sc.errorf(n.Line, "write ${STEP:PATH}, e.g. ${invite:email}", "incomplete reference %s", m[0])
				}
				refs = append(refs, r)
			}
		}
		for _, c := range n.Content {
			if err := walk(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return refs, walk(n, 0)
}

// checkRefs makes sure every reference names a step that comes earlier: an
// unknown step, the step itself or a later one is an error at the
// reference's line, a cycle shown as such.
func (sc *Scenario) checkRefs() error {
	for i, st := range sc.Steps {
		for _, set := range st.Sets {
			for _, r := range set.refs {
				j := sc.step(r.Step)
				switch {
				case j < 0:
					return sc.errorf(r.Line, "the steps are: "+strings.Join(sc.stepNames(), ", "),
						"%s refers to step %q, which the scenario does not have", r.Text, r.Step)
				case j == i:
					return sc.errorf(r.Line, "a step can only use an earlier step's payload",
						"reference cycle: step %q refers to itself in %s", st.Name, r.Text)
				case j > i:
					if path := sc.cycle(j, i); path != nil {
						return sc.errorf(r.Line, "a step can only use an earlier step's payload",
							"reference cycle: %s", strings.Join(append([]string{st.Name}, path...), " -> "))
					}
					return sc.errorf(r.Line, "a step can only use an earlier step's payload; move it below "+r.Step,
						"%s refers to step %q, which comes later", r.Text, r.Step)
				}
			}
		}
	}
	return nil
}

// cycle returns the step names on a chain of references from step from to
// step to (both included), or nil when there is none.
func (sc *Scenario) cycle(from, to int) []string {
	seen := map[int]bool{}
	var walk func(i int) []string
	walk = func(i int) []string {
		if i == to {
			return []string{sc.Steps[i].Name}
		}
		if seen[i] {
			return nil
		}
		seen[i] = true
		for _, set := range sc.Steps[i].Sets {
			for _, r := range set.refs {
				if j := sc.step(r.Step); j >= 0 {
					if rest := walk(j); rest != nil {
						return append([]string{sc.Steps[i].Name}, rest...)
					}
				}
			}
		}
		return nil
	}
	return walk(from)
}

// errTooLarge is a set value that comes to more than it may once its
// references are replaced.
var errTooLarge = errors.New("too large")

// toJSON renders v as JSON text, each reference replaced by what resolve
// returns for it (compact JSON). A string that is a single reference takes
// the referenced value as it is, number or object alike; a reference inside
// a longer string is spliced in as text. A value that comes to more than
// limit bytes stops there with errTooLarge: references to references can
// multiply a few bytes a hundredfold a step.
func (v value) toJSON(resolve func(ref) ([]byte, error), limit int) ([]byte, error) {
	w := jsonWriter{resolve: resolve, limit: limit}
	err := w.node(v.n, 0)
	if err == nil {
		err = w.check(0)
	}
	return w.buf.Bytes(), err
}

// jsonWriter renders one set value.
type jsonWriter struct {
	buf     bytes.Buffer
	resolve func(ref) ([]byte, error)
	limit   int
}

// check fails once the value has gone past its limit, with n more bytes
// about to be written.
func (w *jsonWriter) check(n int) error {
	if w.buf.Len()+n > w.limit {
		return errTooLarge
	}
	return nil
}

func (w *jsonWriter) node(n *yaml.Node, depth int) error {
	if depth > maxValueDepth {
		return fmt.Errorf("a value nested more than %d levels deep", maxValueDepth)
	}
	if err := w.check(0); err != nil {
		return err
	}
	buf := &w.buf
	switch n.Kind {
	case yaml.AliasNode:
		return w.node(n.Alias, depth+1)
	case yaml.MappingNode:
		buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, n.Content[i].Value)
			buf.WriteByte(':')
			if err := w.node(n.Content[i+1], depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := w.node(c, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	if n.ShortTag() == "!!str" {
		return w.string(n.Value)
	}
	return appendScalar(buf, n)
}

func appendScalar(buf *bytes.Buffer, n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!null":
		buf.WriteString("null")
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return err
		}
		buf.WriteString(strconv.FormatBool(b))
		return nil
	case "!!int":
		var i int64
		if err := n.Decode(&i); err != nil {
			return fmt.Errorf("%s is out of range for a JSON integer", n.Value)
		}
		buf.WriteString(strconv.FormatInt(i, 10))
		return nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("%s is not a number JSON can carry", n.Value)
		}
		buf.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		return nil
	}
	writeString(buf, n.Value) // timestamps and the like stay text
	return nil
}

func (w *jsonWriter) string(s string) error {
	locs := refPattern().FindAllStringSubmatchIndex(s, -1)
	if len(locs) == 1 && locs[0][0] == 0 && locs[0][1] == len(s) {
		raw, err := w.resolve(refAt(s, locs[0]))
		if err == nil {
			err = w.check(len(raw))
		}
		if err != nil {
			return err
		}
		w.buf.Write(raw)
		return nil
	}
	var out strings.Builder
	last := 0
	for _, l := range locs {
		out.WriteString(s[last:l[0]])
		raw, err := w.resolve(refAt(s, l))
		if err != nil {
			return err
		}
		if err := w.check(out.Len() + len(raw)); err != nil {
			return err
		}
		var str string
		if json.Unmarshal(raw, &str) == nil {
			out.WriteString(str)
		} else {
			out.Write(raw)
		}
		last = l[1]
	}
	out.WriteString(s[last:])
	writeString(&w.buf, out.String())
	return nil
}

func refAt(s string, loc []int) ref {
	return ref{Step: strings.TrimSpace(s[loc[2]:loc[3]]), Path: strings.TrimSpace(s[loc[4]:loc[5]]), Text: s[loc[0]:loc[1]]}
}

func writeString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always marshals
	buf.Write(b)
}
